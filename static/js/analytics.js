// The analytics page's charts, drawn from the JSON the server puts in #analytics-data (no inline script: CSP).
// htmx swaps #report when the range changes; the charts are then drawn again from the new JSON.
// Canvases carry data-chart, not ids: htmx "settles" elements whose id survives a swap by copying their style
// attribute, which CSP (style-src 'self') refuses once Chart.js has sized them.
(() => {
  const charts = {};

  const readData = () => {
    const node = document.getElementById("analytics-data");
    return node ? JSON.parse(node.textContent) : null;
  };

  const draw = (name, config) => {
    const canvas = document.querySelector(`#report canvas[data-chart="${name}"]`);
    if (charts[name]) charts[name].destroy();
    if (!canvas) return;
    charts[name] = new window.Chart(canvas, config);
  };

  const money = (value) => Number.parseFloat(value);

  const render = () => {
    const data = readData();
    if (!data || !window.Chart) return;
    const options = { responsive: true, maintainAspectRatio: false, animation: false };
    draw("revenue", {
      type: "bar",
      data: {
        labels: data.series.map((p) => p.day),
        datasets: [
          { type: "line", label: `Revenue (${data.currency})`, data: data.series.map((p) => money(p.revenue)), yAxisID: "y" },
          { type: "bar", label: "Orders", data: data.series.map((p) => p.orders), yAxisID: "y1" },
        ],
      },
      options: { ...options, scales: { y: { beginAtZero: true }, y1: { beginAtZero: true, position: "right", grid: { drawOnChartArea: false } } } },
    });
    const stages = Object.entries(data.fulfillment);
    const hours = [...new Set(stages.flatMap(([, buckets]) => buckets.map((b) => b.hours)))].sort((a, b) => a - b);
    draw("fulfillment", {
      type: "bar",
      data: {
        labels: hours.map((h) => `${h} h`),
        datasets: stages.map(([label, buckets]) => ({
          label,
          data: hours.map((h) => (buckets.find((b) => b.hours === h) || { orders: 0 }).orders),
        })),
      },
      options: { ...options, scales: { y: { beginAtZero: true, title: { display: true, text: "Orders" } } } },
    });
    draw("products", {
      type: "bar",
      data: {
        labels: data.top_products.map((p) => p.name),
        datasets: [
          { label: `Revenue (${data.currency})`, data: data.top_products.map((p) => money(p.revenue)) },
          { label: `Margin (${data.currency})`, data: data.top_products.map((p) => money(p.margin)) },
        ],
      },
      options: { ...options, indexAxis: "y" },
    });
    draw("categories", {
      type: "bar",
      data: {
        labels: data.categories.map((c) => c.category),
        datasets: [{ label: `Revenue (${data.currency})`, data: data.categories.map((c) => money(c.revenue)) }],
      },
      options,
    });
    document.dispatchEvent(new CustomEvent("analytics:drawn", { detail: { from: data.series[0]?.day } }));
  };

  // Draw once per data node: on load, and after htmx put a new report in place.
  let drawnFrom = null;
  const renderIfNew = () => {
    const node = document.getElementById("analytics-data");
    if (node && node !== drawnFrom) {
      drawnFrom = node;
      render();
    }
  };
  document.addEventListener("DOMContentLoaded", renderIfNew);
  document.addEventListener("htmx:afterSettle", renderIfNew);
  window.nexusAnalytics = { charts };
})();

// Small behaviours that need no framework. No inline scripts: CSP forbids them.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const target = document.querySelector(button.dataset.copy);
  if (!target) return;
  navigator.clipboard.writeText(target.value || target.textContent.trim()).then(() => {
    button.textContent = "Copied";
  });
});

// The phone menu: on narrow screens CSS hides the navigation until this button opens it.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-menu-toggle]");
  if (!button) return;
  const open = button.getAttribute("aria-expanded") !== "true";
  button.setAttribute("aria-expanded", String(open));
  button.closest(".topbar").classList.toggle("menu-open", open);
});

document.addEventListener("submit", (event) => {
  const message = event.target.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});

document.addEventListener("change", (event) => {
  const toggle = event.target.closest("[data-check-all]");
  if (!toggle) return;
  document.querySelectorAll(toggle.dataset.checkAll).forEach((box) => { box.checked = toggle.checked; });
});

// Filter forms leave their empty fields out of the request, so the URL they push stays short
// (`?search=lamp`, not `?search=lamp&status=&trigger=`).
document.addEventListener("htmx:configRequest", (event) => {
  if (event.detail.verb !== "get" || !event.detail.elt.matches("form[role=search]")) return;
  const params = event.detail.parameters;
  Object.entries(params).forEach(([name, value]) => { if (value === "") delete params[name]; });
});

// Live updates: relay /events/stream messages as htmx triggers "nx:<kind>" on <body>.
// When the stream is refused (204: no pub/sub or too many open) or fails for good, partials are refreshed by polling instead:
// "nx:poll" on <body> every 15 s (partials list it beside their live trigger).
(() => {
  const url = document.body.dataset.liveEvents;
  if (!url) return;
  let poller = null;
  const trigger = (name, detail) => { if (window.htmx) window.htmx.trigger(document.body, name, detail || {}); };
  const startPolling = () => { if (!poller) poller = window.setInterval(() => trigger("nx:poll"), 15000); };
  if (!window.EventSource) { startPolling(); return; }
  const source = new EventSource(url);
  const relay = (event) => {
    let detail = {};
    try { detail = JSON.parse(event.data); } catch (_) { /* keep empty */ }
    trigger(`nx:${event.type}`, detail);
  };
  ["sync.progress", "sync.finished", "stock.changed", "order.status", "import.progress", "notification"].forEach(
    (kind) => source.addEventListener(kind, relay),
  );
  source.onopen = () => { if (poller) { window.clearInterval(poller); poller = null; } };
  source.onerror = () => { if (source.readyState === EventSource.CLOSED) { source.close(); startPolling(); } };
})();

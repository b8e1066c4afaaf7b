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
// A 204 (no pub/sub available) closes the stream; partials keep polling then.
(() => {
  if (!document.body.dataset.liveEvents || !window.EventSource) return;
  const source = new EventSource(document.body.dataset.liveEvents);
  const relay = (event) => {
    let detail = {};
    try { detail = JSON.parse(event.data); } catch (_) { /* keep empty */ }
    if (window.htmx) window.htmx.trigger(document.body, `nx:${event.type}`, detail);
  };
  ["sync.progress", "sync.finished", "stock.changed", "order.status", "import.progress", "notification"].forEach(
    (kind) => source.addEventListener(kind, relay),
  );
  source.onerror = () => { if (source.readyState === EventSource.CLOSED) source.close(); };
})();

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

document.addEventListener("submit", (event) => {
  const message = event.target.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});

document.addEventListener("change", (event) => {
  const toggle = event.target.closest("[data-check-all]");
  if (!toggle) return;
  document.querySelectorAll(toggle.dataset.checkAll).forEach((box) => { box.checked = toggle.checked; });
});

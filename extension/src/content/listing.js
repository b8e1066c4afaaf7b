// A CJ listing or search page: a checkbox on every product card and an "Import selected (N)" bar.

import { cardOf, productLinks } from "../lib/pid.js";
import { STATES, stateOfError, stateOfItem } from "../lib/states.js";
import { importProducts, lookup } from "./messaging.js";

let cards = new Map(); // PID → {card, checkbox, label, link}
let bar = null;

function buildBar() {
  const element = document.createElement("div");
  element.className = "nx1-bar";
  element.innerHTML = `
    <strong class="nx1-bar-title">NexusOne</strong>
    <button type="button" class="nx1-select-all">Select all</button>
    <button type="button" class="nx1-select-none">Select none</button>
    <button type="button" class="nx1-import-selected"></button>
    <span class="nx1-bar-message" role="status" aria-live="polite"></span>`;
  element.querySelector(".nx1-select-all").addEventListener("click", () => selectAll(true));
  element.querySelector(".nx1-select-none").addEventListener("click", () => selectAll(false));
  element.querySelector(".nx1-import-selected").addEventListener("click", importSelected);
  document.body.append(element);
  return element;
}

function selectable(entry) {
  return !entry.checkbox.disabled;
}

function selected() {
  return [...cards].filter(([, entry]) => entry.checkbox.checked).map(([pid]) => pid);
}

function refreshBar() {
  const count = selected().length;
  const button = bar.querySelector(".nx1-import-selected");
  button.textContent = `Import selected (${count})`;
  button.disabled = count === 0;
}

function selectAll(checked) {
  for (const entry of cards.values()) if (selectable(entry)) entry.checkbox.checked = checked;
  refreshBar();
}

function barMessage(text) {
  bar.querySelector(".nx1-bar-message").textContent = text;
}

function showCard(pid, { state, message = "", link = "" }) {
  const entry = cards.get(pid);
  entry.card.dataset.nexusoneState = state;
  entry.label.textContent = message;
  entry.link.hidden = !link;
  if (link) entry.link.href = link;
  const done = state === STATES.IMPORTED || state === STATES.IMPORTING;
  entry.checkbox.disabled = done;
  if (done) entry.checkbox.checked = false;
}

function addCard(pid, anchor) {
  const card = cardOf(anchor, pid);
  card.classList.add("nx1-card");
  card.dataset.nexusonePid = pid;
  const control = document.createElement("div");
  control.className = "nx1-card-control";
  control.innerHTML = `
    <label class="nx1-pick"><input type="checkbox" class="nx1-checkbox"> Import to NexusOne</label>
    <span class="nx1-card-state"></span>
    <a class="nx1-link" target="_blank" rel="noopener" hidden>Open in NexusOne</a>`;
  card.prepend(control);
  const checkbox = control.querySelector(".nx1-checkbox");
  checkbox.setAttribute("aria-label", `Import ${anchor.textContent.trim() || pid} to NexusOne`);
  checkbox.addEventListener("change", refreshBar);
  // A click on the checkbox must not follow the card's link.
  control.addEventListener("click", (event) => event.stopPropagation());
  cards.set(pid, { card, checkbox, label: control.querySelector(".nx1-card-state"), link: control.querySelector(".nx1-link") });
}

async function markImported(pids) {
  const answer = await lookup(pids);
  if (!answer?.ok) {
    barMessage(answer?.error?.message ?? "");
    return;
  }
  for (const pid of pids) {
    const product = answer.imported[pid];
    if (product) showCard(pid, { state: STATES.IMPORTED, message: "In your catalog", link: product.dashboard_url });
    else showCard(pid, { state: STATES.NOT_IMPORTED });
  }
  refreshBar();
}

function onImportMessage(pids, message) {
  if (message.type === "error") {
    for (const pid of pids) showCard(pid, { state: STATES.NOT_IMPORTED });
    barMessage(stateOfError(message.error).message);
    refreshBar();
    return;
  }
  const { job } = message;
  for (const item of job.items) {
    if (!cards.has(item.pid)) continue;
    const link = message.imported?.[item.pid]?.dashboard_url ?? "";
    const shown = stateOfItem(item);
    showCard(item.pid, { ...shown, message: shown.message, link });
  }
  if (message.type === "done") barMessage(`Done: ${job.imported} imported, ${job.requested - job.imported} not imported.`);
  else barMessage(`Importing… ${job.progress ?? 0}%`);
  refreshBar();
}

function importSelected() {
  const pids = selected();
  if (!pids.length) return;
  for (const pid of pids) showCard(pid, { state: STATES.IMPORTING, message: "Importing…" });
  barMessage(`Importing ${pids.length} product${pids.length === 1 ? "" : "s"}…`);
  refreshBar();
  importProducts(pids, (message) => onImportMessage(pids, message));
}

/** Give checkboxes to the cards not seen yet; look them up in one request. */
function scan() {
  const fresh = [];
  for (const [pid, anchors] of productLinks(document)) {
    if (cards.has(pid)) continue;
    addCard(pid, anchors[0]);
    fresh.push(pid);
  }
  if (!fresh.length) return;
  bar ??= buildBar();
  for (const pid of fresh) showCard(pid, { state: STATES.CHECKING });
  refreshBar();
  markImported(fresh);
}

/** Start on this page; the returned function removes everything the extension added (before CJ navigates). */
export function startListing() {
  scan();
  // CJ renders its lists as you scroll or filter: pick up new cards a moment after the page settles.
  let pending = null;
  const observer = new MutationObserver(() => {
    clearTimeout(pending);
    pending = setTimeout(scan, 300);
  });
  observer.observe(document.body, { childList: true, subtree: true });
  return () => {
    observer.disconnect();
    clearTimeout(pending);
    for (const { card } of cards.values()) {
      card.querySelector(":scope > .nx1-card-control")?.remove();
      card.classList.remove("nx1-card");
      delete card.dataset.nexusonePid;
      delete card.dataset.nexusoneState;
    }
    bar?.remove();
    cards = new Map();
    bar = null;
  };
}

// A CJ product page: an "Import to NexusOne" button by the title, showing this product's state.

import { STATES, buttonLabel, stateOfError, stateOfItem } from "../lib/states.js";
import { importProducts, lookup } from "./messaging.js";

function buildWidget() {
  const widget = document.createElement("div");
  widget.className = "nx1-widget";
  widget.innerHTML = `
    <button type="button" class="nx1-button"></button>
    <a class="nx1-link" target="_blank" rel="noopener" hidden>Open in NexusOne</a>
    <span class="nx1-message" role="status" aria-live="polite"></span>`;
  return widget;
}

function show(widget, { state, message = "", link = "" }) {
  widget.dataset.nexusoneState = state;
  const button = widget.querySelector(".nx1-button");
  button.textContent = buttonLabel(state);
  button.disabled = state === STATES.IMPORTING || state === STATES.IMPORTED || state === STATES.CHECKING;
  const anchor = widget.querySelector(".nx1-link");
  anchor.hidden = !link;
  if (link) anchor.href = link;
  widget.querySelector(".nx1-message").textContent = message;
}

/** Beside the product title when the page has one; otherwise pinned to the top corner until it appears. */
function place(widget) {
  const title = document.querySelector("h1");
  if (title) {
    title.insertAdjacentElement("afterend", widget);
    widget.classList.remove("nx1-floating");
    return true;
  }
  widget.classList.add("nx1-floating");
  if (!widget.isConnected) document.body.append(widget);
  return false;
}

/** Keep the widget by the title; the returned function stops watching. */
function followTitle(widget) {
  if (place(widget)) return () => {};
  const observer = new MutationObserver(() => place(widget) && observer.disconnect());
  observer.observe(document.body, { childList: true, subtree: true });
  const timer = setTimeout(() => observer.disconnect(), 30000);
  return () => {
    observer.disconnect();
    clearTimeout(timer);
  };
}

function onImportMessage(widget, pid, message) {
  if (message.type === "error") return show(widget, stateOfError(message.error));
  const item = message.job.items.find((candidate) => candidate.pid === pid) ?? { status: "failed" };
  const link = message.imported?.[pid]?.dashboard_url ?? "";
  show(widget, { ...stateOfItem(item), link });
}

async function showCatalogState(widget, pid) {
  const answer = await lookup([pid]);
  if (!answer?.ok) return show(widget, stateOfError(answer?.error ?? { message: "" }));
  const product = answer.imported[pid];
  if (product) show(widget, { state: STATES.IMPORTED, message: "In your catalog.", link: product.dashboard_url });
  else show(widget, { state: STATES.NOT_IMPORTED });
}

/** Start on this product's page; the returned function removes the button (before CJ navigates). */
export function startProductPage(pid) {
  const widget = buildWidget();
  widget.dataset.nexusonePid = pid;
  const stopFollowing = followTitle(widget);
  show(widget, { state: STATES.CHECKING, message: "Checking your NexusOne catalog…" });
  widget.querySelector(".nx1-button").addEventListener("click", () => {
    show(widget, { state: STATES.IMPORTING, message: "Importing…" });
    importProducts([pid], (message) => onImportMessage(widget, pid, message));
  });
  showCatalogState(widget, pid);
  return () => {
    stopFollowing();
    widget.remove();
  };
}

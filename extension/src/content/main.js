import { parsePid } from "../lib/pid.js";
import { startListing } from "./listing.js";
import { startProductPage } from "./product.js";

function startOn(url) {
  const pid = parsePid(url);
  return pid ? startProductPage(pid) : startListing();
}

/** Run on this page, and again whenever CJ's single-page app moves to another URL without a reload. */
export function start() {
  let url = location.href;
  let stop = startOn(url);
  const check = () => {
    if (location.href === url) return;
    url = location.href;
    stop();
    stop = startOn(url);
  };
  window.addEventListener("popstate", check);
  new MutationObserver(check).observe(document, { childList: true, subtree: true });
}

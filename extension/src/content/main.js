import { parsePid } from "../lib/pid.js";
import { startListing } from "./listing.js";
import { startProductPage } from "./product.js";

export function start() {
  const pid = parsePid(location.href);
  if (pid) startProductPage(pid);
  else startListing();
}

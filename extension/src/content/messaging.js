// The page's side of the service worker's API: the token never comes here.

/** Which of these PIDs are imported: {ok, imported: {PID: {id, name, dashboard_url}}} or {ok: false, error}. */
export async function lookup(pids) {
  try {
    return await chrome.runtime.sendMessage({ type: "lookup", pids });
  } catch {
    return { ok: false, error: { kind: "extension", message: "The extension was updated; reload this page." } };
  }
}

/** Import these PIDs; `onMessage` receives progress ({type: "progress", job}), "done" or "error". */
export function importProducts(pids, onMessage) {
  const port = chrome.runtime.connect({ name: "import" });
  port.onMessage.addListener((message) => {
    onMessage(message);
    if (message.type !== "progress") port.disconnect();
  });
  port.postMessage({ pids });
}

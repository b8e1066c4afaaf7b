import { checkServerUrl, runtimeOriginFor, storage } from "../src/lib/config.js";

const input = document.querySelector("#server");
const status = document.querySelector("#status");

function say(text, isError = false) {
  status.textContent = text;
  status.className = isError ? "error" : "muted";
}

document.querySelector("#server-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const checked = checkServerUrl(input.value);
  if (checked.error) return say(checked.error, true);
  const origin = runtimeOriginFor(checked.server);
  // Asked here, in the click: Chrome only shows the permission prompt during a user gesture.
  if (origin) {
    let allowed = false;
    try {
      allowed = await chrome.permissions.request({ origins: [origin] });
    } catch {
      // Chrome refuses an origin the manifest does not list: this copy was built for another server.
      return say(
        `This copy of the extension was not built for ${checked.server}. Download it from that server's Extension page, then load it again.`,
        true,
      );
    }
    if (!allowed) return say(`Chrome did not allow the extension to reach ${checked.server}; nothing changed.`, true);
  }
  const answer = await chrome.runtime.sendMessage({ type: "setServer", server: checked.server });
  if (!answer.ok) return say(answer.error.message, true);
  input.value = answer.server;
  say(`Saved. Open the NexusOne extension to pair with ${answer.server}.`);
});

storage.get().then(({ server }) => {
  input.value = server;
});

import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { test } from "node:test";

const root = new URL("../", import.meta.url);
const manifest = JSON.parse(readFileSync(new URL("manifest.json", root), "utf8"));

test("host permissions are CJ's site and this computer only", () => {
  assert.deepEqual(manifest.host_permissions, ["https://*.cjdropshipping.com/*", "http://127.0.0.1/*", "http://localhost/*"]);
  // A zip built for a self-hosted HTTPS server adds that one origin as optional (extension_auth/packaging.py).
  assert.equal(manifest.optional_host_permissions, undefined);
  const granted = [...manifest.host_permissions, ...manifest.content_scripts.flatMap((c) => c.matches)];
  for (const broad of ["<all_urls>", "*://*/*", "https://*/*", "http://*/*"]) assert.ok(!granted.includes(broad), broad);
});

test("every file the manifest names exists", () => {
  const files = [
    manifest.background.service_worker,
    manifest.action.default_popup,
    manifest.options_ui.page,
    ...Object.values(manifest.icons),
    ...manifest.content_scripts.flatMap((c) => [...c.js, ...c.css]),
    ...manifest.web_accessible_resources.flatMap((w) => w.resources),
  ];
  for (const file of files) assert.ok(existsSync(new URL(file, root)), file);
});

test("every module the content script imports is web accessible", () => {
  const exposed = new Set(manifest.web_accessible_resources.flatMap((w) => w.resources));
  const pending = ["src/content/main.js"];
  const seen = new Set();
  while (pending.length) {
    const file = pending.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    assert.ok(exposed.has(file), `${file} is imported by the content script but not web accessible`);
    const source = readFileSync(new URL(file, root), "utf8");
    for (const [, spec] of source.matchAll(/from\s+"(\.[^"]+)"/g)) {
      pending.push(new URL(spec, new URL(file, root)).pathname.slice(new URL(root).pathname.length));
    }
  }
  assert.ok(seen.size >= 4);
});

import assert from "node:assert/strict";
import { test } from "node:test";

import { checkDefaults, checkServerUrl, runtimeOriginFor } from "../src/lib/config.js";

test("a server on this computer may use plain HTTP; any other needs HTTPS", () => {
  assert.deepEqual(checkServerUrl("http://127.0.0.1:8000/"), { server: "http://127.0.0.1:8000" });
  assert.deepEqual(checkServerUrl(" http://localhost:9000/dashboard "), { server: "http://localhost:9000" });
  assert.deepEqual(checkServerUrl("https://shop.example.com/x"), { server: "https://shop.example.com" });
  assert.match(checkServerUrl("http://shop.example.com").error, /https:\/\//);
  assert.match(checkServerUrl("ftp://127.0.0.1").error, /https:\/\//);
  assert.match(checkServerUrl("nexusone").error, /address/);
});

test("only a server off this computer needs a host permission at run time", () => {
  assert.equal(runtimeOriginFor("http://127.0.0.1:8000"), null);
  assert.equal(runtimeOriginFor("https://shop.example.com"), "https://shop.example.com/*");
});

test("import defaults are checked and tidied", () => {
  assert.deepEqual(checkDefaults({ markupType: "percent", markupValue: " 40 ", category: " Home ", tags: "new, ,sale" }), {
    defaults: { markup: { type: "percent", value: "40" }, category: "Home", tags: ["new", "sale"] },
  });
  assert.deepEqual(checkDefaults({}), { defaults: { markup: null, category: "", tags: [] } });
  assert.match(checkDefaults({ markupValue: "40%" }).error, /^Markup/);
  assert.match(checkDefaults({ markupValue: "2", markupType: "double" }).error, /^Markup/);
});

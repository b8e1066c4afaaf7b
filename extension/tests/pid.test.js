import assert from "node:assert/strict";
import { test } from "node:test";

import { isCjHost, parsePid } from "../src/lib/pid.js";

const UUID = "7874B45D-E971-4DC8-8F59-40530B0F6B77";

test("a product page URL gives its PID in upper case", () => {
  assert.equal(parsePid(`https://www.cjdropshipping.com/product/desk-lamp-p-${UUID.toLowerCase()}.html`), UUID);
});

test("a long numeric PID is taken whole", () => {
  assert.equal(parsePid("https://cjdropshipping.com/product/mug-p-1452365879215469568.html"), "1452365879215469568");
});

test("query strings and fragments are ignored", () => {
  assert.equal(parsePid(`https://www.cjdropshipping.com/product/x-p-${UUID}.html?from=search#reviews`), UUID);
});

test("an empty or URL-encoded slug still gives the PID, from the last -p-", () => {
  assert.equal(parsePid(`https://www.cjdropshipping.com/product/-p-${UUID}.html`), UUID);
  assert.equal(parsePid(`https://www.cjdropshipping.com/product/t-shirt%20-p-big-p-${UUID}.html`), UUID);
});

test("regional subdomains are CJ; look-alike hosts are not", () => {
  assert.equal(parsePid(`https://us.cjdropshipping.com/product/x-p-${UUID}.html`), UUID);
  assert.equal(parsePid(`https://cjdropshipping.com.evil.example/product/x-p-${UUID}.html`), null);
  assert.equal(parsePid(`https://notcjdropshipping.com/product/x-p-${UUID}.html`), null);
  assert.equal(isCjHost("CJDROPSHIPPING.COM"), true);
});

test("the CJ sandbox of `make run` on this computer has product pages too", () => {
  assert.equal(parsePid(`http://127.0.0.1:8000/sandbox/cj/product/lamp-p-${UUID}.html`), UUID);
  assert.equal(parsePid(`http://localhost:8000/sandbox/cj/product/lamp-p-${UUID}.html`), UUID);
  assert.equal(parsePid(`http://127.0.0.1:8000/product/lamp-p-${UUID}.html`), null);
  assert.equal(parsePid(`http://shop.example.com/sandbox/cj/product/lamp-p-${UUID}.html`), null);
});

test("CJ's site is only trusted over HTTPS", () => {
  assert.equal(parsePid(`http://www.cjdropshipping.com/product/x-p-${UUID}.html`), null);
});

test("other CJ pages and malformed ids give no PID", () => {
  assert.equal(parsePid("https://www.cjdropshipping.com/list/wholesale-home-l-2415.html"), null);
  assert.equal(parsePid("https://www.cjdropshipping.com/product/x-p-12345.html"), null);
  assert.equal(parsePid(`https://www.cjdropshipping.com/other/x-p-${UUID}.html`), null);
  assert.equal(parsePid("not a url"), null);
});

test("relative links resolve against the page", () => {
  assert.equal(parsePid(`/product/x-p-${UUID}.html`, "https://www.cjdropshipping.com/search?q=lamp"), UUID);
});

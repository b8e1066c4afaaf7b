"""Local stand-ins for CJ's product and listing pages, served at CJ's URLs by Playwright's routing.

Like CJ's, the pages render their product cards from script after load and link each card to its product page
twice (image and title); nothing in them is made for the extension.
"""

from __future__ import annotations

import html
import json
import re
import urllib.parse

CJ_ORIGIN = "https://www.cjdropshipping.com"
CJ_URLS = re.compile(r"^https://([a-z0-9-]+\.)?cjdropshipping\.com/")
PRODUCT_PATH = re.compile(r"^/product/.*-p-([0-9A-Za-z-]+)\.html$")


def product_url(pid: str, name: str) -> str:
    slug = urllib.parse.quote(name.lower().replace(" ", "-"))
    return f"{CJ_ORIGIN}/product/{slug}-p-{pid}.html"


def _layout(title: str, body: str) -> str:
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)} - CJdropshipping</title>
<style>.card{{display:inline-block;width:220px;margin:8px}} img{{width:200px;height:200px}}</style>
</head><body>
<header class="top-bar"><a href="/">CJdropshipping</a>
<a href="/list/wholesale-home-garden-l-2415.html">Home &amp; Garden</a> <a href="/search?q=lamp">Search</a>
<a href="/product-detail.html?id=1">Help</a></header>
<div id="app">{body}</div>
</body></html>"""


def product_page(pid: str, name: str, price: str = "12.50") -> str:
    body = f"""
<nav class="breadcrumb"><a href="/">Home</a> /
  <a href="/list/wholesale-home-garden-l-2415.html">Home &amp; Garden</a></nav>
<div class="product-detail">
  <div class="gallery"><img alt=""></div>
  <div class="info">
    <h1 class="product-name">{html.escape(name)}</h1>
    <p class="price">${html.escape(price)}</p>
    <button type="button" class="add-to-cart">Add to cart</button>
  </div>
</div>"""
    return _layout(name, body)


def listing_page(products: list[tuple[str, str]], *, rendered_later: int = 1) -> str:
    """Cards for `products` (pid, name); the last `rendered_later` appear a moment after load, as CJ's do."""
    cards = [
        {"url": product_url(pid, name), "name": name, "price": f"{4 + n}.99"} for n, (pid, name) in enumerate(products)
    ]
    body = f"""
<h2>Home &amp; Garden</h2>
<div class="product-list" id="list"></div>
<script>
  const cards = {json.dumps(cards)};
  function render(card) {{
    const div = document.createElement("div");
    div.className = "card";
    div.innerHTML = `<a class="img" href="${{card.url}}"><img alt=""></a>
      <div class="meta"><a class="title" href="${{card.url}}"></a><p class="price"></p></div>`;
    div.querySelector(".title").textContent = card.name;
    div.querySelector(".price").textContent = "$" + card.price;
    document.getElementById("list").append(div);
  }}
  const now = cards.length - {rendered_later};
  cards.slice(0, now).forEach(render);
  setTimeout(() => cards.slice(now).forEach(render), 400);
</script>"""
    return _layout("Home & Garden", body)

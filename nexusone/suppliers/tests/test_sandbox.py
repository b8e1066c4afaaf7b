"""The sandbox speaks CJ's protocol: paths, envelope, field names, error codes, CJ-shaped product URLs."""

from __future__ import annotations

import re
import urllib.parse

import pytest
import requests

from nexusone.suppliers.cj.accounting import POINTS, points_for
from nexusone.suppliers.cj.sandbox.catalog import build_catalog
from nexusone.suppliers.cj.sandbox.qps import ArrivalWindow
from nexusone.suppliers.cj.sandbox.state import sign

# CJ_API.md §13
PID_RE = re.compile(
    r"-p-([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}|\d{15,20})\.html",
)


@pytest.fixture
def api(cj_sandbox):
    base = cj_sandbox.api_base_url
    token = requests.post(f"{base}/authentication/getAccessToken", json={"apiKey": "sandbox-key"}, timeout=5).json()
    headers = {"CJ-Access-Token": token["data"]["accessToken"]}

    def call(method: str, path: str, **kwargs):
        kwargs.setdefault("headers", headers)
        return requests.request(method, f"{base}/{path}", timeout=10, **kwargs)

    return call


def test_the_catalog_is_deterministic_with_at_least_200_products_in_categories():
    products, categories = build_catalog()
    again, _ = build_catalog()
    assert len(products) >= 200
    assert list(products) == list(again)
    assert len(categories) >= 10
    assert all(p.variants for p in products.values())
    assert any(pid.isdigit() for pid in products)  # CJ's long numeric pids
    assert any("-" in pid and pid == pid.upper() for pid in products)  # and uppercase UUIDs


def test_login_answers_cj_token_fields_with_open_id_as_a_number(cj_sandbox):
    body = requests.post(
        f"{cj_sandbox.api_base_url}/authentication/getAccessToken", json={"apiKey": "sandbox-key"}, timeout=5
    ).json()
    assert body["code"] == 200
    assert body["result"] is True
    assert body["requestId"]
    data = body["data"]
    assert set(data) == {
        "openId",
        "accessToken",
        "accessTokenExpiryDate",
        "refreshToken",
        "refreshTokenExpiryDate",
        "createDate",
    }
    assert isinstance(data["openId"], int)
    assert data["accessTokenExpiryDate"].endswith("+08:00")


def test_a_wrong_key_is_answered_like_cj_with_http_200_and_1600005(cj_sandbox):
    response = requests.post(
        f"{cj_sandbox.api_base_url}/authentication/getAccessToken", json={"apiKey": "CJ1@api@nope"}, timeout=5
    )
    assert response.status_code == 200
    assert response.json()["code"] == 1600005
    assert response.json()["result"] is False


def test_calls_without_or_with_a_bad_token_are_refused(api):
    assert api("GET", "product/listV2", headers={}).json()["code"] == 1600002
    assert api("GET", "product/listV2", headers={"CJ-Access-Token": "bad"}).json()["code"] == 1600001


def test_unknown_paths_and_wrong_methods_get_cj_codes(api):
    assert api("GET", "product/nothing").json()["code"] == 1600101
    assert api("POST", "product/listV2", json={}).json()["code"] == 16900202


def test_list_v2_nests_products_and_gives_price_ranges(api):
    data = api("GET", "product/listV2", params={"size": 50}).json()["data"]
    assert data["totalRecords"] >= 200
    products = data["content"][0]["productList"]
    assert len(products) == 50
    assert {"id", "nameEn", "sku", "bigImage", "sellPrice", "categoryId", "warehouseInventoryNum"} <= set(products[0])
    assert any(" -- " in p["sellPrice"] for p in products)


def test_product_query_and_inventory_use_cj_field_names(api):
    pid = api("GET", "product/listV2").json()["data"]["content"][0]["productList"][0]["id"]
    product = api("GET", "product/query", params={"pid": pid, "features": "enable_inventory"}).json()["data"]
    variant = product["variants"][0]
    assert {"vid", "pid", "variantSku", "variantKey", "variantSellPrice", "variantWeight", "inventories"} <= set(
        variant
    )
    assert "totalInventory" in variant["inventories"][0]
    inventory = api("GET", "product/stock/getInventoryByPid", params={"pid": pid}).json()["data"]
    assert "totalInventoryNum" in inventory["inventories"][0]
    assert "totalInventory" in inventory["variantInventories"][0]["inventory"][0]
    rows = api("GET", "product/stock/queryByVid", params={"vid": variant["vid"]}).json()["data"]
    assert {"vid", "areaId", "areaEn", "countryCode", "totalInventoryNum", "cjInventoryNum", "stock"} <= set(rows[0])


def test_unknown_product_and_order_get_cj_not_found_codes(api):
    assert api("GET", "product/query", params={"pid": "NOPE"}).json()["code"] == 1602001
    assert api("GET", "shopping/order/getOrderDetail", params={"orderId": "NOPE"}).json()["code"] == 1600300


def test_some_endpoints_answer_in_the_success_code_zero_form(api):
    body = api("GET", "shop/getShops").json()
    assert body["success"] is True
    assert body["code"] == 0


def test_stock_changes_show_in_the_next_stock_answer(api, cj_sandbox):
    pid = api("GET", "product/listV2").json()["data"]["content"][0]["productList"][0]["id"]
    vid = cj_sandbox.state.products[pid].variants[0].vid
    cj_sandbox.control("stock", {"vid": vid, "quantity": 4, "countryCode": "US"})
    rows = api("GET", "product/stock/queryByVid", params={"vid": vid}).json()["data"]
    assert {r["countryCode"]: r["totalInventoryNum"] for r in rows}["US"] == 4


def test_price_changes_show_in_product_query(api, cj_sandbox):
    pid = api("GET", "product/listV2").json()["data"]["content"][0]["productList"][0]["id"]
    vid = cj_sandbox.state.products[pid].variants[0].vid
    cj_sandbox.control("price", {"vid": vid, "price": "1.23"})
    variants = api("GET", "product/query", params={"pid": pid}).json()["data"]["variants"]
    assert next(v for v in variants if v["vid"] == vid)["variantSellPrice"] == 1.23


def test_enforced_qps_answers_1600200(api, cj_sandbox):
    cj_sandbox.control("state", {"qps": 1})
    codes = [api("GET", "setting/get").json()["code"] for _ in range(3)]
    assert 1600200 in codes
    assert cj_sandbox.state.stats["rate_limited"] >= 1


def test_the_qps_limit_is_a_strict_sliding_window_over_arrivals(api, cj_sandbox, monkeypatch):
    """At QPS 2 no one-second window of arrivals holds a third admitted call, wherever the window starts."""
    now = [100.0]
    monkeypatch.setattr(cj_sandbox.state.arrivals, "clock", lambda: now[0])
    cj_sandbox.control("state", {"qps": 2})

    def arrive_at(moment: float) -> requests.Response:
        now[0] = moment
        return api("GET", "setting/get")

    assert [arrive_at(t).json()["code"] for t in (100.0, 100.4)] == [200, 200]
    refused = arrive_at(100.9)  # a bucket refilling at 2/s would serve this one
    assert refused.status_code == 200
    assert refused.json()["code"] == 1600200
    assert refused.json()["result"] is False
    assert "Too much request" in refused.json()["message"]
    assert arrive_at(100.99).json()["code"] == 1600200
    assert arrive_at(101.0).json()["code"] == 200  # the call of 100.0 has left the window
    assert arrive_at(101.3).json()["code"] == 1600200  # 100.4 and 101.0 are still in it
    assert arrive_at(101.4).json()["code"] == 200
    assert cj_sandbox.state.stats["rate_limited"] == 3


def test_below_one_call_a_second_the_window_stretches():
    now = [0.0]
    window = ArrivalWindow(lambda: now[0])
    admitted = []
    for moment in (0.0, 1.0, 1.99, 2.0, 3.5):
        now[0] = moment
        admitted.append(window.admit(0.5))
    assert admitted == [True, False, False, True, False]


def test_front_page_links_products_at_cj_shaped_urls(cj_sandbox):
    html = requests.get(f"{cj_sandbox.url}/", timeout=5).text
    links = re.findall(r'href="(product/[^"]+)"', html)
    assert len(links) >= 40
    path = "/" + links[0]
    match = PID_RE.search(urllib.parse.unquote(path))
    assert match
    page = requests.get(f"{cj_sandbox.url}{path}", timeout=5)
    assert page.status_code == 200
    assert match.group(1) in page.text


def test_images_are_local_svgs(cj_sandbox):
    pid = next(iter(cj_sandbox.state.products))
    response = requests.get(f"{cj_sandbox.url}/images/{pid}.svg", timeout=5)
    assert response.headers["Content-Type"] == "image/svg+xml"
    assert response.text.startswith("<svg")


def test_advancing_an_order_walks_cj_statuses_and_adds_tracking(api, cj_sandbox):
    vid = next(iter(cj_sandbox.state.variants))
    body = {
        "orderNumber": "NX-9",
        "shippingCountryCode": "US",
        "shippingCountry": "United States",
        "shippingProvince": "TX",
        "shippingCity": "Austin",
        "shippingCustomerName": "Ann",
        "shippingAddress": "1 Main St",
        "logisticName": "CJPacket Ordinary",
        "fromCountryCode": "CN",
        "products": [{"vid": vid, "quantity": 1}],
        "isSandbox": 1,
    }
    created = api("POST", "shopping/order/createOrderV2", json=body).json()["data"]
    assert created["orderStatus"] == "CREATED"
    seen = []
    for _ in range(5):
        seen.append(cj_sandbox.advance_order(created["orderId"])["orderStatus"])
    assert seen == ["IN_CART", "UNPAID", "UNSHIPPED", "SHIPPED", "DELIVERED"]
    detail = api("GET", "shopping/order/getOrderDetail", params={"orderId": "NX-9"}).json()["data"]
    assert detail["orderNum"] == "NX-9"
    assert detail["trackNumber"]
    assert detail["isSandbox"] == 1
    assert cj_sandbox.state.orders[created["orderId"]].track_events[-1]["status"] == 12
    assert api("DELETE", "shopping/order/deleteOrder", params={"orderId": "NX-9"}).json()["code"] == 1603002


def test_cj_own_sandbox_endpoints_move_an_order(api, cj_sandbox):
    vid = next(iter(cj_sandbox.state.variants))
    body = {
        "orderNumber": "NX-10",
        "shippingCountryCode": "US",
        "shippingCountry": "United States",
        "shippingProvince": "TX",
        "shippingCity": "Austin",
        "shippingCustomerName": "Ann",
        "shippingAddress": "1 Main St",
        "logisticName": "USPS+",
        "fromCountryCode": "CN",
        "products": [{"vid": vid, "quantity": 1}],
        "isSandbox": 1,
    }
    order_id = api("POST", "shopping/order/createOrderV2", json=body).json()["data"]["orderId"]
    assert (
        api("POST", "shopping/sandbox/updateStatus", json={"orderId": order_id, "targetStatus": 500}).json()["code"]
        == 1603000
    )  # unpaid orders cannot be advanced
    assert api("POST", "shopping/sandbox/simulatePay", json={"orderId": order_id}).json()["data"] is True
    assert api("POST", "shopping/sandbox/updateStatus", json={"orderId": order_id, "targetStatus": 500}).json()["data"]
    assert cj_sandbox.state.orders[order_id].status == "SHIPPED"


def test_control_faults_reject_unknown_kinds(cj_sandbox):
    response = requests.post(f"{cj_sandbox.url}/control/faults", json={"path": "x", "kind": "meteor"}, timeout=5)
    assert response.status_code == 400


def test_webhook_signature_matches_cj_recipe():
    import base64
    import hashlib
    import hmac

    body = b'{"a":1}'
    expected = base64.b64encode(hmac.new(b"284517903", body, hashlib.sha256).digest()).decode()
    assert sign(body) == expected


def test_paying_an_order_takes_its_quantity_from_stock(api, cj_sandbox):
    variant = next(v for v in cj_sandbox.state.variants.values() if v.stock.get("CN", (0, 0))[0] >= 5)
    before = variant.total("CN")
    body = {
        "orderNumber": "NX-11",
        "shippingCountryCode": "US",
        "shippingCountry": "United States",
        "shippingProvince": "TX",
        "shippingCity": "Austin",
        "shippingCustomerName": "Ann",
        "shippingAddress": "1 Main St",
        "logisticName": "CJPacket Ordinary",
        "fromCountryCode": "CN",
        "products": [{"vid": variant.vid, "quantity": 3}],
        "payType": 2,
    }
    created = api("POST", "shopping/order/createOrderV2", json=body).json()["data"]
    assert created["orderStatus"] == "UNSHIPPED"
    assert variant.total("CN") == before - 3


def test_tick_moves_stock_and_prices_repeatably(cj_sandbox):
    first = cj_sandbox.control("tick", {"changes": 5})["changes"]
    cj_sandbox.reset()
    assert cj_sandbox.control("tick", {"changes": 5})["changes"] == first
    assert len(first) == 5


def test_tokens_outlive_a_restart_of_the_sandbox_but_not_a_reset():
    from nexusone.suppliers.cj.sandbox.state import SandboxState

    first_life = SandboxState(product_count=5)
    tokens = first_life.issue_tokens(with_open_id=True)
    restarted = SandboxState(product_count=5)  # a new process: nothing remembered
    assert restarted.token_valid(tokens["accessToken"])
    assert not restarted.token_valid(tokens["accessToken"] + "0")
    assert not restarted.token_valid(tokens["refreshToken"])  # a refresh token is no access token
    assert restarted.use_refresh_token(tokens["refreshToken"])
    assert not restarted.use_refresh_token(tokens["refreshToken"])  # each refresh token works once
    restarted.reset()
    assert not restarted.token_valid(tokens["accessToken"])


@pytest.mark.parametrize("endpoint", [*POINTS, "shopping/order/createOrderV2"])
def test_the_sandbox_charges_each_call_the_points_the_client_counts_for_it(endpoint):
    from nexusone.suppliers.cj.sandbox.state import SandboxState

    state = SandboxState(product_count=1)
    state.daily_points = 50_000
    assert state.spend_points(endpoint) is None
    assert state.points_used == points_for(endpoint)

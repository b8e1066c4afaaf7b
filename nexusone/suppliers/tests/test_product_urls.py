from __future__ import annotations

import pytest

from nexusone.suppliers.cj.product_urls import pid_from_url

UUID_PID = "2A6E0C4B-91F3-4D7A-8B25-6C1E9F0D3A47"


@pytest.mark.parametrize(
    ("url", "pid"),
    [
        (f"https://www.cjdropshipping.com/product/foldable-storage-box-p-{UUID_PID}.html", UUID_PID),
        (f"https://cjdropshipping.com/product/-p-{UUID_PID.lower()}.html?from=x#top", UUID_PID),
        ("https://us.cjdropshipping.com/product/dog-rope-p-1424608189734850560.html", "1424608189734850560"),
        (f"https://www.cjdropshipping.com/product/a-p-b-p-{UUID_PID}.html", UUID_PID),
        (f"https://www.cjdropshipping.com/product/caf%C3%A9-mug-p-{UUID_PID}.html", UUID_PID),
    ],
)
def test_pid_is_read_from_cj_product_urls(url, pid):
    assert pid_from_url(url) == pid


@pytest.mark.parametrize(
    "url",
    [
        f"https://evil.example.com/product/x-p-{UUID_PID}.html",
        f"https://cjdropshipping.com.evil.example/product/x-p-{UUID_PID}.html",
        "https://www.cjdropshipping.com/product/x-p-12345.html",
        "https://www.cjdropshipping.com/list/x.html",
        "not a url",
        "",
    ],
)
def test_other_urls_give_no_pid(url):
    assert pid_from_url(url) is None


def test_sandbox_pages_count_when_cj_points_at_the_sandbox(settings):
    settings.CJ_API_BASE_URL = "http://127.0.0.1:8000/sandbox/cj/api2.0/v1"
    assert pid_from_url(f"http://127.0.0.1:8000/sandbox/cj/product/box-p-{UUID_PID}.html") == UUID_PID
    settings.CJ_API_BASE_URL = "https://developers.cjdropshipping.com/api2.0/v1"
    assert pid_from_url(f"http://127.0.0.1:8000/sandbox/cj/product/box-p-{UUID_PID}.html") is None

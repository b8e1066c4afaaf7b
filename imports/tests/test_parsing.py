import pytest

from imports.parsing import parse_input, parse_inputs, split_inputs

UUID = "7874B45D-E971-4DC8-8F59-40530B0F6B77"
DIGITS = "1424608189734850560"


@pytest.mark.parametrize(
    ("text", "pid"),
    [
        (f"https://www.cjdropshipping.com/product/led-desk-lamp-p-{UUID}.html", UUID),
        (f"https://www.cjdropshipping.com/product/led-desk-lamp-p-{DIGITS}.html", DIGITS),
        (f"http://www.cjdropshipping.com/product/led-desk-lamp-p-{UUID}.html", UUID),
        (f"https://cjdropshipping.com/product/led-desk-lamp-p-{UUID}.html", UUID),
        (f"www.cjdropshipping.com/product/led-desk-lamp-p-{UUID}.html", UUID),
        (f"cjdropshipping.com/product/led-desk-lamp-p-{DIGITS}.html", DIGITS),
        (f"https://www.cjdropshipping.com/product/lamp-p-{UUID}.html?spm=a.b.c&from=search", UUID),
        (f"https://www.cjdropshipping.com/product/lamp-p-{UUID}.html#reviews", UUID),
        (f"https://www.cjdropshipping.com/product/lamp-p-{UUID}.html?x=1#top", UUID),
        (f"https://m.cjdropshipping.com/product/lamp-p-{UUID}.html", UUID),
        (f"https://us.cjdropshipping.com/product/lamp-p-{DIGITS}.html", DIGITS),
        (f"https://www.cjdropshipping.com/product/-p-{UUID}.html", UUID),
        (f"https://www.cjdropshipping.com/product/{UUID.lower()}-p-{UUID.lower()}.html", UUID),
        (f"https://www.cjdropshipping.com/product/mini-p-pocket-fan-p-{DIGITS}.html", DIGITS),
        (f"https://www.cjdropshipping.com/product/caf%C3%A9-mug-p-{UUID}.html", UUID),
        (f"https://www.cjdropshipping.com/product/50%25-off-p-{DIGITS}.html", DIGITS),
        (f"HTTPS://WWW.CJDROPSHIPPING.COM/product/lamp-p-{UUID}.html", UUID),
        (f"https://app.cjdropshipping.com/product-detail.html?id={UUID}", UUID),
        (UUID, UUID),
        (UUID.lower(), UUID),
        (DIGITS, DIGITS),
        (f"  {DIGITS}  ", DIGITS),
    ],
)
def test_cj_product_links_and_ids_give_the_pid(text, pid):
    parsed = parse_input(text)
    assert parsed.error == ""
    assert parsed.pid == pid


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (f"https://www.aliexpress.com/item/lamp-p-{UUID}.html", "not a CJ Dropshipping product page"),
        (f"https://cjdropshipping.com.evil.example/product/lamp-p-{UUID}.html", "not a CJ Dropshipping product page"),
        (f"https://evilcjdropshipping.com/product/lamp-p-{UUID}.html", "not a CJ Dropshipping product page"),
        ("https://www.cjdropshipping.com/list/wholesale-home-l-123.html", "No product ID"),
        (f"https://www.cjdropshipping.com/product/lamp-p-{UUID}.htm", "No product ID"),
        ("https://www.cjdropshipping.com/product/lamp-p-12345.html", "No product ID"),
        (f"ftp://www.cjdropshipping.com/product/lamp-p-{UUID}.html", "Only http and https"),
        ("12345", "15 to 20 digits"),
        ("hello", "Not a CJ product URL or product ID"),
        ("7874B45D-E971-4DC8-8F59", "Not a CJ product URL or product ID"),
    ],
)
def test_anything_else_is_invalid_with_a_reason(text, reason):
    parsed = parse_input(text)
    assert parsed.pid == ""
    assert reason in parsed.error


def test_sandbox_product_pages_are_accepted_when_the_client_talks_to_the_sandbox(settings):
    settings.CJ_API_BASE_URL = "http://127.0.0.1:8765/api2.0/v1"
    assert parse_input(f"http://127.0.0.1:8765/product/lamp-p-{UUID}.html").pid == UUID
    settings.CJ_API_BASE_URL = "https://developers.cjdropshipping.com/api2.0/v1"
    assert parse_input(f"http://127.0.0.1:8765/product/lamp-p-{UUID}.html").pid == ""


def test_id_lists_split_on_commas_spaces_semicolons_and_new_lines():
    assert split_inputs(f"{UUID},{DIGITS}\n  abc ; def\r\n\tghi") == [UUID, DIGITS, "abc", "def", "ghi"]


def test_inputs_repeated_in_one_request_count_once_even_as_url_and_id():
    url = f"https://www.cjdropshipping.com/product/lamp-p-{UUID}.html"
    items, repeats = parse_inputs(f"{UUID}, {UUID.lower()}\n{url}\n{DIGITS} {DIGITS}\njunk;junk")
    assert [item.pid for item in items] == [UUID, DIGITS, ""]
    assert repeats == 4


def test_each_element_of_a_list_is_one_input_kept_whole():
    items, repeats = parse_inputs([UUID, "not a product id!", f"{DIGITS},{UUID}", UUID])
    assert [item.input for item in items] == [UUID, "not a product id!", f"{DIGITS},{UUID}"]
    assert [item.valid for item in items] == [True, False, False]
    assert "one per item" in items[2].error
    assert repeats == 1

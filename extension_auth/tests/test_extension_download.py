"""The dashboard's Extension page offers the extension's zip, the same one `make extension` builds."""

import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.urls import reverse

from extension_auth.packaging import build_extension_zip, extension_dir, zip_name

pytestmark = pytest.mark.django_db


def test_the_extension_page_offers_the_download_with_install_and_pairing_steps(owner_client):
    html = owner_client.get(reverse("extension_auth:index")).content.decode()
    assert f'href="{reverse("extension_auth:download")}"' in html
    assert zip_name() in html
    assert "Load unpacked" in html
    assert '<code id="server-url">http://testserver</code>' in html
    assert "press <em>Pair</em>" in html


def test_the_download_is_a_zip_chrome_can_load(owner_client):
    response = owner_client.get(reverse("extension_auth:download"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == f'attachment; filename="{zip_name()}"'
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["manifest_version"] == 3
    named = [
        manifest["background"]["service_worker"],
        manifest["action"]["default_popup"],
        manifest["options_ui"]["page"],
        *manifest["icons"].values(),
        *[file for script in manifest["content_scripts"] for file in script["js"] + script["css"]],
    ]
    assert set(named) <= names
    assert not any(name.startswith("tests/") or name == "package.json" for name in names)


def test_the_download_needs_a_signed_in_user(client):
    response = client.get(reverse("extension_auth:download"))
    assert response.status_code == 302
    assert "/accounts/login" in response["Location"]


def test_make_extension_writes_the_same_bytes_as_the_download(tmp_path):
    call_command("build_extension", out=str(tmp_path))
    assert (tmp_path / zip_name()).read_bytes() == build_extension_zip()
    assert build_extension_zip() == build_extension_zip(extension_dir())


def _manifest(zipped: bytes) -> dict:
    return json.loads(zipfile.ZipFile(io.BytesIO(zipped)).read("manifest.json"))


def test_a_zip_for_an_https_server_may_ask_for_that_one_origin_only():
    manifest = _manifest(build_extension_zip(server_url="https://shop.example.com:8443/"))
    assert manifest["optional_host_permissions"] == ["https://shop.example.com/*"]
    assert "https://*/*" not in json.dumps(manifest)


def test_a_zip_for_this_computer_asks_for_no_other_origin():
    for server in ("", "http://127.0.0.1:8000/", "http://shop.example.com/"):
        assert "optional_host_permissions" not in _manifest(build_extension_zip(server_url=server))


def test_the_dashboard_download_is_built_for_the_server_it_came_from(owner_client, settings):
    settings.ALLOWED_HOSTS = ["shop.example.com"]
    response = owner_client.get(reverse("extension_auth:download"), secure=True, HTTP_HOST="shop.example.com")
    assert _manifest(response.content)["optional_host_permissions"] == ["https://shop.example.com/*"]


def test_make_extension_builds_for_the_server_it_is_given(tmp_path):
    call_command("build_extension", out=str(tmp_path), server="https://shop.example.com")
    assert _manifest((tmp_path / zip_name()).read_bytes())["optional_host_permissions"] == [
        "https://shop.example.com/*"
    ]

"""The lite view and the delivery of pages: Save-Data, compression, ETag and 304."""
import pytest

from ..support.pages import call_links, fetch_page
from ..support.site import every_page


@pytest.mark.parametrize("tag, path", every_page(lite=True, tags=["en"]))
def test_lite_page_is_plain_html_with_the_same_calls(client, tag, path):
    lite = fetch_page(client, path)
    assert not lite.find_all(["img", "picture", "svg", "iframe"])
    # Its scripts are inside the page too (fetch_page checks each is allowed by its hash): none is fetched.
    assert not lite.find_all("script", src=True)
    # Its one stylesheet is inside the page, so the page is one request; the CSP allows it by hash.
    assert not lite.find_all("link", rel="stylesheet")
    assert len(lite.find_all("style")) == 1
    standard = fetch_page(client, path.replace("/lite/", "/"))
    assert call_links(lite) == call_links(standard)


def test_lite_exit_is_the_plain_link_to_the_exit_route(client):
    html = fetch_page(client, "/en/lite/get-help")
    links = html.body.find_all("a")
    assert links[0]["href"] == "#main"
    assert links[1].get_text(strip=True) == "Exit this page" and links[1]["href"] == "/go"


def test_each_view_links_to_the_other(client):
    standard = fetch_page(client, "/en/get-help")
    assert standard.find("a", href="/en/lite/get-help")
    lite = fetch_page(client, "/en/lite/get-help")
    assert lite.find("a", href="/en/get-help?view=full")


def test_lite_links_stay_in_the_lite_view(client):
    html = fetch_page(client, "/en/lite/")
    internal = [a["href"] for a in html.find_all("a") if a["href"].startswith("/en/")]
    assert internal and all(href.startswith("/en/lite/") or href.endswith("?view=full") for href in internal)


def test_save_data_gets_the_lite_view_at_the_same_address(client):
    response = client.get("/en/get-help", headers={"Save-Data": "on"})
    assert response.status_code == 200
    assert response.get_data() == client.get("/en/lite/get-help").get_data()
    assert "Save-Data" in response.headers["Vary"]


def test_without_save_data_the_standard_view_says_it_varies(client):
    response = client.get("/en/get-help")
    assert b"/static/gen/app." in response.get_data()
    assert "Save-Data" in response.headers["Vary"]


def test_choosing_the_full_view_wins_over_save_data_and_is_kept_in_links(client):
    html = fetch_page(client, "/en/get-help?view=full", headers={"Save-Data": "on"})
    assert html.find("script")
    assert html.find("a", class_="site-name")["href"] == "/en/?view=full"


@pytest.mark.parametrize("accept, encoding", [("br, gzip", "br"), ("gzip, deflate", "gzip"), ("identity", None)])
def test_pages_are_compressed_as_the_browser_accepts(client, accept, encoding):
    response = client.get("/en/get-help", headers={"Accept-Encoding": accept})
    assert response.headers.get("Content-Encoding") == encoding
    assert "Accept-Encoding" in response.headers["Vary"]


def test_a_repeated_request_with_the_etag_gets_304(client):
    first = client.get("/en/get-help", headers={"Accept-Encoding": "br"})
    etag = first.headers["ETag"]
    again = client.get("/en/get-help", headers={"Accept-Encoding": "br", "If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""


def test_each_encoding_has_its_own_etag(client):
    br = client.get("/en/get-help", headers={"Accept-Encoding": "br"}).headers["ETag"]
    gz = client.get("/en/get-help", headers={"Accept-Encoding": "gzip"}).headers["ETag"]
    assert br != gz


def test_pages_are_rendered_once_and_served_from_memory(app, client):
    client.get("/en/under-18")
    rendered = app.extensions["waymark_rendered_pages"]
    cached = rendered[("en", "under-18", "standard")]
    client.get("/en/under-18")
    assert rendered[("en", "under-18", "standard")] is cached


def test_unknown_lite_page_is_not_found(client):
    fetch_page(client, "/en/lite/no-such-page", status=404)


def test_lite_stay_safe_page_promises_nothing_that_needs_a_script(client):
    lite = fetch_page(client, "/en/lite/stay-safe-on-your-phone").get_text(" ")
    assert "presses Back, they do not come here" not in lite
    assert "Shift key 3 times" not in lite
    standard = fetch_page(client, "/en/stay-safe-on-your-phone").get_text(" ")
    assert "presses Back, they do not come here" in standard

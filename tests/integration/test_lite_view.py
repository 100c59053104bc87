"""The lite view and the delivery of pages: Save-Data, compression, ETag and 304."""
import gzip
import re
from pathlib import Path

import brotli
import pytest

from ..support.pages import call_links, fetch_page
from ..support.site import every_page


@pytest.mark.parametrize("tag, path", every_page(lite=True, tags=["en"]))
def test_lite_page_is_plain_html_with_the_same_calls(client, tag, path):
    lite = fetch_page(client, path)
    assert not lite.find_all(["img", "picture", "svg", "iframe"])
    # Its one stylesheet and its scripts are inside the page, so the page is one request; the CSP allows
    # each by its hash (fetch_page checks).
    assert not lite.find_all("link", rel="stylesheet")
    assert not lite.find_all("script", src=True)
    assert len(lite.find_all("style")) == 1
    standard = fetch_page(client, path.replace("/lite/", "/"))
    assert call_links(lite) == call_links(standard)


def test_lite_exit_is_a_link_to_the_exit_route_that_works_without_a_script(client):
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
    assert "Save-Data" in response.vary


@pytest.mark.parametrize("value", ["ON", " on "])
def test_save_data_is_read_as_nginx_reads_it_whatever_its_case_and_spaces(client, value):
    # deploy/nginx.conf matches "on" case-insensitively with spaces around: both servers answer alike.
    response = client.get("/en/get-help", headers={"Save-Data": value})
    assert response.get_data() == client.get("/en/lite/get-help").get_data()


def test_without_save_data_the_standard_view_says_it_varies(client):
    response = client.get("/en/get-help")
    assert b"/static/gen/app." in response.get_data()
    assert "Save-Data" in response.vary


# A standard-view page of this site. The printable cards have one view only, so their links carry no choice.
PAGE_LINK = re.compile(r"^/[a-zA-Z-]+/(?!lite/|card$|discreet-card$|cards$)")


@pytest.mark.parametrize("tag, path", every_page(tags=["en", "ar"]))
def test_choosing_the_full_view_wins_over_save_data_and_is_kept_in_every_link(client, tag, path):
    html = fetch_page(client, path + "?view=full", lang=tag, headers={"Save-Data": "on"})
    assert html.find("script")
    # Every link to a page of the guidance (frame, picker and text) keeps the choice, or the next page
    # would be the lite view again. Links to the lite view and to /go are the person's other choices.
    pages = [a["href"] for a in html.find_all("a", href=PAGE_LINK)]
    assert pages and [href for href in pages if not href.endswith("?view=full")] == [], path
    assert html.find("a", class_="site-name")["href"] == f"/{tag}/?view=full"


DECOMPRESS = {"br": brotli.decompress, "gzip": gzip.decompress, None: lambda body: body}


@pytest.mark.parametrize("accept, encoding", [("br, gzip", "br"), ("gzip, deflate", "gzip"), ("identity", None)])
@pytest.mark.parametrize("path", ["/en/get-help", "/ar/lite/", "/static/gen/", "/en/manifest.webmanifest"])
def test_responses_are_compressed_as_the_browser_accepts_and_decompress_to_the_same_bytes(client, path, accept, encoding):
    path = static_bundle(client) if path == "/static/gen/" else path
    plain = get(client, path, **{"Accept-Encoding": "identity"}).get_data()
    response = get(client, path, **{"Accept-Encoding": accept})
    assert response.headers.get("Content-Encoding") == encoding
    assert "Accept-Encoding" in response.vary
    assert DECOMPRESS[encoding](response.get_data()) == plain
    assert len(plain) > 1000


def test_images_are_sent_as_they_are(client):
    # A PNG is compressed already: brotli would cost the server time and save nothing.
    png = Path(__file__).resolve().parents[2] / "static" / "icons" / "icon-192.png"
    response = get(client, "/static/icons/icon-192.png", **{"Accept-Encoding": "br, gzip"})
    assert response.headers.get("Content-Encoding") is None
    assert response.get_data() == png.read_bytes()


def get(client, path, **headers):
    """GET `path`, read whole and closed (a static file stays open until its response is closed)."""
    return client.get(path, headers=headers, buffered=True)


def static_bundle(client):
    """The address of the standard view's stylesheet, as a page links it."""
    return fetch_page(client, "/en/").find("link", rel="stylesheet")["href"]


def test_a_repeated_request_with_the_etag_gets_304(client):
    first = client.get("/en/get-help", headers={"Accept-Encoding": "br"})
    etag = first.headers["ETag"]
    again = client.get("/en/get-help", headers={"Accept-Encoding": "br", "If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""


@pytest.mark.parametrize("path", ["/en/get-help", "/static/gen/"])
def test_each_encoding_has_its_own_etag(client, path):
    # A cache holding the gzip copy must not be told "304, keep it" by a browser that now takes brotli.
    path = static_bundle(client) if path == "/static/gen/" else path
    etags = {accept: get(client, path, **{"Accept-Encoding": accept}).headers["ETag"]
             for accept in ("br", "gzip", "identity")}
    assert len(set(etags.values())) == 3, etags
    stale = get(client, path, **{"Accept-Encoding": "br", "If-None-Match": etags["gzip"]})
    assert stale.status_code == 200 and stale.headers["Content-Encoding"] == "br"
    assert brotli.decompress(stale.get_data()) == get(client, path, **{"Accept-Encoding": "identity"}).get_data()
    fresh = get(client, path, **{"Accept-Encoding": "gzip", "If-None-Match": etags["gzip"]})
    assert fresh.status_code == 304 and fresh.get_data() == b""


def test_pages_are_rendered_once_and_served_from_memory(app, client):
    client.get("/en/under-18")
    rendered = app.extensions["waymark_rendered_pages"]
    cached = rendered[("en", "under-18", "standard")]
    client.get("/en/under-18")
    assert rendered[("en", "under-18", "standard")] is cached


def test_unknown_lite_page_is_not_found(client):
    fetch_page(client, "/en/lite/no-such-page", status=404)


"""make serve: nginx serving the static export answers every address as Flask does (status, body, headers)."""
import gzip
import json
import socket

import brotli
import pytest
import urllib3

from webapp.export import addresses

# Headers a reader's safety or privacy depends on, and those that decide caching: each must be the same.
COMPARED = ["Content-Type", "Content-Encoding", "Content-Security-Policy", "Referrer-Policy", "X-Content-Type-Options",
            "Permissions-Policy", "Cross-Origin-Opener-Policy", "Strict-Transport-Security", "Cache-Control", "Vary",
            "Clear-Site-Data", "Location", "Set-Cookie"]
ENCODINGS = [{}, {"Accept-Encoding": "gzip"}, {"Accept-Encoding": "gzip, deflate, br"}]


def decoded(body, encoding):
    return {"br": brotli.decompress, "gzip": gzip.decompress, None: lambda data: data}[encoding](body)


def flask_answer(flask_app, path, headers):
    with flask_app.test_client().get(path, headers=headers) as response:
        return response.status_code, response.headers, decoded(response.get_data(), response.headers.get("Content-Encoding"))


def nginx_answer(nginx, path, headers):
    origin, pool = nginx
    response = pool.request("GET", origin + path, headers=headers, redirect=False, decode_content=False)
    return response.status, response.headers, decoded(response.data, response.headers.get("Content-Encoding"))


def compare(flask_app, nginx, path, headers, flask_headers=None):
    """One address asked of both servers: the same status, headers and body once decoded. Flask may be asked
    with other request headers (`flask_headers`), so it need not compress everything again."""
    status, theirs, body = nginx_answer(nginx, path, headers)
    our_status, ours, our_body = flask_answer(flask_app, path, headers if flask_headers is None else flask_headers)
    where = f"{path} {headers}"
    assert status == our_status, where
    for name in COMPARED:
        if (flask_headers is None or name != "Content-Encoding") and not (name == "Content-Type" and 300 <= status < 400):
            assert theirs.get(name) == ours.get(name), f"{where}: {name}"
    if not 300 <= status < 400:
        assert body == our_body, where
    return theirs


def test_every_exported_address_answers_as_flask_does(flask_app, nginx):
    """Every file of the export, plain, gzip and brotli, and each page and card with Save-Data, as Flask sends it."""
    with flask_app.test_request_context():
        listed = [(address, kind) for address, _, kind, _ in addresses()]
    for address, kind in listed:
        plain = compare(flask_app, nginx, address, {})
        compressible = "Accept-Encoding" in (plain.get("Vary") or "") and kind != "not_found"
        for accept, expected in (("gzip", "gzip"), ("gzip, deflate, br", "br")):
            # Flask's own compression is held by tests/integration; here each copy nginx sends decodes to the page.
            theirs = compare(flask_app, nginx, address, {"Accept-Encoding": accept}, flask_headers={})
            assert theirs.get("Content-Encoding") == (expected if compressible else None), (address, accept)
        if kind in ("page", "card"):
            # A card page has no lite copy: with Save-Data it must still be the card, not a 404 from lite/.
            compare(flask_app, nginx, address, {"Save-Data": "on"})


def test_compressed_answers_are_the_same_as_flasks(flask_app, nginx):
    for path in ["/en/get-help", "/ar/lite/", "/sw.js", "/ti/manifest.webmanifest", "/sitemap.xml", "/robots.txt"]:
        for accept in ("gzip", "br", "gzip, deflate, br"):
            compare(flask_app, nginx, path, {"Accept-Encoding": accept})


def test_a_saved_copy_is_revalidated_with_its_etag(flask_app, nginx):
    origin, pool = nginx
    for path in ["/en/get-help", "/ar/lite/", "/sw.js", "/en/manifest.webmanifest", "/robots.txt"]:
        for encoding in ENCODINGS:
            first = compare(flask_app, nginx, path, encoding)
            etag = first["ETag"]
            again = pool.request("GET", origin + path, headers={**encoding, "If-None-Match": etag}, redirect=False)
            assert again.status == 304, (path, encoding)
            other = {"Accept-Encoding": "identity"} if encoding else {"Accept-Encoding": "br"}
            changed = pool.request("GET", origin + path, headers={**other, "If-None-Match": etag}, redirect=False)
            assert changed.status == 200, f"{path}: an ETag of one encoding must not match another"


@pytest.mark.parametrize(
    "accept", ["", "ar", "zh-TW, en;q=0.5", "zh-CN", "fa-AF", "prs", "de, ro;q=0.9", "ti-ER", "*", "pl;q=0, bg;q=0.1",
               "en-GB,en;q=0.9", "xx", "tl", "kmr", "ps-AF, fa;q=0.8"],
)
def test_the_root_sends_each_browser_to_its_language(flask_app, nginx, accept):
    compare(flask_app, nginx, "/", {"Accept-Language": accept} if accept else {})


@pytest.mark.parametrize(
    "path, headers",
    [("/go", {}), ("/en", {}), ("/ar/lite", {}), ("/en/no-such-page", {}), ("/ar/lite/no-such-page", {}),
     ("/xx/get-help", {"Accept-Language": "fa"}), ("/static/no-such-file.css", {"Accept-Language": "ti"}),
     ("/nowhere", {}), ("/en/get-help?view=full", {"Save-Data": "on"}), ("/en/?view=full", {}),
     ("/ar/card?view=full", {"Save-Data": "on"}), ("/en/lite/card", {}), ("/en/cards/", {}), ("/xx/card", {})],
)
def test_redirects_and_missing_pages_answer_as_flask_does(flask_app, nginx, path, headers):
    compare(flask_app, nginx, path, headers)


def test_the_push_api_is_answered_by_python_behind_nginx(flask_app, nginx):
    origin, pool = nginx
    response = pool.request("GET", origin + "/api/push/key")
    assert response.status == 200 and json.loads(response.data)["publicKey"]
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_hashed_assets_are_kept_for_a_year_and_pages_are_revalidated(nginx, flask_app):
    origin, pool = nginx
    with flask_app.test_request_context():
        assets = [address for address, _, kind, _ in addresses() if kind == "asset_text"]
    assert assets
    for address in assets:
        assert pool.request("GET", origin + address).headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert pool.request("GET", origin + "/sw.js").headers["Cache-Control"] == "no-cache"


def test_a_hundred_slow_clients_do_not_hold_up_pages_or_the_api(nginx):
    """Each sends half a request to the API and stops; nginx reads requests whole before gunicorn (32 threads)
    sees one, so pages and the API still answer."""
    origin, pool = nginx
    host, port = origin.removeprefix("http://").split(":")
    slow = []
    try:
        for _ in range(100):
            client = socket.create_connection((host, int(port)))
            client.sendall(b"POST /api/push/subscriptions HTTP/1.1\r\nHost: waymark\r\nContent-Type: application/json\r\n"
                           b"Content-Length: 400\r\n\r\n{\"subscription\": ")
            slow.append(client)
        for path in ["/en/get-help", "/ar/lite/", "/api/push/key"]:
            assert pool.request("GET", origin + path, timeout=urllib3.Timeout(total=10)).status == 200, path
    finally:
        for client in slow:
            client.close()

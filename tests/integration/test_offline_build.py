"""The service worker's script and the manifests, as the server builds them."""
import json
from pathlib import Path

import pytest

from webapp import create_app

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "pages"
OFFLINE_COPY_TARGET = 150_000


def build(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    head = response.get_data(as_text=True).split(";\n", 1)[0]
    return response, json.loads(head.removeprefix("const BUILD = "))


def test_worker_is_served_from_the_root_and_always_revalidated(client):
    response, _ = build(client)
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"


def test_precache_holds_exactly_the_built_assets_and_every_page(app, client):
    _, info = build(client)
    with app.test_request_context():
        bundles = app.extensions["waymark_assets"]
        built = {url for name in ("app_css", "app_js") for url in bundles[name].urls()}
    assert set(info["assets"]) == built | {"/static/icons/icon-192.png"}
    slugs = {path.stem for path in TEMPLATES.glob("*.html")}  # a new page template must be saved too
    for tag, language in info["languages"].items():
        expected = {f"/{tag}/"} | {f"/{tag}/{slug}" for slug in slugs - {"home"}} | {f"/{tag}/manifest.webmanifest"}
        assert set(language["pages"]) == expected, tag
        assert language["pages"][-1] == f"/{tag}/manifest.webmanifest"


def test_every_offered_language_can_be_saved(app, client):
    _, info = build(client)
    assert set(info["languages"]) == set(app.extensions["waymark_languages"])


@pytest.mark.parametrize("tag", ["en"])
def test_one_language_offline_copy_is_under_150_kb(client, tag):
    _, info = build(client)
    assert info["languages"][tag]["bytes"] < OFFLINE_COPY_TARGET


def test_every_language_offline_copy_is_under_150_kb(client):
    _, info = build(client)
    too_big = {tag: language["bytes"] for tag, language in info["languages"].items()
               if language["bytes"] >= OFFLINE_COPY_TARGET}
    assert not too_big


def test_version_is_stable_and_changes_with_the_release(client):
    _, first = build(client)
    _, again = build(client)
    assert first["version"] == again["version"]
    _, other = build(create_app({"TESTING": True, "RELEASE": "next"}).test_client())
    assert other["version"] != first["version"]


def test_worker_knows_the_exit(client):
    _, info = build(client)
    assert info["exitPath"] == "/go"
    assert info["exitUrl"] == "https://www.bbc.co.uk/weather"


def test_manifest_installs_the_language(client):
    response = client.get("/en/manifest.webmanifest")
    assert response.mimetype == "application/manifest+json"
    manifest = response.get_json(force=True)
    assert manifest["start_url"] == manifest["scope"] == manifest["id"] == "/en/"
    assert manifest["display"] == "standalone"
    assert (manifest["lang"], manifest["dir"]) == ("en", "ltr")
    assert manifest["theme_color"] and manifest["background_color"]
    icons = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert icons == {("192x192", "any"), ("512x512", "any"), ("192x192", "maskable"), ("512x512", "maskable")}
    assert {shot["form_factor"] for shot in manifest["screenshots"]} == {"narrow", "wide"}
    for resource in manifest["icons"] + manifest["screenshots"]:
        with client.get(resource["src"]) as image:
            assert image.status_code == 200 and image.mimetype == "image/png"


def test_every_page_links_its_languages_manifest(client):
    html = client.get("/en/get-help").get_data(as_text=True)
    assert '<link rel="manifest" href="/en/manifest.webmanifest">' in html

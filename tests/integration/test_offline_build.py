"""The service worker's script and the manifests, as the server builds them."""
import json
import shutil
from pathlib import Path

import jinja2
import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from bs4 import BeautifulSoup

from webapp import create_app, offline

from ..support.catalogs import languages_file

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates" / "pages"
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


def test_precache_holds_exactly_the_assets_pages_use_and_every_page(client):
    _, info = build(client)
    # What a page really loads: its stylesheet and script; and the notice's icon.
    html = BeautifulSoup(client.get("/en/get-help").get_data(as_text=True), "html.parser")
    used = {link["href"] for link in html.find_all("link", rel="stylesheet")} | {s["src"] for s in html.find_all("script", src=True)}
    assert set(info["assets"]) == used | {"/static/icons/icon-192.png"}
    slugs = {path.stem for path in TEMPLATES.glob("*.html")}  # a new page template must be saved too
    for tag, language in info["languages"].items():
        expected = {f"/{tag}/"} | {f"/{tag}/{slug}" for slug in slugs - {"home"}} | {f"/{tag}/manifest.webmanifest"}
        assert set(language["pages"]) == expected, tag
        assert language["pages"][-1] == f"/{tag}/manifest.webmanifest"


def test_every_language_a_page_offers_can_be_saved(client):
    _, info = build(client)
    html = BeautifulSoup(client.get("/en/get-help").get_data(as_text=True), "html.parser")
    offered = {link["hreflang"] for link in html.select(".language-picker a[hreflang]")}
    assert len(offered) > 1
    assert set(info["languages"]) == offered


def real_size(client, urls):
    """What a browser downloads to save these addresses: brotli bodies, pages in the full view."""
    total = 0
    for url in urls:
        address = url if url.startswith("/static/") or url.endswith(".webmanifest") else url + "?view=full"
        with client.get(address, headers={"Accept-Encoding": "br"}) as response:
            assert response.status_code == 200, address
            if response.mimetype != "image/png":
                assert response.headers["Content-Encoding"] == "br", address
            total += len(response.get_data())
    return total


def test_every_language_offline_copy_is_what_it_says_and_under_150_kb(client):
    _, info = build(client)
    for tag, language in info["languages"].items():
        size = real_size(client, language["pages"] + info["assets"])
        assert language["bytes"] == size, tag
        assert size < OFFLINE_COPY_TARGET, tag


# The version tests compare two builds of the same languages: two (one per direction) are enough, and a build
# of all of them renders and compresses every page of every language.
SMALL = ["en", "ar"]


@pytest.fixture(scope="module")
def small_languages(tmp_path_factory):
    path, _ = languages_file(tmp_path_factory.mktemp("languages") / "languages.toml", SMALL)
    return str(path)


def small_app(small_languages, **config):
    return create_app({"TESTING": True, "LANGUAGES_FILE": small_languages, **config})


@pytest.fixture(scope="module")
def small_build(small_languages):
    app = small_app(small_languages)
    return app, build(app.test_client())[1]


def test_version_is_stable_and_changes_with_the_release(small_languages, small_build):
    app, first = small_build
    _, again = build(small_app(small_languages).test_client())
    assert first["version"] == again["version"]
    _, other = build(small_app(small_languages, RELEASE="next").test_client())
    assert other["version"] != first["version"]


def test_version_changes_with_the_content_of_a_page(small_languages, small_build, tmp_path):
    _, first = small_build
    updates = tmp_path / "updates.toml"
    updates.write_text((ROOT / "content" / "updates.toml").read_text() +
                       '\n[[update]]\ndate = 2026-12-01\ntitle = "Something new"\nparagraphs = ["New."]\n')
    _, other = build(small_app(small_languages, UPDATES_FILE=str(updates)).test_client())
    assert other["version"] != first["version"]


def test_a_corrected_translation_makes_a_new_version_and_is_weighed_in_its_language(small_languages, small_build, tmp_path):
    """One Arabic string changes: a new release, and only Arabic's offline copy changes size."""
    app, first = small_build
    translations = tmp_path / "translations"
    shutil.copytree(ROOT / "translations" / "ar", translations / "ar")
    po = translations / "ar" / "LC_MESSAGES" / "messages.po"
    with open(po, "rb") as file:
        catalog = read_po(file, locale="ar")
    catalog["Numbers to call for help"].string += " (مصحح)"
    with open(po, "wb") as file:
        write_po(file, catalog)
    with open(po.with_suffix(".mo"), "wb") as file:
        write_mo(file, catalog)
    corrected = small_app(small_languages, BABEL_TRANSLATION_DIRECTORIES=str(translations),
                          SITE_URL=app.config["SITE_URL"]).test_client()
    assert "(مصحح)" in corrected.get("/ar/get-help").get_data(as_text=True)
    _, second = build(corrected)
    assert second["version"] != first["version"]
    assert second["languages"]["ar"]["bytes"] == real_size(corrected, second["languages"]["ar"]["pages"] + second["assets"])
    assert second["languages"]["ar"]["bytes"] != first["languages"]["ar"]["bytes"]
    assert second["languages"]["en"]["bytes"] == first["languages"]["en"]["bytes"]


def test_a_change_to_the_lite_view_alone_makes_a_new_version(small_languages, small_build):
    """Lite pages are not saved, but a phone that saved this release must still be told of one that changes
    only them (a lite page and a saved page of two releases must never be mixed)."""
    _, first = small_build
    changed = small_app(small_languages)
    lite = changed.jinja_env.loader.get_source(changed.jinja_env, "lite.html")[0]
    assert "</main>" in lite
    changed.jinja_env.loader = jinja2.ChoiceLoader(
        [jinja2.DictLoader({"lite.html": lite.replace("</main>", "<p>Changed.</p></main>")}), changed.jinja_env.loader])
    client = changed.test_client()
    assert "<p>Changed.</p>" in client.get("/en/lite/get-help").get_data(as_text=True)
    assert "<p>Changed.</p>" not in client.get("/en/get-help").get_data(as_text=True)
    _, second = build(client)
    assert second["version"] != first["version"]


def test_worker_knows_the_numbers_to_show_when_nothing_is_saved(client):
    """The last-resort answer offline: the emergency number and the Modern Slavery Helpline (CONTENT.md)."""
    _, info = build(client)
    assert info["help"] == [{"display": "999", "href": "tel:999"},
                            {"display": "08000 121 700", "href": "tel:+448000121700"}]


# LANGUAGES.md: the languages written right to left.
RIGHT_TO_LEFT = {"ar", "fa", "ur", "ps", "fa-AF", "ckb"}


def test_worker_knows_each_languages_direction_for_its_notices(client):
    _, info = build(client)
    assert {tag: language["dir"] for tag, language in info["languages"].items()} == \
        {tag: "rtl" if tag in RIGHT_TO_LEFT else "ltr" for tag in info["languages"]}


def test_the_worker_is_built_once_per_process(small_languages, monkeypatch):
    """Building renders and compresses every page: a phone checking for an update must not wait for that."""
    builds = []
    real_build = offline.build_info
    monkeypatch.setattr(offline, "build_info", lambda app: builds.append(app) or real_build(app))
    client = small_app(small_languages).test_client()
    first, _ = build(client)
    second, _ = build(client)
    assert len(builds) == 1
    assert first.get_data() == second.get_data()


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

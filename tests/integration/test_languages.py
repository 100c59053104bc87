"""Every page in every offered language: the right lang and dir, the same numbers, really translated."""
import pytest
from bs4 import BeautifulSoup

from ..support.pages import call_links, fetch_page, visible_text
from ..support.site import every_page, offered_languages

RIGHT_TO_LEFT = {"ar", "fa", "ur", "ps", "fa-AF", "ckb"}
# LANGUAGES.md, in its order: the first wave, then the second in order of need.
FIRST_WAVE = ["en", "sq", "vi", "ti", "am", "so", "ar", "fa", "ur", "ro", "pl", "bg", "zh-Hans", "hi"]
SECOND_WAVE = ["ps", "fa-AF", "ckb", "ku", "om", "fil", "pa", "bn", "ta", "ml", "si", "zh-Hant", "uk", "ru", "lt", "sk",
               "cs", "hu", "pt", "es", "fr", "th"]
TRANSLATED = [(tag, path) for tag, path in every_page() if tag != "en"]


def test_all_36_languages_are_offered_in_order_of_need():
    assert [language.tag for language in offered_languages()] == FIRST_WAVE + SECOND_WAVE


@pytest.mark.parametrize("tag, path", TRANSLATED)
def test_page_is_in_its_language_with_the_english_numbers(client, tag, path):
    html = fetch_page(client, path, lang=tag)
    assert html.html["dir"] == ("rtl" if tag in RIGHT_TO_LEFT else "ltr")
    english = fetch_page(client, "/en/" + path.split("/", 2)[2])
    assert call_links(html) == call_links(english)
    assert visible_text(html) != visible_text(english)
    # The frame is translated too, not only the page's own text.
    exit_link = html.select_one("a.js-quick-exit")
    assert exit_link.get_text(strip=True) != "Exit this page", f"{path}: exit button in English"


@pytest.mark.parametrize("tag, path", TRANSLATED)
def test_numbers_stay_left_to_right(client, tag, path):
    html = fetch_page(client, path, lang=tag)
    for link in html.select('a[href^="tel:"]'):
        assert link.find("bdi", dir="ltr")


@pytest.mark.parametrize("language", offered_languages(), ids=lambda language: language.tag)
def test_picker_lists_every_language_by_its_own_name(client, language):
    html = fetch_page(client, f"/{language.tag}/get-help", lang=language.tag)
    picker = html.select(".language-picker a[hreflang]")
    assert [(a["hreflang"], a["lang"], a.get_text(strip=True), a["href"]) for a in picker] == [
        (other.tag, other.tag, other.endonym, f"/{other.tag}/get-help") for other in offered_languages()
    ]
    alternates = {link["hreflang"]: link["href"] for link in html.find_all("link", rel="alternate")}
    assert alternates == {other.tag: f"/{other.tag}/get-help" for other in offered_languages()}


@pytest.mark.parametrize("language", offered_languages(), ids=lambda language: language.tag)
def test_about_says_whether_the_translation_was_reviewed(client, language):
    html = fetch_page(client, f"/{language.tag}/about", lang=language.tag)
    section = html.find(id="about-translation").parent
    if language.tag != "en":
        assert section.find("a", href="/en/about", hreflang="en"), "no link to the English reference"
    assert len(section.find_all("p")) >= 1


@pytest.mark.parametrize(
    "accept, target",
    [("ar,en;q=0.5", "/ar/"), ("ti-ER", "/ti/"), ("xx", "/en/"), ("zh-CN,zh;q=0.9", "/zh-Hans/"),
     ("zh-Hans-CN", "/zh-Hans/"), ("fa-IR", "/fa/"), ("pt-BR,ro;q=0.5", "/ro/"), ("en-GB", "/en/"),
     # The browser's first choice wins even when a later one is an exact match.
     ("ti-ER,en;q=0.9", "/ti/"), ("ar-EG,en;q=0.8", "/ar/"), ("zh-CN,zh;q=0.9,en;q=0.8", "/zh-Hans/"),
     ("zh-Hans-CN,en;q=0.5", "/zh-Hans/"), ("en;q=0.5,so", "/so/"), ("de,*;q=0.1", "/en/")],
)
def test_root_negotiates_the_language(client, accept, target):
    response = client.get("/", headers={"Accept-Language": accept})
    assert response.headers["Location"] == target
    assert "Set-Cookie" not in response.headers


def test_an_unknown_language_prefix_is_not_found(client):
    assert client.get("/xx/get-help").status_code == 404


def test_a_missing_translation_falls_back_to_english_not_to_nothing(app):
    # Gettext returns the English source for an entry a catalog lacks; check through Flask-Babel itself.
    from flask_babel import force_locale, gettext

    with app.test_request_context("/ar/"):
        with force_locale("ar"):
            assert gettext("A sentence no catalog has.") == "A sentence no catalog has."


def test_manifest_is_translated(client):
    ar = client.get("/ar/manifest.webmanifest").get_json(force=True)
    en = client.get("/en/manifest.webmanifest").get_json(force=True)
    assert (ar["lang"], ar["dir"], ar["start_url"]) == ("ar", "rtl", "/ar/")
    assert ar["description"] != en["description"]


def test_error_page_is_in_the_language_of_the_address(client):
    html = BeautifulSoup(client.get("/ti/no-such-page").get_data(as_text=True), "html.parser")
    assert html.html["lang"] == "ti"
    assert html.find("h1").get_text(strip=True) != "Page not found"

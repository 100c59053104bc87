"""Every page in every offered language: the right lang and dir, the same numbers, really translated."""
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from flask_babel import force_locale, gettext

from ..support.catalogs import app_with_catalogs
from ..support.pages import call_links, fetch_page
from ..support.site import card_pages, every_page, offered_languages

RIGHT_TO_LEFT = {"ar", "fa", "ur", "ps", "fa-AF", "ckb"}
# LANGUAGES.md, in its order: the first wave, then the second in order of need.
FIRST_WAVE = ["en", "sq", "vi", "ti", "am", "so", "ar", "fa", "ur", "ro", "pl", "bg", "zh-Hans", "hi"]
SECOND_WAVE = ["ps", "fa-AF", "ckb", "ku", "om", "fil", "pa", "bn", "ta", "ml", "si", "zh-Hant", "uk", "ru", "lt", "sk",
               "cs", "hu", "pt", "es", "fr", "th"]
TRANSLATED = [(tag, path) for tag, path in every_page() + card_pages() if tag != "en"]
# Blocks that are the same in every language: numbers, and names of services and sources, which the catalogs
# keep in English so that a person can say them on the phone or find them.
SERVICE_NAMES = ("the Salvation Army", "Migrant Help", "Medaille Trust", "Crimestoppers", "Kalayaan", "Barnardo's",
                 "Unseen", "BAWSO", "College of Policing", "NSPCC", "New Pathways", "Refugee Council", "TARA",
                 "Independent Anti-Slavery Commissioner, home page (2020)")
SAME_IN_EVERY_LANGUAGE = re.compile(
    r"[\d\s:+()–-]*"  # numbers
    r"|[a-z-]+(?:\.[a-z-]+)*\.(?:uk|org|scot|com)"  # a source's web address
    + "".join(f"|{re.escape(name)}" for name in SERVICE_NAMES)
)
README = Path(__file__).resolve().parents[2] / "README.md"


def readme_languages():
    """tag -> (endonym, "reviewed" or "awaiting review"), from the README's table of languages."""
    section = README.read_text().split("\n## Languages\n", 1)[1].split("\n## ", 1)[0]
    # | tag | endonym (English name) | script | review |
    rows = re.findall(r"^\| ([a-zA-Z-]+) \| ([^|(]+?)(?: \([^|]*\))? \| [^|]+ \| ([^|]+) \|$", section, re.MULTILINE)
    table = {tag: (endonym, "awaiting review" if "awaiting" in review else "reviewed") for tag, endonym, review in rows
             if tag != "tag"}
    assert "en" in table and len(table) >= 14, table
    return table


README_LANGUAGES = readme_languages()


def blocks(html):
    """The page's own text, block by block (paragraphs, list items, headings), each as one line. Blocks marked
    as another language are left out: a card's English beneath, or another language's card on the sheet."""
    main = html.find("main")
    found = []
    for element in main.find_all(["p", "li", "h1", "h2", "h3", "dt", "dd", "summary"]):
        if element.find(["p", "li"]):
            continue
        marked = element if element.has_attr("lang") else element.find_parent(attrs={"lang": True})
        if marked.get("lang") != html.html["lang"]:
            continue
        text = " ".join(element.get_text(" ").split())
        if text:
            found.append(text)
    return found


def test_all_36_languages_are_offered_in_order_of_need():
    assert [language.tag for language in offered_languages()] == FIRST_WAVE + SECOND_WAVE
    assert list(README_LANGUAGES) == FIRST_WAVE + SECOND_WAVE, "the README's table names every language, in order"


@pytest.mark.parametrize("tag, path", TRANSLATED)
def test_page_is_in_its_language_with_the_english_numbers(client, tag, path):
    html = fetch_page(client, path, lang=tag)
    assert html.html["dir"] == ("rtl" if tag in RIGHT_TO_LEFT else "ltr")
    english = fetch_page(client, "/en/" + path.split("/", 2)[2])
    if path.rsplit("/", 1)[1] in ("card", "discreet-card", "cards"):
        # A card has its numbers in its language and again in English beneath, the English card once.
        assert set(call_links(html)) == set(call_links(english))
    else:
        assert call_links(html) == call_links(english)
    english_blocks = set(blocks(english))
    untranslated = [block for block in blocks(html) if block in english_blocks and not SAME_IN_EVERY_LANGUAGE.fullmatch(block)]
    assert untranslated == [], f"{path}: left in English: {untranslated[:3]}"
    # The frame is translated too, not only the page's own text.
    exit_link = html.select_one("a.js-quick-exit")
    assert exit_link.get_text(strip=True) != "Exit this page", f"{path}: exit button in English"


@pytest.mark.parametrize("language", offered_languages(), ids=lambda language: language.tag)
def test_numbers_stay_left_to_right_and_read_as_written(app, client, language):
    # fetch_page checks that each number is in a left-to-right <bdi>; here, that the <bdi> holds the
    # number exactly as people say it, so no translation has changed or reordered its digits.
    displays = {line.href: line.display for line in app.extensions["helplines"].values()}
    for tag, path in every_page(tags=[language.tag]) + card_pages(tags=[language.tag]):
        html = fetch_page(client, path, lang=tag)
        for link in html.select('a[href^="tel:"]'):
            assert link.find("bdi", dir="ltr").get_text() == displays[link["href"]], (path, link["href"])


@pytest.mark.parametrize("language", offered_languages(), ids=lambda language: language.tag)
def test_picker_lists_every_language_by_its_own_name(client, language):
    html = fetch_page(client, f"/{language.tag}/get-help", lang=language.tag)
    picker = html.select(".language-picker a[hreflang]")
    offered = {other.tag for other in offered_languages()}
    assert [(a["hreflang"], a["lang"], a.get_text(strip=True), a["href"]) for a in picker] == [
        (tag, tag, endonym, f"/{tag}/get-help") for tag, (endonym, _) in README_LANGUAGES.items() if tag in offered
    ]
    alternates = {link["hreflang"]: link["href"] for link in html.find_all("link", rel="alternate")}
    site = client.application.config["SITE_URL"]
    assert alternates == {other.tag: f"{site}/{other.tag}/get-help" for other in offered_languages()} | {
        "x-default": f"{site}/en/get-help"}


REVIEWED = "A person who speaks this language fluently has checked this translation."
DRAFT = ("This translation has not yet been checked by a person who speaks this language fluently. "
         "It may have mistakes.")


def about_translation(client, tag):
    html = fetch_page(client, f"/{tag}/about", lang=tag)
    return html.find(id="about-translation").parent


def in_language(app, tag, message):
    locale = "en_GB" if tag == "en" else tag.replace("-", "_")
    with app.test_request_context(f"/{tag}/"), force_locale(locale):
        return gettext(message)


@pytest.mark.parametrize("tag", [tag for tag in README_LANGUAGES if tag != "en"])
def test_about_says_in_its_own_language_whether_the_translation_was_reviewed(app, client, tag):
    # The README's table is the record of which translations a fluent speaker has read.
    reviewed = README_LANGUAGES[tag][1] == "reviewed"
    said = " ".join(about_translation(client, tag).get_text(" ").split())
    claim, other = (REVIEWED, DRAFT) if reviewed else (DRAFT, REVIEWED)
    assert in_language(app, tag, claim) in said
    assert in_language(app, tag, other) not in said
    assert in_language(app, tag, claim) != claim, "the sentence is not translated"
    assert about_translation(client, tag).find("a", href="/en/about", hreflang="en"), "no link to the English reference"


def test_about_in_english_says_it_is_the_reference(client):
    said = " ".join(about_translation(client, "en").get_text(" ").split())
    assert "They are the reference for every translation." in said
    assert REVIEWED not in said and DRAFT not in said


def mark_reviewed(tag, catalog):
    catalog.header_comment = catalog.header_comment.replace("Review-Status: awaiting review", "Review-Status: reviewed")


def test_a_catalog_marked_reviewed_makes_about_say_a_fluent_speaker_checked_it(tmp_path):
    app = app_with_catalogs(tmp_path, mark_reviewed, {"en", "ar", "ti"})
    client = app.test_client()
    for tag in ("ar", "ti"):
        said = " ".join(about_translation(client, tag).get_text(" ").split())
        assert in_language(app, tag, REVIEWED) in said and in_language(app, tag, DRAFT) not in said, tag


def drop_review_status(tag, catalog):
    catalog.header_comment = "\n".join(line for line in catalog.header_comment.splitlines() if "Review-Status" not in line)


def test_a_catalog_without_a_review_status_is_offered_as_a_draft(tmp_path):
    # A missing or misspelt status line must never make About claim a fluent review.
    app = app_with_catalogs(tmp_path, drop_review_status, {"en", "ar"})
    said = " ".join(about_translation(app.test_client(), "ar").get_text(" ").split())
    assert in_language(app, "ar", DRAFT) in said and in_language(app, "ar", REVIEWED) not in said


def drop_entry(message_id):
    def change(tag, catalog):
        catalog.delete(message_id)
    return change


def blank_entry(message_id):
    def change(tag, catalog):
        catalog[message_id].string = ""
    return change


def make_fuzzy(message_id):
    def change(tag, catalog):
        catalog[message_id].flags.add("fuzzy")
    return change


def add_plural_with_a_form_missing(tag, catalog):
    catalog.add(("One saved page", "%(num)d saved pages"), ("صفحة محفوظة واحدة", "", "", "", "", ""))


@pytest.mark.parametrize("change", [blank_entry("Exit this page"), make_fuzzy("Exit this page"), add_plural_with_a_form_missing],
                         ids=["untranslated", "fuzzy", "plural-form-missing"])
def test_a_language_whose_catalog_is_incomplete_or_fuzzy_is_not_offered(tmp_path, change):
    def only_arabic(tag, catalog):
        if tag == "ar":
            change(tag, catalog)

    app = app_with_catalogs(tmp_path, only_arabic, {"en", "ar", "ti"})
    client = app.test_client()
    assert set(app.extensions["waymark_languages"]) == {"en", "ti"}
    fetch_page(client, "/ar/get-help", status=404)
    fetch_page(client, "/ti/get-help", lang="ti")
    picker = fetch_page(client, "/ti/get-help", lang="ti").select(".language-picker a[hreflang]")
    assert [link["hreflang"] for link in picker] == ["en", "ti"]
    assert client.get("/", headers={"Accept-Language": "ar"}).headers["Location"] == "/en/"


def test_a_string_missing_from_a_catalog_shows_in_english_on_the_page(tmp_path):
    # A catalog not yet updated for a new string is complete by its own entries, so the language stays
    # offered; the page then shows that one sentence in English rather than nothing.
    app = app_with_catalogs(tmp_path, drop_entry("Exit this page"), {"en", "ar"})
    html = fetch_page(app.test_client(), "/ar/get-help", lang="ar")
    assert html.select_one("a.js-quick-exit").get_text(strip=True) == "Exit this page"
    assert html.find("h1").get_text(strip=True) == in_language(app, "ar", "Numbers to call for help") != "Numbers to call for help"


@pytest.mark.parametrize(
    "accept, target",
    [("ar,en;q=0.5", "/ar/"), ("ti-ER", "/ti/"), ("xx", "/en/"), ("zh-CN,zh;q=0.9", "/zh-Hans/"),
     ("zh-Hans-CN", "/zh-Hans/"), ("fa-IR", "/fa/"), ("pt-BR,ro;q=0.5", "/pt/"), ("de-DE,ro;q=0.5", "/ro/"), ("en-GB", "/en/"),
     # The browser's first choice wins even when a later one is an exact match.
     ("ti-ER,en;q=0.9", "/ti/"), ("ar-EG,en;q=0.8", "/ar/"), ("zh-CN,zh;q=0.9,en;q=0.8", "/zh-Hans/"),
     ("zh-Hans-CN,en;q=0.5", "/zh-Hans/"), ("en;q=0.5,so", "/so/"), ("de,*;q=0.1", "/en/"),
     # q=0 means "not this language" (RFC 9110).
     ("xx, ar;q=0", "/en/"), ("ar;q=0", "/en/")],
)
def test_root_negotiates_the_language(client, accept, target):
    response = client.get("/", headers={"Accept-Language": accept})
    assert response.headers["Location"] == target
    assert "Set-Cookie" not in response.headers


def test_an_unknown_language_prefix_is_not_found(client):
    assert client.get("/xx/get-help").status_code == 404


@pytest.mark.parametrize("accept, lang, direction", [("ar", "ar", "rtl"), ("pl-PL, en;q=0.5", "pl", "ltr"),
                                                      ("xx", "en", "ltr")])
def test_a_page_not_found_at_an_address_naming_no_language_is_in_the_browsers_language(client, accept, lang,
                                                                                        direction):
    # A mistyped prefix names no language: the not-found page, with its numbers, is in the language the
    # browser asks for (English when it asks for none offered), not always in English.
    html = fetch_page(client, "/xx/get-help", status=404, lang=lang, headers={"Accept-Language": accept})
    assert html.html["dir"] == direction


def test_manifest_is_translated(client):
    ar = client.get("/ar/manifest.webmanifest").get_json(force=True)
    en = client.get("/en/manifest.webmanifest").get_json(force=True)
    assert (ar["lang"], ar["dir"], ar["start_url"]) == ("ar", "rtl", "/ar/")
    assert ar["description"] != en["description"]


def test_error_page_is_in_the_language_of_the_address(client):
    html = BeautifulSoup(client.get("/ti/no-such-page").get_data(as_text=True), "html.parser")
    assert html.html["lang"] == "ti"
    assert html.find("h1").get_text(strip=True) != "Page not found"

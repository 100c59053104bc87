"""The card pages as Flask serves them: linked from the page for organisations, the QR code inline, one page
whatever the view, and no cards without a public address; and each card as it is made: its words in its
language and in English, the discreet card's neutral line, and its code, drawn from the inline SVG and read
back with zxing-cpp without a browser (tests/e2e/test_cards.py reads the printed cards)."""
import functools
import re

import pytest
import zxingcpp
from babel import Locale
from bs4 import BeautifulSoup
from flask_babel import force_locale, gettext
from PIL import Image

from webapp import create_app

from ..support.pages import fetch_page
from ..support.site import card_pages, offered_languages

TAGS = [language.tag for language in offered_languages()]


@pytest.mark.parametrize("tag", TAGS)
def test_the_page_for_organisations_links_every_languages_cards_and_the_sheet(client, tag):
    html = fetch_page(client, f"/{tag}/for-organisations", lang=tag)
    links = {a["href"] for a in html.select("main a[href]")}
    wanted = {f"/{other}/card" for other in TAGS} | {f"/{other}/discreet-card" for other in TAGS} | {f"/{tag}/cards"}
    assert wanted - links == set()


@pytest.mark.parametrize("tag, path", card_pages(tags=["en", "ar", "ti"]))
def test_a_card_page_draws_its_code_inside_the_page_and_loads_nothing_more(client, tag, path):
    # fetch_page refuses inline styles and scripts the CSP would block; the code is SVG paths, not an image.
    html = fetch_page(client, path, lang=tag)
    cards = html.select(".card")
    assert cards and all(card.select_one("svg.card-qr path") for card in cards)
    assert html.select("img, iframe, object, embed, [style]") == []
    assert [link["href"] for link in html.select("link[href]") if "//" in link["href"] and not link["href"].startswith("https://waymark.example/")] == []


@pytest.mark.parametrize("path", ["/en/card", "/ar/discreet-card", "/ti/cards"])
def test_a_card_page_is_the_same_with_save_data_or_the_full_view(client, path):
    # There is no lite card: a browser saving data, or a link asking for the full view, gets the card itself.
    plain = client.get(path)
    for headers, query in (({"Save-Data": "on"}, ""), ({}, "?view=full")):
        other = client.get(path + query, headers=headers)
        assert (other.status_code, other.get_data()) == (200, plain.get_data()), (path, headers, query)
    # And it says so as every page does (the guidance pages vary on Save-Data): the same names in Vary.
    home = client.get("/" + path.split("/")[1] + "/")
    assert vary_names(plain) == vary_names(home) and "save-data" in vary_names(plain)


def vary_names(response):
    return {name.strip().lower() for value in response.headers.getlist("Vary") for name in value.split(",")}


def test_without_a_public_address_there_are_no_cards_and_no_links_to_them():
    app = create_app({"TESTING": True, "SITE_URL": ""})
    client = app.test_client()
    for path in ("/en/card", "/en/discreet-card", "/en/cards"):
        assert client.get(path).status_code == 404, path
    html = BeautifulSoup(client.get("/en/for-organisations").get_data(as_text=True), "html.parser")
    assert not html.select('a[href$="/card"], a[href$="/cards"], a[href$="/discreet-card"]')


# --- Each card as it is made: words, address, code ----------------------------------------------------------
# Each test below makes its own app, so it makes the cards itself: a card is made once per app and kept, and a
# card someone else's test made first would not show what making one does.

SITE_URL = "https://waymark.example"
HELPLINE, EMERGENCY = "08000 121 700", "999"
# English; a language in the Latin script (whose text the page cannot tell from English); a non-Latin one
# written left to right; and one written right to left.
SAMPLE = ["en", "pl", "ti", "ar"]


@pytest.fixture
def own_client():
    return create_app({"TESTING": True, "SITE_URL": SITE_URL}).test_client()


def address_of(tag):
    """What the README promises each card's code opens: WAYMARK_SITE_URL/<lang>/."""
    return f"{SITE_URL}/{tag}/"


def direction(tag):
    return "rtl" if Locale.parse(tag.replace("-", "_")).character_order == "right-to-left" else "ltr"


@functools.cache
def catalogs():
    return create_app({"TESTING": True})


def translated(tag, message):
    """`message` as the language's catalog gives it."""
    locale = "en_GB" if tag == "en" else tag.replace("-", "_")
    with catalogs().test_request_context(f"/{tag}/"), force_locale(locale):
        return gettext(message)


def language_of(node):
    """The language a screen reader reads `node` in: its nearest `lang`, and the nearest `dir`."""
    langs = [parent.get("lang") for parent in [node, *node.parents] if getattr(parent, "get", None) and parent.get("lang")]
    dirs = [parent.get("dir") for parent in [node, *node.parents] if getattr(parent, "get", None) and parent.get("dir")]
    return langs[0], dirs[0]


def read_code(svg):
    """What the inline SVG's QR code says, its error correction level, and its quiet zone in modules (left,
    top, right, bottom): drawn module by module from the SVG's path and read back by zxing-cpp, as a phone's
    camera would read the printed card."""
    _, _, width, height = (int(float(number)) for number in svg["viewbox"].split())
    dark = set()
    x = y = 0.0
    for command, numbers in re.findall(r"([MmHh])([-\d. ]+)", svg.path["d"]):
        values = [float(number) for number in numbers.split()]
        if command in "Mm":
            x, y = (values[0], values[1]) if command == "M" else (x + values[0], y + values[1])
        else:  # a horizontal run of dark modules, one module high, centred on y
            end = values[0] if command == "H" else x + values[0]
            dark |= {(column, int(y)) for column in range(round(x), round(end))}
            x = end
    assert "".join(re.findall(r"[MmHh][-\d. ]+", svg.path["d"])) == svg.path["d"].strip(), "a path this reader cannot draw"
    scale = 8
    image = Image.new("L", (width * scale, height * scale), 255)
    for column, row in dark:
        image.paste(0, (column * scale, row * scale, (column + 1) * scale, (row + 1) * scale))
    [result] = zxingcpp.read_barcodes(image)
    columns, rows = [column for column, _ in dark], [row for _, row in dark]
    quiet = (min(columns), min(rows), width - 1 - max(columns), height - 1 - max(rows))
    return result.text, result.ec_level, quiet


def check_code(card, tag):
    svg = card.select_one("svg.card-qr")
    # The stylesheet sizes the code's box (34 mm on a card); only a viewBox scales the drawing to fill it.
    # Without one, the code is drawn at one pixel a module in the box's corner, 10 mm wide in print.
    assert svg.get("viewbox"), f"{tag}: the code has no viewBox: {svg.attrs}"
    text, level, quiet = read_code(svg)
    assert text == address_of(tag), tag
    # Level M or better: the code still reads with 15% of it creased or smudged (the README: error level M).
    assert level in ("M", "Q", "H"), f"{tag}: error correction {level}"
    # The 4 modules of white the QR standard asks around a code, and no more: the code's box on the card is
    # fixed, so each module of margin beyond 4 makes the modules smaller and the code harder to scan.
    assert quiet == (4, 4, 4, 4), tag
    # Screen readers skip the drawing (the values ARIA names): the card prints its content as text.
    assert (svg.get("aria-hidden"), svg.get("focusable")) == ("true", "false"), tag


# A service's English name in a Tigrinya or Arabic text is read in an English voice (and kept left to right in a
# right-to-left line); the page cannot tell English from another Latin-script language, so a Polish text is left
# to Polish as it stands.
SERVICE_NAME_READ_AS = {"en": ("en", "ltr"), "pl": ("pl", "ltr"), "ti": ("en", "ltr"), "ar": ("en", "ltr")}


@pytest.mark.parametrize("tag", SAMPLE)
def test_a_card_says_what_it_is_for_in_its_language_and_english_and_its_code_opens_its_home_page(own_client, tag):
    html = fetch_page(own_client, f"/{tag}/card", lang=tag)
    [card] = html.select("main .card")
    assert (card.get("lang"), card.get("dir")) == (tag, direction(tag))
    texts = card.select(".card-text")
    # Its language's words, then English beneath (once, on the English card).
    assert [text.get("lang") for text in texts] == list(dict.fromkeys([tag, "en"]))
    for text in texts:
        language = text["lang"]
        title = text.select_one(".card-title")
        assert title, f"{language}: no title: {text}"
        assert " ".join(title.get_text().split()) == translated(language, "Help with modern slavery in the UK"), language
        assert language_of(title.find(string=re.compile(r"\w"))) == (language, direction(language))
        names = text.find_all(string=re.compile("Modern Slavery Helpline"))
        assert names and {language_of(name) for name in names} == {SERVICE_NAME_READ_AS[language]}, language
        words = " ".join(text.get_text(" ").split())
        assert HELPLINE in words and EMERGENCY in words, language
    assert " ".join(texts[-1].get_text(" ").split()).startswith("Help with modern slavery in the UK Modern Slavery Helpline")
    # The address the code opens, printed beneath it so it can be typed, and the code itself.
    assert card.select_one(".card-address").get_text(strip=True) == address_of(tag)
    check_code(card, tag)


@pytest.mark.parametrize("tag", SAMPLE)
def test_the_discreet_card_names_nothing_and_carries_the_number_and_a_code_to_its_home_page(own_client, tag):
    html = fetch_page(own_client, f"/{tag}/discreet-card", lang=tag)
    [card] = html.select("main .card")
    assert (card.get("lang"), card.get("dir")) == (tag, direction(tag))
    # Only the neutral line, in the card's language and in English, and the number: no name, no address.
    lines = [" ".join(text.get_text().split()) for text in card.select(".card-text")]
    neutral = "Need someone to talk to? Call free, day or night."
    assert lines == list(dict.fromkeys([" ".join(translated(tag, neutral).split()), neutral]))
    everything = card.get_text(" ")
    for name in ("slavery", "waymark", "helpline", SITE_URL, translated(tag, "Help with modern slavery in the UK")):
        assert name.casefold() not in everything.casefold(), (tag, name)
    assert [number.get_text(strip=True) for number in card.select(".card-number")] == [HELPLINE]
    check_code(card, tag)


def test_the_sheet_holds_every_languages_full_card_in_order(own_client):
    html = fetch_page(own_client, "/en/cards")
    cards = html.select("main .card")
    assert [card.get("lang") for card in cards] == TAGS
    assert [address.get_text(strip=True) for address in html.select("main .card .card-address")] == [address_of(tag) for tag in TAGS]
    assert html.select("main .card-discreet") == []


def test_each_card_page_is_named_by_its_title_and_links_to_the_other_card(own_client):
    card, discreet = (fetch_page(own_client, f"/ar/{name}", lang="ar") for name in ("card", "discreet-card"))
    # Each page's heading is the name the other page's link gives it.
    [to_discreet] = card.select('main a[href="/ar/discreet-card"]')
    [to_card] = discreet.select('main a[href="/ar/card"]')
    assert card.h1.get_text(" ", strip=True) == to_card.get_text(" ", strip=True) != ""
    assert discreet.h1.get_text(" ", strip=True) == to_discreet.get_text(" ", strip=True) != ""

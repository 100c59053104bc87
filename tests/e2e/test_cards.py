"""The cards in Chromium, printed: every language's card and discreet card on one A6 page, the sheet 8 to an A4
page, the QR codes read back from the rendered cards and opened, and nothing but the cards in print.

Each card page is loaded and printed once (`printed`), then each test reads what it needs from that print:
the PDF (pages counted and sized, text extracted with pypdf) and a screenshot of the card with print media
emulated, whose QR code zxing-cpp decodes. The context prefers a dark colour scheme: the code's quiet zone
must stay white there too.
"""
import io
import math
import re
import unicodedata
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
import zxingcpp
from bs4 import BeautifulSoup
from flask_babel import force_locale, gettext
from PIL import Image
from pypdf import PdfReader

from ..support.site import card_pages, offered_languages

SITE_URL = "https://waymark.example"  # tests/conftest.py's app: the public address the codes must open
MM_PER_POINT = 25.4 / 72
MM_PER_PIXEL = 25.4 / 96
A6, A4 = (105, 148), (210, 297)
HELPLINE, EMERGENCY = "08000 121 700", "999"
TAGS = [language.tag for language in offered_languages()]
SINGLE_CARDS = card_pages(sheet_tags=[])
# The sheet holds the same 36 cards in every language's version; only its frame, hidden in print by the rules
# the single cards are checked with in all 36 languages, differs. Printed in a left-to-right page, a
# right-to-left one and another script: each print of it takes several seconds.
SHEETS = ["en", "ar", "ti"]
PRINTED_PAGES = SINGLE_CARDS + [(tag, f"/{tag}/cards") for tag in SHEETS]


@dataclass
class Printed:
    pdf: PdfReader
    codes: list  # (the card's lang, what its QR code decodes to, the code's width in mm)
    shown_outside_the_cards: list  # elements rendered in print that are not a card or inside one
    overflowing: list  # cards whose content does not fit their box in print
    shown_text: str  # the page's text as printed: what is hidden in print is not in it
    foreign_requests: list
    console_errors: list

    def text(self):
        return "".join(page.extract_text() for page in self.pdf.pages)


SHOWN_OUTSIDE_THE_CARDS = """() => [...document.body.querySelectorAll('*')]
  .filter((e) => !e.closest('.card, .visually-hidden') && !e.querySelector('.card') && e.checkVisibility() && e.getClientRects().length
    && e.getBoundingClientRect().width * e.getBoundingClientRect().height > 0)
  .map((e) => e.outerHTML.slice(0, 80))"""
OVERFLOWING = """() => [...document.querySelectorAll('.card')]
  .filter((c) => c.scrollHeight > c.clientHeight + 1 || c.scrollWidth > c.clientWidth + 1).map((c) => c.lang)"""


CARD_BOXES = """() => [...document.querySelectorAll('.card')].map((card) => {
  const box = card.getBoundingClientRect(), code = card.querySelector('.card-qr').getBoundingClientRect();
  return {lang: card.lang, left: box.left + scrollX, top: box.top + scrollY, right: box.right + scrollX,
          bottom: box.bottom + scrollY, code: code.width};
})"""
# A6's width, so a single card is laid out on screen as on its page; the sheet's cards are sized in mm, on
# a screen as wide as A4.
VIEWPORTS = {"card": {"width": 397, "height": 560}, "sheet": {"width": 800, "height": 1100}}


@pytest.fixture(scope="module")
def print_page(browser, live_server):
    # The cards need no script: without one, each of the 36 languages' pages loads faster. What the scripts
    # would change in print is held by test_card_pages_open_cleanly_with_their_scripts.
    context = browser.new_context(color_scheme="dark", service_workers="block", java_script_enabled=False)
    page = context.new_page()
    page.emulate_media(media="print")
    page.seen = {"foreign": [], "errors": []}
    origin = urlsplit(live_server.url).netloc
    page.on("request", lambda request: urlsplit(request.url).netloc not in (origin, "") and page.seen["foreign"].append(request.url))
    page.on("console", lambda message: message.type == "error" and page.seen["errors"].append(message.text))
    yield page
    assert context.cookies() == [], "a card page set a cookie"
    context.close()


def read_codes(page):
    """(the card's lang, what its QR code decodes to, the code's width in mm) for each card on the page, read
    from one screenshot of the whole page: each decoded code belongs to the card whose box holds it."""
    boxes = page.evaluate(CARD_BOXES)
    shot = Image.open(io.BytesIO(page.screenshot(full_page=True)))
    scale = shot.width / page.evaluate("document.documentElement.scrollWidth")
    decoded = {index: [] for index in range(len(boxes))}
    for result in zxingcpp.read_barcodes(shot):
        x = (result.position.top_left.x + result.position.bottom_right.x) / 2 / scale
        y = (result.position.top_left.y + result.position.bottom_right.y) / 2 / scale
        holder = [index for index, box in enumerate(boxes) if box["left"] <= x <= box["right"] and box["top"] <= y <= box["bottom"]]
        for index in holder:
            decoded[index].append(result.text)
    return [(box["lang"], decoded[index], box["code"] * MM_PER_PIXEL) for index, box in enumerate(boxes)]


@pytest.fixture(scope="module")
def printed(print_page, live_server):
    """Prints a card page once; later asks for the same page get the same print."""
    prints = {}

    def print_of(path):
        if path not in prints:
            page = print_page
            page.seen["foreign"].clear()
            page.seen["errors"].clear()
            page.set_viewport_size(VIEWPORTS["sheet" if path.endswith("/cards") else "card"])
            assert page.goto(live_server.url + path).status == 200, path
            pdf = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
            prints[path] = Printed(pdf, read_codes(page), page.evaluate(SHOWN_OUTSIDE_THE_CARDS),
                                   page.evaluate(OVERFLOWING), page.evaluate("document.body.innerText"),
                                   list(page.seen["foreign"]), list(page.seen["errors"]))
        return prints[path]

    return print_of


def page_sizes(pdf):
    return [(round(float(page.mediabox.width) * MM_PER_POINT), round(float(page.mediabox.height) * MM_PER_POINT))
            for page in pdf.pages]


@pytest.mark.parametrize("tag, path", SINGLE_CARDS)
def test_each_card_prints_on_exactly_one_a6_page(printed, tag, path):
    assert page_sizes(printed(path).pdf) == [A6], path


@pytest.mark.parametrize("tag, path", SINGLE_CARDS)
def test_each_cards_code_decodes_to_its_languages_home_page_and_is_big_enough(printed, tag, path):
    [(lang, decoded, width)] = printed(path).codes
    assert (lang, decoded) == (tag, [f"{SITE_URL}/{tag}/"]), path
    assert width >= 25, f"{path}: the code is {width:.0f} mm wide on A6"


def test_the_sheet_prints_every_card_8_to_an_a4_page_and_every_code_decodes(printed):
    sheet = printed("/en/cards")
    assert page_sizes(sheet.pdf) == [A4] * math.ceil(len(TAGS) / 8)
    assert [(lang, decoded) for lang, decoded, _ in sheet.codes] == [(tag, [f"{SITE_URL}/{tag}/"]) for tag in TAGS]
    assert min(width for _, _, width in sheet.codes) >= 20
    assert sheet.overflowing == [], "cards whose words do not fit their 105 x 74 mm"


@pytest.mark.parametrize("tag", SHEETS[1:])
def test_the_sheet_prints_the_same_in_other_languages(printed, tag):
    sheet = printed(f"/{tag}/cards")
    assert page_sizes(sheet.pdf) == [A4] * math.ceil(len(TAGS) / 8)
    assert [(lang, decoded) for lang, decoded, _ in sheet.codes] == [(t, [f"{SITE_URL}/{t}/"]) for t in TAGS]


@pytest.mark.parametrize("tag", TAGS)
def test_the_decoded_address_opens_that_language(printed, live_server, tag):
    [(_, [address], _)] = printed(f"/{tag}/card").codes
    with urllib.request.urlopen(live_server.url + urlsplit(address).path) as response:
        html = BeautifulSoup(response.read(), "html.parser")
    assert html.html["lang"] == tag


@pytest.mark.parametrize("tag, path", PRINTED_PAGES)
def test_in_print_only_the_cards_are_shown(printed, tag, path):
    # No exit bar, header, footer, navigation, Listen, offline panel or screen-only text: only cards.
    assert printed(path).shown_outside_the_cards == [], path


@pytest.mark.parametrize("tag, path", PRINTED_PAGES)
def test_card_pages_load_nothing_from_elsewhere_and_break_no_rule_of_the_csp(printed, tag, path):
    print_ = printed(path)
    assert print_.foreign_requests == [], path
    # A style or script the CSP refuses (the inline SVG included) is reported on the console.
    assert print_.console_errors == [], path


# --- The printed text, read back from the PDF with pypdf ---------------------------------------------------

def words(text):
    """Words as pypdf gives them back: compatibility forms folded (Arabic's presentation forms), and the glyphs
    it cannot map dropped."""
    return re.findall(r"\w+", unicodedata.normalize("NFKC", text).replace("\x00", "").casefold())


def holds(text, phrase):
    """Whether `phrase`'s words appear one after the other in `text`, in either order (pypdf gives right-to-left
    lines in the order they are drawn), spaces aside (it joins runs drawn apart without one)."""
    found, wanted = "".join(words(text)), words(phrase)
    return bool(wanted) and ("".join(wanted) in found or "".join(reversed(wanted)) in found)


# pypdf reads back the words of these scripts as drawn; Chromium's PDF leaves the ligatures and conjuncts of
# Brahmic, Sinhala, Thai and Nastaliq text without a text mapping, so their words cannot be found in it. In
# those languages the test above (only cards are shown in print) holds what this one cannot.
READ_BACK = [tag for tag in TAGS if tag not in ("ur", "hi", "pa", "bn", "ta", "ml", "si", "th")]


def frame_labels(client, app, tag, path):
    """The words of everything around the card on screen, in the page's language: the exit bar, skip link,
    header, footer, offline panel, the page's own heading and text, and the Listen button's labels."""
    html = BeautifulSoup(client.get(path).get_data(as_text=True), "html.parser")
    selectors = [".skip-link", ".exit-bar a", ".site-header summary", ".site-footer h2", ".footer-links a",
                 ".offline-panel h2", ".card-screen h1", ".card-screen p", ".card-links a"]
    labels = [" ".join(element.get_text(" ").split()) for selector in selectors for element in html.select(selector)]
    locale = "en_GB" if tag == "en" else tag.replace("-", "_")
    with app.test_request_context(f"/{tag}/"), force_locale(locale):
        labels += [gettext("Listen"), gettext("Stop reading")]
    assert len(labels) >= 12, labels
    return labels


@pytest.mark.parametrize("tag", TAGS)
def test_the_printed_card_has_the_numbers_and_none_of_the_frame(printed, client, app, tag):
    path = f"/{tag}/card"
    print_ = printed(path)
    labels = frame_labels(client, app, tag, path)
    # The page's text in print (innerText leaves out what print hides), in every language.
    assert HELPLINE in print_.shown_text and EMERGENCY in print_.shown_text
    assert [label for label in labels if label in print_.shown_text] == [], path
    # And the PDF itself, where pypdf can read the script back.
    text = print_.text()
    assert HELPLINE in text and EMERGENCY in words(text)
    if tag in READ_BACK:
        card_title = BeautifulSoup(client.get(path).get_data(as_text=True), "html.parser").select_one(".card-title")
        assert holds(text, card_title.get_text(" ")), f"{path}: pypdf did not read back the card's title"
        assert [label for label in labels if holds(text, label)] == [], path


NAMES = ["slavery", "Waymark", "Helpline"]
NEUTRAL_LINE = "Need someone to talk to? Call free, day or night."


def names_in(app, tag):
    """What the discreet card must not say, in English and in the card's language (from its catalog): the
    words themselves, and the titles and name that say what the subject is."""
    locale = "en_GB" if tag == "en" else tag.replace("-", "_")
    with app.test_request_context(f"/{tag}/"), force_locale(locale):
        translated = [gettext("Help with modern slavery in the UK"), gettext("What is modern slavery?"),
                      gettext("Numbers to call for help"), gettext("Signs that someone is being exploited")]
    return NAMES + translated


@pytest.mark.parametrize("tag", TAGS)
def test_the_printed_discreet_card_names_nothing(printed, app, tag):
    print_ = printed(f"/{tag}/discreet-card")
    names = names_in(app, tag)
    shown = print_.shown_text.casefold()
    assert HELPLINE in shown
    # Nothing is printed but the neutral line, in the card's language and in English, and the number.
    locale = "en_GB" if tag == "en" else tag.replace("-", "_")
    with app.test_request_context(f"/{tag}/"), force_locale(locale):
        line = gettext(NEUTRAL_LINE)
    rest = print_.shown_text
    for part in (line, NEUTRAL_LINE, HELPLINE):
        rest = rest.replace(part, "")
    assert rest.split() == [], f"the discreet card says more: {rest!r}"
    assert [name for name in names if name.casefold() in shown] == []
    text = print_.text()
    assert HELPLINE in text
    assert not re.search(r"slavery|waymark|helpline", text, re.IGNORECASE)
    if tag in READ_BACK:
        assert [name for name in names if holds(text, name)] == []


@pytest.mark.parametrize("path", ["/en/card", "/ar/discreet-card", "/en/cards"])
def test_card_pages_open_cleanly_with_their_scripts(browser, live_server, path):
    # With the scripts running (they reveal the offline panel and the save buttons): nothing from elsewhere, no
    # CSP refusal on the console, no cookie, and still nothing but the cards in print.
    context = browser.new_context()
    page = context.new_page()
    errors, foreign = [], []
    origin = urlsplit(live_server.url).netloc
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("request", lambda request: urlsplit(request.url).netloc not in (origin, "") and foreign.append(request.url))
    page.goto(live_server.url + path)
    page.locator(".js-offline").wait_for(state="visible")
    page.emulate_media(media="print")
    assert page.evaluate(SHOWN_OUTSIDE_THE_CARDS) == [], path
    assert (errors, foreign, context.cookies()) == ([], [], []), path
    context.close()


@pytest.mark.parametrize("path", ["/en/card", "/ar/discreet-card"])
def test_on_a_dark_screen_the_code_keeps_its_white_quiet_zone_and_scans(browser, live_server, path):
    # Print leaves backgrounds out; a screen in dark mode paints them, and a code on a dark page would not scan.
    context = browser.new_context(color_scheme="dark", service_workers="block")
    page = context.new_page()
    page.goto(live_server.url + path)
    assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
    [(_, decoded, _)] = read_codes(page)
    assert decoded == [f"{SITE_URL}/{path.split('/')[1]}/"], path
    context.close()

"""English inside translated pages is marked as English, so a screen reader reads it in an English voice."""
import re

import pytest
from bs4 import BeautifulSoup, Comment

from webapp.language_of_parts import mark_english

from ..support.site import card_pages, every_page, offered_languages

NON_LATIN = [language for language in offered_languages() if language.script != "Latin"]
LATIN_LETTERS = re.compile(r"[A-Za-z]")


def text_in_the_page_language(html):
    """Each piece of visible text whose nearest `lang` is the page's own, with that element."""
    root_lang = html.html["lang"]
    for text in html.body.find_all(string=True):
        if isinstance(text, Comment) or text.parent.name in ("script", "style"):
            continue
        holder = text.find_parent(attrs={"lang": True})
        if holder is None or holder.get("lang") == root_lang:
            yield text


@pytest.mark.parametrize("language", NON_LATIN, ids=lambda language: language.tag)
def test_no_english_is_read_in_the_page_voice(client, language):
    # Every page, both views: any Latin letters left in the page's own language would be read in its voice.
    for lite in (False, True):
        for _, path in every_page(lite=lite, tags=[language.tag]) + ([] if lite else card_pages(tags=[language.tag])):
            html = BeautifulSoup(client.get(path).get_data(as_text=True), "html.parser")
            unmarked = [str(text).strip() for text in text_in_the_page_language(html) if LATIN_LETTERS.search(text)]
            assert not unmarked, f"{path}: English read in the {language.name} voice: {unmarked[:5]}"


@pytest.mark.parametrize(
    "language", [language for language in NON_LATIN if language.dir == "rtl"], ids=lambda language: language.tag
)
def test_english_in_right_to_left_pages_is_isolated_left_to_right(client, language):
    for _, path in every_page(tags=[language.tag]) + card_pages(tags=[language.tag]):
        html = BeautifulSoup(client.get(path).get_data(as_text=True), "html.parser")
        for part in html.body.find_all(attrs={"lang": "en"}):
            assert part.get("dir") == "ltr" or part.find_parent(attrs={"dir": "ltr"}), f"{path}: {part}"


def test_a_service_name_in_arabic_is_read_in_english(client):
    html = BeautifulSoup(client.get("/ar/get-help").get_data(as_text=True), "html.parser")
    heading = html.find(id="help-crimestoppers")
    name = heading.find(string=re.compile("Crimestoppers"))
    assert name.parent.get("lang") == "en" and name.parent.get("dir") == "ltr"


def test_latin_script_pages_are_left_as_they_are(client):
    html = client.get("/pl/get-help").get_data(as_text=True)
    assert 'lang="en">Crimestoppers' not in html and "Crimestoppers" in html


@pytest.mark.parametrize(
    "source, expected",
    [
        ("<p>ተወከስ Crimestoppers።</p>", '<p>ተወከስ <span lang="en">Crimestoppers</span>።</p>'),
        # Full stops, commas and colons after a name stay outside it; digits inside a name stay in it.
        ("<p>በ Modern Slavery Act 2015, ኣብ section 52.</p>",
         '<p>በ <span lang="en">Modern Slavery Act 2015</span>, ኣብ <span lang="en">section 52</span>.</p>'),
        # Tags, attributes, entities, scripts, the title and text already in a language are never touched.
        ('<a href="/en/get-help" title="Help">ሓገዝ</a>', '<a href="/en/get-help" title="Help">ሓገዝ</a>'),
        ("<p>A &amp; B</p>", '<p><span lang="en">A</span> &amp; <span lang="en">B</span></p>'),
        ("<head><title>Waymark</title></head><script>var a = 1;</script>",
         "<head><title>Waymark</title></head><script>var a = 1;</script>"),
        ('<a lang="sq">Shqip</a> <br>Barnardo\'s', '<a lang="sq">Shqip</a> <br><span lang="en">Barnardo\'s</span>'),
        # An element inside one already in a language keeps that language: its text is not marked again.
        ('<p lang="en">Call <b>Modern Slavery Helpline</b></p>',
         '<p lang="en">Call <b>Modern Slavery Helpline</b></p>'),
        # The page's own lang on <html> is not a language of a part: the page's text is still marked.
        ('<html lang="ti"><body><p>ተወከስ Crimestoppers</p></body></html>',
         '<html lang="ti"><body><p>ተወከስ <span lang="en">Crimestoppers</span></p></body></html>'),
        # Text on later lines of the page is found where it is.
        ("<ul>\n<li>ሓገዝ Crimestoppers</li>\n\n<li>Relay UK።</li>\n</ul>",
         '<ul>\n<li>ሓገዝ <span lang="en">Crimestoppers</span></li>\n\n'
         '<li><span lang="en">Relay UK</span>።</li>\n</ul>'),
        # An end tag closes the elements HTML lets it close implicitly (</li> may be left out), and a stray
        # end tag, with nothing open, is ignored as a browser ignores it.
        ('<ul lang="sq"><li>Shqip</ul><p>ሓገዝ Relay UK</p>',
         '<ul lang="sq"><li>Shqip</ul><p>ሓገዝ <span lang="en">Relay UK</span></p>'),
        ("</p>ሓገዝ Relay UK", '</p>ሓገዝ <span lang="en">Relay UK</span>'),
    ],
)
def test_runs_of_english_are_wrapped_and_nothing_else(source, expected):
    assert mark_english(source, rtl=False) == expected


def test_in_right_to_left_text_the_run_is_also_isolated():
    assert mark_english("<p>اتصل بـ Relay UK</p>", rtl=True) == '<p>اتصل بـ <span lang="en" dir="ltr">Relay UK</span></p>'

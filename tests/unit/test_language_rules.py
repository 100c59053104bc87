"""Each language's own rules: its catalog's plural forms are Babel's for that language, and dates are written
as that language writes them (CLDR, through Babel)."""
import datetime

import pytest
from babel import Locale
from babel.dates import format_date
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup

from webapp import create_app
from webapp.config import Config
from webapp.i18n import listed_languages

from ..support.site import offered_languages

TRANSLATED = [language for language in listed_languages(Config.LANGUAGES_FILE) if language.tag != "en"]


@pytest.mark.parametrize("language", TRANSLATED, ids=lambda language: language.tag)
def test_the_catalog_counts_plurals_as_the_language_does(language):
    with open(f"{Config.BABEL_TRANSLATION_DIRECTORIES}/{language.locale}/LC_MESSAGES/messages.po", "rb") as file:
        catalog = read_po(file)
    expected = get_plural(Locale.parse(language.locale))
    assert catalog.plural_forms == expected.plural_forms, language.tag


@pytest.fixture(scope="module")
def client():
    return create_app({"TESTING": True}).test_client()


@pytest.mark.parametrize("language", offered_languages(), ids=lambda language: language.tag)
def test_update_dates_are_written_the_languages_way(client, language):
    html = BeautifulSoup(client.get(f"/{language.tag}/updates").get_data(as_text=True), "html.parser")
    times = html.select("main time[datetime]")
    assert times, "the Updates page shows its dated updates"
    for time in times:
        date = datetime.date.fromisoformat(time["datetime"])
        assert time.get_text(strip=True) == format_date(date, "long", locale=Locale.parse(language.locale)), language.tag

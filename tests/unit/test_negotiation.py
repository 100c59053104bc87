"""Which language a browser's Accept-Language reaches, over every language of the data file (LANGUAGES.md)."""
import pytest
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from webapp import create_app
from webapp.config import Config
from webapp.i18n import listed_languages, negotiate


@pytest.fixture(scope="module")
def app_with_every_language():
    app = create_app({"TESTING": True})
    app.extensions["waymark_languages"] = {language.tag: language for language in listed_languages(Config.LANGUAGES_FILE)}
    return app


@pytest.mark.parametrize(
    "accept, expected",
    [
        ("zh-TW", "zh-Hant"), ("zh-HK", "zh-Hant"), ("zh-Hant", "zh-Hant"), ("zh-Hant-HK", "zh-Hant"),
        ("zh-CN", "zh-Hans"), ("zh-SG", "zh-Hans"), ("zh", "zh-Hans"), ("zh-Hans-CN", "zh-Hans"),
        ("prs", "fa-AF"), ("fa-AF", "fa-AF"), ("prs-AF", "fa-AF"), ("fa", "fa"), ("fa-IR", "fa"),
        ("ps-AF", "ps"), ("pt-BR", "pt"), ("pt-PT", "pt"), ("es-MX", "es"), ("es-419", "es"), ("es", "es"),
        ("tl", "fil"), ("fil-PH", "fil"), ("kmr", "ku"), ("ku-Latn-TR", "ku"), ("ckb-IQ", "ckb"),
        ("om-ET", "om"), ("pa-IN", "pa"), ("bn-BD", "bn"), ("ta-LK", "ta"), ("ml-IN", "ml"), ("si-LK", "si"),
        ("uk-UA", "uk"), ("ru-RU", "ru"), ("lt-LT", "lt"), ("sk-SK", "sk"), ("cs-CZ", "cs"), ("hu-HU", "hu"),
        ("fr-CM", "fr"), ("th-TH", "th"),
        # The browser's order of preference wins; a language Waymark lacks is passed over.
        ("de-DE, ru;q=0.8, uk;q=0.5", "ru"), ("xx, tl;q=0.3", "fil"), ("de", "en"),
    ],
)
def test_accept_language_reaches_the_right_language(app_with_every_language, accept, expected):
    with app_with_every_language.test_request_context("/"):
        assert negotiate(parse_accept_header(accept, LanguageAccept)) == expected

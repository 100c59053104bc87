"""Every translation catalog: complete, no fuzzy entry, placeholders and markup exactly as in English."""
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from webapp.i18n import review_status

TRANSLATIONS = Path(__file__).resolve().parents[2] / "translations"
CATALOGS = sorted(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s")
TAG = re.compile(r"</?[a-z]+[^>]*>")


def read(path):
    with open(path, "rb") as file:
        return read_po(file)


def entries(path):
    return [message for message in read(path) if message.id]


def ids(path):
    return pytest.param(path, id=path.parent.parent.name)


@pytest.fixture(scope="module")
def template_ids():
    with open(TRANSLATIONS / "messages.pot", "rb") as file:
        return {message.id for message in read_po(file) if message.id}


@pytest.mark.parametrize("path", [ids(path) for path in CATALOGS])
def test_catalog_has_every_string_of_the_template(path, template_ids):
    assert {message.id for message in entries(path)} >= template_ids


@pytest.mark.parametrize("path", [ids(path) for path in CATALOGS])
def test_no_entry_is_missing_or_fuzzy(path):
    missing = [message.id for message in entries(path) if not message.string]
    fuzzy = [message.id for message in entries(path) if message.fuzzy]
    assert not missing, f"{len(missing)} untranslated, first: {missing[:3]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy, first: {fuzzy[:3]}"


@pytest.mark.parametrize("path", [ids(path) for path in CATALOGS])
def test_babel_checkers_pass(path):
    problems = [(message.id, [str(error) for error in errors]) for message, errors in read(path).check()]
    assert not problems, problems[:5]


@pytest.mark.parametrize("path", [ids(path) for path in CATALOGS])
def test_placeholders_and_markup_are_kept(path):
    for message in entries(path):
        assert sorted(PLACEHOLDER.findall(message.string)) == sorted(PLACEHOLDER.findall(message.id)), message.id
        assert sorted(TAG.findall(message.string)) == sorted(TAG.findall(message.id)), message.id


@pytest.mark.parametrize("path", [ids(path) for path in CATALOGS])
def test_no_translation_writes_a_phone_number(path):
    # Numbers reach the page only through placeholders, so a translator cannot change one.
    for message in entries(path):
        digits = re.findall(r"\d[\d ]{5,}\d", message.string)
        assert not digits, (message.id, digits)


@pytest.mark.parametrize("path", [ids(path) for path in CATALOGS])
def test_header_records_review_status(path):
    assert review_status(path) in ("reviewed", "awaiting review")


@pytest.mark.parametrize("path", [ids(path) for path in CATALOGS])
def test_compiled_catalog_is_current(path):
    compiled = path.with_suffix(".mo")
    assert compiled.exists() and compiled.stat().st_mtime >= path.stat().st_mtime, "run `make catalogs`"


def test_a_fuzzy_entry_falls_back_to_english(tmp_path):
    # Compiled the way `flask translate compile` compiles: a fuzzy guess never reaches a page.
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po
    from babel.support import Translations

    from webapp.i18n import _pybabel

    catalog = Catalog(locale="ar", fuzzy=False)
    catalog.add("Exit this page", "ترجمة مؤكدة")
    catalog.add("Update now", "تخمين غير مؤكد", flags=["fuzzy"])
    po, mo = tmp_path / "messages.po", tmp_path / "messages.mo"
    with open(po, "wb") as file:
        write_po(file, catalog)
    _pybabel("compile", "-i", str(po), "-o", str(mo))
    with open(mo, "rb") as file:
        translations = Translations(file)
    assert translations.gettext("Exit this page") == "ترجمة مؤكدة"
    assert translations.gettext("Update now") == "Update now"
    assert translations.gettext("Not in the catalog") == "Not in the catalog"

"""Every translation catalog: complete, no fuzzy entry, placeholders and markup exactly as in English."""
import os
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from webapp.config import Config
from webapp.helplines import load

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


# Every digit run of every number Waymark shows ("999", "101", "18000", "08000 121 700" as "08000121700"), as
# a translator might type it; the only digits a translation may hold are the msgid's own ("press 5 5").
NUMBER_DIGITS = {re.sub(r"\D", "", line.display) for line in load(Config.HELPLINES_FILE).values()}


@pytest.mark.parametrize("path", [ids(path) for path in CATALOGS])
def test_no_translation_writes_a_phone_number(path):
    # Numbers reach the page only through placeholders, so a translator cannot change one.
    for message in entries(path):
        written = {run.replace(" ", "") for run in re.findall(r"\d[\d ]*\d|\d", message.string)}
        allowed = {run.replace(" ", "") for run in re.findall(r"\d[\d ]*\d|\d", message.id)}
        numbers = {run for run in written - allowed if run in NUMBER_DIGITS or len(run) >= 5}
        assert not numbers, (message.id, numbers)


@pytest.mark.parametrize("path", [ids(path) for path in CATALOGS])
def test_header_records_review_status(path):
    # Read the raw header: the app treats a missing or misspelt line as "awaiting review", so it cannot tell.
    header = path.read_text(encoding="utf-8").split("\nmsgid", 1)[0]
    assert re.search(r"^# Review-Status: (reviewed|awaiting review)$", header, re.MULTILINE), header


def test_the_template_holds_every_string_the_code_marks(app, tmp_path):
    # `flask translate extract` run now must find exactly the strings of the committed template: a sentence
    # added to a template, the Python or content/updates.toml without re-extracting fails here.
    fresh = tmp_path / "messages.pot"
    result = app.test_cli_runner().invoke(args=["translate", "extract", "--output", str(fresh)])
    assert result.exit_code == 0, result.output
    with open(fresh, "rb") as file:
        extracted = {message.id for message in read_po(file) if message.id}
    with open(TRANSLATIONS / "messages.pot", "rb") as file:
        committed = {message.id for message in read_po(file) if message.id}
    assert extracted - committed == set(), "run `flask --app webapp translate extract` and `update`"
    assert committed - extracted == set(), "the template holds strings nothing uses: extract again"


def test_update_titles_and_paragraphs_are_extracted_with_a_note_for_translators():
    import io

    from webapp.updates import extract_updates

    data = io.BytesIO(b'[[update]]\ndate = 2026-12-01\ntitle = "A title"\nparagraphs = ["One.", "Two."]\n'
                      b'[[update]]\ndate = 2026-11-02\ntitle = "Older"\nparagraphs = []\n')
    assert list(extract_updates(data, ["_"], [], {})) == [
        (0, "_", "A title", ["The title of an update dated 2026-12-01."]),
        (0, "_", "One.", ["A paragraph of an update dated 2026-12-01."]),
        (0, "_", "Two.", ["A paragraph of an update dated 2026-12-01."]),
        (0, "_", "Older", ["The title of an update dated 2026-11-02."]),
    ]
    assert list(extract_updates(io.BytesIO(b"# no updates yet\n"), ["_"], [], {})) == []


def test_flask_translate_compile_leaves_fuzzy_entries_out(app, tmp_path):
    # Through the command `make catalogs` runs: a fuzzy guess never reaches a page.
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po
    from babel.support import Translations

    catalog = Catalog(locale="ar", fuzzy=False)
    catalog.add("Exit this page", "ترجمة مؤكدة")
    catalog.add("Update now", "تخمين غير مؤكد", flags=["fuzzy"])
    po = tmp_path / "ar" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    with open(po, "wb") as file:
        write_po(file, catalog)
    result = app.test_cli_runner().invoke(args=["translate", "compile", "--directory", str(tmp_path)])
    assert result.exit_code == 0, result.output
    with open(po.with_suffix(".mo"), "rb") as file:
        translations = Translations(file)
    assert translations.gettext("Exit this page") == "ترجمة مؤكدة"
    assert translations.gettext("Update now") == "Update now"
    assert translations.gettext("Not in the catalog") == "Not in the catalog"


def test_compile_skips_a_catalog_already_compiled_and_redoes_a_stale_one(app, tmp_path):
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    po = tmp_path / "ar" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    catalog = Catalog(locale="ar", fuzzy=False)
    catalog.add("Exit this page", "اخرج")
    with open(po, "wb") as file:
        write_po(file, catalog)
    compile_ = ["translate", "compile", "--directory", str(tmp_path)]
    assert "compiled" in app.test_cli_runner().invoke(args=compile_).output
    assert app.test_cli_runner().invoke(args=compile_).output == ""
    os.utime(po.with_suffix(".mo"), (0, 0))
    assert "compiled" in app.test_cli_runner().invoke(args=compile_).output
    assert "compiled" in app.test_cli_runner().invoke(args=[*compile_, "--force"]).output


def test_a_trans_block_written_over_several_lines_is_shown_translated(app):
    # babel.cfg extracts {% trans %} blocks trimmed (one line each in the catalogs); a page must look them up
    # the same way, or a block a template writes over several lines is shown in English in every language.
    english = ("The English pages are the reference. If a translation says something different, "
               "follow the English page.")
    polish = next(message.string for message in read(TRANSLATIONS / "pl" / "LC_MESSAGES" / "messages.po")
                  if message.id == english)
    block = "{% trans %}The English pages are the reference.\n  If a translation says something different,\n" \
            "  follow the English page.{% endtrans %}"
    with app.test_request_context("/pl/"):
        assert app.jinja_env.from_string(block).render() == polish

"""A throw-away copy of the languages file and the catalogs, changed by a test, compiled, and an app built on it."""
import json
import tomllib
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from webapp import create_app
from webapp.config import Config

TRANSLATIONS = Path(Config.BABEL_TRANSLATION_DIRECTORIES)


def read_catalog(path):
    with open(path, "rb") as file:
        return read_po(file)


def languages_file(path, tags):
    """A copy of the languages file at `path` that lists only `tags`; returns it and the entries it lists."""
    with open(Config.LANGUAGES_FILE, "rb") as file:
        listed = [entry for entry in tomllib.load(file)["language"] if entry["tag"] in tags]
    assert {entry["tag"] for entry in listed} == set(tags), f"not in the languages file: {tags}"
    lines = []
    for entry in listed:
        lines.append("[[language]]")
        # JSON's strings, lists and booleans are also TOML's.
        lines.extend(f"{key} = {json.dumps(value, ensure_ascii=False)}" for key, value in entry.items())
    path.write_text("\n".join(lines) + "\n")
    return path, listed


def app_with_catalogs(tmp_path, change, tags, **config):
    """An app offering at most `tags`, whose catalogs are copies of the real ones after `change(tag, catalog)`.

    The .mo files are compiled from the changed .po with Babel (fuzzy entries left out), as `make catalogs` does.
    """
    languages, listed = languages_file(tmp_path / "languages.toml", tags)
    translations = tmp_path / "translations"
    for entry in listed:
        if entry["tag"] == "en":
            continue
        source = TRANSLATIONS / entry["locale"] / "LC_MESSAGES" / "messages.po"
        target = translations / entry["locale"] / "LC_MESSAGES" / "messages.po"
        target.parent.mkdir(parents=True)
        catalog = read_catalog(source)
        change(entry["tag"], catalog)
        with open(target, "wb") as file:
            write_po(file, catalog)
        with open(target.with_suffix(".mo"), "wb") as file:
            write_mo(file, catalog, use_fuzzy=False)
    return create_app({"TESTING": True, "LANGUAGES_FILE": str(languages),
                       "BABEL_TRANSLATION_DIRECTORIES": str(translations), **config})

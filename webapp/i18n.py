"""Languages: which are offered, which one a request is in, and the `flask translate` commands."""
import contextlib
import dataclasses
import functools
import io
import re
import tomllib
from pathlib import Path

import click
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po
from flask import current_app, g, request
from flask_babel import Babel
from werkzeug.routing import BaseConverter, ValidationError

from . import PROJECT_ROOT

SOURCE_LANGUAGE = "en"


@dataclasses.dataclass(frozen=True)
class Language:
    tag: str  # BCP 47, as in the URL and the lang attribute
    locale: str  # Babel's name for its catalog
    name: str
    endonym: str
    script: str  # its writing system: "Latin", "Arabic", "Han"...
    dir: str
    aliases: tuple = ()  # other tags a browser may send for it ("zh-TW" for "zh-Hant", "tl" for "fil")
    reviewed: bool = False  # a fluent speaker has checked the catalog (English is the source, so True)


def catalog_path(app, language):
    return Path(app.config["BABEL_TRANSLATION_DIRECTORIES"]) / language.locale / "LC_MESSAGES" / "messages.po"


@functools.lru_cache(maxsize=64)
def judge_catalog(content):
    """Whether a catalog (its bytes) is complete, and its review status. Parsing a catalog is most of the
    app's start-up, so each content is judged once per process: an app made again (a test, `flask`
    commands) reads the files again but parses only a changed one."""
    catalog = read_po(io.BytesIO(content))
    return catalog_is_complete(catalog), review_status(catalog)


def catalog_is_complete(catalog):
    """True when every entry of the catalog is translated and none is fuzzy."""
    for message in catalog:
        if not message.id:  # the header
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            return False
    return True


REVIEW_LINE = re.compile(r"^# Review-Status: (reviewed|awaiting review)\s*$", re.MULTILINE)


def review_status(catalog):
    """What the catalog's header comment says: "reviewed" by a fluent speaker, or "awaiting review"."""
    match = REVIEW_LINE.search(catalog.header_comment)
    return match.group(1) if match else "awaiting review"


def listed_languages(path):
    """Every language of the data file, in the picker's order, whether or not its catalog is complete."""
    with open(path, "rb") as file:
        return [
            Language(**{**entry, "aliases": tuple(entry.get("aliases", ()))})
            for entry in tomllib.load(file)["language"]
        ]


def load_languages(app):
    """Every language of the data file whose catalog is complete; English is the source and always there."""
    offered = {}
    for language in listed_languages(app.config["LANGUAGES_FILE"]):
        path = catalog_path(app, language)
        if language.tag == SOURCE_LANGUAGE:
            offered[language.tag] = dataclasses.replace(language, reviewed=True)
        elif path.exists():
            complete, status = judge_catalog(path.read_bytes())
            if complete:
                offered[language.tag] = dataclasses.replace(language, reviewed=status == "reviewed")
    return offered


def languages():
    return current_app.extensions["waymark_languages"]


def current_language():
    """The language of this request: the URL's prefix, else the best the browser asks for."""
    if "language" not in g:
        offered = languages()
        tag = (request.view_args or {}).get("lang") if request else None
        if tag not in offered:
            tag = negotiate(request.accept_languages) if request else SOURCE_LANGUAGE
        g.language = offered[tag]
    return g.language


def negotiate(accept_languages):
    """The offered language that best matches an Accept-Language header, in the browser's order of
    preference: "ti-ER" finds "ti", "zh-Hans-CN" and "zh-CN" find "zh-Hans", "zh-TW" finds "zh-Hant",
    "prs" finds Dari (fa-AF) while "fa" stays Persian; nothing offered finds English."""
    offered = {tag.lower(): tag for tag in languages()}
    aliases = {alias.lower(): language.tag for language in languages().values() for alias in language.aliases}
    for requested, quality in accept_languages:  # werkzeug sorts by quality, highest first
        if quality <= 0:
            continue
        # RFC 4647 lookup: drop subtags from the end until an offered tag, or an alias of one, matches.
        parts = requested.lower().split("-")
        while parts:
            candidate = "-".join(parts)
            if candidate in offered:
                return offered[candidate]
            if candidate in aliases:
                return aliases[candidate]
            parts.pop()
    return SOURCE_LANGUAGE


class LanguageConverter(BaseConverter):
    """A URL segment that is the tag of an offered language; any other segment is not found."""

    def to_python(self, value):
        if value not in languages():
            raise ValidationError()
        return value


def init_app(app):
    app.extensions["waymark_languages"] = load_languages(app)
    app.url_map.converters["lang"] = LanguageConverter
    Babel(app, locale_selector=lambda: current_language().locale)
    # Whitespace inside {% trans %} blocks is collapsed, so catalogs hold clean one-line strings.
    app.jinja_env.policies["ext.i18n.trimmed"] = True

    @app.context_processor
    def language_context():
        return {"language": current_language(), "languages": languages()}

    app.jinja_env.globals["current_language"] = current_language
    app.cli.add_command(translate)


def _pybabel(*args):
    # From the project root, so catalogs name source files by relative paths.
    with contextlib.chdir(PROJECT_ROOT):
        CommandLineInterface().run(["pybabel", "-q", *args])


@click.group()
def translate():
    """Extract, update and compile the translation catalogs."""


POT = PROJECT_ROOT / "translations" / "messages.pot"


@translate.command()
@click.option("--output", default=str(POT), show_default=True, help="Where to write the template.")
def extract(output):
    """Collect every marked string into translations/messages.pot."""
    _pybabel(
        "extract", "-F", str(PROJECT_ROOT / "babel.cfg"), "-k", "_l", "--add-comments=TRANSLATORS:",
        "--sort-by-file", "--no-wrap", "--project=Waymark", "-o", str(output), ".",
    )


@translate.command()
def update():
    """Merge messages.pot into every language's catalog."""
    _pybabel("update", "-i", str(POT), "-d", str(POT.parent), "--no-wrap", "--ignore-obsolete")


@translate.command()
@click.option("--force", is_flag=True, help="Compile every catalog, not only the stale ones.")
@click.option("--directory", default=str(POT.parent), show_default=True, help="Where the catalogs are.")
def compile(force, directory):
    """Compile each catalog whose .mo is missing or older than its .po (fuzzy entries are left out)."""
    for po in sorted(Path(directory).glob("*/LC_MESSAGES/messages.po")):
        mo = po.with_suffix(".mo")
        if force or not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            _pybabel("compile", "-i", str(po), "-o", str(mo))
            click.echo(f"compiled {mo}")

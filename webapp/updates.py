"""Dated updates: read from a data file, shown on the Updates page, announced by push; and their extractor."""
import datetime
import tomllib
from dataclasses import dataclass


@dataclass(frozen=True)
class Update:
    date: datetime.date
    title: str  # English; a msgid in every catalog
    paragraphs: tuple


def load(path):
    """Every update in the data file, newest first; a malformed one stops start-up with its position."""
    with open(path, "rb") as file:
        items = tomllib.load(file).get("update", [])
    updates = []
    for position, item in enumerate(items, start=1):
        try:
            update = Update(date=item["date"], title=item["title"], paragraphs=tuple(item["paragraphs"]))
        except KeyError as missing:
            raise ValueError(f"{path}: update {position} needs a {missing} value") from None
        if not isinstance(update.date, datetime.date):
            raise ValueError(f"{path}: update {position} has a date that is not YYYY-MM-DD")
        updates.append(update)
    return sorted(updates, key=lambda update: update.date, reverse=True)


def extract_updates(fileobj, keywords, comment_tags, options):
    """Babel extractor: each title and paragraph of the data file becomes a catalog entry."""
    for item in tomllib.load(fileobj).get("update", []):
        note = f"an update dated {item['date']}"
        yield 0, "_", item["title"], [f"The title of {note}."]
        for paragraph in item["paragraphs"]:
            yield 0, "_", paragraph, [f"A paragraph of {note}."]


def init_app(app):
    app.extensions["waymark_updates"] = load(app.config["UPDATES_FILE"])
    app.jinja_env.globals["updates"] = app.extensions["waymark_updates"]

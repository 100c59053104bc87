"""What the site holds, for parametrizing tests: every language offered, every page address."""
import functools

from webapp import create_app
from webapp.pages import HOME, SLUGS


@functools.cache
def offered_languages():
    return tuple(create_app({"TESTING": True}).extensions["waymark_languages"].values())


def page_path(tag, slug, lite=False):
    prefix = f"/{tag}/lite/" if lite else f"/{tag}/"
    return prefix if slug == HOME else prefix + slug


def every_page(lite=False, tags=None):
    """(tag, path) for every page in every offered language (or in `tags`)."""
    tags = tags or [language.tag for language in offered_languages()]
    return [(tag, page_path(tag, slug, lite)) for tag in tags for slug in (HOME, *SLUGS)]


def card_pages(tags=None, sheet_tags=None):
    """(tag, path) for each language's card and discreet card (in every offered language, or in `tags`), and the
    sheet of all cards in every language (or in `sheet_tags`)."""
    tags = tags or [language.tag for language in offered_languages()]
    sheet_tags = tags if sheet_tags is None else sheet_tags
    return [(tag, f"/{tag}/{name}") for tag in tags for name in ("card", "discreet-card")] + \
        [(tag, f"/{tag}/cards") for tag in sheet_tags]

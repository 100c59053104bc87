"""Being found by the people who need it: the public address, canonical and language links, sitemap, robots.txt.

`WAYMARK_SITE_URL` is the public origin (https://waymark.example). With it, every page names its canonical
address and its other languages by absolute URL (as search engines require), and `/sitemap.xml` lists every
page with its language alternates. Without it, links stay relative and there is no sitemap: Waymark never
builds an absolute address from the request's Host header, which anyone can forge.
"""
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, render_template, url_for

from .i18n import languages
from .pages import HOME, SLUGS, page_url

bp = Blueprint("findability", __name__)


def absolute(path):
    """`path` on the public origin, or `path` as it is when no public origin is configured."""
    return current_app.config["SITE_URL"] + path


def alternates(slug):
    """(hreflang, URL) of the page in every language; with a public address, absolute, then x-default: where
    a reader with none of them lands (the language chooser for the home page, else the English page)."""
    links = [(tag, absolute(page_url(tag, slug, "standard"))) for tag in languages()]
    if not current_app.config["SITE_URL"]:
        return links
    default = url_for("pages.choose_language") if slug == HOME else page_url("en", slug, "standard")
    return links + [("x-default", absolute(default))]


@bp.route("/sitemap.xml")
def sitemap():
    """Every page in every language, each with its alternates (only when the public address is known)."""
    if not current_app.config["SITE_URL"]:
        abort(404)
    pages = [(absolute(page_url(tag, slug, "standard")), alternates(slug)) for slug in (HOME, *SLUGS) for tag in languages()]
    body = render_template("sitemap.xml", pages=pages)
    return current_app.response_class(body, mimetype="application/xml")


@bp.route("/robots.txt")
def robots():
    """Every page may be read; the API may not. Names the sitemap when there is one."""
    lines = ["User-agent: *", "Disallow: /api/", "Disallow: /go"]
    if current_app.config["SITE_URL"]:
        lines.append(f"Sitemap: {absolute(url_for('findability.sitemap'))}")
    return current_app.response_class("\n".join(lines) + "\n", mimetype="text/plain")


def checked_site_url(value):
    """The configured public origin, without a trailing slash; start-up stops on anything but an origin."""
    if not value:
        return ""
    url = urlsplit(value)
    if url.scheme not in ("http", "https") or not url.hostname or url.path.strip("/") or url.query or url.fragment \
            or url.username or url.password or "\\" in value:
        raise ValueError(f"WAYMARK_SITE_URL must be an http(s) origin such as https://waymark.example, not {value!r}")
    return f"{url.scheme}://{url.netloc}"


def init_app(app):
    app.config["SITE_URL"] = checked_site_url(app.config["SITE_URL"])
    app.register_blueprint(bp)
    app.jinja_env.globals.update(absolute_url=absolute, alternates=alternates)

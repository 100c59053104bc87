"""The guidance pages: one template per slug, under a language prefix, in a standard and a lite view."""
from flask import Blueprint, abort, current_app, g, redirect, request, url_for

from .i18n import current_language, negotiate
from . import language_of_parts

bp = Blueprint("pages", __name__)

# Slugs are English and the same in every language. Order is the order of the home page's choices.
SLUGS = (
    "get-help",
    "check-your-situation",
    "what-is-modern-slavery",
    "spot-the-signs",
    "worried-about-someone",
    "what-happens-when-you-call",
    "support-and-rights",
    "forced-to-commit-crimes",
    "under-18",
    "scotland-and-northern-ireland",
    "stay-safe-on-your-phone",
    "for-organisations",
    "updates",
    "about",
    "offline",
)
HOME = "home"

# The views a page is rendered in. "full" is the standard view chosen explicitly (?view=full), so that a
# browser asking to save data (Save-Data: on) can still read it; its links keep the choice.
STANDARD, FULL, LITE = "standard", "full", "lite"
LAYOUTS = {STANDARD: "base.html", FULL: "base.html", LITE: "lite.html"}


def page_url(lang, slug, view=None):
    """The address of one page in one language, in this request's view unless `view` says otherwise."""
    view = view or g.get("view", STANDARD)
    if view == LITE:
        if slug == HOME:
            return url_for("pages.lite_home", lang=lang)
        return url_for("pages.lite_page", lang=lang, slug=slug)
    query = {"view": FULL} if view == FULL else {}
    if slug == HOME:
        return url_for("pages.home", lang=lang, **query)
    return url_for("pages.page", lang=lang, slug=slug, **query)


def render_page(slug, view):
    """The page's HTML, rendered once per language, page and view, then served from memory."""
    g.view = view
    key = (current_language().tag, slug, view)
    rendered = current_app.extensions["waymark_rendered_pages"]
    if key not in rendered:
        template = "pages/home.html" if slug == HOME else f"pages/{slug}.html"
        rendered[key] = language_of_parts.render(template, slug=slug, layout=LAYOUTS[view])
    return rendered[key]


def standard_or_lite(slug):
    """The standard view, unless the browser asks to save data and the address did not ask for full."""
    if request.args.get("view") == FULL:
        body = render_page(slug, FULL)
    elif request.headers.get("Save-Data", "").strip().lower() == "on":
        body = render_page(slug, LITE)
    else:
        body = render_page(slug, STANDARD)
    response = current_app.make_response(body)
    response.vary.add("Save-Data")
    return response


@bp.route("/")
def choose_language():
    """Send the browser to the home page in the language it prefers."""
    response = redirect(url_for("pages.home", lang=negotiate(request.accept_languages)))
    response.vary.add("Accept-Language")
    return response


@bp.route("/<lang:lang>/")
def home(lang):
    """Are you safe now? Then the main choices."""
    return standard_or_lite(HOME)


@bp.route("/<lang:lang>/<slug>")
def page(lang, slug):
    """One page of guidance."""
    if slug not in SLUGS:
        abort(404)
    return standard_or_lite(slug)


@bp.route("/<lang:lang>/lite/")
def lite_home(lang):
    """The home page as plain HTML, for slow and metered connections."""
    return render_page(HOME, LITE)


@bp.route("/<lang:lang>/lite/<slug>")
def lite_page(lang, slug):
    """One page of guidance as plain HTML, for slow and metered connections."""
    if slug not in SLUGS:
        abort(404)
    return render_page(slug, LITE)


def init_app(app):
    app.extensions["waymark_rendered_pages"] = {}
    app.register_blueprint(bp)
    app.jinja_env.globals.update(page_url=page_url, guidance_slugs=SLUGS)

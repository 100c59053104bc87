"""The guidance pages: one template per slug, under a language prefix."""
from flask import Blueprint, abort, redirect, render_template, request, url_for

from .i18n import negotiate

bp = Blueprint("pages", __name__)

# Slugs are English and the same in every language. Order is the order of the home page's choices.
SLUGS = (
    "get-help",
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


def page_url(lang, slug):
    """The address of one page in one language."""
    if slug == HOME:
        return url_for("pages.home", lang=lang)
    return url_for("pages.page", lang=lang, slug=slug)


@bp.route("/")
def choose_language():
    """Send the browser to the home page in the language it prefers."""
    response = redirect(url_for("pages.home", lang=negotiate(request.accept_languages)))
    response.vary.add("Accept-Language")
    return response


@bp.route("/<lang:lang>/")
def home(lang):
    """Are you safe now? Then the main choices."""
    return render_template("pages/home.html", slug=HOME, layout="base.html")


@bp.route("/<lang:lang>/<slug>")
def page(lang, slug):
    """One page of guidance."""
    if slug not in SLUGS:
        abort(404)
    return render_template(f"pages/{slug}.html", slug=slug, layout="base.html")


def init_app(app):
    app.register_blueprint(bp)
    app.jinja_env.globals.update(page_url=page_url, guidance_slugs=SLUGS)

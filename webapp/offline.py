"""Offline and install: the service worker at /sw.js, with its precache list and version, and the manifests."""
import hashlib
import json

from flask import Blueprint, current_app, url_for
from flask_babel import gettext as _

from . import PROJECT_ROOT
from .i18n import current_language, languages
from .pages import HOME, SLUGS, page_url
from .quick_exit import EXIT_PATH

bp = Blueprint("offline", __name__)

SERVICE_WORKER = PROJECT_ROOT / "service_worker" / "sw.js"
ICONS = [
    ("icons/icon-192.png", "192x192", "any"),
    ("icons/icon-512.png", "512x512", "any"),
    ("icons/icon-maskable-192.png", "192x192", "maskable"),
    ("icons/icon-maskable-512.png", "512x512", "maskable"),
]
THEME_COLOUR = "#00552b"
BACKGROUND_COLOUR = "#ffffff"


def language_pages(tag):
    """Every page of one language in the standard view, then its manifest: the last saved, so the worker
    takes a cached manifest as the sign that the whole language is saved."""
    return [page_url(tag, slug, "standard") for slug in (HOME, *SLUGS)] + [url_for("offline.manifest", lang=tag)]


def shared_assets():
    """The hash-named bundles every page of every language needs, and the notice's icon."""
    bundles = current_app.extensions["waymark_assets"]
    urls = [url for name in ("app_css", "app_js") for url in bundles[name].urls()]
    return urls + [url_for("static", filename=ICONS[0][0])]


def fetched_from(url):
    """Where a saved address is fetched: pages in the full view whatever Save-Data says (as sw.js does)."""
    return url if url.startswith("/static/") or url.endswith(".webmanifest") else url + "?view=full"


def build_info():
    """What the worker needs to know, worked out once per process: it renders every page to hash and weigh it."""
    client = current_app.test_client()
    digest = hashlib.sha256(SERVICE_WORKER.read_bytes())
    digest.update(current_app.config["RELEASE"].encode())
    digest.update(current_app.config["QUICK_EXIT_URL"].encode())

    def fetch(url):
        with client.get(fetched_from(url), headers={"Accept-Encoding": "gzip"}) as response:
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}; it cannot be saved for offline use")
            body = response.get_data()
        digest.update(url.encode() + body)
        return len(body)

    assets = shared_assets()
    asset_bytes = sum(fetch(url) for url in assets)
    offered = {}
    for tag, language in languages().items():
        pages = language_pages(tag)
        offered[tag] = {"pages": pages, "bytes": asset_bytes + sum(fetch(url) for url in pages), "dir": language.dir}
    numbers = current_app.extensions["helplines"]
    info = {
        "version": digest.hexdigest()[:16],
        "assets": assets,
        "languages": offered,
        "exitPath": EXIT_PATH,
        "exitUrl": current_app.config["QUICK_EXIT_URL"],
        # For the last-resort offline answer, when not even an offline page is saved.
        "help": [{"display": numbers[key].display, "href": numbers[key].href} for key in ("emergency", "helpline")],
    }
    return info


@bp.route("/sw.js")
def service_worker():
    """The worker's source with this release's BUILD object in front of it, put together once per process."""
    source = current_app.extensions.get("waymark_service_worker")
    if source is None:
        source = f"const BUILD = {json.dumps(build_info(), indent=1)};\n\n{SERVICE_WORKER.read_text()}"
        current_app.extensions["waymark_service_worker"] = source
    response = current_app.response_class(source, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/<lang:lang>/manifest.webmanifest")
def manifest(lang):
    """The web app manifest for one language: installs Waymark with that language's start page."""
    language = current_language()
    start = page_url(lang, HOME, "standard")
    data = {
        "id": start,
        "name": "Waymark",
        "short_name": "Waymark",
        "description": _("Help with modern slavery in the UK. Works without internet."),
        "lang": language.tag,
        "dir": language.dir,
        "start_url": start,
        "scope": start,
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [
            {"src": url_for("static", filename=path), "sizes": size, "type": "image/png", "purpose": purpose}
            for path, size, purpose in ICONS
        ],
        "screenshots": [
            {"src": url_for("static", filename="screenshots/narrow.png"), "sizes": "360x740", "type": "image/png",
             "form_factor": "narrow", "label": _("Are you safe now? The start page on a phone")},
            {"src": url_for("static", filename="screenshots/wide.png"), "sizes": "1280x800", "type": "image/png",
             "form_factor": "wide", "label": _("The start page on a computer")},
        ],
    }
    body = json.dumps(data, ensure_ascii=False, indent=1)
    return current_app.response_class(body, mimetype="application/manifest+json")


def init_app(app):
    app.register_blueprint(bp)

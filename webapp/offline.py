"""Offline and install: the service worker at /sw.js, with its precache list and version, and the manifests."""
import concurrent.futures
import hashlib
import json
import threading

from flask import Blueprint, current_app, url_for
from flask_babel import gettext as _

from . import PROJECT_ROOT
from .i18n import current_language, languages
from .pages import HOME, SLUGS, page_url
from .quick_exit import EXIT_PATH

bp = Blueprint("offline", __name__)
BUILDING = threading.Lock()  # one build of the worker at a time: it renders and compresses every page

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


def build_info(app):
    """What the worker needs to know: every page of every language is rendered to hash and weigh it.

    Each page is fetched from a thread of the pool, which has no context: so each gets a request (and an app
    context, so a `g`) of its own, in its own language. Fetched inside the /sw.js request they would share its
    `g`, and all be rendered in its language."""
    client = app.test_client()

    def fetch(url, encoding="br"):
        # Brotli, as a browser that saves the page downloads it: the bytes a person is told about are real.
        with client.get(url, headers={"Accept-Encoding": encoding} if encoding else {}) as response:
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}; it cannot be saved for offline use")
            return url, response.get_data()

    with app.test_request_context():
        assets = shared_assets()
        page_lists = {tag: language_pages(tag) for tag in languages()}
        # Lite pages are not saved (offline, a lite address opens the saved full page), but they are part of
        # the release: any change to any rendered page makes a new version.
        lite_pages = [page_url(tag, slug, "lite") for tag in languages() for slug in (HOME, *SLUGS)]
        numbers = app.extensions["helplines"]
        help_lines = [{"display": numbers[key].display, "href": numbers[key].href} for key in ("emergency", "helpline")]
    saved = assets + [fetched_from(url) for pages in page_lists.values() for url in pages]
    # Brotli at its highest setting takes most of the time and lets other threads run meanwhile.
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        bodies = dict(pool.map(fetch, saved))
        bodies.update(pool.map(lambda url: fetch(url, encoding=None), lite_pages))
    digest = hashlib.sha256(SERVICE_WORKER.read_bytes())
    for text in (app.config["RELEASE"], app.config["QUICK_EXIT_URL"]):
        digest.update(text.encode() + b"\0")
    for url in saved + lite_pages:
        digest.update(url.encode() + b"\0" + bodies[url] + b"\0")
    asset_bytes = sum(len(bodies[url]) for url in assets)
    offered = {}
    for tag, language in app.extensions["waymark_languages"].items():
        pages = page_lists[tag]
        offered[tag] = {"pages": pages, "bytes": asset_bytes + sum(len(bodies[fetched_from(url)]) for url in pages),
                        "dir": language.dir}
    return {
        "version": digest.hexdigest()[:16],
        "assets": assets,
        "languages": offered,
        "exitPath": EXIT_PATH,
        "exitUrl": app.config["QUICK_EXIT_URL"],
        # For the last-resort offline answer, when not even an offline page is saved.
        "help": help_lines,
    }


def worker_source(app):
    """The worker's source with this release's BUILD object in front of it, put together once per process
    (deploy/gunicorn.conf.py starts on it as each worker starts; a request that comes first waits for it)."""
    with BUILDING:
        source = app.extensions.get("waymark_service_worker")
        if source is None:
            info = build_info(app)
            source = f"const BUILD = {json.dumps(info, indent=1)};\n\n{SERVICE_WORKER.read_text()}"
            app.extensions["waymark_service_worker"] = source
    return source


@bp.route("/sw.js")
def service_worker():
    """The service worker, with this release's build data in front."""
    response = current_app.response_class(worker_source(current_app._get_current_object()), mimetype="text/javascript")
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

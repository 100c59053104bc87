"""Waymark: modern slavery helpline guidance as an installable, offline, multilingual web app."""
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config=None):
    """Build the app: defaults, then WAYMARK_* environment variables, then the test config."""
    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.from_object("webapp.config.Config")
    app.config.from_prefixed_env("WAYMARK")
    if test_config is not None:
        app.config.from_mapping(test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if int(app.config["PROXY_COUNT"]):
        # Behind that many proxies, trust their X-Forwarded-For and -Proto: client addresses and https.
        # Never X-Forwarded-Host: nothing needs the host (redirects are paths), so nothing may be told it.
        count = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)

    from . import assets, cards, delivery, errors, export, findability, helplines, i18n, offline, pages, push, quick_exit, security, updates

    helplines.init_app(app)
    updates.init_app(app)
    i18n.init_app(app)
    assets.init_app(app)
    security.init_app(app)
    delivery.init_app(app)
    errors.init_app(app)
    quick_exit.init_app(app)
    pages.init_app(app)
    cards.init_app(app)
    findability.init_app(app)
    export.init_app(app)
    offline.init_app(app)
    push.init_app(app)
    return app

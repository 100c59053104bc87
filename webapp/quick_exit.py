"""The quick exit's no-JavaScript route: a neutral-named URL that sends the browser to a neutral site."""
from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect

bp = Blueprint("quick_exit", __name__)

# Neutral on purpose: it is what a browser's history list shows.
EXIT_PATH = "/go"


@bp.route(EXIT_PATH)
def leave():
    """Send the browser to the neutral site, clearing what the site's own caches hold."""
    response = redirect(current_app.config["QUICK_EXIT_URL"], code=303)
    # Not "storage": the saved pages and the exit's own flag live there, and the exit needs them.
    response.headers["Clear-Site-Data"] = '"cache", "cookies"'
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app):
    url = urlsplit(app.config["QUICK_EXIT_URL"])
    if url.scheme not in ("http", "https") or not url.netloc:
        raise ValueError(f"WAYMARK_QUICK_EXIT_URL must be an absolute http(s) URL, not {app.config['QUICK_EXIT_URL']!r}")
    app.register_blueprint(bp)
    app.jinja_env.globals["quick_exit_url"] = app.config["QUICK_EXIT_URL"]

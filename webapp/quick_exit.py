"""The quick exit's route: a neutral-named URL that sends the browser to a neutral site, and clears caches."""
from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect

bp = Blueprint("quick_exit", __name__)

# Neutral on purpose: it is what a browser's history list shows.
EXIT_PATH = "/go"

# Not "storage": the saved pages and the exit's own flag live there, and the exit needs them.
CLEAR_SITE_DATA = '"cache", "cookies"'


@bp.get(EXIT_PATH)
def leave():
    """Send the browser to the neutral site at once (the link that works without JavaScript)."""
    # No Clear-Site-Data here: Chromium holds a redirect that carries it until the clearing is done,
    # with the Waymark page still on screen. The exit script asks for the clearing separately (below).
    response = redirect(current_app.config["QUICK_EXIT_URL"], code=303)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post(EXIT_PATH)
def clear():
    """Clear this site's HTTP cache and cookies: the exit script's beacon, which nobody waits for."""
    response = current_app.response_class(status=204)
    response.headers["Clear-Site-Data"] = CLEAR_SITE_DATA
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app):
    url = urlsplit(app.config["QUICK_EXIT_URL"])
    if url.scheme not in ("http", "https") or not url.netloc:
        raise ValueError(f"WAYMARK_QUICK_EXIT_URL must be an absolute http(s) URL, not {app.config['QUICK_EXIT_URL']!r}")
    app.register_blueprint(bp)
    app.jinja_env.globals["quick_exit_url"] = app.config["QUICK_EXIT_URL"]

"""CSS and JavaScript: bundles minified and hash-named by flask-assets (static/gen/), and the lite view's
stylesheet, minified and sent inside each lite page so the page needs one request, allowed by its hash."""
import base64
import hashlib
import os

import rcssmin
import rjsmin
from flask_assets import Bundle, Environment
from markupsafe import Markup

# The lite view's scripts, each minified and sent inside every lite page (one request), allowed by its hash.
# The exit is the standard view's own script, so the two views cannot drift apart; saving for offline use is
# the lite view's own, small one.
LITE_SCRIPTS = ("js/quick_exit.js", "js/lite_offline.js")

BUNDLES = {
    "app_css": Bundle("css/app.css", filters="rcssmin", output="gen/app.%(version)s.css"),
    "app_js": Bundle("js/quick_exit.js", "js/offline.js", "js/push.js", "js/listen.js", "js/check.js", filters="rjsmin", output="gen/app.%(version)s.js"),
}


def init_app(app):
    environment = Environment(app)
    # Remembers each bundle's hash between starts, so an unchanged bundle is not rebuilt.
    environment.manifest = f"json:{os.path.join(app.instance_path, 'assets-manifest.json')}"
    environment.register(BUNDLES)
    app.extensions["waymark_assets"] = environment
    css, source = lite_stylesheet(app)
    app.jinja_env.globals["lite_css"] = Markup(css)  # our own file, hashed as is: escaping would break the hash
    app.config["LITE_STYLE_SOURCE"] = source
    scripts = [lite_script(app, name) for name in LITE_SCRIPTS]
    app.jinja_env.globals["lite_scripts"] = [Markup(text) for text, _ in scripts]
    app.config["LITE_SCRIPT_SOURCES"] = [source for _, source in scripts]
    with app.app_context():
        # Build now, so the first visitor does not wait and a broken asset stops start-up.
        for bundle in environment:
            bundle.urls()


def lite_stylesheet(app):
    """The lite view's minified CSS and the CSP source that allows exactly that text inline."""
    with app.open_resource(os.path.join(app.static_folder, "css", "lite.css"), "r") as file:
        css = rcssmin.cssmin(file.read())
    return css, hash_source(css)


def lite_script(app, name):
    """One lite-view script, minified, and the CSP source that allows exactly that text inline."""
    with app.open_resource(os.path.join(app.static_folder, name), "r") as file:
        script = rjsmin.jsmin(file.read())
    return script, hash_source(script)


def hash_source(text):
    digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
    return f"'sha256-{digest}'"

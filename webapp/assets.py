"""CSS and JavaScript: bundles minified and hash-named by flask-assets (static/gen/), and the lite view's
stylesheet, minified and sent inside each lite page so the page needs one request, allowed by its hash."""
import base64
import hashlib
import os

import rcssmin
from flask_assets import Bundle, Environment
from markupsafe import Markup

BUNDLES = {
    "app_css": Bundle("css/app.css", filters="rcssmin", output="gen/app.%(version)s.css"),
    "app_js": Bundle("js/quick_exit.js", "js/offline.js", "js/push.js", filters="rjsmin", output="gen/app.%(version)s.js"),
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
    with app.app_context():
        # Build now, so the first visitor does not wait and a broken asset stops start-up.
        for bundle in environment:
            bundle.urls()


def lite_stylesheet(app):
    """The lite view's minified CSS and the CSP source that allows exactly that text inline."""
    with app.open_resource(os.path.join(app.static_folder, "css", "lite.css"), "r") as file:
        css = rcssmin.cssmin(file.read())
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    return css, f"'sha256-{digest}'"

"""CSS and JavaScript bundles, minified and hash-named by flask-assets (static/gen/)."""
import os

from flask_assets import Bundle, Environment

BUNDLES = {
    "app_css": Bundle("css/app.css", filters="rcssmin", output="gen/app.%(version)s.css"),
    "lite_css": Bundle("css/lite.css", filters="rcssmin", output="gen/lite.%(version)s.css"),
    "app_js": Bundle("js/quick_exit.js", filters="rjsmin", output="gen/app.%(version)s.js"),
}


def init_app(app):
    environment = Environment(app)
    # Remembers each bundle's hash between starts, so an unchanged bundle is not rebuilt.
    environment.manifest = f"json:{os.path.join(app.instance_path, 'assets-manifest.json')}"
    environment.register(BUNDLES)
    app.extensions["waymark_assets"] = environment
    with app.app_context():
        # Build now, so the first visitor does not wait and a broken asset stops start-up.
        for bundle in environment:
            bundle.urls()

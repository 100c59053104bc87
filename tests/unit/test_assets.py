"""The lite view's inline scripts: minified, and allowed by the CSP hash of exactly the text sent."""
import base64
import hashlib
from pathlib import Path

from webapp.assets import lite_script

STATIC = Path(__file__).resolve().parents[2] / "static"


def test_a_lite_script_is_minified_and_its_csp_source_is_the_hash_of_that_text(app):
    source_text = (STATIC / "js" / "quick_exit.js").read_text()
    script, allowed = lite_script(app, "js/quick_exit.js")
    # A browser runs an inline script only when the sha256 of its exact text is in script-src.
    assert allowed == "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"
    assert 0 < len(script) < len(source_text)
    assert "/*" not in script and "\n\n" not in script
    assert "function" in script


def test_the_worker_saves_the_very_bundles_a_page_links(app, client):
    # Offline, a page's CSS and JavaScript come from what the worker saved: the same hash-named addresses.
    from bs4 import BeautifulSoup

    from webapp.offline import shared_assets

    html = BeautifulSoup(client.get("/en/").get_data(as_text=True), "html.parser")
    linked = [html.find("link", rel="stylesheet")["href"], *(script["src"] for script in html.find_all("script", src=True))]
    assert [url.startswith("/static/gen/app.") for url in linked] == [True, True]
    with app.test_request_context():
        assert set(linked) <= set(shared_assets())

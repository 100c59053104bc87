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

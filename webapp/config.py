"""Default settings; every one can be overridden by a WAYMARK_<NAME> environment variable."""
from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent


class Config:
    # Where "Exit this page" goes: a neutral site that says nothing about where the person was.
    QUICK_EXIT_URL = "https://www.bbc.co.uk/weather"
    # Any text that names this deployment (a commit, a date). Changing it makes browsers fetch the new
    # service worker, which offers the person the new version.
    RELEASE = ""
    HELPLINES_FILE = str(_ROOT / "content" / "helplines.toml")
    LANGUAGES_FILE = str(_ROOT / "content" / "languages.toml")
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_TRANSLATION_DIRECTORIES = str(_ROOT / "translations")
    # Hash-named bundles are built once, at start-up, into static/gen/.
    ASSETS_AUTO_BUILD = True
    ASSETS_URL_EXPIRE = False
    ASSETS_VERSIONS = "hash"
    ASSETS_CACHE = False

"""Default settings; every one can be overridden by a WAYMARK_<NAME> environment variable."""
from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent


class Config:
    # Where "Exit this page" goes: a neutral site that says nothing about where the person was.
    QUICK_EXIT_URL = "https://www.bbc.co.uk/weather"
    # The public origin (https://waymark.example): canonical and language links become absolute and
    # /sitemap.xml exists. Empty: links stay relative and there is no sitemap.
    SITE_URL = ""
    # Any text that names this deployment (a commit, a date). Changing it makes browsers fetch the new
    # service worker, which offers the person the new version.
    RELEASE = ""
    # How many proxies stand in front of Waymark (0: none). Set it so HSTS and the rate limit see the
    # real scheme and client address.
    PROXY_COUNT = 0
    HELPLINES_FILE = str(_ROOT / "content" / "helplines.toml")
    UPDATES_FILE = str(_ROOT / "content" / "updates.toml")
    LANGUAGES_FILE = str(_ROOT / "content" / "languages.toml")
    # Push: a SQLite file in instance/ unless DATABASE_URL names another database (PostgreSQL for
    # several servers: postgresql+psycopg://user:password@host/waymark).
    DATABASE_URL = None
    VAPID_PRIVATE_KEY_FILE = None  # default: instance/vapid_private.pem, made on first start
    VAPID_SUBJECT = "mailto:push@waymark.invalid"  # who push services contact: set your own address
    # The push services browsers use, over https (Chrome and Android, Firefox, Safari, Edge on Windows).
    # WAYMARK_PUSH_ALLOWED_ORIGINS (comma-separated origins) replaces the list; it may name an http
    # origin on loopback, for tests.
    PUSH_ALLOWED_ORIGINS = ",".join(
        ["https://fcm.googleapis.com", "https://updates.push.services.mozilla.com",
         "https://web.push.apple.com", "https://*.notify.windows.com"]
    )
    PUSH_TTL = 7 * 24 * 3600  # a phone that is off for a week still gets the notice
    PUSH_POOL_SIZE = 16
    PUSH_RATE_LIMIT = "20 per minute"
    # Where Flask-Limiter counts: this process's memory (one gunicorn process, as `make run` starts);
    # with several servers, a storage they share (redis://host:6379).
    RATELIMIT_STORAGE_URI = "memory://"
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_TRANSLATION_DIRECTORIES = str(_ROOT / "translations")
    # Hash-named bundles are built once, at start-up, into static/gen/.
    ASSETS_AUTO_BUILD = True
    ASSETS_URL_EXPIRE = False
    ASSETS_VERSIONS = "hash"
    ASSETS_CACHE = False

"""Privacy and security headers, set in one place for every response.

The list follows OWASP's HTTP headers cheat sheet; Waymark adds `no-referrer` so that no site learns a
person came from here, and never sets a cookie.
"""
from urllib.parse import urlsplit, urlunsplit

from flask import current_app, request


def content_security_policy(lite_style_source, lite_script_sources=()):
    """This site only; the inline style and scripts allowed are the lite view's own, each by its hash."""
    return "; ".join(
        [
            "default-src 'self'",
            " ".join(["script-src 'self'", *lite_script_sources]),
            f"style-src 'self' {lite_style_source}",
            # data: only so a page can say "no icon" without a request (<link rel=icon href="data:,">)
            "img-src 'self' data:",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "form-action 'self'",
        ]
    )


# What gunicorn's own error answers carry (a request too malformed to reach Flask: 400, 414, 431): nothing
# in them may load, frame or refer anywhere. deploy/gunicorn.conf.py adds them.
SERVER_ERROR_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cache-Control": "no-store",
}

# Features Waymark never uses, refused for every frame (interest-cohort is gone from browsers: not named).
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()"

HASHED_ASSET_PREFIX = "/static/gen/"
API_PREFIX = "/api/"


def set_security_headers(response):
    """Add the privacy and security headers to every response."""
    headers = response.headers
    headers["Content-Security-Policy"] = current_app.config["CONTENT_SECURITY_POLICY"]
    headers["Referrer-Policy"] = "no-referrer"
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Permissions-Policy"] = PERMISSIONS_POLICY
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if request.is_secure:
        headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    if request.path.startswith(HASHED_ASSET_PREFIX) and response.status_code in (200, 304):
        # The name changes whenever the content does, so a copy never goes stale.
        headers["Cache-Control"] = "public, max-age=31536000, immutable"
    if request.path.startswith(API_PREFIX):
        # Answers about one browser's subscription: never stored, never read by another site.
        headers["Cache-Control"] = "no-store"
        headers["Cross-Origin-Resource-Policy"] = "same-origin"
    if response.status_code == 204:
        headers.remove("Content-Type")  # there is no content to have a type
    if "Location" in headers:
        headers["Location"] = without_own_origin(headers["Location"])
    # Waymark never needs a cookie; drop any that a library might add.
    headers.remove("Set-Cookie")
    return response


def without_own_origin(location):
    """A redirect inside the site as a path: werkzeug's slash redirect (/en to /en/) would otherwise
    name whatever Host header the request carried, and a cache keyed on the path could keep it."""
    parts = urlsplit(location)
    if parts.netloc and parts.netloc.lower() == request.host.lower():
        return urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment))
    return location


def init_app(app):
    app.config["CONTENT_SECURITY_POLICY"] = content_security_policy(
        app.config["LITE_STYLE_SOURCE"], app.config["LITE_SCRIPT_SOURCES"]
    )
    app.after_request(set_security_headers)

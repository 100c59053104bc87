"""Judging a push endpoint: the one place an attacker's URL is read, before anything is sent to it.

The endpoint is read with urllib3's `parse_url`, the parser requests (and so pywebpush) connects with,
and must already be in the form that parser writes back: then what is checked is what is connected to.
A backslash, a percent-encoded or upper-case host, userinfo, a fragment, port 0, a trailing dot, spaces,
control or non-ASCII characters are all refused rather than interpreted.
"""
import ipaddress
import re

from urllib3.exceptions import LocationParseError
from urllib3.util import parse_url

from .model import MAX_ENDPOINT_LENGTH

# RFC 3986's characters only. The round trip through parse_url below refuses the same inputs today; this
# gate does not depend on how a later urllib3 chooses to normalise.
URL_CHARACTERS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")
HOST_NAME = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?")
PERCENT_ESCAPE = re.compile(r"%[0-9a-fA-F]{2}")
DEFAULT_PORTS = {"https": 443, "http": 80}

NOT_A_PUSH_SERVICE = "The endpoint must be an https address of a known push service."
NOT_NORMAL = ("The endpoint is not a plain push service address (it has characters, a port or a form "
              "that a browser's push service never gives): send the endpoint exactly as the browser gave it.")


def parse_origins(value):
    """Allowed push origins from the setting: a list, or a comma-separated string."""
    items = value.split(",") if isinstance(value, str) else value
    return [item.strip().rstrip("/").lower() for item in items if item.strip()]


def _same_escapes(text):
    """Windows' push service writes %2b, urllib3 writes %2B: the same bytes on the wire."""
    return PERCENT_ESCAPE.sub(lambda escape: escape.group().upper(), text)


def _ip(host):
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def _origin_matches(url, origin):
    """Exact scheme, host and port; "*.example.com" stands for any host under example.com."""
    allowed = parse_url(origin)
    if (url.scheme, url.port or DEFAULT_PORTS[url.scheme]) != (allowed.scheme, allowed.port or DEFAULT_PORTS.get(allowed.scheme)):
        return False
    if allowed.host.startswith("*."):
        return url.host.endswith(allowed.host[1:]) and _ip(url.host) is None
    return url.host == allowed.host


def endpoint_problem(endpoint, allowed_origins):
    """Why this endpoint may not be sent to (no server-side request forgery), or None when it may."""
    if not isinstance(endpoint, str) or not endpoint:
        return "The subscription needs an endpoint: the push service address the browser gave."
    if len(endpoint) > MAX_ENDPOINT_LENGTH:
        return "The endpoint is too long to be a push service address."
    if not URL_CHARACTERS.fullmatch(endpoint):
        return NOT_NORMAL
    try:
        url = parse_url(endpoint)
    except LocationParseError:
        return "The endpoint is not a valid web address."
    if url.scheme not in DEFAULT_PORTS or not url.host:
        return NOT_A_PUSH_SERVICE
    if _same_escapes(url.url) != _same_escapes(endpoint) or url.auth is not None or url.fragment is not None or url.port == 0 or "%" in url.host:
        return NOT_NORMAL
    address = _ip(url.host)
    if address is None and not HOST_NAME.fullmatch(url.host):
        return NOT_NORMAL  # "0x7f.1", "1.2.3", a trailing dot: names no push service uses
    for origin in allowed_origins:
        if not _origin_matches(url, origin):
            continue
        # Plain http and IP addresses only for a push service named exactly, on this machine (tests).
        if url.scheme == "http" or address is not None:
            on_this_machine = (address is not None and address.is_loopback) or url.host == "localhost"
            if not on_this_machine or parse_url(origin).host.startswith("*."):
                return NOT_A_PUSH_SERVICE
        return None
    if address is not None and (address.is_private or address.is_loopback or address.is_link_local):
        return "The endpoint points inside a private network; only known push services are allowed."
    return "The endpoint is not on a known push service."

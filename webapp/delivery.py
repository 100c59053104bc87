"""Sending text responses small: brotli or gzip as the browser accepts, an ETag, and 304 Not Modified."""
import functools
import gzip

import brotli
from flask import request

COMPRESSIBLE = {
    "text/html",
    "text/css",
    "text/javascript",
    "application/javascript",
    "application/json",
    "application/manifest+json",
    "image/svg+xml",
    "application/xml",  # the sitemap: every page with its alternates, large before compression
    "text/plain",
}


@functools.lru_cache(maxsize=2048)
def _compress(body, encoding):
    # Pages and bundles are the same for everyone, so each is compressed once, at the highest setting.
    if encoding == "br":
        return brotli.compress(body, quality=11)
    return gzip.compress(body, compresslevel=9, mtime=0)


def _choose_encoding():
    accepted = request.accept_encodings
    if accepted["br"]:
        return "br"
    if accepted["gzip"]:
        return "gzip"
    return None


def compress_and_tag(response):
    """Compress a successful text response, give it an ETag, and answer 304 when the browser has it."""
    if response.status_code != 200 or response.mimetype not in COMPRESSIBLE:
        return response
    if "Content-Encoding" in response.headers or response.is_streamed and not response.direct_passthrough:
        return response
    response.vary.add("Accept-Encoding")
    response.direct_passthrough = False
    body = response.get_data()
    encoding = _choose_encoding()
    etag, _ = response.get_etag()
    if encoding:
        response.set_data(_compress(body, encoding))
        response.headers["Content-Encoding"] = encoding
    if etag:
        response.set_etag(f"{etag}-{encoding}" if encoding else etag)
    else:
        response.add_etag()
    return response.make_conditional(request)


def init_app(app):
    app.after_request(compress_and_tag)

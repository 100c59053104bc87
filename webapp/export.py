"""The static export: every page and file as Flask serves it, written to disk for nginx, a CDN or any static host.

`flask --app webapp export` asks the app itself, through its test client, for every address a reader can
open, so each file is byte for byte what Flask sends. Beside each text file go its brotli and gzip copies,
and beside the site the headers Flask sends for each kind of address, from which `deploy/nginx.conf` and the
static hosts' `_headers` and `_redirects` are made: one source for the headers, whichever server sends them.
"""
import contextvars
import gzip
import json
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import brotli
import click
from flask import current_app
from flask.cli import with_appcontext

from . import PROJECT_ROOT
from .cards import CARD_PAGES
from .delivery import COMPRESSIBLE
from .i18n import languages
from .pages import HOME, SLUGS, page_url
from .quick_exit import EXIT_PATH as EXIT_ADDRESS

# Headers that differ from one response to the next, or that each server works out for itself (the type
# from the file's name).
PER_RESPONSE = {"content-type", "date", "content-length", "etag", "last-modified", "content-encoding", "content-disposition",
                "accept-ranges", "location", "server", "connection"}
MISSING_PAGE = "this-page-does-not-exist"
# Static files sent compressed, by name: as Flask's delivery compresses them (and varies on Accept-Encoding).
TEXT_FILES = {".css", ".js", ".json", ".svg", ".webmanifest"}


class ExportError(click.ClickException):
    """The export stops, saying which address could not be built."""


def page_file(tag, slug, view):
    """Where one page lives in the export: /en/ is en/index.html, /en/get-help?view=full en/get-help.full.html."""
    name = "index" if slug == HOME else slug
    if view == "lite":
        return f"{tag}/lite/{name}.html"
    return f"{tag}/{name}{'.full' if view == 'full' else ''}.html"


def addresses():
    """(address, file, kind, request headers) of everything the export holds."""
    for tag in languages():
        for slug in (HOME, *SLUGS):
            yield page_url(tag, slug, "standard"), page_file(tag, slug, "standard"), "page", {}
            yield page_url(tag, slug, "full"), page_file(tag, slug, "full"), "page", {}
            yield page_url(tag, slug, "lite"), page_file(tag, slug, "lite"), "lite", {}
        for name in CARD_PAGES:
            yield f"/{tag}/{name}", f"{tag}/{name}.html", "card", {}
        yield f"/{tag}/{MISSING_PAGE}", f"{tag}/404.html", "not_found", {}
        yield f"/{tag}/manifest.webmanifest", f"{tag}/manifest.webmanifest", "manifest", {}
    yield "/sw.js", "sw.js", "worker", {}
    yield "/robots.txt", "robots.txt", "robots", {}
    yield "/sitemap.xml", "sitemap.xml", "sitemap", {}
    static = Path(current_app.static_folder)
    for path in sorted(static.rglob("*")):
        if path.is_file():
            name = path.relative_to(static).as_posix()
            kind = "asset" if name.startswith("gen/") else "static"
            yield f"/static/{name}", f"static/{name}", kind + ("_text" if path.suffix in TEXT_FILES else ""), {}


# Addresses that are answers, not files: what the server itself must send (a redirect, in every case here).
REDIRECTS = {
    "root": ("/", {"Accept-Language": "en"}),
    "exit": (EXIT_ADDRESS, {}),
    "language_without_slash": ("/en", {}),
    "lite_without_slash": ("/en/lite", {}),
}


def lasting_headers(response):
    """The headers of a response that every response of its kind carries, whatever the address."""
    return {name: value for name, value in response.headers.items() if name.lower() not in PER_RESPONSE}


def export_site(output):
    """Write the site to `output` (emptied first) and return the headers of each kind of address."""
    if not current_app.config["SITE_URL"]:
        raise ExportError(
            "Set WAYMARK_SITE_URL to the public address the export will be served from (for example "
            "https://waymark.example): the sitemap and the pages' canonical links need it."
        )
    output = Path(output)
    if output.exists():
        shutil.rmtree(output)
    with current_app.test_request_context():
        listed = list(addresses())
    # Each request in a context of its own, as a server gives it: inside this command's app context they
    # would share one `g`, and a page could be rendered with what the one before it left there.
    return contextvars.Context().run(_crawl, current_app._get_current_object(), listed, output)


def _crawl(app, listed, output):
    client = app.test_client()
    kinds = {}
    # Brotli at its best setting is slow and lets go of the GIL: compress on every core while crawling.
    with ThreadPoolExecutor(max_workers=os.cpu_count()) as compressing:
        copies = [_save(client, address, file, kind, headers, output, kinds, compressing)
                  for address, file, kind, headers in listed]
        for copy in copies:
            if copy is not None:
                copy.result()  # a copy that could not be written stops the export too
    for kind, (address, headers) in REDIRECTS.items():
        response = client.get(address, headers=headers)
        if not 300 <= response.status_code < 400:
            raise ExportError(f"{address} answered {response.status_code}, not a redirect.")
        kinds[kind] = {"status": response.status_code, "location": response.headers["Location"],
                       "headers": lasting_headers(response)}
    return kinds


def _compress_beside(target, body):
    target.with_name(target.name + ".br").write_bytes(brotli.compress(body, quality=11))
    target.with_name(target.name + ".gz").write_bytes(gzip.compress(body, compresslevel=9, mtime=0))


def _save(client, address, file, kind, headers, output, kinds, compressing):
    """Fetch one address, check it, write it (and its compressed copies, in the background)."""
    with client.get(address, headers=headers) as response:
        body = response.get_data()
    expected = 404 if kind == "not_found" else 200
    if response.status_code != expected:
        raise ExportError(f"{address} answered {response.status_code}, not {expected}: it cannot be exported.")
    found = lasting_headers(response)
    if kinds.setdefault(kind, found) != found:
        raise ExportError(f"{address} sends other headers than the rest of its kind ({kind}): {found}")
    target = output / file
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(body)
    if response.mimetype in COMPRESSIBLE:
        return compressing.submit(_compress_beside, target, body)
    return None


def site_description():
    """What the servers in front of the export need to know besides the files."""
    return {
        "languages": {tag: list(language.aliases) for tag, language in languages().items()},
        "slugs": list(SLUGS),
        "card_pages": list(CARD_PAGES),
        "exit_url": current_app.config["QUICK_EXIT_URL"],
    }


# Headers every answer carries, whichever kind it is: sent for /* by a static host.
SHARED = ("Content-Security-Policy", "Referrer-Policy", "X-Content-Type-Options", "Permissions-Policy",
          "Cross-Origin-Opener-Policy")


def static_host_headers(kinds):
    """`_headers` for static hosts (Netlify, Cloudflare Pages): Flask's headers, by the paths they apply to."""
    shared = {name: kinds["page"][name] for name in SHARED if name in kinds["page"]}
    for kind, headers in kinds.items():
        headers = headers.get("headers", headers)
        for name, value in shared.items():
            if headers.get(name) != value:
                raise ExportError(f"{kind} sends {name}: {headers.get(name)!r}, not the {value!r} of every page")
    rules = [("/*", shared)]
    # Other files keep the host's own Cache-Control, which revalidates, as Flask's no-cache does.
    for pattern, kind in (("/sw.js", "worker"), ("/static/gen/*", "asset_text")):
        extra = {name: value for name, value in kinds[kind].items() if name not in shared and name != "Vary"}
        if extra:
            rules.append((pattern, extra))
    return "".join(f"{pattern}\n" + "".join(f"  {name}: {value}\n" for name, value in headers.items())
                   for pattern, headers in rules)


def static_host_redirects(kinds, description):
    """`_redirects` for static hosts: the exit, the language of /, and addresses without their last slash.

    The Language= conditions are Netlify's; a host without them sends / to English."""
    lines = [f"{EXIT_ADDRESS}  {kinds['exit']['location']}  {kinds['exit']['status']}"]
    for tag, aliases in description["languages"].items():
        if tag != "en":
            lines.append(f"/  /{tag}/  {kinds['root']['status']}  Language={','.join([tag.lower(), *[a.lower() for a in aliases]])}")
    lines.append(f"/  /en/  {kinds['root']['status']}")
    lines.append(f"/:lang/lite  /:lang/lite/  {kinds['lite_without_slash']['status']}")
    for tag in description["languages"]:
        lines.append(f"/{tag}  /{tag}/  {kinds['language_without_slash']['status']}")
    return "\n".join(lines) + "\n"


@click.command("export")
@click.option("--output", default=str(PROJECT_ROOT / "build" / "site"), show_default=True,
              help="The folder to write the site to; emptied first.")
@with_appcontext
def export_command(output):
    """Write every page, file and header of the site to a folder, for nginx, a CDN or a static host."""
    kinds = export_site(output)
    description = {**site_description(), "headers": kinds}
    (Path(output).parent / "site.json").write_text(json.dumps(description, indent=1, ensure_ascii=False))
    # For static hosts: their header and redirect rules, and the page they show for an unknown address.
    (Path(output) / "_headers").write_text(static_host_headers(kinds))
    (Path(output) / "_redirects").write_text(static_host_redirects(kinds, description))
    shutil.copyfile(Path(output) / "en" / "404.html", Path(output) / "404.html")
    count = sum(1 for path in Path(output).rglob("*") if path.is_file() and path.suffix not in (".br", ".gz"))
    click.echo(f"exported {count} files to {output}")


def init_app(app):
    app.cli.add_command(export_command)

"""The static export, in process: each address a file as Flask sends it, with its compressed copies, and the
headers and redirects every server in front of it is told to send.

A small app (English and Dari, which is right to left and has an alias) is exported once for the module; the
whole export of 36 languages through real nginx is tests/deploy's. Expected values are Flask's own answers
(its test client) and the files nginx and the static hosts look for (deploy/nginx.conf, README "Deploying").
The tests that need no export come first, so a broken rule is reported without waiting for one.
"""
import gzip
import json
import tomllib
from pathlib import Path

import brotli
import pytest

import webapp.export as export
from webapp import create_app
from webapp.cards import CARD_PAGES
from webapp.config import Config
from webapp.export import ExportError, export_site, page_file, static_host_headers, static_host_redirects
from webapp.pages import SLUGS

SITE = "https://waymark.example"
TAGS = ("en", "fa-AF")  # English, and a right-to-left language whose browsers may also say "prs"
SHARED = ["Content-Security-Policy", "Referrer-Policy", "X-Content-Type-Options", "Permissions-Policy",
          "Cross-Origin-Opener-Policy"]
# Headers whose value decides a reader's safety, privacy or what is cached: a server in front must send them
# as Flask does.
COMPARED = SHARED + ["Strict-Transport-Security", "Cache-Control", "Vary", "Clear-Site-Data", "Set-Cookie"]
# Headers each server works out per file (or per answer) for itself: a record of them would be wrong for
# every other file of the kind.
PER_FILE = ["Content-Type", "Content-Length", "Date", "ETag", "Last-Modified", "Content-Encoding"]
TEXT = {".html", ".css", ".js", ".json", ".svg", ".webmanifest", ".xml", ".txt"}
SAFE = {"Content-Security-Policy": "default-src 'self'", "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff", "Permissions-Policy": "camera=()",
        "Cross-Origin-Opener-Policy": "same-origin"}
YEAR = "public, max-age=31536000, immutable"
EXIT = "https://www.bbc.co.uk/weather"


def header_rules(text):
    """_headers as static hosts read it: a path pattern, then indented `Name: value` lines."""
    rules = []
    for line in text.splitlines():
        if line and not line[0].isspace():
            rules.append((line, {}))
        elif line.strip():
            name, value = line.strip().split(": ", 1)
            rules[-1][1][name] = value
    return rules


def headers_for(rules, path):
    """What a host applying every matching rule, in order, sends for `path` (Netlify's `*` matches to the end)."""
    sent = {}
    for pattern, headers in rules:
        if path == pattern or pattern.endswith("*") and path.startswith(pattern[:-1]):
            sent.update(headers)
    return sent


def redirect_rules(text):
    return [line.split() for line in text.splitlines() if line.strip()]


# The rules, from a record written by hand: no export needed.

def test_each_view_of_a_page_is_the_file_nginx_looks_for():
    # deploy/nginx.conf: /$lang/$page_folder$page_name$page_suffix.html, the home page's name being index.
    assert page_file("en", "home", "standard") == "en/index.html"
    assert page_file("en", "home", "full") == "en/index.full.html"
    assert page_file("en", "home", "lite") == "en/lite/index.html"
    assert page_file("fa-AF", "get-help", "standard") == "fa-AF/get-help.html"
    assert page_file("fa-AF", "get-help", "full") == "fa-AF/get-help.full.html"
    assert page_file("fa-AF", "get-help", "lite") == "fa-AF/lite/get-help.html"


def redirect_record(exit_status=303, root=302, slash=308, lite_slash=301):
    # Each redirect with a status of its own, so a rule that reads another's would be seen.
    return {"exit": {"status": exit_status, "location": EXIT, "headers": dict(SAFE)},
            "root": {"status": root, "location": "/en/", "headers": dict(SAFE)},
            "language_without_slash": {"status": slash, "location": "/en/", "headers": dict(SAFE)},
            "lite_without_slash": {"status": lite_slash, "location": "/en/lite/", "headers": dict(SAFE)}}


def test_the_static_hosts_redirects_send_each_reader_where_flask_would():
    description = {"languages": {"en": [], "fa-AF": ["prs"], "zh-Hant": ["zh-TW", "zh-HK"]}}
    text = static_host_redirects(redirect_record(), description)
    assert text.endswith("\n")
    # Netlify takes the first rule that matches: / by the reader's language (every tag and alias it may
    # send, lower-cased as Netlify compares them) before the English fallback.
    assert redirect_rules(text) == [
        ["/go", EXIT, "303"],
        ["/", "/fa-AF/", "302", "Language=fa-af,prs"],
        ["/", "/zh-Hant/", "302", "Language=zh-hant,zh-tw,zh-hk"],
        ["/", "/en/", "302"],
        ["/:lang/lite", "/:lang/lite/", "301"],
        ["/en", "/en/", "308"],
        ["/fa-AF", "/fa-AF/", "308"],
        ["/zh-Hant", "/zh-Hant/", "308"],
    ]


def header_record():
    return {"page": {"Vary": "Save-Data, Accept-Encoding", **SAFE},
            "worker": {"Cache-Control": "no-cache", "Vary": "Accept-Encoding", **SAFE},
            "asset_text": {"Cache-Control": YEAR, "Vary": "Accept-Encoding", **SAFE},
            "static": dict(SAFE),
            **redirect_record()}


def test_the_static_hosts_headers_send_every_safety_header_everywhere_and_cache_as_flask_does():
    rules = header_rules(static_host_headers(header_record()))
    # The host sets its own Vary for the copies it compresses, and its own revalidating Cache-Control
    # elsewhere; the worker must be revalidated and the hashed bundles kept for a year, as Flask says.
    assert rules == [("/*", SAFE), ("/sw.js", {"Cache-Control": "no-cache"}), ("/static/gen/*", {"Cache-Control": YEAR})]


@pytest.mark.parametrize("kind", ["worker", "exit"])
def test_the_static_hosts_headers_are_refused_when_a_kind_lacks_a_safety_header(kind):
    record = header_record()
    headers = record[kind]["headers"] if "status" in record[kind] else record[kind]
    headers["Referrer-Policy"] = "origin"
    # One /* rule cannot be right for both: the export stops, naming the kind, the header and both values.
    with pytest.raises(ExportError) as stopped:
        static_host_headers(record)
    assert all(part in stopped.value.message for part in (kind, "Referrer-Policy", "'origin'", "'no-referrer'"))


# One small app, and what the export makes of it.

@pytest.fixture(scope="module")
def small_app(tmp_path_factory):
    with open(Config.LANGUAGES_FILE, "rb") as file:
        listed = [entry for entry in tomllib.load(file)["language"] if entry["tag"] in TAGS]
    lines = []
    for entry in listed:
        lines.append("[[language]]")
        lines.extend(f"{key} = {json.dumps(value, ensure_ascii=False)}" for key, value in entry.items())
    languages = tmp_path_factory.mktemp("languages") / "languages.toml"
    languages.write_text("\n".join(lines) + "\n")
    app = create_app({"TESTING": True, "SITE_URL": SITE, "LANGUAGES_FILE": str(languages)})
    with app.test_request_context():
        assert list(export.languages()) == list(TAGS)
    return app


def answer(app, address, headers=None):
    with app.test_client().get(address, headers=headers or {}) as response:
        return response.status_code, response.headers, response.get_data()


def test_the_description_names_every_language_with_its_aliases_page_and_card(small_app):
    with small_app.app_context():
        description = export.site_description()
    assert description == {"languages": {"en": [], "fa-AF": ["prs"]}, "slugs": list(SLUGS),
                           "card_pages": list(CARD_PAGES), "exit_url": EXIT}


def test_the_export_needs_the_public_address_and_leaves_the_folder_alone(small_app, tmp_path, monkeypatch):
    output = tmp_path / "site"
    output.mkdir()
    (output / "index.html").write_text("the site now online")
    monkeypatch.setitem(small_app.config, "SITE_URL", "")
    with small_app.app_context(), pytest.raises(ExportError) as stopped:
        export_site(output)
    assert "Set WAYMARK_SITE_URL to the public address" in stopped.value.message
    assert "https://waymark.example" in stopped.value.message
    assert (output / "index.html").read_text() == "the site now online"


@pytest.mark.parametrize("listed, stop", [
    # A page that cannot be built.
    ([("/en/get-help", "en/get-help.html", "page", {}), ("/en/no-such-page", "en/x.html", "page", {})],
     "/en/no-such-page answered 404, not 200: it cannot be exported."),
    # The page for unknown addresses must be a 404, or a host would answer every typo with 200.
    ([("/en/get-help", "en/404.html", "not_found", {})], "/en/get-help answered 200, not 404"),
    # Two addresses of one kind that would need other headers: one record cannot serve both.
    ([("/en/get-help", "en/get-help.html", "page", {}), ("/sw.js", "sw.js", "page", {})],
     "/sw.js sends other headers than the rest of its kind (page)"),
])
def test_the_export_stops_and_names_the_address_it_cannot_export(small_app, tmp_path, monkeypatch, listed, stop):
    monkeypatch.setattr(export, "addresses", lambda: iter(listed))
    with small_app.app_context(), pytest.raises(ExportError) as stopped:
        export_site(tmp_path / "site")
    assert stop in stopped.value.message


def test_the_export_stops_when_an_answer_it_records_as_a_redirect_is_not_one(small_app, tmp_path, monkeypatch):
    monkeypatch.setattr(export, "addresses", lambda: iter([]))
    monkeypatch.setattr(export, "REDIRECTS", {"root": ("/en/", {})})
    with small_app.app_context(), pytest.raises(ExportError) as stopped:
        export_site(tmp_path / "site")
    assert "/en/ answered 200, not a redirect." in stopped.value.message


def test_a_small_export_of_agreeing_addresses_is_written(small_app, tmp_path, monkeypatch):
    listed = [("/en/get-help", "en/get-help.html", "page", {}), ("/fa-AF/get-help", "fa-AF/get-help.html", "page", {}),
              ("/en/this-page-does-not-exist", "en/404.html", "not_found", {})]
    monkeypatch.setattr(export, "addresses", lambda: iter(listed))
    with small_app.app_context():
        kinds = export_site(tmp_path / "site")
    assert set(kinds) == {"page", "not_found", "root", "exit", "language_without_slash", "lite_without_slash"}
    assert (tmp_path / "site" / "fa-AF" / "get-help.html").read_bytes() == answer(small_app, "/fa-AF/get-help")[2]


@pytest.fixture(scope="module")
def exported(small_app, tmp_path_factory):
    """`flask --app webapp export` of the small app, into a folder holding what an earlier export left."""
    folder = tmp_path_factory.mktemp("export")
    site = folder / "site"
    (site / "en").mkdir(parents=True)
    (site / "en" / "a-page-since-removed.html").write_text("old")
    result = small_app.test_cli_runner().invoke(args=["export", "--output", str(site)])
    assert result.exit_code == 0, (result.output, result.exception)
    return folder


def expected_files(app):
    """Every address a reader can open and the file nginx (deploy/nginx.conf) sends for it."""
    files = {}
    for tag in TAGS:
        for slug in ("", *SLUGS):
            name = slug or "index"
            files[f"/{tag}/{slug}"] = f"{tag}/{name}.html"
            files[f"/{tag}/{slug}?view=full"] = f"{tag}/{name}.full.html"
            files[f"/{tag}/lite/{slug}"] = f"{tag}/lite/{name}.html"
        for card in CARD_PAGES:
            files[f"/{tag}/{card}"] = f"{tag}/{card}.html"
        files[f"/{tag}/manifest.webmanifest"] = f"{tag}/manifest.webmanifest"
        files[f"/{tag}/a-page-that-is-not-there"] = f"{tag}/404.html"
    for name in ("sw.js", "robots.txt", "sitemap.xml"):
        files[f"/{name}"] = name
    static = Path(app.static_folder)
    for path in static.rglob("*"):
        if path.is_file():
            files[f"/static/{path.relative_to(static).as_posix()}"] = f"static/{path.relative_to(static).as_posix()}"
    return files


def written(site):
    return {path.relative_to(site).as_posix() for path in site.rglob("*")
            if path.is_file() and path.suffix not in (".br", ".gz")}


def test_every_address_is_a_file_and_nothing_else_is(exported, small_app):
    # Nothing from an earlier export stays to be published; the static host's own files are beside the pages.
    assert written(exported / "site") == set(expected_files(small_app).values()) | {"_headers", "_redirects", "404.html"}


def test_each_file_is_what_flask_sends_for_its_address(exported, small_app):
    files = expected_files(small_app)
    # Each view in each language (every page of it is made the same way), and every other file.
    sampled = [address for address in files if not any(f"/{slug}" in address for slug in SLUGS if slug != "get-help")]
    for address in sampled:
        status, _, body = answer(small_app, address)
        assert status == (404 if files[address].endswith("404.html") else 200), address
        assert (exported / "site" / files[address]).read_bytes() == body, address
    # A static host shows /404.html for any unknown address: English's.
    assert (exported / "site" / "404.html").read_bytes() == answer(small_app, "/en/no-such-page")[2]


def test_every_text_file_has_brotli_and_gzip_copies_of_the_same_bytes(exported, small_app):
    site = exported / "site"
    for name in written(site) - {"_headers", "_redirects", "404.html"}:
        path = site / name
        copies = [path.with_name(path.name + suffix) for suffix in (".br", ".gz")]
        if path.suffix in TEXT:
            body = path.read_bytes()
            assert brotli.decompress(copies[0].read_bytes()) == body, name
            assert gzip.decompress(copies[1].read_bytes()) == body, name
        else:  # an image is compressed already: nothing to gain
            assert not any(copy.exists() for copy in copies), name
    # nginx sends the copies as they are: byte for byte what Flask sends to a browser that takes each one.
    for address, file in [("/en/get-help", "en/get-help.html"), ("/fa-AF/lite/", "fa-AF/lite/index.html"),
                          ("/sw.js", "sw.js"), ("/sitemap.xml", "sitemap.xml"), ("/static/css/app.css", "static/css/app.css")]:
        for encoding, suffix in (("br", ".br"), ("gzip", ".gz")):
            _, headers, body = answer(small_app, address, {"Accept-Encoding": encoding})
            assert headers["Content-Encoding"] == encoding
            assert (site / (file + suffix)).read_bytes() == body, (address, encoding)


def samples(app):
    """One address of each kind of file, as nginx's locations and the static hosts' rules divide them."""
    bundle = next(path.name for path in (Path(app.static_folder) / "gen").iterdir() if path.suffix == ".js")
    return {"page": ["/en/get-help", "/fa-AF/?view=full"], "lite": ["/fa-AF/lite/get-help", "/en/lite/"],
            "card": ["/en/card", "/fa-AF/cards"], "not_found": ["/fa-AF/no-such-page"],
            "manifest": ["/fa-AF/manifest.webmanifest"], "worker": ["/sw.js"], "robots": ["/robots.txt"],
            "sitemap": ["/sitemap.xml"], "static": ["/static/icons/icon-192.png"],
            "static_text": ["/static/css/app.css", "/static/js/quick_exit.js"], "asset_text": [f"/static/gen/{bundle}"]}


def test_site_json_records_the_headers_flask_sends_for_each_kind(exported, small_app):
    description = json.loads((exported / "site.json").read_text())
    assert {key: value for key, value in description.items() if key != "headers"} == {
        "languages": {"en": [], "fa-AF": ["prs"]}, "slugs": list(SLUGS), "card_pages": list(CARD_PAGES),
        "exit_url": EXIT}
    record = description["headers"]
    redirects = {"root": ("/", {"Accept-Language": "en"}), "exit": ("/go", {}), "language_without_slash": ("/en", {}),
                 "lite_without_slash": ("/en/lite", {})}
    assert set(record) == set(samples(small_app)) | set(redirects)
    for kind, addresses in samples(small_app).items():
        for address in addresses:
            _, headers, _ = answer(small_app, address)
            assert {name: record[kind].get(name) for name in COMPARED} == {name: headers.get(name) for name in COMPARED}, address
            assert set(record[kind]) <= set(headers.keys()) - set(PER_FILE), address
    for kind, (address, request_headers) in redirects.items():
        status, headers, _ = answer(small_app, address, request_headers)
        assert (record[kind]["status"], record[kind]["location"]) == (status, headers["Location"]), kind
        assert {name: record[kind]["headers"].get(name) for name in COMPARED} == {name: headers.get(name) for name in COMPARED}, kind
        assert set(record[kind]["headers"]) <= set(headers.keys()) - set(PER_FILE) - {"Location"}, kind


def test_the_static_hosts_headers_are_flasks(exported, small_app):
    rules = header_rules((exported / "site" / "_headers").read_text())
    for addresses in samples(small_app).values():
        address = addresses[0].split("?")[0]
        _, headers, _ = answer(small_app, address)
        expected = {name: headers[name] for name in SHARED + ["Cache-Control"] if name in headers}
        sent = headers_for(rules, address)
        if expected.get("Cache-Control") == "no-cache" and address != "/sw.js":
            del expected["Cache-Control"]  # the host's default revalidates, as no-cache does
        assert {name: sent.get(name) for name in expected} == expected, address


def test_the_static_hosts_redirects_are_flasks(exported, small_app):
    lines = redirect_rules((exported / "site" / "_redirects").read_text())
    status, headers, _ = answer(small_app, "/go")
    assert ["/go", headers["Location"], str(status)] in lines
    for address, request_headers, rule in [("/en", {}, ["/en", "/en/"]), ("/fa-AF", {}, ["/fa-AF", "/fa-AF/"]),
                                           ("/en/lite", {}, ["/:lang/lite", "/:lang/lite/"]),
                                           ("/", {"Accept-Language": "prs"}, ["/", "/fa-AF/"]),
                                           ("/", {}, ["/", "/en/"])]:
        status, headers, _ = answer(small_app, address, request_headers)
        assert headers["Location"].endswith(rule[1].replace(":lang", "en"))
        assert rule + [str(status)] == next(line[:3] for line in lines if line[:2] == rule), address
    assert ["/", "/fa-AF/", "302", "Language=fa-af,prs"] in lines

"""The export alone, on a static host: its _headers and _redirects say what Flask's answers say."""
import fnmatch

import pytest
from webapp import create_app
from webapp.export import ExportError, export_site

SHARED = ["Content-Security-Policy", "Referrer-Policy", "X-Content-Type-Options", "Permissions-Policy",
          "Cross-Origin-Opener-Policy"]


def header_rules(text):
    """_headers as static hosts read it: a path pattern, then indented `Name: value` lines."""
    rules, current = [], None
    for line in text.splitlines():
        if line and not line[0].isspace():
            current = (line.strip(), {})
            rules.append(current)
        elif line.strip():
            name, value = line.strip().split(": ", 1)
            current[1][name] = value
    return rules


def headers_for(rules, path):
    """What a host applying every matching rule, in order, sends for `path`."""
    sent = {}
    for pattern, headers in rules:
        if fnmatch.fnmatchcase(path, pattern):
            sent.update(headers)
    return sent


def test_the_static_hosts_headers_are_flasks(exported, flask_app):
    rules = header_rules((exported / "site" / "_headers").read_text())
    client = flask_app.test_client()
    bundle = next(path.name for path in (exported / "site" / "static" / "gen").iterdir() if path.suffix == ".js")
    for path in ["/en/get-help", "/ar/lite/", "/sw.js", f"/static/gen/{bundle}", "/static/icons/icon-192.png",
                 "/en/manifest.webmanifest", "/robots.txt"]:
        with client.get(path) as response:
            expected = {name: response.headers[name] for name in SHARED + ["Cache-Control"] if name in response.headers}
        sent = headers_for(rules, path)
        if expected.get("Cache-Control") == "no-cache" and "Cache-Control" not in sent:
            del expected["Cache-Control"]  # the host's default revalidates, as no-cache does
        assert {name: sent.get(name) for name in expected} == expected, path


def test_the_static_hosts_redirects_are_flasks(exported, flask_app):
    lines = [line.split() for line in (exported / "site" / "_redirects").read_text().splitlines() if line.strip()]
    client = flask_app.test_client()
    exit_answer = client.get("/go")
    assert ["/go", exit_answer.headers["Location"], str(exit_answer.status_code)] in lines
    assert ["/en", "/en/", str(client.get("/en").status_code)] in lines
    # / goes to the reader's language where the host understands Language= (Netlify), else to English.
    assert ["/", "/ar/", "302", "Language=ar"] in lines
    assert any(line[:3] == ["/", "/zh-Hant/", "302"] and "zh-tw" in line[3] for line in lines)
    assert lines[[line[:2] for line in lines].index(["/", "/en/"])] == ["/", "/en/", "302"]
    assert (exported / "site" / "404.html").read_bytes() == client.get("/en/no-such-page").get_data()


def test_the_export_needs_the_public_address(tmp_path):
    app = create_app({"TESTING": True})
    result = app.test_cli_runner().invoke(args=["export", "--output", str(tmp_path / "site")])
    assert result.exit_code != 0 and "Set WAYMARK_SITE_URL" in result.output
    assert not (tmp_path / "site").exists()


def test_a_page_that_cannot_be_built_stops_the_export_and_says_which(tmp_path, monkeypatch):
    import webapp.export as export

    app = create_app({"TESTING": True, "SITE_URL": "https://waymark.example"})
    monkeypatch.setattr(export, "addresses", lambda: iter([("/en/no-such-page", "en/x.html", "page", {})]))
    with app.app_context(), pytest.raises(ExportError, match="/en/no-such-page answered 404, not 200"):
        export_site(tmp_path / "site")

"""Every English page, fetched through the test client and checked as a person would read it."""
import re

import pytest

from webapp.helplines import load
from webapp.config import Config
from webapp.pages import SLUGS

from ..support.pages import MISPRINTS, fetch_page, visible_text

PATHS = ["/en/"] + [f"/en/{slug}" for slug in SLUGS]
NUMBERS = load(Config.HELPLINES_FILE)
# The seed's grouping (0800 0121 700) has the right digits, but Waymark writes it the way people say it.
UNWANTED = (*MISPRINTS, "0800 0121 700")


@pytest.mark.parametrize("path", PATHS)
def test_every_page_opens_with_real_guidance(client, path):
    html = fetch_page(client, path)
    assert len(visible_text(html)) > 200, f"{path} has almost no text"
    assert html.select_one("a.js-quick-exit"), f"{path} has no exit link"


@pytest.mark.parametrize("path", PATHS)
def test_no_page_misprints_the_helpline(client, path):
    text = client.get(path).get_data(as_text=True)
    for unwanted in UNWANTED:
        assert unwanted not in text


@pytest.mark.parametrize("path", PATHS)
def test_long_numbers_appear_only_as_call_links(client, path):
    html = fetch_page(client, path)
    for link in html.select('a[href^="tel:"]'):
        link.decompose()
    text = re.sub(r"\s+", " ", html.get_text(" "))
    for line in NUMBERS.values():
        if len(line.dial) > 5:
            assert line.display not in text, f"{path} shows {line.display} without a call link"


def test_the_home_page_starts_with_are_you_safe_now(client):
    html = fetch_page(client, "/en/")
    main = html.find("main")
    assert main.find("h1").get_text(strip=True) == "Are you safe now?"
    first_call = main.select_one('a[href^="tel:"]')
    assert first_call["href"] == "tel:999"
    assert "press 5 5" in visible_text(html)
    choices = [link["href"] for link in main.select("a.choice")]
    assert "/en/get-help" in choices and "/en/spot-the-signs" in choices


def test_get_help_lists_every_number(client):
    html = fetch_page(client, "/en/get-help")
    hrefs = {link["href"] for link in html.select('main a[href^="tel:"]')}
    assert hrefs == {line.href for line in NUMBERS.values()} - {NUMBERS["tara"].href, NUMBERS["migrant_help_scotland"].href}


def test_a_call_link_names_who_it_calls(client):
    html = fetch_page(client, "/en/get-help")
    link = html.select_one('main a[href="tel:+448000121700"]')
    assert " ".join(link.get_text(" ").split()) == "Call the Modern Slavery Helpline, 08000 121 700"


def test_scotland_page_has_the_scottish_numbers(client):
    html = fetch_page(client, "/en/scotland-and-northern-ireland")
    hrefs = {link["href"] for link in html.select('main a[href^="tel:"]')}
    assert {NUMBERS["tara"].href, NUMBERS["migrant_help_scotland"].href} <= hrefs


# Titles unique and translated on every page: tests/accessibility/ (test_titles_are_unique_and_in_the_page_language).


# The choice among languages is tested in test_languages.py; here, the redirect itself, for English browsers
# and for those asking for nothing Waymark offers.
@pytest.mark.parametrize(
    "accept, target",
    [("en-GB,en;q=0.9", "/en/"), ("xx", "/en/"), ("", "/en/"), ("fr-FR, de;q=0.5", "/fr/"), ("de-DE, nl;q=0.5", "/en/")],
)
def test_root_sends_the_browser_to_its_language(client, accept, target):
    response = client.get("/", headers={"Accept-Language": accept})
    assert response.status_code == 302
    assert response.headers["Location"] == target
    assert "Accept-Language" in response.vary


@pytest.mark.parametrize("path", ["/en/no-such-page", "/xx/", "/en/home", "/static/nothing.css"])
def test_not_found_is_a_real_page_with_the_numbers(client, path):
    html = fetch_page(client, path, status=404)
    assert html.find("h1").get_text(strip=True) == "Page not found"
    hrefs = {link["href"] for link in html.select('main a[href^="tel:"]')}
    assert {"tel:999", "tel:+448000121700"} <= hrefs


def test_server_error_is_a_real_page_with_the_numbers():
    from webapp import create_app

    app = create_app({"TESTING": False})

    @app.route("/en/broken")
    def broken():
        raise RuntimeError("a bug")

    html = fetch_page(app.test_client(), "/en/broken", status=500)
    assert html.find("h1").get_text(strip=True) == "Sorry, something went wrong"
    assert html.select_one('main a[href="tel:+448000121700"]')


def test_api_errors_are_json_and_keep_their_headers():
    # Under /api/ a script reads the answer: a crash is JSON that tells nothing of the bug, and a wrong
    # method says which methods the address takes (Allow).
    from webapp import create_app

    app = create_app({"TESTING": False})

    @app.route("/api/broken")
    def broken():
        raise RuntimeError("a bug")

    client = app.test_client()
    crashed = client.get("/api/broken")
    assert (crashed.status_code, crashed.mimetype) == (500, "application/json")
    assert "try again" in crashed.get_json()["error"] and "a bug" not in crashed.get_data(as_text=True)
    wrong_method = client.put("/api/push/key")
    assert (wrong_method.status_code, wrong_method.mimetype) == (405, "application/json")
    assert "GET" in wrong_method.headers["Allow"].replace(" ", "").split(",")


UPDATES = """
[[update]]
date = 2026-10-05
title = "The middle one"
paragraphs = ["Second paragraph of the middle one."]

[[update]]
date = 2026-12-01
title = "The newest one"
paragraphs = ["First paragraph.", "Another paragraph."]

[[update]]
date = 2026-01-20
title = "The oldest one"
paragraphs = []
"""


def test_updates_page_shows_every_update_newest_first_with_its_date(tmp_path):
    from webapp import create_app

    path = tmp_path / "updates.toml"
    path.write_text(UPDATES)
    html = fetch_page(create_app({"TESTING": True, "UPDATES_FILE": str(path)}).test_client(), "/en/updates")
    shown = [(article.find("h2").get_text(strip=True), article.find("time")["datetime"],
              article.find("time").get_text(strip=True),
              [p.get_text(strip=True) for p in article.find_all("p")][1:])
             for article in html.select("main article")]
    assert shown == [
        ("The newest one", "2026-12-01", "1 December 2026", ["First paragraph.", "Another paragraph."]),
        ("The middle one", "2026-10-05", "5 October 2026", ["Second paragraph of the middle one."]),
        ("The oldest one", "2026-01-20", "20 January 2026", []),
    ]


def test_with_no_updates_yet_the_updates_page_still_opens(tmp_path):
    from webapp import create_app

    path = tmp_path / "updates.toml"
    path.write_text("# nothing yet\n")
    html = fetch_page(create_app({"TESTING": True, "UPDATES_FILE": str(path)}).test_client(), "/en/updates")
    assert html.select("main article") == []


def test_the_real_updates_are_on_the_updates_page(client):
    import tomllib

    with open(Config.UPDATES_FILE, "rb") as file:
        titles = {item["title"] for item in tomllib.load(file)["update"]}
    html = fetch_page(client, "/en/updates")
    assert titles and {h2.get_text(strip=True) for h2 in html.select("main article h2")} == titles


@pytest.mark.parametrize(
    "body, message",
    [('[[update]]\ndate = 2026-12-01\nparagraphs = []\n', "update 1 needs a 'title' value"),
     ('[[update]]\ndate = 2026-12-01\ntitle = "A"\nparagraphs = []\n[[update]]\ntitle = "B"\nparagraphs = []\n',
      "update 2 needs a 'date' value"),
     ('[[update]]\ndate = "1 December"\ntitle = "A"\nparagraphs = []\n', "update 1 has a date that is not YYYY-MM-DD")],
    ids=["no-title", "no-date", "date-as-text"],
)
def test_a_malformed_update_stops_start_up_and_says_which(tmp_path, body, message):
    from webapp import create_app

    path = tmp_path / "updates.toml"
    path.write_text(body)
    with pytest.raises(ValueError) as stopped:
        create_app({"TESTING": True, "UPDATES_FILE": str(path)})
    assert str(stopped.value) == f"{path}: {message}"


def test_settings_come_from_waymark_environment_variables(monkeypatch):
    # The README's Configuration table: WAYMARK_<NAME> changes a setting, as a deployment sets it.
    from webapp import create_app

    monkeypatch.setenv("WAYMARK_QUICK_EXIT_URL", "https://example.org/news")
    monkeypatch.setenv("WAYMARK_PUSH_TTL", "3600")
    monkeypatch.setenv("WAYMARK_PROXY_COUNT", "1")
    app = create_app({"TESTING": True})
    assert (app.config["PUSH_TTL"], app.config["PROXY_COUNT"]) == (3600, 1)
    client = app.test_client()
    assert client.get("/go").headers["Location"] == "https://example.org/news"
    secure = client.get("/en/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" in secure.headers, "WAYMARK_PROXY_COUNT=1 trusts the proxy's scheme"


def test_an_api_error_without_a_prepared_message_gives_its_own_description_in_json():
    from werkzeug.exceptions import BadRequest

    from webapp import create_app

    app = create_app({"TESTING": True})

    @app.route("/api/example")
    def example():
        raise BadRequest("Send the subscription as JSON.")

    response = app.test_client().get("/api/example")
    assert (response.status_code, response.get_json()) == (400, {"error": "Send the subscription as JSON."})
    missing = app.test_client().get("/api/nothing-here")
    assert (missing.status_code, missing.get_json()) == (404, {"error": "There is nothing at this address."})

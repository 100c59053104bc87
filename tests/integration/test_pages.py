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


def test_titles_are_unique(client):
    titles = [fetch_page(client, path).title.get_text(strip=True) for path in PATHS]
    assert len(set(titles)) == len(titles)


@pytest.mark.parametrize(
    "accept, target",
    [("en-GB,en;q=0.9", "/en/"), ("xx", "/en/"), ("", "/en/"), ("fr-FR, de;q=0.5", "/en/")],
)
def test_root_sends_the_browser_to_its_language(client, accept, target):
    response = client.get("/", headers={"Accept-Language": accept})
    assert response.status_code == 302
    assert response.headers["Location"] == target
    assert "Accept-Language" in response.headers["Vary"]


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

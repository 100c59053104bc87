"""The exit route: a 303 to the neutral site that nothing holds up, and the clearing request beside it."""
import pytest
from bs4 import BeautifulSoup
from flask_babel import force_locale, gettext

from webapp import create_app


def test_exit_route_redirects_to_the_neutral_site(client):
    response = client.get("/go")
    assert response.status_code == 303
    assert response.headers["Location"] == "https://www.bbc.co.uk/weather"


def test_the_exit_itself_clears_nothing_so_the_browser_does_not_hold_it(client):
    # Chromium holds a redirect carrying Clear-Site-Data until the clearing is done, page still on screen.
    assert "Clear-Site-Data" not in client.get("/go").headers


def test_the_clearing_request_clears_cache_and_cookies_but_not_storage(client):
    response = client.post("/go")
    assert response.status_code == 204
    assert response.headers["Clear-Site-Data"] == '"cache", "cookies"'
    assert response.get_data() == b""


@pytest.mark.parametrize("method", ["get", "post"])
def test_exit_route_is_never_stored(client, method):
    assert getattr(client, method)("/go").headers["Cache-Control"] == "no-store"


def test_exit_route_sends_no_referrer(client):
    assert client.get("/go").headers["Referrer-Policy"] == "no-referrer"


def test_neutral_site_is_configurable():
    # Every way out goes there: the link without JavaScript (/go), and the exit script in both views.
    client = create_app({"TESTING": True, "QUICK_EXIT_URL": "https://example.org/news"}).test_client()
    assert client.get("/go").headers["Location"] == "https://example.org/news"
    for path in ("/en/get-help", "/en/lite/get-help"):
        link = BeautifulSoup(client.get(path).get_data(as_text=True), "html.parser").select_one(".js-quick-exit")
        assert link["data-exit-url"] == "https://example.org/news", path


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.org/news", "https:///news", "/news",
                                 "example.org/news"])
def test_a_bad_neutral_site_stops_start_up(url):
    # Each would leave the person on a page that does not load, or run something: not a way out.
    with pytest.raises(ValueError, match="WAYMARK_QUICK_EXIT_URL must be an absolute http"):
        create_app({"TESTING": True, "QUICK_EXIT_URL": url})


def test_a_plain_http_neutral_site_is_allowed():
    app = create_app({"TESTING": True, "QUICK_EXIT_URL": "http://example.org/news"})
    assert app.test_client().get("/go").headers["Location"] == "http://example.org/news"


@pytest.mark.parametrize("path", ["/en/", "/en/get-help", "/en/offline", "/en/no-such-page", "/en/lite/",
                                  "/en/lite/get-help"])
def test_every_page_has_the_exit_link_first_after_the_skip_link(client, path):
    html = BeautifulSoup(client.get(path).get_data(as_text=True), "html.parser")
    links = html.body.find_all("a")
    assert links[0]["href"] == "#main"
    assert links[1].get_text(strip=True) == "Exit this page" and links[1]["href"] == "/go"
    assert links[1]["data-exit-url"] == "https://www.bbc.co.uk/weather"
    assert links[2]["href"] in ("/en/stay-safe-on-your-phone", "/en/lite/stay-safe-on-your-phone")


@pytest.mark.parametrize("path", ["/en/get-help", "/en/lite/get-help"])
def test_the_exit_announcements_come_translated_from_the_server(app, client, path):
    # Both views: the exit script reads what it announces from these, so no language is left in English.
    link = BeautifulSoup(client.get(path.replace("/en/", "/ar/")).get_data(as_text=True), "html.parser").select_one(".js-quick-exit")
    with app.test_request_context(), force_locale("ar"):
        expected = {"data-i18n-presses-left-2": gettext("Shift, press 2 more times to exit."),
                    "data-i18n-presses-left-1": gettext("Shift, press 1 more time to exit."),
                    "data-i18n-exiting": gettext("Exiting this page.")}
    assert all(text.isascii() is False for text in expected.values())  # the Arabic catalog has them all
    assert {name: link[name] for name in expected} == expected
    status = BeautifulSoup(client.get(path).get_data(as_text=True), "html.parser").select(".js-exit-status")
    assert [region["role"] for region in status] == ["status"]


SCRIPT_ONLY = ("So if someone presses Back, they do not come here.", "press the Shift key 3 times")


@pytest.mark.parametrize("path", ["/en/stay-safe-on-your-phone", "/en/lite/stay-safe-on-your-phone"])
def test_the_stay_safe_page_says_what_holds_with_and_without_javascript(client, path):
    html = BeautifulSoup(client.get(path).get_data(as_text=True), "html.parser")
    without_script = " ".join(tag.get_text(" ") for tag in html.select("noscript"))
    assert "if someone presses Back after you exit, they see the last Waymark page you opened" in without_script
    # What only the script makes true starts hidden, so a browser without it never shows it.
    for sentence in SCRIPT_ONLY:
        shown_by_script = html.find(string=lambda text: sentence in text).find_parent(class_="js-with-exit-script")
        assert shown_by_script is not None and shown_by_script.has_attr("hidden"), sentence

"""The exit route that works without JavaScript: a 303 to the neutral site that clears caches."""
import pytest

from webapp import create_app


def test_exit_route_redirects_to_the_neutral_site(client):
    response = client.get("/go")
    assert response.status_code == 303
    assert response.headers["Location"] == "https://www.bbc.co.uk/weather"


def test_exit_route_clears_cache_and_cookies_but_not_storage(client):
    response = client.get("/go")
    assert response.headers["Clear-Site-Data"] == '"cache", "cookies"'


def test_exit_route_is_never_stored(client):
    assert client.get("/go").headers["Cache-Control"] == "no-store"


def test_exit_route_sends_no_referrer(client):
    assert client.get("/go").headers["Referrer-Policy"] == "no-referrer"


def test_neutral_site_is_configurable():
    app = create_app({"TESTING": True, "QUICK_EXIT_URL": "https://example.org/news"})
    assert app.test_client().get("/go").headers["Location"] == "https://example.org/news"


def test_a_bad_neutral_site_stops_start_up():
    with pytest.raises(ValueError, match="WAYMARK_QUICK_EXIT_URL must be an absolute http"):
        create_app({"TESTING": True, "QUICK_EXIT_URL": "javascript:alert(1)"})


@pytest.mark.parametrize("path", ["/en/", "/en/get-help", "/en/offline", "/en/no-such-page"])
def test_every_page_has_the_exit_link_first_after_the_skip_link(client, path):
    from bs4 import BeautifulSoup

    html = BeautifulSoup(client.get(path).get_data(as_text=True), "html.parser")
    links = html.body.find_all("a")
    assert links[0]["href"] == "#main"
    assert links[1].get_text(strip=True) == "Exit this page" and links[1]["href"] == "/go"
    assert links[1]["data-exit-url"] == "https://www.bbc.co.uk/weather"
    assert links[2]["href"] == "/en/stay-safe-on-your-phone"

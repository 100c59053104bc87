"""The card pages as Flask serves them: linked from the page for organisations, the QR code inline, one page
whatever the view, and no cards without a public address."""
import pytest
from bs4 import BeautifulSoup

from webapp import create_app

from ..support.pages import fetch_page
from ..support.site import card_pages, offered_languages

TAGS = [language.tag for language in offered_languages()]


@pytest.mark.parametrize("tag", TAGS)
def test_the_page_for_organisations_links_every_languages_cards_and_the_sheet(client, tag):
    html = fetch_page(client, f"/{tag}/for-organisations", lang=tag)
    links = {a["href"] for a in html.select("main a[href]")}
    wanted = {f"/{other}/card" for other in TAGS} | {f"/{other}/discreet-card" for other in TAGS} | {f"/{tag}/cards"}
    assert wanted - links == set()


@pytest.mark.parametrize("tag, path", card_pages(tags=["en", "ar", "ti"]))
def test_a_card_page_draws_its_code_inside_the_page_and_loads_nothing_more(client, tag, path):
    # fetch_page refuses inline styles and scripts the CSP would block; the code is SVG paths, not an image.
    html = fetch_page(client, path, lang=tag)
    cards = html.select(".card")
    assert cards and all(card.select_one("svg.card-qr path") for card in cards)
    assert html.select("img, iframe, object, embed, [style]") == []
    assert [link["href"] for link in html.select("link[href]") if "//" in link["href"] and not link["href"].startswith("https://waymark.example/")] == []


@pytest.mark.parametrize("path", ["/en/card", "/ar/discreet-card", "/ti/cards"])
def test_a_card_page_is_the_same_with_save_data_or_the_full_view(client, path):
    # There is no lite card: a browser saving data, or a link asking for the full view, gets the card itself.
    plain = client.get(path)
    for headers, query in (({"Save-Data": "on"}, ""), ({}, "?view=full")):
        other = client.get(path + query, headers=headers)
        assert (other.status_code, other.get_data()) == (200, plain.get_data()), (path, headers, query)
    assert "Save-Data" in plain.headers["Vary"]


def test_without_a_public_address_there_are_no_cards_and_no_links_to_them():
    app = create_app({"TESTING": True, "SITE_URL": ""})
    client = app.test_client()
    for path in ("/en/card", "/en/discreet-card", "/en/cards"):
        assert client.get(path).status_code == 404, path
    html = BeautifulSoup(client.get("/en/for-organisations").get_data(as_text=True), "html.parser")
    assert not html.select('a[href$="/card"], a[href$="/cards"], a[href$="/discreet-card"]')

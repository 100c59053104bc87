"""Found by the people who need it: canonical and language links, a sitemap, robots.txt, descriptions."""
import xml.etree.ElementTree as ElementTree
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from webapp import create_app
from webapp.pages import HOME, SLUGS

from ..support.site import every_page, offered_languages, page_path

SITE = "https://waymark.example"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
TAGS = [language.tag for language in offered_languages()]


@pytest.fixture(scope="module")
def public_client():
    return create_app({"TESTING": True, "SITE_URL": SITE + "/"}).test_client()


@pytest.fixture(scope="module")
def addressless_client():
    """A deployment that has not set WAYMARK_SITE_URL (the tests' own app has one)."""
    return create_app({"TESTING": True, "SITE_URL": ""}).test_client()


def head(client, path, **kwargs):
    response = client.get(path, **kwargs)
    assert response.status_code == 200, path
    return BeautifulSoup(response.get_data(as_text=True), "html.parser").head


def standard_alternates(slug):
    """hreflang -> address: the standard page in every language, and x-default (the chooser for the home page,
    else the English page)."""
    expected = {other: SITE + page_path(other, slug) for other in TAGS}
    expected["x-default"] = SITE + ("/" if slug == HOME else page_path("en", slug))
    return expected


def test_every_page_names_its_canonical_address_and_every_language(public_client):
    for slug in (HOME, *SLUGS):
        for tag in ("en", "ar"):
            path = page_path(tag, slug)
            html = head(public_client, path)
            assert html.find("link", rel="canonical")["href"] == SITE + path
            links = {link["hreflang"]: link["href"] for link in html.find_all("link", rel="alternate")}
            assert links == standard_alternates(slug), path


def test_lite_and_full_views_name_the_standard_page_as_canonical(public_client):
    canonical = lambda path, **kwargs: head(public_client, path, **kwargs).find("link", rel="canonical")["href"]
    assert canonical("/en/lite/get-help") == SITE + "/en/get-help"
    assert canonical("/en/lite/") == SITE + "/en/"
    assert canonical("/en/get-help?view=full") == SITE + "/en/get-help"
    assert canonical("/en/get-help", headers={"Save-Data": "on"}) == SITE + "/en/get-help"


@pytest.mark.parametrize("slug", ["get-help", HOME])
def test_the_full_view_names_the_standard_pages_as_its_languages(public_client, slug):
    """Search engines are sent to one address per page and language, the standard view's (the lite view, kept
    small, names only its canonical page)."""
    html = head(public_client, page_path("en", slug) + "?view=full")
    links = {link["hreflang"]: link["href"] for link in html.find_all("link", rel="alternate")}
    assert links == standard_alternates(slug)


def test_the_sitemap_lists_every_page_once_with_its_alternates(public_client):
    response = public_client.get("/sitemap.xml")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    urls = ElementTree.fromstring(response.data).findall(f"{SITEMAP}url")
    locations = [url.find(f"{SITEMAP}loc").text for url in urls]
    assert sorted(locations) == sorted(SITE + path for _, path in every_page())
    for url in urls:
        alternates = {link.get("hreflang"): link.get("href") for link in url.findall(f"{XHTML}link")}
        assert set(alternates) == {*TAGS, "x-default"}
        assert url.find(f"{SITEMAP}loc").text in alternates.values()
    for location in locations[:: len(TAGS)]:  # one language of each page opens
        assert public_client.get(urlsplit(location).path).status_code == 200


def test_robots_txt_names_the_sitemap_and_keeps_robots_out_of_the_api(public_client, addressless_client):
    lines = public_client.get("/robots.txt").get_data(as_text=True).splitlines()
    assert f"Sitemap: {SITE}/sitemap.xml" in lines and "Disallow: /api/" in lines
    assert not any(line.startswith("Sitemap:") for line in addressless_client.get("/robots.txt").get_data(as_text=True).splitlines())


def test_without_a_public_address_links_stay_relative_and_the_host_header_is_never_used(addressless_client):
    client = addressless_client
    html = head(client, "/en/get-help", headers={"Host": "evil.example"})
    assert html.find("link", rel="canonical") is None
    assert all(link["href"].startswith("/") for link in html.find_all("link", rel="alternate"))
    assert "evil.example" not in str(html)
    assert client.get("/sitemap.xml").status_code == 404


def test_without_a_public_address_there_are_no_cards_to_print(addressless_client, client):
    # A card's QR code must open the public address; the request's own Host is never trusted for it.
    for path in ("/en/card", "/ar/discreet-card", "/en/cards"):
        assert addressless_client.get(path, headers={"Host": "evil.example"}).status_code == 404
        assert client.get(path).status_code == 200
    assert "/en/card" not in addressless_client.get("/en/for-organisations").get_data(as_text=True)
    assert "/en/card" in client.get("/en/for-organisations").get_data(as_text=True)


@pytest.mark.parametrize(
    "value",
    ["waymark.example", "ftp://waymark.example", "https://", "https://waymark.example/help", "https://a@waymark.example",
     "https://waymark.example?x=1", "https://waymark.example\\@evil.example", "javascript:alert(1)",
     # A browser reads a backslash as a slash: this would be https://waymark.example/evil.example.
     "https://waymark.example\\evil.example", "https://waymark.example#top"],
)
def test_a_public_address_that_is_not_an_origin_stops_start_up(value):
    with pytest.raises(ValueError, match="WAYMARK_SITE_URL"):
        create_app({"TESTING": True, "SITE_URL": value})


@pytest.mark.parametrize("value, origin", [("https://waymark.example/", "https://waymark.example"),
                                           ("http://localhost:8000", "http://localhost:8000")])
def test_an_http_or_https_origin_is_the_public_address(value, origin):
    client = create_app({"TESTING": True, "SITE_URL": value}).test_client()
    assert head(client, "/en/get-help").find("link", rel="canonical")["href"] == origin + "/en/get-help"


@pytest.mark.parametrize("tag", TAGS)
def test_every_page_has_a_description_in_its_language(client, tag):
    for lite in (False, True):
        for _, path in every_page(lite=lite, tags=[tag]):
            description = head(client, path).find("meta", attrs={"name": "description"})["content"]
            english = head(client, "/en/" + path.split("/", 2)[2]).find("meta", attrs={"name": "description"})["content"]
            assert len(description) > 20, path
            assert (description == english) == (tag == "en"), path

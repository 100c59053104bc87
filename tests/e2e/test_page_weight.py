"""Byte budgets: the lite view fits the first TCP round trip, the standard view 35 KB.

Measured in Chromium (bytes on the wire, headers included) for one language of each kind of script, and for
every language from the server's own answers, which are what the browser receives: the compressed body and
its headers, within the same budgets less an allowance for the lines the HTTP server adds (status, Date,
Server, Connection)."""
import brotli
import pytest
from bs4 import BeautifulSoup

from ..support.site import card_pages, every_page, offered_languages
from ..support.wire import measure_first_visit

FIRST_ROUND_TRIP = 14_600  # 10 packets of 1,460 bytes
STANDARD_BUDGET = 35_000
# One language per kind of script: Latin, Arabic (right to left), Ethiopic, Han, and the Brahmic and Thai scripts,
# whose UTF-8 takes three bytes a letter (Tamil's pages are the longest).
MEASURED_IN_THE_BROWSER = ["en", "ar", "ti", "zh-Hans", "ta", "th"]
SERVER_LINES = 300  # "HTTP/1.1 200 OK", Date, Server, Connection, Keep-Alive: well under this


@pytest.mark.parametrize("tag, path", every_page(lite=True, tags=MEASURED_IN_THE_BROWSER))
def test_lite_page_fits_in_the_first_round_trip(browser, live_server, tag, path):
    cost = measure_first_visit(browser, live_server.url + path)
    assert cost["requests"] == 1, f"the lite stylesheet is inside the page, so one request is enough: {cost['urls']}"
    assert cost["bytes"] <= FIRST_ROUND_TRIP, f"{path}: {cost['bytes']} bytes"
    assert cost["images"] == 0


# The cards: the sheet (36 cards, the heaviest page) per kind of script, the single cards in two.
@pytest.mark.parametrize("tag, path", every_page(tags=MEASURED_IN_THE_BROWSER)
                         + card_pages(tags=["en", "ar"], sheet_tags=MEASURED_IN_THE_BROWSER))
def test_standard_page_first_visit_fits_the_budget(browser, live_server, tag, path):
    cost = measure_first_visit(browser, live_server.url + path)
    assert cost["bytes"] <= STANDARD_BUDGET, f"{path}: {cost['bytes']} bytes over {cost['requests']} requests"


def wire_bytes(client, path):
    """What the server sends for `path` to a browser that accepts brotli: headers and compressed body."""
    with client.get(path, headers={"Accept-Encoding": "gzip, deflate, br"}) as response:
        assert response.status_code == 200, path
        headers = sum(len(f"{name}: {value}\r\n") for name, value in response.headers.items())
        return headers + len(response.get_data()), response


@pytest.mark.parametrize("language", offered_languages(), ids=lambda language: language.tag)
def test_every_language_fits_the_budgets(client, language):
    for _, path in every_page(lite=True, tags=[language.tag]):
        size, _ = wire_bytes(client, path)
        assert size + SERVER_LINES <= FIRST_ROUND_TRIP, f"{path}: {size} bytes"
    for _, path in every_page(tags=[language.tag]) + card_pages(tags=[language.tag]):
        size, response = wire_bytes(client, path)
        page = BeautifulSoup(brotli.decompress(response.get_data()), "html.parser")  # what the page loads
        assets = [tag["href"] for tag in page.select('link[rel="stylesheet"]')] + [tag["src"] for tag in page.select("script[src]")]
        total = size + sum(wire_bytes(client, asset)[0] for asset in assets) + SERVER_LINES * (1 + len(assets))
        assert total <= STANDARD_BUDGET, f"{path}: {total} bytes over {1 + len(assets)} requests"

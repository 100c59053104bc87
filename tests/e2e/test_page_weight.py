"""Byte budgets, measured in Chromium: the lite view fits the first TCP round trip, the standard view 35 KB."""
import pytest

from ..support.site import every_page
from ..support.wire import measure_first_visit

FIRST_ROUND_TRIP = 14_600  # 10 packets of 1,460 bytes
STANDARD_BUDGET = 35_000


@pytest.mark.parametrize("tag, path", every_page(lite=True))
def test_lite_page_fits_in_the_first_round_trip(browser, live_server, tag, path):
    cost = measure_first_visit(browser, live_server.url + path)
    assert cost["requests"] == 1, f"the lite stylesheet is inside the page, so one request is enough: {cost['urls']}"
    assert cost["bytes"] <= FIRST_ROUND_TRIP, f"{path}: {cost['bytes']} bytes"
    assert cost["images"] == 0


@pytest.mark.parametrize("tag, path", every_page())
def test_standard_page_first_visit_fits_the_budget(browser, live_server, tag, path):
    cost = measure_first_visit(browser, live_server.url + path)
    assert cost["bytes"] <= STANDARD_BUDGET, f"{path}: {cost['bytes']} bytes over {cost['requests']} requests"

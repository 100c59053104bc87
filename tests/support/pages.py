"""One checked way to fetch a page: every page the tests read passes the same cheap checks."""
import base64
import hashlib
from collections import Counter

from bs4 import BeautifulSoup

from webapp.helplines import load
from webapp.config import Config

KNOWN_TEL_HREFS = {line.href for line in load(Config.HELPLINES_FILE).values()}

# The helpline's misprint found on other sites drops one 0 from "08000"; a regrouped form of that misprint
# is listed too. Built from the right number, so the misprint is written nowhere in this project.
HELPLINE = "08000 121 700"
_ONE_ZERO_LOST = HELPLINE.replace(" ", "").replace("08000", "0800", 1)
MISPRINTS = (
    f"{_ONE_ZERO_LOST[:4]} {_ONE_ZERO_LOST[4:7]} {_ONE_ZERO_LOST[7:]}",  # grouped like a 0800 number
    f"{_ONE_ZERO_LOST[:5]} {_ONE_ZERO_LOST[5:]}",
)


def fetch_page(client, path, status=200, lang="en", **kwargs):
    """GET `path`, check what every page must have, and return the parsed HTML."""
    response = client.get(path, **kwargs)
    assert response.status_code == status, f"{path}: status {response.status_code}"
    assert "Set-Cookie" not in response.headers, f"{path} sets a cookie"
    html = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert html.html.get("lang") == lang, f"{path}: lang is {html.html.get('lang')!r}"
    assert html.html.get("dir") in ("ltr", "rtl"), f"{path}: no dir"
    assert html.title and html.title.get_text(strip=True), f"{path}: no title"
    assert len(html.find_all("h1")) == 1, f"{path}: {len(html.find_all('h1'))} h1 elements"
    ids = Counter(tag["id"] for tag in html.find_all(id=True))
    duplicates = [name for name, count in ids.items() if count > 1]
    assert not duplicates, f"{path}: duplicate ids {duplicates}"
    for link in html.select('a[href^="tel:"]'):
        assert link["href"] in KNOWN_TEL_HREFS, f"{path}: unknown number {link['href']}"
        assert link.find("bdi", dir="ltr"), f"{path}: {link['href']} is not kept left-to-right"
    for tag in html.find_all(style=True):
        raise AssertionError(f"{path}: inline style on <{tag.name}> would be blocked by the CSP")
    for style in html.find_all("style"):
        digest = base64.b64encode(hashlib.sha256(style.string.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in response.headers["Content-Security-Policy"], f"{path}: style not allowed"
    for script in html.find_all("script"):
        if script.get("src"):
            continue
        digest = base64.b64encode(hashlib.sha256(script.string.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in response.headers["Content-Security-Policy"], \
            f"{path}: inline script would be blocked by the CSP"
    return html


def call_links(html):
    """The tel: addresses a page offers, sorted."""
    return sorted(link["href"] for link in html.select('a[href^="tel:"]'))


def visible_text(html):
    main = html.find("main")
    return " ".join(main.get_text(" ").split())

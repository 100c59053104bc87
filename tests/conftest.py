"""Fixtures shared by every layer of tests: the app, its test client, a live server and a browser; and the
checks of the test machine itself (compiled catalogs, fonts), made once at start rather than counted as tests."""
from pathlib import Path

import pytest

from webapp import create_app
from webapp.config import Config

from .support.browser import launch_browser
from .support.postgresql import postgresql_url  # noqa: F401 (one throwaway database for the session)
from .support.servers import LiveServer


def pytest_sessionstart(session):
    # The .mo files are build output (`make catalogs`); a stale one would make a translation test fail for
    # a reason that is not in the app.
    stale = [str(po) for po in Path(Config.BABEL_TRANSLATION_DIRECTORIES).glob("*/LC_MESSAGES/messages.po")
             if not po.with_suffix(".mo").exists() or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime]
    if stale:
        pytest.exit(f"compiled catalogs are missing or older than their .po: run `make catalogs` ({stale[0]})", 4)


@pytest.fixture(scope="session")
def app():
    # A public address, as a deployment has: the cards' QR codes open it.
    return create_app({"TESTING": True, "SITE_URL": "https://waymark.example"})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def live_server(app):
    with LiveServer(app) as server:
        yield server


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


# A sample of each script Waymark is read in, and a font of Debian's fonts-noto-core and fonts-noto-cjk that
# must draw it on this machine. Without them pages render as empty boxes, and the screenshots, reflow and
# target-size tests would measure the wrong glyphs.
SCRIPT_SAMPLES = {"ti": ("ሰላም", "Noto Sans Ethiopic"), "ar": ("مرحبا", "Noto Naskh Arabic"),
                  "ur": ("خوش آمدید", "Noto Nastaliq Urdu"), "hi": ("नमस्ते", "Noto Sans Devanagari"),
                  "zh-Hans": ("你好", "Noto Sans CJK SC"), "zh-Hant": ("你們好", "Noto Sans CJK TC"),
                  "pa": ("ਸਤਿ ਸ੍ਰੀ ਅਕਾਲ", "Noto Sans Gurmukhi"), "bn": ("নমস্কার", "Noto Sans Bengali"),
                  "ta": ("வணக்கம்", "Noto Sans Tamil"), "ml": ("നമസ്കാരം", "Noto Sans Malayalam"),
                  "si": ("ආයුබෝවන්", "Noto Sans Sinhala"), "th": ("สวัสดี", "Noto Sans Thai")}


def check_fonts(browser):
    page = browser.new_page()
    page.set_content("".join(f'<p lang="{tag}" style="font-family: \'{family}\', monospace">{text}</p>'
                             for tag, (text, family) in SCRIPT_SAMPLES.items()))
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    missing = []
    for tag, (_, family) in SCRIPT_SAMPLES.items():
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": f'p[lang="{tag}"]'})["nodeId"]
        fonts = [font["familyName"] for font in cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]]
        if family not in fonts:
            missing.append(f"{tag}: {family} (found {fonts})")
    page.close()
    if missing:
        pytest.exit(f"this machine lacks fonts the browser tests need (make browser installs them): {missing}", 4)


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = launch_browser(playwright_instance)
    check_fonts(browser)
    yield browser
    browser.close()


@pytest.fixture
def context(browser):
    context = browser.new_context()
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


def pytest_report_header(config):
    import os

    if os.environ.get("WAYMARK_TEST_POSTGRESQL_URL"):
        return "push storage tests: SQLite and PostgreSQL (WAYMARK_TEST_POSTGRESQL_URL)"
    return "push storage tests: SQLite and PostgreSQL (started by scripts/start-postgresql.sh)"

"""Fixtures shared by every layer of tests: the app, its test client, a live server and a browser."""
import pytest

from webapp import create_app
from webapp.pages import HOME, SLUGS

from .support.browser import launch_browser
from .support.servers import LiveServer


@pytest.fixture(scope="session")
def app():
    return create_app({"TESTING": True})


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


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = launch_browser(playwright_instance)
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


def english_page_paths():
    """Every page of the guidance in English, home first."""
    return ["/en/"] + [f"/en/{slug}" for slug in SLUGS]


@pytest.fixture(scope="session")
def every_slug():
    return (HOME, *SLUGS)


def pytest_report_header(config):
    import os

    if os.environ.get("WAYMARK_TEST_POSTGRESQL_URL"):
        return "push storage tests: SQLite and PostgreSQL (WAYMARK_TEST_POSTGRESQL_URL)"
    return "push storage tests: SQLite and PostgreSQL (started by scripts/start-postgresql.sh)"

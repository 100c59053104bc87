"""Privacy and security headers: one test per header, so a failure names it."""
import pytest

PATHS = ["/en/", "/en/get-help", "/en/no-such-page", "/", "/go"]


@pytest.fixture(params=PATHS)
def response(request, client):
    return client.get(request.param)


def csp_directives(response):
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def test_content_security_policy_allows_only_this_site(response):
    directives = csp_directives(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]


def test_content_security_policy_has_no_unsafe_sources(response):
    policy = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_referrer_policy(response):
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_content_type_options(response):
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_permissions_policy(response):
    policy = response.headers["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()"):
        assert feature in policy


def test_cross_origin_opener_policy(response):
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_no_cookie(response):
    assert "Set-Cookie" not in response.headers


def test_no_hsts_over_plain_http(response):
    assert "Strict-Transport-Security" not in response.headers


def test_hsts_over_https(client):
    response = client.get("/en/", base_url="https://waymark.example")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_hashed_assets_are_cached_for_a_year(client):
    from bs4 import BeautifulSoup

    html = BeautifulSoup(client.get("/en/").get_data(as_text=True), "html.parser")
    stylesheet = html.find("link", rel="stylesheet")["href"]
    assert stylesheet.startswith("/static/gen/app.")
    with client.get(stylesheet) as response:
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_behind_a_proxy_https_is_seen_when_configured():
    from webapp import create_app

    proxied = create_app({"TESTING": True, "PROXY_COUNT": 1}).test_client()
    response = proxied.get("/en/", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"})
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_without_a_proxy_count_forged_forwarded_headers_are_ignored(client):
    response = client.get("/en/", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"})
    assert "Strict-Transport-Security" not in response.headers


@pytest.mark.parametrize("path, location", [("/en", "/en/"), ("/", "/en/"), ("/ar", "/ar/")])
def test_a_forged_host_never_reaches_a_redirect(client, path, location):
    response = client.get(path, headers={"Host": "evil.example", "Accept-Language": "en"})
    assert response.status_code in (301, 302, 303, 307, 308)
    assert response.headers["Location"] == location


def test_behind_a_proxy_a_forwarded_host_is_not_believed():
    from webapp import create_app

    proxied = create_app({"TESTING": True, "PROXY_COUNT": 1}).test_client()
    response = proxied.get("/en", headers={"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"})
    assert "evil.example" not in response.headers["Location"]


def test_permissions_policy_names_no_obsolete_feature(response):
    assert "interest-cohort" not in response.headers["Permissions-Policy"]


@pytest.mark.parametrize("path", ["/api/push/key", "/api/openapi.json", "/api/nothing"])
def test_api_answers_are_never_stored_nor_read_by_other_sites(client, path):
    response = client.get(path)
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response.mimetype == "application/json"

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


def test_behind_two_proxies_each_person_is_seen_by_the_address_the_first_proxy_saw(tmp_path):
    # WAYMARK_PROXY_COUNT=2: the client's own X-Forwarded-For entries are not believed, the first proxy's
    # is; so the subscription limit counts each person, not the proxy everyone comes through, and https
    # is the scheme the first proxy was reached by.
    from webapp import create_app

    app = create_app({"TESTING": True, "PROXY_COUNT": 2, "PUSH_RATE_LIMIT": "1 per minute",
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'push.sqlite'}",
                      "VAPID_PRIVATE_KEY_FILE": str(tmp_path / "vapid.pem")})
    client = app.test_client()
    proxy = {"REMOTE_ADDR": "10.0.0.2"}  # the second proxy; the first is 10.0.0.1

    def subscribe(forwarded_for):
        # Not JSON, so nothing is stored; the limit counts the attempt all the same.
        return client.post("/api/push/subscriptions", environ_base=proxy,
                           headers={"X-Forwarded-For": forwarded_for}).status_code

    assert subscribe("198.51.100.1, 10.0.0.1") == 415
    assert subscribe("203.0.113.66, 198.51.100.1, 10.0.0.1") == 429, "a forged first entry is not believed"
    assert subscribe("198.51.100.2, 10.0.0.1") == 415, "another person behind the same proxies is not limited"
    secure = client.get("/en/", environ_base=proxy, headers={"X-Forwarded-Proto": "https, http",
                                                             "X-Forwarded-For": "198.51.100.1, 10.0.0.1"})
    assert secure.headers.get("Strict-Transport-Security", "").startswith("max-age="), "https seen by the first proxy"


def test_a_cookie_set_on_the_way_out_is_dropped():
    # No cookies: not Waymark's own, and not one a library or a later route might add.
    from webapp import create_app

    app = create_app({"TESTING": True})

    @app.get("/en/sets-a-cookie")
    def sets_a_cookie():
        response = app.response_class("a page")
        response.set_cookie("tracker", "1")
        return response

    response = app.test_client().get("/en/sets-a-cookie")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


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


def inline_sources(html, tag):
    """The CSP hash source of each inline <script> or <style> of a page, as a browser computes it."""
    import base64
    import hashlib

    return [f"'sha256-{base64.b64encode(hashlib.sha256(element.string.encode()).digest()).decode()}'"
            for element in html.find_all(tag) if not element.get("src")]


@pytest.mark.parametrize("path", ["/en/get-help", "/en/lite/get-help"])
def test_scripts_and_styles_come_from_this_site_or_are_the_lite_views_own_by_hash(client, path):
    from bs4 import BeautifulSoup

    lite = BeautifulSoup(client.get("/en/lite/get-help").get_data(as_text=True), "html.parser")
    directives = csp_directives(client.get(path))
    # The standard view loads its bundles from /static/gen/; the lite view runs its own inline code, and
    # nothing else inline may run.
    assert directives["script-src"] == ["'self'", *inline_sources(lite, "script")]
    assert directives["style-src"] == ["'self'", *inline_sources(lite, "style")]
    assert len(directives["script-src"]) == 3 and len(directives["style-src"]) == 2  # two scripts, one style
    # data: only for the "no icon" link, which needs no request.
    assert directives["img-src"] == ["'self'", "data:"]


def test_hsts_keeps_https_for_at_least_a_year_on_every_subdomain(client):
    response = client.get("/en/", base_url="https://waymark.example")
    # RFC 6797: directive names are case-insensitive. A year is the least the HSTS preload list accepts.
    directives = dict(part.strip().lower().partition("=")[::2]
                      for part in response.headers["Strict-Transport-Security"].split(";"))
    assert int(directives["max-age"]) >= 365 * 24 * 3600
    assert "includesubdomains" in directives


def test_a_missing_hashed_asset_is_not_cached_for_a_year(client):
    response = client.get("/static/gen/app.0000000000.css")
    assert response.status_code == 404
    assert "immutable" not in response.headers.get("Cache-Control", "")


def test_a_revalidated_hashed_asset_stays_cached_for_a_year(client):
    from bs4 import BeautifulSoup

    html = BeautifulSoup(client.get("/en/").get_data(as_text=True), "html.parser")
    stylesheet = html.find("link", rel="stylesheet")["href"]
    with client.get(stylesheet) as first:
        etag = first.headers["ETag"]
    with client.get(stylesheet, headers={"If-None-Match": etag}) as again:
        assert again.status_code == 304
        assert again.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_answers_with_no_content_claim_no_content_type(client):
    response = client.post("/go")
    assert response.status_code == 204
    assert "Content-Type" not in response.headers


def test_a_redirect_to_the_bare_address_of_this_site_goes_to_its_root(app):
    # A Location naming only this site (no path) is the site's root, written as the path "/".
    from webapp.security import without_own_origin

    with app.test_request_context("/en/", base_url="https://waymark.example"):
        assert without_own_origin("https://waymark.example") == "/"
        assert without_own_origin("https://WAYMARK.example?view=full") == "/?view=full"
        assert without_own_origin("https://elsewhere.example") == "https://elsewhere.example"


def test_a_redirect_names_no_host_whatever_its_case(client):
    # werkzeug writes the host of its redirects in lower case; the request's Host may be in any case.
    response = client.get("/en", headers={"Host": "Evil.Example"})
    assert response.headers["Location"] == "/en/"

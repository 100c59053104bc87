"""Schemathesis against the live push API, from its own OpenAPI document (languages and key patterns
included): hundreds of generated requests, valid and not, and no server error, every answer as documented.

Hypothesis drives each operation directly (schemathesis' pytest plugin does not run under pytest 9 here).
"""
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from webapp import create_app
from webapp.push import db

from ..support.fake_push import FakePushService
from ..support.servers import LiveServer

CASES = 140  # per operation and generation mode: about 560 requests in all
# A schema-violating request must get one of the documented refusals (413: past the 4 KB limit).
CONFIG = schemathesis.Config.from_dict(
    {"checks": {"negative_data_rejection": {"expected-statuses": ["400", "413", "415", "422", "429"]}}})


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    with FakePushService() as fake_push:
        app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{folder / 'fuzz.sqlite'}",
                          "VAPID_PRIVATE_KEY_FILE": str(folder / "vapid.pem"), "PUSH_ALLOWED_ORIGINS": fake_push.origin,
                          "PUSH_RATE_LIMIT": "100000 per minute"})
        with LiveServer(app) as server:
            yield server
        with app.app_context():
            db.engine.dispose()


@pytest.mark.parametrize("mode", list(schemathesis.GenerationMode), ids=lambda mode: mode.value)
@pytest.mark.parametrize("method, path", [("POST", "/api/push/subscriptions"), ("DELETE", "/api/push/subscriptions")])
def test_the_api_never_fails_and_answers_as_documented(served, method, path, mode):
    schema = schemathesis.openapi.from_url(f"{served.url}/api/openapi.json", config=CONFIG)
    operation = schema[path][method]
    calls = []

    @given(operation.as_strategy(generation_mode=mode))
    @settings(max_examples=CASES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    def call(case):
        calls.append(case)
        # A schema cannot say "a point on the P-256 curve" or "on an allowed push service", so a
        # schema-valid body may still get its documented 422: every other check applies.
        case.call_and_validate(base_url=served.url, excluded_checks=[positive_data_acceptance])

    call()
    assert len(calls) >= CASES * 0.9  # the generator really explored, not a handful of cases

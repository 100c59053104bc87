"""The endpoint check, the one place an attacker's URL is judged, against the production allow-list.

Parser-differential endpoints (a backslash, percent-encoding, userinfo, IDNA, a trailing dot...) are
refused; what is accepted is connected to exactly as checked by requests, the library that sends.
"""
import pytest
import requests
from urllib3.util import parse_url

from webapp.config import Config
from webapp.push import endpoint_problem, parse_origins

DEFAULT = parse_origins(Config.PUSH_ALLOWED_ORIGINS)
LOOPBACK = parse_origins("http://127.0.0.1:8765")

ACCEPTED = [
    "https://fcm.googleapis.com/fcm/send/dGVzdA:APA91bH-x_y",
    "https://updates.push.services.mozilla.com/wpush/v2/gAAAAABk",
    "https://web.push.apple.com/QGuQyavXutnMH",
    "https://db5p.notify.windows.com/w/?token=BQYAAAB%2bK",
    "https://wns2-par02p.notify.windows.com/w/?token=abc",
    "https://fcm.googleapis.com:443/fcm/send/x",
]

# (endpoint, what a careless check would see, what it is really) - each must be refused.
REFUSED = [
    ("https://169.254.169.254\\.notify.windows.com/x", "backslash: urllib3 connects to 169.254.169.254"),
    ("https://169.254.169.254%5C.notify.windows.com/x", "percent-encoded backslash in the host"),
    ("https://%66cm.googleapis.com/x", "percent-encoded host"),
    ("https://fcm.googleapis.com%2F@169.254.169.254/x", "encoded slash before userinfo"),
    ("https://fcm.googleapis.com@169.254.169.254/x", "userinfo: the host is 169.254.169.254"),
    ("https://@fcm.googleapis.com/x", "empty userinfo"),
    ("https://user:@fcm.googleapis.com/x", "userinfo with an empty password"),
    ("https://fcm.googleapis.com:0/x", "port 0"),
    ("https://fcm.googleapis.com:8443/x", "another port"),
    ("https://fcm.googleapis.com./x", "trailing dot"),
    ("https://FCM.googleapis.com/x", "upper-case host (stored twice, sent once)"),
    ("HTTPS://fcm.googleapis.com/x", "upper-case scheme"),
    ("https://fcm.googleapis.com/x y", "space in the path"),
    (" https://fcm.googleapis.com/x", "leading space"),
    ("https://fcm.googleapis.com/x\t", "trailing tab"),
    ("https://fcm.googleapis.com/x\r\nHost: evil", "CRLF: header injection"),
    ("https://fcm.googleapis.com\x00.evil.example/x", "NUL in the host"),
    ("https://fcm.googleapis.com/x#frag", "a fragment"),
    ("https://fcm.googleapis.com/\u00e9", "non-ASCII in the path"),
    ("https://fcm.googlеapis.com/x", "Cyrillic e in the host (IDNA homograph)"),
    ("https://xn--fcm-googleapis.notify.windows.com\u3002evil.example/x", "ideographic full stop"),
    ("https://a.notify.windows.com\uff0eevil.example/x", "fullwidth full stop"),
    ("https://fcm.googleapis.com\\@169.254.169.254/x", "backslash before an at sign"),
    ("https:/fcm.googleapis.com/x", "one slash"),
    ("https:fcm.googleapis.com/x", "no slashes"),
    ("//fcm.googleapis.com/x", "no scheme"),
    ("http://fcm.googleapis.com/x", "plain http to a real push service (M26)"),
    ("https://notify.windows.com.evil.example/x", "allowed name as a prefix"),
    ("https://evilnotify.windows.com/x", "suffix without the dot (M25)"),
    ("https://notify.windows.com/x", "the wildcard's own domain, no subdomain"),
    ("https://evil.example/x?.notify.windows.com", "allowed name in the query"),
    ("https://evil.example/.notify.windows.com", "allowed name in the path"),
    ("https://169.254.169.254/latest/meta-data", "link-local metadata address"),
    ("https://127.0.0.1/x", "loopback"),
    ("https://[::1]/x", "IPv6 loopback"),
    ("https://[::ffff:169.254.169.254]/x", "IPv4-mapped IPv6"),
    ("https://2130706433/x", "decimal IPv4"),
    ("https://0x7f.0.0.1/x", "hex IPv4"),
    ("https://127.1/x", "short IPv4"),
    ("https://0177.0.0.1/x", "octal IPv4"),
    ("https://1.2.3.4.notify.windows.com.evil.example/x", "allowed name in the middle"),
    ("https://[fe80::1%25eth0]/x", "IPv6 zone id"),
    ("javascript:alert(1)", "not http"),
    ("file:///etc/passwd", "file URL"),
    ("https://", "no host"),
    ("https://fcm.googleapis.com/" + "a" * 1024, "too long"),
]


@pytest.mark.parametrize("endpoint", ACCEPTED)
def test_real_push_service_endpoints_are_accepted(endpoint):
    assert endpoint_problem(endpoint, DEFAULT) is None


@pytest.mark.parametrize("endpoint, why", REFUSED, ids=[why for _, why in REFUSED])
def test_parser_differential_endpoints_are_refused(endpoint, why):
    problem = endpoint_problem(endpoint, DEFAULT)
    assert problem and problem.endswith("."), why


@pytest.mark.parametrize("endpoint", ACCEPTED)
def test_the_sender_connects_to_the_host_that_was_checked(endpoint):
    # requests prepares the URL (IDNA, quoting) before urllib3 connects: the host must not change.
    sent, checked = parse_url(requests.Request("POST", endpoint).prepare().url), parse_url(endpoint)
    assert (sent.scheme, sent.host, sent.port) == (checked.scheme, checked.host, checked.port)
    assert sent.request_uri.upper() == checked.request_uri.upper()  # %2b and %2B are the same bytes


def test_http_is_allowed_only_for_a_loopback_service_named_exactly():
    assert endpoint_problem("http://127.0.0.1:8765/push/a", LOOPBACK) is None
    assert endpoint_problem("http://127.0.0.1:8766/push/a", LOOPBACK)
    assert endpoint_problem("http://127.0.0.2:8765/push/a", LOOPBACK)
    assert endpoint_problem("http://10.0.0.1:8765/push/a", parse_origins("http://10.0.0.1:8765"))


def test_a_loopback_service_may_be_named_by_ipv6_address_or_as_localhost():
    assert endpoint_problem("http://[::1]:8765/push/a", parse_origins("http://[::1]:8765")) is None
    assert endpoint_problem("http://localhost:8765/push/a", parse_origins("http://localhost:8765")) is None
    assert endpoint_problem("http://localhost:8766/push/a", parse_origins("http://localhost:8765"))


def test_a_public_ip_address_is_refused_even_when_named_exactly():
    # Push services are reached by name; an address is allowed only on this machine, for tests.
    assert endpoint_problem("https://203.0.113.5/x", parse_origins("https://203.0.113.5"))


@pytest.mark.parametrize("endpoint", ["https://[::1]/x", "https://[fd00::1]/x", "https://10.1.2.3/x",
                                      "https://192.168.1.1/x", "https://169.254.169.254/x"])
def test_an_address_inside_a_private_network_is_refused_and_the_answer_says_so(endpoint):
    assert "inside a private network" in endpoint_problem(endpoint, DEFAULT)


def test_a_name_outside_the_list_is_refused_and_the_answer_says_so():
    assert endpoint_problem("https://push.example.net/x", DEFAULT) == "The endpoint is not on a known push service."


@pytest.mark.parametrize("endpoint", ["", None])
def test_a_missing_endpoint_is_refused_and_the_answer_says_it_is_missing(endpoint):
    problem = endpoint_problem(endpoint, DEFAULT)
    assert problem.startswith("The subscription needs an endpoint") and problem.endswith("."), problem


def test_an_endpoint_as_long_as_the_stored_column_is_accepted_and_one_longer_is_not():
    from webapp.push.model import Subscription

    column = Subscription.__table__.c.endpoint.type.length
    prefix = "https://fcm.googleapis.com/fcm/send/"
    assert endpoint_problem(prefix + "a" * (column - len(prefix)), DEFAULT) is None
    assert "too long" in endpoint_problem(prefix + "a" * (column + 1 - len(prefix)), DEFAULT)


@pytest.mark.parametrize("endpoint", ["https://fcm.googleapis.com:99999/x", "https://fcm.googleapis.com:8a/x",
                                      "https://[::1/x", "https://[zz]/x"])
def test_an_address_no_parser_can_read_is_refused_and_the_answer_says_so(endpoint):
    problem = endpoint_problem(endpoint, DEFAULT)
    assert problem.startswith("The endpoint is not a valid web address") and problem.endswith("."), problem


def test_plain_http_is_refused_for_a_named_service_off_this_machine_even_when_listed():
    # The setting may name an http origin on loopback only (tests): anything else goes over https.
    assert endpoint_problem("http://push.example.net/x", parse_origins("http://push.example.net"))


@pytest.mark.parametrize("setting", [
    ["https://fcm.googleapis.com", "https://web.push.apple.com", "https://push.example.box"],  # a list, in Python
    " https://fcm.googleapis.com/ , https://web.push.apple.com/,https://push.example.box/ ",  # spaces, slashes
    "HTTPS://FCM.GOOGLEAPIS.COM,HTTPS://WEB.PUSH.APPLE.COM,HTTPS://PUSH.EXAMPLE.BOX",  # capitals
], ids=["list", "spaces and slashes", "capitals"])
def test_the_allowed_origins_may_be_set_as_a_list_or_as_text_with_spaces_slashes_or_capitals(setting):
    origins = parse_origins(setting)
    assert endpoint_problem("https://fcm.googleapis.com/fcm/send/x", origins) is None
    assert endpoint_problem("https://web.push.apple.com/QGuQyavXutnMH", origins) is None
    assert endpoint_problem("https://push.example.box/w/1", origins) is None
    assert endpoint_problem("https://updates.push.services.mozilla.com/wpush/v2/x", origins)  # not listed

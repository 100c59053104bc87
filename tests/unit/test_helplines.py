"""The numbers' data file: every number valid, none misprinted, a bad one stops start-up."""
import pytest

from webapp import create_app
from webapp.config import Config
from webapp.helplines import HelplineError, load

from ..support.pages import MISPRINTS

NUMBERS = load(Config.HELPLINES_FILE)


# A second, hand-made copy of the numbers, each with the source it was checked against (the team's content
# brief, whose facts the About page dates "29 November 2026"): a change to the data file must be made here too.
CHECKED = {
    "emergency": ("999", "tel:999", "mygov.scot; nidirect.gov.uk"),
    "police": ("101", "tel:101", "nidirect.gov.uk"),
    "helpline": ("08000 121 700", "tel:+448000121700", "modernslaveryhelpline.org; unseenuk.org"),
    "crimestoppers": ("0800 555 111", "tel:+44800555111", "crimestoppers-uk.org"),
    "salvation_army": ("0800 808 3733", "tel:+448008083733", "salvationarmy.org.uk"),
    "childline": ("0800 1111", "tel:+448001111", "learning.nspcc.org.uk"),
    "child_guardians": ("0800 043 4303", "tel:+448000434303", "nctc.org.uk"),
    "relay_emergency": ("18000", "tel:18000", "ofcom.org.uk"),
    "relay_police": ("18001 101", "tel:18001101", "ofcom.org.uk"),
    "tara": ("0141 276 7724", "tel:+441412767724", "gov.scot guidance (undated)"),
    "migrant_help_scotland": ("0141 884 7900", "tel:+441418847900", "gov.scot guidance (undated)"),
}


def test_the_data_file_holds_exactly_the_checked_numbers():
    # A number added to the data file without a checked source fails here.
    assert set(NUMBERS) == set(CHECKED)
    loaded = load(Config.HELPLINES_FILE)  # loaded here, not at import, so a change to load() is seen
    assert [line.key for line in loaded.values()] == list(CHECKED)


@pytest.mark.parametrize("key", CHECKED)
def test_numbers_match_the_checked_sources(key):
    display, href, _source = CHECKED[key]
    line = load(Config.HELPLINES_FILE)[key]
    assert (line.display, line.href) == (display, href)


def test_the_helpline_is_never_the_misprint():
    assert NUMBERS["helpline"].display == "08000 121 700"
    assert not set(MISPRINTS) & {line.display for line in NUMBERS.values()}


def write(tmp_path, body):
    path = tmp_path / "helplines.toml"
    path.write_text(body)
    return path


def test_a_misprinted_display_stops_start_up_with_a_clear_message(tmp_path):
    misprint = MISPRINTS[0]
    path = write(tmp_path, f'[helpline]\ndisplay = "{misprint}"\ndial = "+448000121700"\nkind = "national"\n')
    with pytest.raises(HelplineError, match=rf"\[helpline\] display '{misprint}' does not have the digits"):
        create_app({"TESTING": True, "HELPLINES_FILE": str(path)})


def starting_with(tmp_path, body):
    """Start the app on a data file holding `body`; start-up must stop, and the error is returned."""
    with pytest.raises(HelplineError) as stopped:
        create_app({"TESTING": True, "HELPLINES_FILE": str(write(tmp_path, body))})
    return str(stopped.value)


@pytest.mark.parametrize(
    "entry, message",
    [
        # What people read must be what the phone dials, for every kind of number.
        ('display = "999"\ndial = "112"\nkind = "short"', "[x] display '999' does not match dial '112'"),
        ('display = "18001 999"\ndial = "18001101"\nkind = "relay"',
         "[x] display '18001 999' does not match dial '18001101'"),
        ('display = "0800 555 111"\ndial = "+448000121700"\nkind = "national"',
         "[x] display '0800 555 111' does not have the digits of +448000121700"),
        # Valid numbers, wrongly written for a tel: link.
        ('display = "08000 121 700"\ndial = "+44 800 012 1700"\nkind = "national"',
         "[x] dial '+44 800 012 1700' is not a valid number in E.164 form"),
        ('display = "08000 121 700"\ndial = "08000121700"\nkind = "national"',
         "[x] dial '08000121700' is not an E.164 number"),
        ('display = "0800 000"\ndial = "+44800000"\nkind = "national"',
         "[x] dial '+44800000' is not a valid number in E.164 form"),
        ('display = "998"\ndial = "998"\nkind = "short"', "[x] dial '998' is not a valid UK short number"),
        ('display = "999"\ndial = "+44999"\nkind = "short"', "[x] dial '+44999' is not a valid UK short number"),
        ('display = "18001 998"\ndial = "18001998"\nkind = "relay"',
         "[x] dial '18001998' is not Relay UK's 18001 followed by a short number"),
        ('display = "101"\ndial = "101"\nkind = "relay"',
         "[x] dial '101' is not Relay UK's 18001 followed by a short number"),
        ('display = "999"\ndial = "999"\nkind = "mobile"', "[x] kind 'mobile' is not national, short or relay"),
        ('display = "999"\nkind = "short"', "[x] needs a 'dial' value"),
    ],
    ids=["short-mismatch", "relay-mismatch", "national-mismatch", "not-e164-spaces", "not-e164-national",
         "invalid", "unknown-short", "short-not-digits", "relay-unknown-short", "relay-no-prefix", "unknown-kind",
         "missing-field"],
)
def test_a_wrong_number_stops_start_up_and_says_which_and_why(tmp_path, entry, message):
    path = tmp_path / "helplines.toml"
    said = starting_with(tmp_path, f"[x]\n{entry}\n")
    assert said.startswith(f"{path}: {message}"), said


def test_the_checked_short_and_relay_numbers_start(tmp_path):
    path = write(tmp_path, '[a]\ndisplay = "999"\ndial = "999"\nkind = "short"\n'
                           '[b]\ndisplay = "18001 101"\ndial = "18001101"\nkind = "relay"\n')
    app = create_app({"TESTING": True, "HELPLINES_FILE": str(path)})
    assert [(line.display, line.href) for line in app.extensions["helplines"].values()] == [
        ("999", "tel:999"), ("18001 101", "tel:18001101")]


def test_the_pages_call_the_numbers_of_the_data_file():
    # The numbers people tap are the checked ones, each dialling what it shows. Its own app: a page is
    # rendered once per app, so a shared one may hold a page rendered before this test.
    from bs4 import BeautifulSoup

    page = create_app({"TESTING": True}).test_client().get("/en/get-help")
    assert page.status_code == 200
    calls = {(link["href"], link.bdi.get_text()) for link in BeautifulSoup(page.get_data(as_text=True),
                                                                           "html.parser").select("a.call")}
    for key in ("emergency", "police", "helpline", "crimestoppers", "relay_emergency", "relay_police"):
        display, href, _source = CHECKED[key]
        assert (href, display) in calls, key

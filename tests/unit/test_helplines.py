"""The numbers' data file: every number valid, none misprinted, a bad one stops start-up."""
import pytest

from webapp import create_app
from webapp.config import Config
from webapp.helplines import HelplineError, load

from ..support.pages import MISPRINTS

NUMBERS = load(Config.HELPLINES_FILE)


def test_every_number_in_the_data_file_loads():
    assert {"emergency", "police", "helpline", "crimestoppers", "childline"} <= set(NUMBERS)


@pytest.mark.parametrize(
    "key, display, href",
    [
        ("emergency", "999", "tel:999"),
        ("police", "101", "tel:101"),
        ("helpline", "08000 121 700", "tel:+448000121700"),
        ("crimestoppers", "0800 555 111", "tel:+44800555111"),
        ("salvation_army", "0800 808 3733", "tel:+448008083733"),
        ("childline", "0800 1111", "tel:+448001111"),
        ("child_guardians", "0800 043 4303", "tel:+448000434303"),
        ("relay_emergency", "18000", "tel:18000"),
        ("relay_police", "18001 101", "tel:18001101"),
        ("tara", "0141 276 7724", "tel:+441412767724"),
        ("migrant_help_scotland", "0141 884 7900", "tel:+441418847900"),
    ],
)
def test_numbers_match_the_checked_sources(key, display, href):
    assert (NUMBERS[key].display, NUMBERS[key].href) == (display, href)


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


def test_an_invalid_number_stops_start_up(tmp_path):
    path = write(tmp_path, '[x]\ndisplay = "0800 000"\ndial = "+44800000"\nkind = "national"\n')
    with pytest.raises(HelplineError, match=r"\[x\] dial '\+44800000' is not a valid number"):
        load(path)


def test_an_unknown_short_code_stops_start_up(tmp_path):
    path = write(tmp_path, '[x]\ndisplay = "998"\ndial = "998"\nkind = "short"\n')
    with pytest.raises(HelplineError, match="not a valid UK short number"):
        load(path)


def test_a_missing_field_is_named(tmp_path):
    path = write(tmp_path, '[x]\ndisplay = "999"\nkind = "short"\n')
    with pytest.raises(HelplineError, match=r"\[x\] needs a 'dial' value"):
        load(path)

"""The phone numbers Waymark shows: loaded once from a data file and checked with phonenumbers."""
import re
import tomllib
from dataclasses import dataclass

import phonenumbers
from phonenumbers import shortnumberinfo

RELAY_UK_PREFIX = "18001"


class HelplineError(ValueError):
    """A number in the data file is wrong; start-up stops rather than show it."""


@dataclass(frozen=True)
class Helpline:
    key: str
    display: str  # the way people say it: "08000 121 700"
    dial: str  # what a tel: link dials: E.164, or a UK short code
    kind: str

    @property
    def href(self):
        return f"tel:{self.dial}"


def _digits(text):
    return re.sub(r"\D", "", text)


def _is_short_number(digits):
    return shortnumberinfo.is_valid_short_number(phonenumbers.parse(digits, "GB"))


def _check(source, key, entry):
    where = f"{source}: [{key}]"
    try:
        line = Helpline(key=key, display=entry["display"], dial=entry["dial"], kind=entry["kind"])
    except KeyError as missing:
        raise HelplineError(f"{where} needs a {missing} value") from None

    if line.kind == "national":
        try:
            number = phonenumbers.parse(line.dial, None)
        except phonenumbers.NumberParseException as error:
            raise HelplineError(f"{where} dial {line.dial!r} is not an E.164 number: {error}") from None
        if not phonenumbers.is_valid_number(number) or line.dial != phonenumbers.format_number(
            number, phonenumbers.PhoneNumberFormat.E164
        ):
            raise HelplineError(f"{where} dial {line.dial!r} is not a valid number in E.164 form")
        national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
        if _digits(line.display) != _digits(national):
            raise HelplineError(
                f"{where} display {line.display!r} does not have the digits of {line.dial} ({national})"
            )
    elif line.kind == "short":
        if not (line.dial.isdigit() and _is_short_number(line.dial)):
            raise HelplineError(f"{where} dial {line.dial!r} is not a valid UK short number")
        if _digits(line.display) != line.dial:
            raise HelplineError(f"{where} display {line.display!r} does not match dial {line.dial!r}")
    elif line.kind == "relay":
        rest = line.dial.removeprefix(RELAY_UK_PREFIX)
        if rest == line.dial or not (rest.isdigit() and _is_short_number(rest)):
            raise HelplineError(
                f"{where} dial {line.dial!r} is not Relay UK's {RELAY_UK_PREFIX} followed by a short number"
            )
        if _digits(line.display) != line.dial:
            raise HelplineError(f"{where} display {line.display!r} does not match dial {line.dial!r}")
    else:
        raise HelplineError(f"{where} kind {line.kind!r} is not national, short or relay")
    return line


def load(path):
    """Read and check every number in the data file at `path`."""
    with open(path, "rb") as file:
        data = tomllib.load(file)
    return {key: _check(path, key, entry) for key, entry in data.items()}


def init_app(app):
    numbers = load(app.config["HELPLINES_FILE"])
    app.extensions["helplines"] = numbers
    app.jinja_env.globals["helplines"] = numbers

"""Cards to print and hand out: one language's card with English beneath, a discreet card, and a sheet of every
language's card. Each carries a QR code that opens Waymark's home page in that language at WAYMARK_SITE_URL."""
import segno
from flask import Blueprint, abort, current_app, render_template, url_for
from flask_babel import force_locale
from markupsafe import Markup

from . import language_of_parts
from .i18n import SOURCE_LANGUAGE, current_language, languages

bp = Blueprint("cards", __name__)

# The card pages' last parts, the same in every language: /en/card, /en/discreet-card, /en/cards.
CARD_PAGES = ("card", "discreet-card", "cards")


def home_address(tag):
    """The public address a language's card opens: its home page at WAYMARK_SITE_URL."""
    return current_app.config["SITE_URL"] + url_for("pages.home", lang=tag)


def qr_code(address):
    """The address as a QR code in inline SVG, sized by the stylesheet. It is hidden from screen readers: the
    card prints the address beneath it as text."""
    # Level M survives a crease or a smudge (15% of the code); a 4-module quiet zone, as scanners expect.
    svg = segno.make_qr(address, error="m").svg_inline(border=4, omitsize=True, svgclass="card-qr", lineclass=None)
    return Markup(svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1))


def card(tag, discreet=False):
    """One card, made once: the same on its own page and on every language's sheet."""
    made = current_app.extensions["waymark_cards"]
    if (tag, discreet) not in made:
        made[(tag, discreet)] = make_card(tag, discreet)
    return made[(tag, discreet)]


def make_card(tag, discreet):
    """One card: the text in its language, then in English (unless it is English), and the QR code."""
    language = languages()[tag]
    texts = []
    for each in dict.fromkeys((tag, SOURCE_LANGUAGE)):
        text_language = languages()[each]
        with force_locale(text_language.locale):
            words = render_template("cards/_text.html", discreet=discreet)
        # The page marks the English in its own language's text only; each card's words are marked here, in
        # the card's language, so a service's name on a Tigrinya card is read in an English voice on any sheet.
        if text_language.script != "Latin":
            words = language_of_parts.mark_english(words, rtl=text_language.dir == "rtl")
        texts.append((text_language, Markup(words)))
    address = home_address(tag)
    return Markup(render_template("cards/_card.html", card_language=language, texts=texts, discreet=discreet,
                                  qr=qr_code(address), address=address))


def render_card_page(template, slug, **context):
    """A card page in the request's language, rendered once and then served from memory, as pages are."""
    if not current_app.config["SITE_URL"]:
        abort(404)  # a QR code needs the public address: set WAYMARK_SITE_URL
    key = (current_language().tag, slug, "card")
    rendered = current_app.extensions["waymark_rendered_pages"]
    if key not in rendered:
        rendered[key] = language_of_parts.render(template, slug=slug, layout="base.html", **context)
    response = current_app.make_response(rendered[key])
    response.vary.add("Save-Data")  # the same answer either way, with the same headers as every page
    return response


@bp.route("/<lang:lang>/card")
def card_page(lang):
    """This language's card, to print on an A6 page."""
    return render_card_page("cards/card.html", "card", card=lambda: card(lang))


@bp.route("/<lang:lang>/discreet-card")
def discreet_card(lang):
    """A card that names nothing: a neutral line, the QR code and the number."""
    return render_card_page("cards/card.html", "discreet-card", card=lambda: card(lang, discreet=True))


@bp.route("/<lang:lang>/cards")
def sheet(lang):
    """Every language's card, 8 to an A4 sheet."""
    return render_card_page("cards/sheet.html", "cards", cards=lambda: [card(tag) for tag in languages()])


def init_app(app):
    app.extensions["waymark_cards"] = {}
    app.register_blueprint(bp)

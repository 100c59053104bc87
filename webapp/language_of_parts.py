"""English inside a translated page, marked `lang="en"` so a screen reader reads it in an English voice.

Names stay in English in every catalog (the Modern Slavery Helpline, Crimestoppers, First Responder, the
phone's "Settings"). Read in an Arabic or Tigrinya voice they are garbled (WCAG 3.1.2, language of parts).
Translators write no markup for this: once a page is rendered, each run of Latin letters in its text, in a
language whose script is not Latin, is wrapped in `<span lang="en">`, with `dir="ltr"` in right-to-left pages
so the run is also isolated from the text around it. Only text is touched, never a tag or an attribute.
"""
import re
from html.parser import HTMLParser

from flask import render_template

from .i18n import current_language

# A run of English: words of Latin letters (with digits, apostrophes and the dots and slashes of a web
# address inside them) joined by single spaces, such as "Modern Slavery Act 2015" or "Barnardo's".
ENGLISH_RUN = re.compile(r"[A-Za-z][A-Za-z0-9'’&./:-]*(?: [A-Za-z0-9][A-Za-z0-9'’&./:-]*)*", re.ASCII)
TRAILING_PUNCTUATION = ".,:;/-"
# Elements whose text is never marked: not shown as text (script, style), plain text only (title,
# textarea), or already marked as another language (any element with a lang attribute). A <template>'s
# text is marked: a script shows it by copying it into the page.
UNMARKED = {"head", "script", "style", "title", "textarea"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def mark_english(html, rtl):
    """The page with every run of English in its text wrapped in `<span lang="en">`."""
    opening = '<span lang="en" dir="ltr">' if rtl else '<span lang="en">'
    finder = _TextFinder()
    finder.feed(html)
    finder.close()
    pieces, done = [], 0
    for start, end in finder.text_spans:
        pieces.append(html[done:start])
        pieces.append(ENGLISH_RUN.sub(lambda match: _wrap(match.group(), opening), html[start:end]))
        done = end
    pieces.append(html[done:])
    return "".join(pieces)


def _wrap(run, opening):
    words = run.rstrip(TRAILING_PUNCTUATION)
    return f"{opening}{words}</span>{run[len(words):]}"


class _TextFinder(HTMLParser):
    """Finds where, in the page's source, lies each piece of text that is in the page's own language."""

    def __init__(self):
        super().__init__(convert_charrefs=False)  # keep text as written, so offsets stay true
        self.open_elements = []  # (tag, whether its text is left as it is)
        self.text_spans = []
        self.line_starts = None

    def feed(self, data):
        self.line_starts = [0] + [match.end() for match in re.finditer("\n", data)]
        super().feed(data)

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        inherited = bool(self.open_elements) and self.open_elements[-1][1]
        own_language = tag != "html" and any(name == "lang" for name, _ in attrs)
        self.open_elements.append((tag, inherited or tag in UNMARKED or own_language))

    def handle_endtag(self, tag):
        for index in range(len(self.open_elements) - 1, -1, -1):
            if self.open_elements[index][0] == tag:
                del self.open_elements[index:]
                return

    def handle_data(self, data):
        if (self.open_elements and self.open_elements[-1][1]) or not ENGLISH_RUN.search(data):
            return
        line, column = self.getpos()
        start = self.line_starts[line - 1] + column
        self.text_spans.append((start, start + len(data)))


def render(template, **context):
    """`render_template`, with the English in the page marked when the page's script is not Latin."""
    html = render_template(template, **context)
    language = current_language()
    if language.script == "Latin":
        return html
    return mark_english(html, rtl=language.dir == "rtl")

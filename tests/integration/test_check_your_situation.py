"""Is this happening to me? in the lite view (which has no script for it): the questions read as a list, each
with what it can mean, then the numbers, in one language of each script and direction."""
import pytest

from ..support.pages import call_links, fetch_page

# From ../shared/CONTENT.md: the numbers the page must offer without its script.
CALL_999 = "tel:999"
CALL_HELPLINE = "tel:+448000121700"
QUESTIONS = 10  # issue 14: "about ten plain yes/no questions"


@pytest.mark.parametrize("lang", ["en", "ar", "ti", "zh-Hans", "hi", "ta", "th", "bg"])
def test_the_lite_page_is_the_list_with_each_meaning_and_the_numbers(client, lang):
    html = fetch_page(client, f"/{lang}/lite/check-your-situation", lang=lang)
    main = html.find("main")
    questions = main.select("ol > li")
    assert len(questions) == QUESTIONS
    for question in questions:
        asked = question.find("legend")
        meaning = question.select_one(".check-meaning")
        assert asked and asked.get_text(strip=True), question
        assert meaning and meaning.get_text(strip=True) and not meaning.has_attr("hidden"), question
    # Nothing to answer, and nothing hidden for a script that is not there ("this person", the result).
    assert main.select("input, button, template, [role=status], [hidden]") == []
    assert call_links(main) == sorted([CALL_999, CALL_HELPLINE])

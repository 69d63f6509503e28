"""The answerability gate's action and called-off checks (issue 18: the survivors of the
checks added with issue 12's action and "the event was called off" rules).

- a question about what will or was going to happen is not about a past event;
- every sentence of a report is read for the calling off, not only those up to the first
  without the words; the words may open the sentence;
- an English name's meeting noun may stand before it ("the summit planned in Budapest"),
  a Japanese name's stands after it;
- a name is found in any of its forms, in any case, inside a longer Japanese compound, and
  not inside another English word ("Oman" in "Romania");
- a question naming a speaker or asking for a figure has no action to refuse on; the
  question's own concept of its action carries the casual words' equivalents;
- only the first two found reports can say the event was called off.
"""

from __future__ import annotations

from bot.answer.engine import Engine
from bot.answer.index import DocMeta
from bot.answer.support import support
from bot.store.models import Article

AGREED = "Trump and Putin had agreed to meet."


def indexed(shared_engine: Engine, *articles: Article) -> Engine:
    """An engine whose index holds ``articles`` and four unrelated reports."""
    engine = Engine(analyzer=shared_engine.analyzer, glossary=shared_engine.glossary)
    others = [en(f"Talks round {n}", "Delegations from Russia and Ukraine met again.")
              for n in range(4)]
    engine.index.add([(DocMeta(n, 0.0, n, a.lang), engine.doc_tokens(a.title, a.text))
                      for n, a in enumerate([*articles, *others], 1)])
    return engine


def en(title: str, text: str) -> Article:
    return Article(title=title, text=text, lang="en")


def ja(title: str, text: str) -> Article:
    return Article(title=title, text=text, lang="ja")


def refusal(question: str, reports: list[Article], engine: Engine) -> str:
    return support(question, engine.concepts(question), reports, engine)[1]


BUDAPEST = "What did Trump and Putin agree at the Budapest summit?"


def test_a_question_about_what_was_going_to_happen_is_answered(shared_engine: Engine) -> None:
    report = en("Budapest summit called off", AGREED)
    engine = indexed(shared_engine, report)
    assert refusal(BUDAPEST, [report], engine) == "event-called-off"
    going = "What were Trump and Putin going to agree at the Budapest summit?"
    assert refusal(going, [report], engine) != "event-called-off"


def test_the_calling_off_is_read_after_a_sentence_without_it(shared_engine: Engine) -> None:
    # The title says nothing of calling off; the meeting noun stands before the name.
    report = en("Budapest", f"{AGREED} Trump has scrapped the summit planned in Budapest.")
    engine = indexed(shared_engine, report)
    assert refusal(BUDAPEST, [report], engine) == "event-called-off"


def test_the_words_may_open_the_sentence(shared_engine: Engine) -> None:
    called_off = en("Cancelled: a meeting in Budapest", AGREED)
    noun_first = en("Summit in Budapest is called off", AGREED)
    engine = indexed(shared_engine, called_off, noun_first)
    meeting = "What did Trump and Putin agree at the Budapest meeting?"
    assert refusal(meeting, [called_off], engine) == "event-called-off"
    assert refusal(BUDAPEST, [noun_first], engine) == "event-called-off"


def test_a_name_opening_a_headline_is_found_in_any_case(shared_engine: Engine) -> None:
    # "Geneva" opens the headline, so it is not read as a name there: only its form finds it.
    report = en("Geneva meeting postponed", "Trump and Putin had agreed to meet in Geneva.")
    engine = indexed(shared_engine, report)
    asked = "What did Trump and Putin agree in Geneva?"
    assert refusal(asked, [report], engine) == "event-called-off"


def test_a_japanese_name_inside_a_compound_is_found(shared_engine: Engine) -> None:
    report = ja("米ロ首脳", "両首脳は合意していた。米ロ両国はジュネーブサミットを見送った。")
    engine = indexed(shared_engine, report)
    asked = "ジュネーブでトランプ氏とプーチン氏は何に合意した?"
    assert refusal(asked, [report], engine) == "event-called-off"


def test_the_meeting_is_read_at_every_form_of_the_name(shared_engine: Engine) -> None:
    # The state (アラスカ, the name's key) comes first; the meeting follows the city.
    report = ja("米ロ首脳", "両首脳は合意していた。アラスカ州アンカレジでの会談を中止した。")
    engine = indexed(shared_engine, report, en("Anchorage", f"{AGREED} They met in Anchorage."))
    asked = "What did Trump and Putin agree in Anchorage?"
    assert refusal(asked, [report], engine) == "event-called-off"


def test_a_name_inside_another_english_word_is_not_the_event(shared_engine: Engine) -> None:
    report = en("Talks in Oman", "Officials agreed to meet in Oman on Sunday. "
                "The Romania summit was postponed.")
    engine = indexed(shared_engine, report)
    asked = "What did the officials agree at the Oman talks?"
    assert refusal(asked, [report], engine) == ""


def test_a_figure_question_is_not_refused_on_its_action(shared_engine: Engine) -> None:
    report = en("Anchorage", "Trump and Putin met in Anchorage for three hours.")
    engine = indexed(shared_engine, report)
    # "spend" is a word no report uses; the figure asked for is what counts.
    asked = "How many hours did Trump and Putin spend in Anchorage?"
    assert refusal(asked, [report], engine) == ""
    assert refusal("What did Trump and Putin spend in Anchorage?", [report], engine) == ""


def test_the_casual_words_of_the_question_join_its_action(shared_engine: Engine) -> None:
    report = en("Riyadh", "The negotiators reached a deal in Riyadh.")
    engine = indexed(shared_engine, report)
    # "sort" alone is unknown; "sort out" finds "deal".
    assert refusal("What did they sort out in Riyadh?", [report], engine) == ""


def test_only_the_first_two_reports_can_call_the_event_off(shared_engine: Engine) -> None:
    held = [en(f"Budapest {n}", f"{AGREED} They spoke of Budapest.") for n in range(2)]
    scrapped = en("Budapest summit called off", AGREED)
    engine = indexed(shared_engine, *held, scrapped)
    assert refusal(BUDAPEST, [*held, scrapped], engine) != "event-called-off"
    assert refusal(BUDAPEST, [held[0], scrapped], engine) == "event-called-off"

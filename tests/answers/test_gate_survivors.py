"""The answerability gate's behaviours no test held (the survivors of the mutation run of
stop 33, bench/mutation.py "answerability gate"), each as a question refused or answered
where the gate decides it, or as the internal reading it rests on.

- a meeting is called off only where its sentence names a meeting: "visitor tours" of the
  city called off do not call off the summit held there;
- a denial may open the sentence ("No deal was signed"); a report that denies the act in
  one sentence and states it done in another does not deny it; a Japanese question's
  compound act (停戦合意) is read by its last word only;
- a figure's sentence must itself be about what is asked: only the event's name may come
  from the sentence before; a figure only in the headline repeated as the first line is
  not given (the answer never quotes that line);
- a report whose text repeats its headline as the first line is read as the same report
  without that line (the headline is read as the title, or not at all), even where the
  two differ in case;
- a katakana name counts written with its dots dropped in part;
- a question about a body or a role names no speaker, whatever its other words;
- "how many" ignores dates, and the date or time it cuts out leaves the words around it
  apart.
"""

from __future__ import annotations

from bot.answer.engine import Concept, Engine
from bot.answer.support import (
    Slot,
    _denies,
    _names_all,
    _pair_in_sentence,
    _pairs,
    _presupposed,
    _role_after,
    answer_type,
    gives_figure,
    loanwords_in,
    speaker_of,
)
from tests.answers.test_support_gate_c import BUDAPEST, en, indexed, ja, refusal

SIGN = "What did Trump and Zelensky sign in Reykjavik?"


def test_a_city_calling_off_its_tours_does_not_call_off_the_summit(
        shared_engine: Engine) -> None:
    # "visitor" is no meeting noun; the window read around the name ends inside it.
    tours = "Budapest police, too, called off visitor tours of the parliament."
    assert tours.index("visit") + len("visit") - tours.index("Budapest") - len("Budapest") == 30
    report = en("Trump and Putin in Budapest",
                f"Trump and Putin agreed at the Budapest summit to meet again. {tours}")
    engine = indexed(shared_engine, report)
    assert refusal(BUDAPEST, [report], engine) == ""


def test_a_denial_may_open_the_sentence(shared_engine: Engine) -> None:
    report = en("Reykjavik summit", "Trump and Zelensky met in Reykjavik on Friday. "
                "No deal was signed in Reykjavik.")
    engine = indexed(shared_engine, report)
    assert refusal(SIGN, [report], engine) == "act-denied"


def test_an_act_denied_in_one_sentence_and_done_in_another_is_not_denied(
        shared_engine: Engine) -> None:
    report = en("Reykjavik summit", "Trump and Zelensky met in Reykjavik on Friday. "
                "Zelensky did not sign the energy deal. "
                "Later he signed a ports accord in Reykjavik, but no energy deal.")
    engine = indexed(shared_engine, report)
    assert refusal(SIGN, [report], engine) == ""


def test_a_report_without_a_denial_denies_nothing(shared_engine: Engine) -> None:
    report = en("Reykjavik summit", "Trump and Zelensky signed a ports accord in Reykjavik.")
    engine = indexed(shared_engine, report)
    (act,) = _presupposed(SIGN, engine)
    assert _denies(report, act, engine) is False


def test_a_compound_act_is_read_by_its_last_word(shared_engine: Engine) -> None:
    # "no intention of calling off the ceasefire" does not deny that it was agreed.
    report = ja("停戦で合意", "両首脳は30日間の停戦で合意した。"
                "ロシア側は停戦を取りやめる考えはないと強調した。")
    engine = indexed(shared_engine, report)
    asked = "停戦合意した両首脳は、その後何を話し合った?"
    assert [c.tokens[0] for c in _presupposed(asked, engine)] == ["合意"]
    assert refusal(asked, [report], engine) != "act-denied"


def test_only_the_event_name_may_come_from_the_sentence_before(shared_engine: Engine) -> None:
    # The 40 are journalists, not a length of the talks the sentence before is about.
    report = en("Tallinn talks", "Delegations met in Tallinn on Friday. "
                "The talks lasted long into the night. "
                "Separately, 40 journalists were accredited.")
    engine = indexed(shared_engine, report)
    assert refusal("How long did the Tallinn talks last?", [report], engine) \
        == "figure-not-given"


def test_a_figure_only_in_the_repeated_headline_is_not_given(shared_engine: Engine) -> None:
    headline = "Tallinn talks last 5 hours"
    report = en(headline, f"{headline}\n\nThe talks in Tallinn ended on Friday without a deal.")
    engine = indexed(shared_engine, report)
    asked = "How long did the Tallinn talks last?"
    assert not gives_figure(report, engine.concepts(asked), engine)
    # The same figure in the news is given.
    told = en(headline, "The talks in Tallinn lasted 5 hours and ended without a deal.")
    assert gives_figure(told, engine.concepts(asked), engine)


def test_a_katakana_name_counts_with_its_dots_dropped_in_part(shared_engine: Engine) -> None:
    report = ja("停戦協議", "ウォールストリート・ジャーナルによると、協議は3時間続いた。")
    engine = indexed(shared_engine, report)
    names = [c for c in engine.concepts("ウォール・ストリート・ジャーナルは何と報じた?") if c.name]
    assert [c.tokens[0] for c in names] == ["ウォール・ストリート・ジャーナル"]
    assert _names_all(report, names, engine)
    assert not _names_all(ja("停戦協議", "協議は3時間続いた。"), names, engine)


def test_a_loanword_after_a_word_mecab_does_not_know_is_still_one() -> None:
    # Read afresh, not from the cache an earlier test in this process may have filled.
    assert loanwords_in.__wrapped__("サウス・ベイ・クーリエのリストは?") == frozenset({"リスト"})


def test_a_role_is_read_only_after_a_body(shared_engine: Engine) -> None:
    assert _role_after("the UAE president", "UAE") == "president"
    assert _role_after("Zelensky", "Zelensky") == ""


def known(token: str) -> Concept:
    """A concept some stored report has (any word of a question, even a code like XXXX)."""
    return Concept((token,), (None,), 1.0, df=1)


def test_a_body_or_a_role_names_no_speaker(shared_engine: Engine) -> None:
    words = [known("xxxx"), known("germani"), known("chancellor")]
    assert speaker_of("米財務省はXXXXについて何と述べた?", words, shared_engine) == []
    assert speaker_of("What did Germany's chancellor say about XXXX?", words,
                      shared_engine) == []


def test_a_japanese_speaker_has_no_role(shared_engine: Engine) -> None:
    putin, code = known("プーチン"), known("xxxx")
    assert speaker_of("プーチン氏はXXXXについて何と述べた?", [putin, code],
                      shared_engine) == [putin]


def slot_of(question: str, kind: str) -> Slot:
    (slot,) = [s for s in answer_type(question) if s.kind == kind]
    return slot


def test_a_date_is_no_count() -> None:
    slot = slot_of("How many prisoners were exchanged?", "number")
    assert not slot.filled_by("The exchange took place on April 19.")
    assert slot.filled_by("Russia freed 300 prisoners.")


def test_a_date_cut_out_leaves_the_words_around_it_apart() -> None:
    # Text glued where a page's markup was stripped without a space.
    assert slot_of("How many prisoners were exchanged?", "number").filled_by(
        "Officials counted dozens of5 GMT arrivals.")
    assert slot_of("How long did the talks last?", "duration").filled_by(
        "The talks lasted two hours3 days ago.")


def test_a_headline_repeated_as_the_first_line_changes_nothing(shared_engine: Engine) -> None:
    # A feed whose titles are lower-case: the text's first line is the headline in
    # capitals, which is a name's sound key (タリン, "Tallinn") the title lacks.
    title = "no deal signed as witkoff and kushner meet putin in tallinn"
    body = ("Envoys met Vladimir Putin on Friday. Steve Witkoff arrived first. "
            "Jared Kushner joined later.")
    repeated = en(title, f"No deal signed as Witkoff and Kushner meet Putin in Tallinn\n\n{body}")
    plain = en(title, body)
    engine = indexed(shared_engine, repeated)
    asked = "ウィトコフ氏とクシュナー氏はタリンで何に署名した?"
    concepts = engine.concepts(asked)
    names = [c for c in concepts if c.name]
    assert _names_all(repeated, names, engine) == _names_all(plain, names, engine)
    (pair,) = _pairs(asked, concepts, engine)
    assert _pair_in_sentence(repeated, pair, engine) == _pair_in_sentence(plain, pair, engine)
    (act,) = _presupposed(SIGN, engine)
    assert _denies(repeated, act, engine) == _denies(plain, act, engine)

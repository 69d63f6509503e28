"""Names found without a gazetteer, keyed alike in English and Japanese."""

from __future__ import annotations

import pytest

from bot.news.entities import entity_keys, kana_skeleton, skeleton


@pytest.mark.parametrize("latin,katakana", [
    ("Witkoff", "ウィトコフ"), ("Kushner", "クシュナー"), ("Abu Dhabi", "アブダビ"),
    ("Geneva", "ジュネーブ"), ("Istanbul", "イスタンブール"), ("Rosneft", "ロスネフチ"),
    ("Dmitriev", "ドミトリエフ"), ("Budapest", "ブダペスト"), ("Starmer", "スターマー"),
    ("Driscoll", "ドリスコル"), ("Mar-a-Lago", "マール・ア・ラーゴ"),
])
def test_a_name_and_its_katakana_share_a_key(latin: str, katakana: str) -> None:
    assert skeleton(latin) == kana_skeleton(katakana.replace("・", ""))


def test_names_of_a_report_in_either_language() -> None:
    en = entity_keys("Steve Witkoff and Jared Kushner met in Abu Dhabi on Friday. "
                     "Talks resume next week, the Kremlin said.")
    ja = entity_keys("ウィトコフ特使とクシュナー氏は金曜日、アブダビで会談した。")
    assert {skeleton("Witkoff"), skeleton("Kushner"), skeleton("AbuDhabi")} <= en & ja
    assert skeleton("Talks") not in en  # a capital that only starts a sentence
    assert "kanji:石破" in entity_keys("石破首相は歓迎した。")
    assert not any(k.startswith("kanji:") for k in entity_keys("ルビオ米国務長官が述べた。"))

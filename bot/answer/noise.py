"""Page furniture that is not news: datelines, bylines, photo captions, "Read more" lines,
lists of related links and the headline repeated as the first line. Such lines are never
quoted as answers.
"""

from __future__ import annotations

import re

from bot.text.sentences import normalise

_FURNITURE = re.compile(
    r"^(?:photo|image|picture|file photo|video|watch|read more|read also|see also|related|"
    r"also read|more:|by [A-Z][\w.'-]+(?: [A-Z][\w.'-]+){0,3}$)"
    r"|^(?:写真|画像|動画|関連記事|関連ニュース|この話題の関連|あわせて読みたい|【関連】|≪関連)"
    r"|\bpowered by\b|配信$|^(?:copyright|©)"
    r"|(?:\((?:ロイター|共同|時事|AFP|AP|Reuters|Xinhua)[^)]*\)|/ ?(?:AFP|AP|Reuters|Getty"
    r"(?: Images)?|EPA|Xinhua))\s*$",
    re.IGNORECASE)
#: "By Andy Jehring, August 16, 2025", "By Andrea Shalal and Max Hunder".
_BYLINE = re.compile(r"^By [A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){0,3}"
                     r"(?:(?:,| and| &) [A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){0,3})*"
                     r"(?:,? [^.]{0,40}\d{4}[^.]{0,20})?$")
#: A photo caption ends with its credit: "…での会談(ウクライナ大統領府提供、2025年 ロイター)",
#: "Leaders meet in Kyiv (Photo: Reuters)".
_CREDIT = re.compile(r"^[^。]*[(（][^()（）]*(?:提供|撮影|ロイター|共同|時事|AFP|AP|Reuters|Getty|"
                     r"[Pp]hoto|EPA|Xinhua)[^()（）]*[)）]\s*$")
#: A list line: related links ("・米ロ首脳会談、停戦の行方は"), "▽ … のまとめは", "※ notes".
_LIST_LINE = re.compile(r"^[・▽▼▶►■□●◆◇※→＞>]")
#: A line that is only a date and time ("2025年04月20日(日)09時37分", "May 16, 2025 10:40").
_STAMP = re.compile(r"^[\d年月日時分秒:/.,()\s日月火水木金土-]+$"
                    r"|^\w+ \d{1,2}, \d{4}[\d:\s]*(?:[AP]M)?$")
#: "ISTANBUL, May 16 (Reuters) -", "WASHINGTON, Feb. 28 (Xinhua) --", "GENEVA:",
#: "【イスタンブール共同】", "［モスクワ 3日 ロイター］ -", "(CNN) ".
_DATELINE = re.compile(
    r"^(?:[A-Z][A-Z .'-]{2,}(?:/[A-Z][A-Z .'-]+)?(?:,[^()\n]{0,30})?(?:\([^)]{2,30}\))?"
    r"\s*(?:-{1,2}|—|–|:)\s+"
    r"|[A-Z][A-Z .'-]{2,}, [A-Z][a-z]+\.? \d{1,2}\. /[A-Z]+/\.?\s*"
    r"|【[^】]{1,20}】|[［\[][^］\]]{1,30}[］\]]\s*-?\s*|\((?:CNN|AP|AFP|Reuters)\)\s*)")


def is_furniture(sentence: str, title: str) -> bool:
    """A caption, byline, link line or the repeated headline."""
    text = sentence.strip()
    if (not text or _FURNITURE.search(text) or _STAMP.match(text) or _BYLINE.match(text)
            or _LIST_LINE.match(text) or _CREDIT.match(text)):
        return True
    if not _DATELINE.sub("", text, count=1).strip():
        return True
    return bool(title) and normalise(text).rstrip("。. ") == normalise(title).rstrip("。. ")


def without_dateline(sentence: str) -> str:
    """The sentence without a leading dateline (the rest is quoted verbatim)."""
    return _DATELINE.sub("", sentence, count=1).strip() or sentence

"""Page furniture that is not news: datelines, bylines, photo captions, "Read more" lines,
lists of related links, page controls (share, tags, comments), section headings, masthead
stamps and the headline repeated as the first line. Such lines are never quoted as answers.
Told apart by their shape (short, no sentence end, a date with its year, a media label),
not by an outlet's wording.
"""

from __future__ import annotations

import re

from bot.text.sentences import normalise, split_sentences

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


#: A full date with its year, in either language ("2025/3/1", "2025年6月3日", "April 19,
#: 2025", "23.01.2026").
_FULL_DATE = re.compile(r"\d{4}\s*[/年.-]\s*\d{1,2}\s*[/月.-]\s*\d{1,2}|\d{1,2}\.\d{1,2}\.\d{4}"
                        r"|[A-Z][a-z]+\.? \d{1,2}, \d{4}")
#: A media label opening a line: "【動画】…", "〔写真説明〕…", "【速報】…", "[Video] …".
_MEDIA_LABEL = re.compile(r"^[【〔\[(（]\s*(?:動画|映像|中継|写真|画像|図解|速報|関連|特集|PR|"
                          r"video|photo|watch|live)", re.IGNORECASE)
#: Page controls and labels: share, comments, tags, keywords, sources, "read more".
_CONTROL = re.compile(r"^(?:関連キーワード|関連|タグ|出典|コメント|キーワード|tags?|source)\s*[:：]"
                      r"|(?:シェア(?:する)?|続きを読む|もっと見る|会員限定です?|コメントはありません)"
                      r"[。.]?$", re.IGNORECASE)
#: A line wholly in brackets ("(ワシントン 山田花子)", "(共同通信配信。"), not "(CNN) …".
_BOXED = re.compile(r"[(（][^()（）]*(?:[)）]|。)")
#: Closes a sentence of news (a heading or a label has none).
_CLOSES = re.compile(r"[.。!！」\"”’')）]$")


def _is_label(text: str) -> bool:
    """A heading, a masthead stamp or a lone name: short and not a sentence ("What
    happened", "Lucy Papachristou", "毎日新聞 2025/3/1 01:20", "ポイント", "(共同通信配信。")."""
    if text.endswith(("?", "？")):
        return True  # a section heading asked as a question is never an answer
    ja = any("\u3040" <= ch <= "\u9fff" for ch in text)
    if ja:
        short = len(text) <= 12 and not text.endswith("。")
    else:
        short = len(text.split()) <= 4 and not _CLOSES.search(text)
    stamp = len(text) <= 45 and bool(_FULL_DATE.search(text)) and not (
        text.endswith("。") or (text.endswith(".") and not ja))
    boxed = len(text) <= 30 and bool(_BOXED.fullmatch(text))
    menu = len(re.findall(r"[|｜]", text)) >= 2  # a navigation bar
    return short or stamp or boxed or menu


def is_furniture(sentence: str, title: str) -> bool:
    """A caption, byline, link line, page control, heading or the repeated headline."""
    text = sentence.strip()
    if (not text or _FURNITURE.search(text) or _STAMP.match(text) or _BYLINE.match(text)
            or _LIST_LINE.match(text) or _CREDIT.match(text) or _MEDIA_LABEL.match(text)
            or _CONTROL.search(text) or _is_label(text)):
        return True
    if not _DATELINE.sub("", text, count=1).strip():
        return True
    return bool(title) and normalise(text).rstrip("。. ") == normalise(title).rstrip("。. ")


def without_dateline(sentence: str) -> str:
    """The sentence without a leading dateline (the rest is quoted verbatim)."""
    return _DATELINE.sub("", sentence, count=1).strip() or sentence


def without_furniture(text: str, title: str) -> list[str]:
    """The report's sentences but its captions, credits, related links and repeated
    headline: what the answerability checks read as what the report says."""
    return [s for s in split_sentences(text) if not is_furniture(s, title)]


def news_sentences(text: str, title: str) -> list[str]:
    """The report's sentences that are news: no furniture, and no line that stands alone
    without closing like a sentence while more text follows it (a headline repeated in
    other words, a related story's headline, a numbered heading: "米ロ首脳、エネ施設攻撃停止
    で合意 プーチン氏、即時停戦は拒む"). The text's last line may be a summary cut short,
    so it is kept."""
    lines = [line for line in text.splitlines() if line.strip()]
    out: list[str] = []
    for n, line in enumerate(lines):
        sentences = split_sentences(line)
        heading = (len(sentences) == 1 and n < len(lines) - 1
                   and not _CLOSES.search(sentences[0]))
        if not heading:
            out += [s for s in sentences if not is_furniture(s, title)]
    return out

"""The one sanitiser for everything the Discord renderer shows from feeds and users.

Discord renders Markdown in message content, embed descriptions and field values: a
headline ``[Official statement](https://evil.example/phish)`` would be a link whose text
hides where it goes. Untrusted text is therefore made inert before it is placed:

- ``inert``: text in anything Discord reads as Markdown (content, embed titles,
  descriptions, fields). Markdown specials are backslash-escaped (so no masked link,
  ``<autolink>``, ``<@mention>``, heading or spoiler forms), ``://`` is written
  ``:\\/\\/`` (shown the same, never auto-linked), and ``@everyone``/``@here`` get a
  zero-width space so they neither ping nor highlight.
- ``thread_name``: a thread's name (plain text, no Markdown): one line without mention
  forms (``plain``).
- ``safe_url``: a link target from a feed: http(s) only, with the characters that could
  end a Markdown link percent-encoded.

``AllowedMentions.none()`` on every send stays the second fence: even text that slipped
through could not ping.
"""

from __future__ import annotations

import re

from bot.platforms.text import markup_runs
from bot.text.inert import strip_controls

THREAD_NAME_LIMIT = 100

_SPECIAL = re.compile(r"([\\\[\]<>`*_~|#])")
_EVERYONE = re.compile(r"@(everyone|here)", re.IGNORECASE)
_MENTION_OPEN = re.compile(r"<([@#!&/:])")
_CODE_RISK = re.compile(r"://|<[@#]|@(everyone|here)|\]\(", re.IGNORECASE)
_URL = re.compile(r"^https?://[^\s]+$", re.IGNORECASE)
_URL_UNSAFE = {c: f"%{ord(c):02X}" for c in "()<>[]|\\\"'`*_~ "}


def _unping(text: str) -> str:
    return _EVERYONE.sub("@\u200b\\1", text)


def inert(text: str) -> str:
    """Untrusted text for a Markdown field: shown as written, never a link or a mention."""
    text = _SPECIAL.sub(r"\\\1", strip_controls(text))
    return _unping(text.replace("://", ":\\/\\/"))


def plain(text: str) -> str:
    """Untrusted text where Discord reads no Markdown: only mention forms are broken."""
    return _unping(_MENTION_OPEN.sub("<\u200b\\1", strip_controls(text)))


def thread_name(text: str) -> str:
    """A thread name from a headline: one line, no mention forms, at most 100 characters."""
    name = " ".join(plain(text).split())
    return name[:THREAD_NAME_LIMIT].rstrip() or "Q&A"


def markup(text: str) -> str:
    """A reply's Markdown subset (``**bold**``, ``code``) with every other run inert."""
    out = []
    for kind, run in markup_runs(text):
        if kind == "bold":
            out.append(f"**{inert(run)}**")
        elif kind == "code" and not _CODE_RISK.search(run):
            out.append(f"`{strip_controls(run)}`")  # Discord renders nothing inside it
        elif kind == "code":  # shown as text: a span is only as safe as its parse
            out.append(f"\\`{inert(run)}\\`")
        else:
            out.append(inert(run))
    return "".join(out)


def safe_url(url: str) -> str | None:
    """``url`` as a link target, or None when it is not a plain http(s) address."""
    url = strip_controls(url).strip()
    if not _URL.match(url):
        return None
    return "".join(_URL_UNSAFE.get(c, c) for c in url)

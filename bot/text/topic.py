"""Keyword expressions: ``(停戦 OR ceasefire) AND NOT Gaza``, with "quoted phrases".

A tiny recursive-descent parser instead of user regular expressions, so no input can make
matching slow (no ReDoS): matching is substring search on NFKC-normalised, case-folded text.
Latin words and phrases match whole words ("war" is not in "software"); a trailing ``*``
matches any ending ("negotiat*"). Japanese has no spaces, so Japanese terms match anywhere.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.errors import ConfigError
from bot.text.sentences import normalise, split_sentences

Matcher = Callable[[str], bool]
#: Longest expression accepted (operators' topics; subscriptions set a shorter cap).
MAX_LENGTH = 20_000
#: Deepest nesting of brackets and NOTs: the parser recurses once per level.
MAX_DEPTH = 20
#: Longest keyword expression a subscription may carry.
MAX_KEYWORDS_LENGTH = 1000
_TOKEN = re.compile(r'\s*(?:(\()|(\))|"([^"]*)"|([^\s()"]+))')
_OPERATORS = {"AND", "OR", "NOT"}
#: The body's first sentences, read with the headline as what a report is about.
LEAD_SENTENCES = 2
#: Enough of the body to hold its lead (the rest is not split into sentences).
_LEAD_CHARS = 1500


@dataclass(frozen=True)
class Expression:
    """A compiled keyword expression; an empty one matches everything."""

    source: str
    matcher: Matcher | None

    def matches(self, text: str) -> bool:
        return True if self.matcher is None else self.matcher(normalise(text))


@dataclass(frozen=True)
class Topic:
    """The followed topic: include and exclude expressions. Held as source text so that
    it can be sent to parse workers; each process compiles it once."""

    include: str = ""
    exclude: str = ""

    def check(self) -> None:
        """Raises:
            ConfigError: either expression is malformed.
        """
        _compiled(self.include, self.exclude)

    def matches(self, text: str) -> bool:
        """``text`` ("headline\\nbody") is about the topic: the include expression matches
        it, and the exclude expression does not match its headline and lead. A report on
        the talks that mentions another conflict further down (an aside on Gaza) is kept;
        a report whose opening is about that conflict is not."""
        include, exclude = _compiled(self.include, self.exclude)
        if not include.matches(text):
            return False
        # The lead is cut out only for the few reports that name the excluded subject.
        return (exclude.matcher is None or not exclude.matches(text)
                or not exclude.matches(lead(text)))


def lead(text: str) -> str:
    """The headline (the first line) and the body's first ``LEAD_SENTENCES`` sentences; a
    headline repeated as the body's first line (page furniture) does not count as one."""
    title, _, body = text.partition("\n")
    head = normalise(title)
    sentences = [s for s in split_sentences(body[:_LEAD_CHARS]) if normalise(s) != head]
    return "\n".join([title, *sentences[:LEAD_SENTENCES]])


@functools.lru_cache(maxsize=1024)
def compiled_keywords(source: str) -> Expression:
    """A subscription's keywords, compiled once per process and expression (fan-out checks
    every story against every subscription: compiling there would repeat the work)."""
    return compile_expression(source, setting="subscription keywords",
                              max_length=MAX_KEYWORDS_LENGTH)


@functools.lru_cache(maxsize=64)
def _compiled(include: str, exclude: str) -> tuple[Expression, Expression]:
    return (compile_expression(include, setting="topic.include"),
            compile_expression(exclude, setting="topic.exclude"))


def compile_expression(source: str, *, setting: str = "expression",
                       max_length: int = MAX_LENGTH) -> Expression:
    """Compile ``source``.

    Raises:
        ConfigError: the expression is malformed, longer than ``max_length`` characters or
            nested deeper than ``MAX_DEPTH`` (message names ``setting``).
    """
    if len(source) > max_length:
        raise ConfigError(f"invalid setting {setting}: {len(source)} characters is too long "
                          f"(at most {max_length})")
    tokens = _tokenise(source, setting)
    if not tokens:
        return Expression(source, None)
    parser = _Parser(tokens, setting)
    matcher = parser.parse_or()
    if parser.pos != len(tokens):
        raise ConfigError(f"invalid setting {setting}: unexpected {tokens[parser.pos][1]!r}")
    return Expression(source, matcher)


def expression_terms(source: str) -> list[str]:
    """The words and phrases an expression asks for (those after ``NOT`` left out): what a
    search for its topic looks for. A malformed expression has none."""
    try:
        tokens = _tokenise(source, "keywords")
    except ConfigError:
        return []
    terms: list[str] = []
    negated = False
    for kind, text in tokens:
        if kind == "word" and not negated:
            terms.append(text)
        negated = kind == "op" and text == "NOT"
    return terms


def _tokenise(source: str, setting: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    source = source.strip()
    while pos < len(source):
        match = _TOKEN.match(source, pos)
        if not match or match.end() == pos:
            raise ConfigError(f"invalid setting {setting}: unbalanced quote near {source[pos:]!r}")
        pos = match.end()
        if match.group(1):
            out.append(("(", "("))
        elif match.group(2):
            out.append((")", ")"))
        elif match.group(3) is not None:
            out.append(("word", match.group(3)))
        elif match.group(4):
            word = match.group(4)
            out.append(("op", word) if word in _OPERATORS else ("word", word))
        source_rest = source[pos:]
        if not source_rest.strip():
            break
    return out


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]], setting: str) -> None:
        self.tokens = tokens
        self.pos = 0
        self.setting = setting
        self.depth = 0

    def _peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def _fail(self, what: str) -> ConfigError:
        return ConfigError(f"invalid setting {self.setting}: {what}")

    def parse_or(self) -> Matcher:
        parts = [self.parse_and()]
        while self._peek() == ("op", "OR"):
            self.pos += 1
            parts.append(self.parse_and())
        if len(parts) == 1:
            return parts[0]
        return lambda text: any(p(text) for p in parts)

    def parse_and(self) -> Matcher:
        parts = [self.parse_not()]
        while True:
            token = self._peek()
            if token == ("op", "AND"):
                self.pos += 1
            elif token is None or token in (("op", "OR"), (")", ")")):
                break
            # Juxtaposition means AND, as in search boxes.
            parts.append(self.parse_not())
        if len(parts) == 1:
            return parts[0]
        return lambda text: all(p(text) for p in parts)

    def _deeper(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self._fail(f"nested more than {MAX_DEPTH} levels deep (brackets or NOT)")

    def parse_not(self) -> Matcher:
        if self._peek() == ("op", "NOT"):
            self.pos += 1
            self._deeper()
            inner = self.parse_not()
            self.depth -= 1
            return lambda text: not inner(text)
        return self.parse_atom()

    def parse_atom(self) -> Matcher:
        token = self._peek()
        if token is None:
            raise self._fail("expression ends too early")
        self.pos += 1
        kind, value = token
        if kind == "(":
            self._deeper()
            inner = self.parse_or()
            if self._peek() != (")", ")"):
                raise self._fail("missing ')'")
            self.pos += 1
            self.depth -= 1
            return inner
        if kind == "word":
            prefix = value.endswith("*") and len(value) > 1
            needle = normalise(value[:-1] if prefix else value)
            if not needle:
                raise self._fail('empty phrase ""')
            return word_matcher(needle, prefix=prefix)
        raise self._fail(f"unexpected {value!r}")


def _is_word_char(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def word_matcher(needle: str, *, prefix: bool = False) -> Matcher:
    """Substring search that, for ASCII letters or digits at either end of ``needle``,
    requires a word boundary there. Linear in the text: str.find and a neighbour check."""
    left = _is_word_char(needle[0])
    right = _is_word_char(needle[-1]) and not prefix
    if not left and not right:
        return lambda text: needle in text

    def match(text: str) -> bool:
        start = text.find(needle)
        while start != -1:
            end = start + len(needle)
            if (not left or start == 0 or not _is_word_char(text[start - 1])) and (
                    not right or end == len(text) or not _is_word_char(text[end])):
                return True
            start = text.find(needle, start + 1)
        return False

    return match

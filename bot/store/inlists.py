"""Pad SQLite ``IN (?, ?, ...)`` lists to a power of two, so few statement texts exist.

SQLAlchemy renders an expanding ``IN`` with one ``?`` per value, so every list length is
a statement of its own to SQLite: each pooled connection prepares and caches it (KiB of
SQLite memory each), and with more lengths than cache slots the statements are finalized
and prepared again all the time, churning the malloc heap. The soak ran 130 -> 190 distinct
texts in 6 minutes, most of them the same query with another list length
(``bench/soak.py --probe``, ``sql_texts``). Repeating the last value changes no result
(``x IN (1, 2, 2)`` is ``x IN (1, 2)``), and a list of any length then runs as one of a
few texts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

#: A rendered expanding ``IN`` list of positional parameters (SQLite's qmark style).
_IN_LIST = re.compile(r"IN \(\?(?:, \?)*\)")
#: Lists up to this long are padded (a bound on the parameters a padded list adds).
MAX_PADDED = 4096


def bucket(n: int) -> int:
    """The padded length of a list of ``n`` values: the next power of two."""
    return 1 << (n - 1).bit_length() if n > 1 else n


def pad_in_lists(statement: str, parameters: Any) -> tuple[str, Any]:
    """``statement`` and ``parameters`` with each ``IN (?, ...)`` list padded to its
    bucket by repeating its last value; unchanged when there is nothing to pad or the
    parameters do not line up one to one with the statement's ``?``."""
    if "IN (?" not in statement or not isinstance(parameters, Sequence) \
            or isinstance(parameters, str) or statement.count("?") != len(parameters):
        return statement, parameters
    params = list(parameters)
    out: list[str] = []
    last = added = 0
    for m in _IN_LIST.finditer(statement):
        n = m.group().count("?")
        size = bucket(n)
        if size == n or n > MAX_PADDED:
            continue
        end = statement.count("?", 0, m.start()) + added + n  # just past the list's values
        params[end:end] = [params[end - 1]] * (size - n)
        added += size - n
        out += [statement[last:m.start()], "IN (", ", ".join("?" * size), ")"]
        last = m.end()
    if not added:
        return statement, parameters
    out.append(statement[last:])
    return "".join(out), type(parameters)(params) if isinstance(parameters, tuple) else params


def before_cursor_execute(_conn: Any, _cursor: Any, statement: str, parameters: Any,
                          _context: Any, executemany: bool) -> tuple[str, Any]:
    """SQLAlchemy ``before_cursor_execute`` hook (``retval=True``)."""
    if executemany:
        return statement, parameters
    return pad_in_lists(statement, parameters)

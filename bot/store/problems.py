"""Database errors in a user's words: SQLite's and PostgreSQL's usual failures by name."""

from __future__ import annotations

import asyncio
import socket

from sqlalchemy.exc import DBAPIError

#: SQLite's own words -> what that means for the user and what to do.
_SQLITE = (
    ("file is not a database", "is not a SQLite database (corrupt, or another kind of file)",
     "move it away to start a fresh store, or point --db at the right file"),
    ("database disk image is malformed", "is corrupt",
     "move it away to start a fresh store, or restore a backup"),
    ("database is locked", "is locked by another process",
     "stop the other ceasefire-bot using it, or wait and try again"),
    ("readonly database", "is read-only",
     "make the file and its folder writable, or point --db elsewhere"),
    ("unable to open database file", "cannot be opened",
     "check that its folder exists and is writable"),
    ("database or disk is full", "cannot grow: the disk is full",
     "free some space, or point --db at another disk"),
    ("disk i/o error", "could not be read or written (I/O error)",
     "check the disk, or point --db elsewhere"),
)


def store_problem(exc: BaseException, *, where: str) -> str:
    """One line for a database error: SQLite's and PostgreSQL's usual failures by name."""
    text = str(getattr(exc, "orig", None) or exc).lower()
    for needle, what, todo in _SQLITE:
        if needle in text:
            return f"{where} {what}: {todo}"
    cause = _root(exc)
    name = type(cause).__name__
    if name == "InvalidCatalogNameError":
        return f"{where} does not exist: create it (e.g. `createdb NAME`) or fix --db"
    if name in ("InvalidPasswordError", "InvalidAuthorizationSpecificationError"):
        return f"{where} refused the login ({cause}): check the user and password in --db"
    if isinstance(cause, ConnectionRefusedError | socket.gaierror | OSError | TimeoutError):
        return (f"cannot reach {where} ({reason(cause)}): is the server running and the "
                "address in --db / CEASEFIRE_BOT_DATABASE_URL right?")
    if isinstance(exc, DBAPIError):
        return f"{where} failed: {reason(cause)}"
    return f"{where} failed: {reason(exc)}"


def _root(exc: BaseException) -> BaseException:
    seen: set[int] = set()
    while id(exc) not in seen:
        seen.add(id(exc))
        nxt = getattr(exc, "orig", None) or exc.__cause__
        if nxt is None:
            break
        exc = nxt
    return exc


def reason(exc: BaseException | None) -> str:
    if exc is None:
        return "no reason given"
    if isinstance(exc, asyncio.TimeoutError | TimeoutError):
        return "timed out"
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]

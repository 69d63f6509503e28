"""What an expected command-line failure says: one line naming what failed and what to do,
and an exit code per kind of failure, so scripts can tell a dead database from a typo.

Anything not recognised here is a bug: the command line prints a one-line summary and asks
for ``-v``, which shows the traceback.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass

from bot.errors import ConfigError, PlatformError, StoreError

EXIT_FAILED = 1
EXIT_CONFIG = 2
EXIT_DATABASE = 3
EXIT_NETWORK = 4
EXIT_PLATFORM = 5
EXIT_BUG = 70  # EX_SOFTWARE
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a killed pipe writer


@dataclass(frozen=True)
class Failure:
    exit_code: int
    message: str


def describe(exc: BaseException) -> Failure | None:
    """The one-line failure for an expected error, or None for a bug."""
    if isinstance(exc, ConfigError):
        return Failure(EXIT_CONFIG, str(exc))
    if isinstance(exc, StoreError):
        return Failure(EXIT_DATABASE, str(exc))
    if isinstance(exc, BrokenPipeError):
        return Failure(EXIT_BROKEN_PIPE, "output closed early (broken pipe); nothing was lost")
    # Imported here, after the checks that need neither: `--version`, `config` and a
    # configuration error should not pay for the database and HTTP stacks (~0.3 s).
    import asyncio

    import aiohttp
    from sqlalchemy.exc import SQLAlchemyError

    from bot.store.problems import reason, store_problem

    if isinstance(exc, SQLAlchemyError):
        return Failure(EXIT_DATABASE, store_problem(exc, where="the database"))
    if isinstance(exc, aiohttp.ClientConnectorError):
        return Failure(EXIT_NETWORK, f"cannot reach {exc.host}:{exc.port} "
                                     f"({reason(exc.os_error)}): check the network, or the "
                                     "API base URL setting if you changed it")
    if isinstance(exc, aiohttp.ClientError | asyncio.TimeoutError | TimeoutError):
        return Failure(EXIT_NETWORK, f"a network request failed ({reason(exc)}): check the "
                                     "network and try again")
    if isinstance(exc, PlatformError):
        network = _network_cause(exc)
        if network is not None:
            return network
        return Failure(EXIT_PLATFORM, str(exc))
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return Failure(EXIT_DATABASE, "the disk is full: free some space and try again")
    return None


def _network_cause(exc: PlatformError) -> Failure | None:
    """A platform that could not be reached (no network, a dead API base URL) is a network
    failure: the platform's words, then what was unreachable, instead of the class name
    the adapter appended (``Discord connection failed: ClientConnectorDNSError``)."""
    import asyncio

    import aiohttp

    cause = exc.__cause__
    if not isinstance(cause, aiohttp.ClientError | asyncio.TimeoutError | TimeoutError):
        return None
    network = describe(cause)
    if network is None:
        return None
    words = str(exc).removesuffix(f": {type(cause).__name__}")
    return Failure(EXIT_NETWORK, f"{words}: {network.message}")

"""The database's plan for a statement, so tests and benchmarks can check that a query run
about once a second reads an index, not every row (``bench/refresh_check.py``)."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import Executable
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement

#: How SQLite's dialect writes a time (its driver is handed the text, not the datetime).
SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"


async def fetch_plan(conn: AsyncConnection, statement: Executable) -> list[str]:
    """The plan's lines: SQLite's ``EXPLAIN QUERY PLAN``, else PostgreSQL's ``EXPLAIN``
    without costs (the same on every run)."""
    compiled = cast(SQLCompiler, cast(ClauseElement, statement).compile(dialect=conn.dialect))
    sqlite = conn.dialect.name == "sqlite"
    params = tuple(value.strftime(SQLITE_TIME) if sqlite and isinstance(value, datetime)
                   else value
                   for value in (compiled.params[name] for name in compiled.positiontup or ()))
    prefix = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN (COSTS OFF) "
    rows = (await conn.exec_driver_sql(prefix + str(compiled), params)).all()
    return [line for line in (str(row[-1]).strip() for row in rows) if line]

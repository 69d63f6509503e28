"""A settings table, and how a chat platform declares its own.

Config is the bottom layer and knows no platform: each platform's package describes its
table (name, model with defaults, conventional environment names) as a ``PlatformSection``
and the entry point hands the registered ones to ``load_settings``, which validates them
with everything else, so a bad platform key still stops start-up with one plain line.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict


class Section(BaseModel):
    """A settings table. ``inf`` and ``nan`` are refused everywhere (TOML reads ``1e309``
    as ``inf``): no timeout, interval or budget is meant to be infinite."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


S = TypeVar("S", bound=Section)


@dataclass(frozen=True)
class PlatformSection(Generic[S]):
    """A platform's table: ``[name]`` in TOML, ``CEASEFIRE_BOT__NAME__KEY`` in the
    environment, plus the platform's conventional variables (``env``: variable -> key)."""

    name: str
    model: type[S]
    env: Mapping[str, str] = field(default_factory=dict)

"""Settings: the default TOML, overlaid by an optional user TOML, overlaid by the environment.

pydantic-settings does the layering; the schema refuses unknown keys and bad values so a
typo stops start-up with one plain line instead of being silently ignored.
"""

from __future__ import annotations

import logging
import os
import tomllib
from collections.abc import Mapping, Sequence
from datetime import time
from importlib import resources
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from config.errors import ConfigError
from config.sections import PlatformSection, S, Section

log = logging.getLogger(__name__)

Lang = Literal["ja", "en"]
CONFIG_ENV = "CEASEFIRE_BOT_CONFIG"
ENV_PREFIX = "CEASEFIRE_BOT_"

#: Conventional environment names that land in a nested settings key (a platform declares
#: its own in its ``PlatformSection``).
ENV_NAMES: dict[str, tuple[str, ...]] = {
    "CEASEFIRE_BOT_DATABASE_URL": ("database_url",),
    "CEASEFIRE_BOT_DATA_DIR": ("data_dir",),
    "CEASEFIRE_BOT_LLM_API_KEY": ("llm", "api_key"),
    "CEASEFIRE_BOT_REDIS_URL": ("scale", "redis_url"),
}


#: The longest poll interval accepted, in minutes (a week): a longer one would overflow
#: the scheduler's date arithmetic rather than mean anything.
MAX_INTERVAL_MINUTES = 7 * 24 * 60


class TopicSettings(Section):
    name: str = "Russia–Ukraine ceasefire talks"
    #: Keyword expression (AND / OR / NOT, "quoted phrases", parentheses).
    include: str
    exclude: str = ""


class FeedSettings(Section):
    #: An empty one would read the current folder as a feed file.
    url: str = Field(min_length=1)
    name: str | None = None
    lang: Lang | None = None
    interval_minutes: float | None = Field(default=None, gt=0, le=MAX_INTERVAL_MINUTES)
    full_text: bool = False


class FetchSettings(Section):
    timeout_seconds: float = Field(default=20.0, gt=0)
    max_bytes: int = Field(default=5 * 1024 * 1024, gt=0)
    max_redirects: int = Field(default=5, ge=0)
    concurrency: int = Field(default=16, gt=0)
    per_host: int = Field(default=2, gt=0)
    contact_url: str = "https://github.com/ceasefire-bot/ceasefire-bot"
    failures_before_pause: int = Field(default=5, gt=0)
    #: Hosts that user-added feeds may reach even when they resolve to private addresses.
    allow_hosts: tuple[str, ...] = ()
    #: Feeds one server, workspace or DM user may add from chat.
    user_feeds_per_scope: int = Field(default=10, gt=0)


class NewsSettings(Section):
    poll_interval_minutes: float = Field(default=15.0, gt=0, le=MAX_INTERVAL_MINUTES)
    max_age_days: float = Field(default=3.0, gt=0)


class DeliverySettings(Section):
    digest_time: str = "08:00"
    digest_grace_hours: float = Field(default=6.0, ge=0)
    #: New stories of one feed posted per subscription and poll; the rest are summarised
    #: in one "and N more" post.
    burst_per_feed: int = Field(default=5, gt=0)
    #: Delivered outbox rows and answer logs older than this are pruned (by the leader).
    retention_days: float = Field(default=30.0, gt=0)
    #: How often the leader prunes.
    prune_minutes: float = Field(default=60.0, gt=0)

    @field_validator("digest_time")
    @classmethod
    def _hhmm(cls, value: str) -> str:
        parse_hhmm(value)
        return value


class LLMSettings(Section):
    enabled: bool = False
    base_url: str = "http://127.0.0.1:8000/v1"
    model: str = "gpt-4o-mini"
    api_key: SecretStr | None = None
    timeout_seconds: float = Field(default=20.0, gt=0)


class ScaleSettings(Section):
    """Several processes on one PostgreSQL database (see docs: "Scaling out")."""

    #: How often a process checks (leader) or tries to take (follower) the leader lock;
    #: a dead leader is replaced within about this time.
    leader_check_seconds: float = Field(default=5.0, gt=0)
    #: How long an outbox claim lasts without renewal; a dead holder's claims expire after it.
    lease_seconds: float = Field(default=60.0, gt=0)
    #: On PostgreSQL, a process takes the queues of at most this many channels per claim,
    #: so the processes share the channels instead of the first one taking them all.
    claim_channels: int = Field(default=16, gt=0)
    #: On PostgreSQL, the most outbox rows one process holds at a time.
    claim_batch: int = Field(default=200, gt=0)
    #: How often an idle sender looks for new outbox rows another process enqueued.
    idle_seconds: float = Field(default=1.0, gt=0)
    #: Where the platforms' global rate-limit budget lives: this process only (``local``),
    #: or shared by every process (``redis`` or ``postgres``).
    budget: Literal["local", "redis", "postgres"] = "local"
    redis_url: str = "redis://127.0.0.1:6379/0"
    #: Prefix of the shared budget's keys (several deployments may share one Redis).
    budget_namespace: str = "ceasefire-bot"


class HealthSettings(Section):
    port: int | None = Field(default=None, gt=0, lt=65536)
    #: Loopback by default: metrics are for the operator's own scraper, not the world.
    host: str = Field(default="127.0.0.1", min_length=1)
    #: ``/healthz`` turns unhealthy once a configured platform has been disconnected this
    #: long (a reconnect normally takes seconds).
    disconnected_seconds: float = Field(default=60.0, gt=0)


def default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "ceasefire-bot"


class Settings(BaseSettings):
    """The whole effective configuration."""

    model_config = SettingsConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    language: Lang = "ja"
    timezone: str = "Asia/Tokyo"
    data_dir: Path = Field(default_factory=default_data_dir)
    database_url: str | None = None
    #: Follow the bundled offline demo feeds instead of `feeds` (the embedded default).
    demo: bool = True
    topic: TopicSettings
    feeds: tuple[FeedSettings, ...] = ()
    demo_feeds: tuple[FeedSettings, ...] = ()
    news: NewsSettings = NewsSettings()
    fetch: FetchSettings = FetchSettings()
    delivery: DeliverySettings = DeliverySettings()
    llm: LLMSettings = LLMSettings()
    health: HealthSettings = HealthSettings()
    scale: ScaleSettings = ScaleSettings()
    #: Each registered platform's validated table by name (``section`` reads one).
    platforms: Mapping[str, Section] = Field(default_factory=dict)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def section(self, spec: PlatformSection[S]) -> S:
        """A platform's table; its defaults when it was not loaded with the settings."""
        found = self.platforms.get(spec.name)
        if found is None:
            return spec.model()
        if not isinstance(found, spec.model):
            raise TypeError(f"settings section {spec.name!r} is a {type(found).__name__}, "
                            f"not a {spec.model.__name__}")
        return found

    @property
    def followed_feeds(self) -> tuple[FeedSettings, ...]:
        return self.demo_feeds if self.demo else self.feeds

    def sqlite_path(self) -> Path:
        return self.data_dir / "ceasefire-bot.db"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Only the values given: ``load_settings`` layers the files, the environment and
        the overrides itself and passes the result (no state on the class)."""
        return (init_settings,)


def parse_hhmm(value: str) -> time:
    """Parse ``HH:MM`` (24 h)."""
    try:
        hours, minutes = value.split(":")
        return time(int(hours), int(minutes))
    except ValueError as exc:
        raise ValueError(f"expected HH:MM (24-hour), got {value!r}") from exc


def read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        raise ConfigError(f"config file {path} does not exist") from exc
    except IsADirectoryError as exc:
        raise ConfigError(f"config file {path} is a directory, not a TOML file") from exc
    except PermissionError as exc:
        raise ConfigError(f"config file {path} cannot be read (permission denied)") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: not UTF-8 text "
                          f"(byte {exc.start})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from exc


def known_env_names(sections: Sequence[PlatformSection[Any]] = ()) -> set[str]:
    """Our ``CEASEFIRE_BOT_*`` names with one underscore: the conventional ones, the
    config file's, and those the platforms declare."""
    names = {*ENV_NAMES, CONFIG_ENV, *(var for s in sections for var in s.env)}
    return {name for name in names if name.startswith(ENV_PREFIX)}


def unknown_env_names(env: Mapping[str, str],
                      sections: Sequence[PlatformSection[Any]] = ()) -> list[str]:
    """``CEASEFIRE_BOT_*`` names that set nothing: a misspelt ``CEASEFIRE_BOT_DATA_DIR``
    would otherwise be ignored without a word (the store silently in the default place).
    ``CEASEFIRE_BOT__SECTION__KEY`` names are checked as settings; the test suite's own
    ``CEASEFIRE_BOT_TEST_*`` names are not settings."""
    known = known_env_names(sections)
    return sorted(name for name in env
                  if name.startswith(ENV_PREFIX) and not name.startswith((f"{ENV_PREFIX}_",
                                                                          f"{ENV_PREFIX}TEST_"))
                  and name not in known)


def env_overrides(env: Mapping[str, str],
                  sections: Sequence[PlatformSection[Any]] = ()) -> dict[str, Any]:
    """Map environment variables onto nested keys.

    Besides the conventional names (ours and each platform's), ``CEASEFIRE_BOT__SECTION__KEY``
    sets any key.
    """
    names = dict(ENV_NAMES)
    for section in sections:
        names.update({var: (section.name, key) for var, key in section.env.items()})
    out: dict[str, Any] = {}
    for name, value in env.items():
        if name in names:
            path: tuple[str, ...] = names[name]
        elif name.startswith("CEASEFIRE_BOT__"):
            path = tuple(part.lower() for part in name.removeprefix("CEASEFIRE_BOT__").split("__"))
        else:
            continue
        if not value:
            continue
        node = out
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = value
    return out


def deep_merge(into: dict[str, Any], other: Mapping[str, Any]) -> dict[str, Any]:
    for key, value in other.items():
        if isinstance(value, Mapping) and isinstance(into.get(key), dict):
            deep_merge(into[key], value)
        else:
            into[key] = value
    return into


def default_toml() -> Path:
    return Path(str(resources.files("config") / "default.toml"))


def load_settings(
    config_file: str | Path | None = None,
    *,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
    sections: Sequence[PlatformSection[Any]] = (),
) -> Settings:
    """Build the effective settings.

    Args:
        config_file: optional user TOML; when None, ``CEASEFIRE_BOT_CONFIG`` is used if set.
        env: the environment to read (defaults to ``os.environ``); tests pass their own.
        overrides: values from the command line, applied last.
        sections: the platforms' tables (``bot.platforms.registered``); a table of a
            platform not given here is an unknown setting.

    Raises:
        ConfigError: one plain line naming the key and what is wrong.
    """
    environ = dict(os.environ if env is None else env)
    for name in unknown_env_names(environ, sections):
        log.warning("%s is not one of our environment variables and is ignored (check the "
                    "spelling: %s, or CEASEFIRE_BOT__SECTION__KEY for any setting)",
                    name, ", ".join(sorted(known_env_names(sections))))
    files = [default_toml()]
    chosen = config_file or environ.get(CONFIG_ENV)
    if chosen:
        files.append(Path(chosen).expanduser())
    layered: dict[str, Any] = {}
    for path in files:
        deep_merge(layered, read_toml(path))
    deep_merge(layered, env_overrides(environ, sections))
    deep_merge(layered, dict(overrides or {}))
    if "platforms" in layered:  # filled from the platforms' own tables only
        raise ConfigError("invalid setting platforms: unknown setting (a platform's keys go "
                          "in its own table, e.g. [discord])")
    raw = {s.name: layered.pop(s.name) for s in sections if s.name in layered}
    try:
        settings = Settings(**layered)
    except ValidationError as exc:
        raise ConfigError(describe_validation_error(exc)) from None
    platforms: dict[str, Section] = {}
    for section in sections:
        try:
            platforms[section.name] = section.model.model_validate(raw.get(section.name, {}))
        except ValidationError as exc:
            raise ConfigError(describe_validation_error(exc, within=section.name)) from None
    return settings.model_copy(update={"platforms": platforms})


def describe_validation_error(exc: ValidationError, *, within: str | None = None) -> str:
    """One line: the first problem's dotted key (under table ``within``), what is wrong,
    and how many more there are."""
    first = exc.errors()[0]
    loc = (within, *first["loc"]) if within else first["loc"]
    key = ".".join(str(part) for part in loc) or "(top level)"
    message = str(first["msg"]).removeprefix("Value error, ")
    if first["type"] == "extra_forbidden":
        message = "unknown setting (check the spelling; see `ceasefire-bot config`)"
    given = first.get("input")
    if (first["type"] != "extra_forbidden" and isinstance(given, str | int | float)
            and repr(given) not in message):
        message = f"{message} (got {given!r})"
    more = len(exc.errors()) - 1
    suffix = f" (+{more} more problem{'s' if more > 1 else ''})" if more else ""
    return f"invalid setting {key}: {message}{suffix}"


def masked_dump(settings: Settings) -> dict[str, Any]:
    """The effective configuration with every secret replaced by a mask."""

    def walk(value: Any) -> Any:
        if isinstance(value, SecretStr):
            return "********" if value.get_secret_value() else None
        if isinstance(value, BaseModel):
            return {name: walk(getattr(value, name)) for name in type(value).model_fields}
        if isinstance(value, tuple | list):
            return [walk(item) for item in value]
        if isinstance(value, Path):
            return str(value)
        return value

    dumped = walk(settings)
    del dumped["platforms"]  # each platform's table under its own name, as in the TOML
    dumped.update({name: walk(section) for name, section in settings.platforms.items()})
    if settings.database_url:
        dumped["database_url"] = mask_url_password(settings.database_url)
    return dumped


def mask_url_password(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "********"

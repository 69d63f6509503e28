"""``ceasefire-bot run | ingest | ask | brief | stories | sources | config | db upgrade``."""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import logging
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from bot.errors import ConfigError
from bot.failures import EXIT_BUG, EXIT_INTERRUPTED, describe

if TYPE_CHECKING:
    import asyncio

    from config.settings import FeedSettings, Settings

# What only some commands need is imported inside them: `--help`, `--version` and a
# mistyped command start without pydantic, and `ask`, `brief` and `ingest` without the
# date parsers' warm-up (docs/quality.md, stop 41).

log = logging.getLogger(__name__)


class _VersionAction(argparse._VersionAction):
    """``--version``, its number read from the installed metadata only when asked for
    (``importlib.metadata`` costs every other command a few dozen ms)."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        self.version = f"%(prog)s {_version()}"
        super().__call__(parser, namespace, values, option_string)


def _global_options(parser: argparse.ArgumentParser, *, defaults: bool) -> None:
    """The options every command takes, before or after its name: the parser's own copy
    sets the defaults; each command's copy only overrides what is given after the name."""
    unset = {} if defaults else {"default": argparse.SUPPRESS}
    parser.add_argument("--config", metavar="FILE", help="a TOML file overlaying the defaults",
                        **({"default": None} if defaults else unset))
    parser.add_argument("--db", metavar="URL",
                        help="SQLAlchemy database URL (env CEASEFIRE_BOT_DATABASE_URL)",
                        **({"default": None} if defaults else unset))
    parser.add_argument("-v", "--verbose", action="count",
                        help="more log output; -v also shows tracebacks of failures",
                        **({"default": 0} if defaults else unset))


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    _global_options(common, defaults=False)

    parser = argparse.ArgumentParser(
        prog="ceasefire-bot", description="Follow the ceasefire talks in chat.")
    parser.add_argument("--version", action=_VersionAction)
    _global_options(parser, defaults=True)
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", parents=[common], help="run the bot")
    run.add_argument("--console", action="store_true",
                     help="use the console platform even when platform tokens are set")
    run.add_argument("--shard-count", type=_positive, metavar="N",
                     help="Discord: total shards across all processes (default: settings)")
    run.add_argument("--shard-ids", type=_shard_ids, metavar="0,1,...",
                     help="Discord: the shards this process runs (with --shard-count)")

    ingest = sub.add_parser("ingest", parents=[common], help="fetch feeds once")
    ingest.add_argument("--feed", action="append", metavar="URL_OR_PATH", default=[],
                        type=_feed_address)
    ingest.add_argument("--json", action="store_true")

    ask = sub.add_parser("ask", parents=[common], help="answer a question from the store")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true")
    ask.add_argument("--lang", choices=["ja", "en"])

    brief = sub.add_parser("brief", parents=[common], help="print the newest briefing")
    brief.add_argument("--json", action="store_true")
    brief.add_argument("--lang", choices=["ja", "en"])

    stories = sub.add_parser("stories", parents=[common], help="list stories, oldest first")
    stories.add_argument("--json", action="store_true")

    sub.add_parser("sources", parents=[common], help="feeds followed and their health")
    sub.add_parser("config", parents=[common], help="print the effective configuration")

    db = sub.add_parser("db", parents=[common], help="database maintenance")
    db.add_argument("action", choices=["upgrade"])

    discord = sub.add_parser("discord", parents=[common], help="Discord set-up helpers")
    discord.add_argument("action", choices=["invite-url"],
                         help="invite-url: the link that adds the bot with the permissions "
                              "it needs")
    discord.add_argument("--user", action="store_true",
                         help="the user-install link: people add the commands to their own "
                              "account and use /ask, /latest, /timeline anywhere")
    discord.add_argument("--application-id", type=_positive, metavar="ID",
                         help="default: discord.application_id, else asked from Discord "
                              "with DISCORD_TOKEN")
    return parser


def _positive(value: str) -> int:
    """A count of at least 1 (``--shard-count 0`` would divide by zero when routing)."""
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1 (got {value!r})")
    return number


def _feed_address(value: str) -> str:
    """An empty ``--feed`` (an unset shell variable) would read the current folder."""
    if not value.strip():
        raise argparse.ArgumentTypeError("expected a feed URL or file path (got an empty one)")
    return value.strip()


def _shard_ids(value: str) -> tuple[int, ...]:
    try:
        ids = tuple(int(part) for part in value.split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected shard numbers like 0,1 (got {value!r})"
                                         ) from None
    if not ids or min(ids) < 0:
        raise argparse.ArgumentTypeError(f"expected shard numbers like 0,1 (got {value!r})")
    return ids


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version("ceasefire-bot")
    except metadata.PackageNotFoundError:
        return "unknown (not installed)"


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; an expected failure is one line on stderr and its own exit code."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING - 10 * min(args.verbose, 2), stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.command == "run":
        from bot.memory import limit_malloc_arenas, start_trimming

        limit_malloc_arenas()  # a process that runs for months: before any thread starts
        start_trimming()  # and freed heap pages go back to the kernel while it runs
    try:
        import asyncio

        from bot.platforms.registry import load_settings

        settings = load_settings(args.config, overrides=_overrides(args))
        code = asyncio.run(COMMANDS[args.command](args, settings))
        sys.stdout.flush()
        return code
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Exception as exc:  # one error path: every failure ends here
        return _fail(exc, verbose=args.verbose > 0)


def _fail(exc: BaseException, *, verbose: bool) -> int:
    if isinstance(exc, BrokenPipeError):
        # Whoever read our output stopped reading (`brief | head -1`): not an error worth a
        # traceback; keep the interpreter from failing again on its final flush.
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    failure = describe(exc)
    if verbose:
        traceback.print_exception(exc, file=sys.stderr)
    if failure is None:
        log.debug("unexpected failure", exc_info=exc)
        print(f"ceasefire-bot: unexpected error ({type(exc).__name__}: "
              f"{str(exc).splitlines()[0][:200] if str(exc) else 'no message'}); "
              "run again with -v for the traceback, and please report it", file=sys.stderr)
        return EXIT_BUG
    if not (isinstance(exc, BrokenPipeError) and not verbose):
        print(f"ceasefire-bot: {failure.message}", file=sys.stderr)
    return failure.exit_code


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    return {"database_url": args.db} if getattr(args, "db", None) else {}


def _dump(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=None, default=str))


#: Seconds ``run`` serves before it loads the date parsers in a thread (``warm_up``: their
#: slow first calls, about 0.4-0.7 s of CPU; their objects are then frozen as start-up's),
#: unless a question naming a time has loaded them first. A process that ends sooner (a
#: scripted console session; most of the test suite's bots) never pays for them; a question
#: naming a time in those first seconds loads them itself (as every one did before stop 41).
#: None: loaded during start-up, beside the first poll, before serving (stop 41).
WARM_UP_AFTER: float | None = 10.0


def _warm_up_and_freeze() -> None:
    """Load the date parsers, then freeze what they made as start-up's objects were: a
    young collection and ``gc.freeze()``, not ``freeze_survivors``' full collection, which
    holds the interpreter (and so the serving loop) for up to half a second."""
    from bot.answer.when import warm_up

    warm_up()
    gc.collect(1)
    gc.freeze()
    log.debug("date parsers loaded; objects frozen: %d", gc.get_freeze_count())


def _warm_up_ended(warming: asyncio.Future[None]) -> None:
    """A failed warm-up is said, not lost: questions naming a time then load the parsers
    themselves, as before stop 41."""
    if not warming.cancelled() and (exc := warming.exception()) is not None:
        log.error("date parsers' warm-up failed; a question naming a time loads them",
                  exc_info=exc)


def warm_up_later(delay: float) -> Callable[[], None]:
    """Start ``_warm_up_and_freeze`` in a thread ``delay`` seconds from now (on the running
    loop); returns what cancels it if it has not started (once started it runs out)."""
    import asyncio

    loop = asyncio.get_running_loop()
    started: list[asyncio.Future[None]] = []  # a reference, so the task is not collected

    def start() -> None:
        warming = asyncio.ensure_future(asyncio.to_thread(_warm_up_and_freeze))
        warming.add_done_callback(_warm_up_ended)
        started.append(warming)

    return loop.call_later(delay, start).cancel


async def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio

    from bot.answer.when import warm_up
    from bot.app import BotApp
    from bot.memory import freeze_survivors
    from bot.platforms.discord.settings import SECTION as DISCORD
    from bot.platforms.select import RunOptions, build_platforms
    from bot.stopping import unless_stopped

    options = RunOptions(console=args.console, shard_ids=args.shard_ids,
                         shard_count=args.shard_count)
    token = settings.section(DISCORD).token
    if ((options.shard_ids or options.shard_count)
            and (args.console or token is None or not token.get_secret_value())):
        # They would be ignored without a word: the console and Slack have no shards.
        raise ConfigError("--shard-count and --shard-ids are for Discord, which runs only "
                          "with DISCORD_TOKEN set and without --console")
    if options.shard_ids and max(options.shard_ids) >= (options.shard_count
                                                        or settings.section(DISCORD).shard_count):
        raise ConfigError(f"--shard-ids {','.join(map(str, options.shard_ids))} must be below "
                          "the shard count (--shard-count, or discord.shard_count)")
    async with BotApp(settings, platforms=lambda http: build_platforms(
            settings, options, http=http)) as app:
        console_only = all(p.name == "console" for p in app.platforms)

        async def start_up() -> None:
            # The date parsers' slow first calls, in a thread while the feeds are polled
            # (``WARM_UP_AFTER``: later, once serving).
            warming = (asyncio.ensure_future(asyncio.to_thread(warm_up))
                       if WARM_UP_AFTER is None else None)
            if app.leader.solo:  # elected leaders poll when elected
                # Fresh news at start; conditional GET keeps it cheap for unchanged feeds.
                await app.poll(force=True)
            if console_only:
                await app.ensure_subscription("console", "console")
            if warming is not None:
                await warming
            log.debug("start-up objects frozen: %d", freeze_survivors())

        if not await unless_stopped(start_up()):
            return 0  # what the poll stored is kept; its posts go out at the next start
        cancel_warm_up = (warm_up_later(WARM_UP_AFTER) if WARM_UP_AFTER is not None
                          else lambda: None)
        try:
            await app.serve(until_platforms_close=console_only)
        finally:
            cancel_warm_up()
        # The process ends next: spare the interpreter's shutdown collections a walk over
        # every object (seconds on a busy machine), so quitting the console is immediate.
        gc.freeze()
    return 0


async def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app import BotApp
    from config.settings import FeedSettings

    feeds = [FeedSettings(url=u) for u in args.feed] or list(settings.followed_feeds)
    if not args.verbose:
        # This command prints each failing feed once itself; the poller's log line would
        # say it a second time.
        logging.getLogger("bot.news.pipeline").setLevel(logging.ERROR)
    async with BotApp(settings) as app:
        if not args.json and sys.stderr.isatty():
            report = await _ingest_with_progress(app, feeds)
        else:
            report = await app.poll(feeds, force=True)
    if args.json:
        _dump(report.as_json())
    else:
        print(f"feeds {len(report.outcomes)} · fetched {report.fetched} · new {report.new} · "
              f"duplicates {report.duplicates} · stories {len(report.new_stories)} · "
              f"errors {len(report.errors)}")
        for error in report.errors:
            print(f"error: {error['feed']}: {error['error']}", file=sys.stderr)
    return 1 if report.all_failed else 0


async def _ingest_with_progress(app: Any, feeds: list[FeedSettings]) -> Any:
    """A rich progress bar on a terminal (stderr, so stdout stays the summary)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(TextColumn("ingest"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("{task.description}"), console=Console(stderr=True),
                  transient=True) as progress:
        task = progress.add_task("", total=len(feeds))

        def step(outcome: Any) -> None:
            mark = "✗" if outcome.error else "✓"
            progress.update(task, advance=1, description=f"{mark} {outcome.url[:60]}")

        return await app.poll(feeds, force=True, on_progress=step)


def _empty_hint(lang: str | None) -> str:
    """What an empty store means and what to run next (the same words for every command)."""
    if lang == "ja":
        return ("まだ記事が保存されていません。先にフィードを読み込んでください: "
                ".venv/bin/ceasefire-bot ingest(または make run)")
    return ("No reports are stored yet. Read the feeds first: .venv/bin/ceasefire-bot ingest "
            "(or make run).")


async def _store_is_empty(app: Any) -> bool:
    from sqlalchemy import exists, select

    from bot.store.models import Article

    async with app.deps.sessions() as session:
        return not await session.scalar(select(exists().where(Article.id.is_not(None))))


async def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app import BotApp
    from bot.model import Answer, Request
    from bot.platforms.text import render_result

    async with BotApp(settings) as app:
        if await _store_is_empty(app):
            return _say_empty(args, {"answerable": False, "answer": "", "citations": []})
        result = await app.handle(Request(platform="cli", command="ask", text=args.question,
                                          channel_id="cli", lang=args.lang))
    if not isinstance(result, Answer):
        print(getattr(result, "text", str(result)), file=sys.stderr)
        return 1
    if args.json:
        _dump({"status": "answered" if result.answerable else "no_source",
               "answerable": result.answerable, "answer": result.text,
               "citations": [{"n": c.n, "title": c.title, "url": c.url, "source": c.source}
                             for c in result.citations]})
    else:
        for text, _ in render_result(result, settings.zone):
            print(text)
    return 0


def _say_empty(args: argparse.Namespace, shape: dict[str, Any] | None) -> int:
    """The empty-store answer: JSON with ``status: "empty"`` (keeping the command's usual
    keys), or the hint on stderr so stdout stays the command's output."""
    hint = _empty_hint(getattr(args, "lang", None))
    if args.json:
        _dump([] if shape is None else {"status": "empty", "message": hint, **shape})
        if shape is None:
            print(hint, file=sys.stderr)
    else:
        print(hint, file=sys.stderr)
    return 0


async def cmd_brief(args: argparse.Namespace, settings: Settings) -> int:
    import dataclasses

    from bot.app import BotApp
    from bot.model import Briefing, Request
    from bot.platforms.text import render_result

    async with BotApp(settings) as app:
        if await _store_is_empty(app):
            return _say_empty(args, {})
        result = await app.handle(Request(platform="cli", command="latest", channel_id="cli",
                                          lang=args.lang or settings.language))
    if args.json:
        if not isinstance(result, Briefing):
            _dump({"status": "empty", "message": getattr(result, "text", "")})
            return 0
        _dump({"status": "ok", **dataclasses.asdict(result)})
        return 0
    for i, (text, threaded) in enumerate(render_result(result, settings.zone)):
        print(("\n" if i else "") + ("\n".join("    ┃ " + ln for ln in text.splitlines())
                                     if threaded else text))
    return 0


async def cmd_stories(args: argparse.Namespace, settings: Settings) -> int:
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from bot.app import BotApp
    from bot.store.models import Story

    async with BotApp(settings) as app, app.deps.sessions() as session:
        if await _store_is_empty(app):
            return _say_empty(args, None)
        rows = (await session.scalars(
            select(Story).order_by(Story.first_at).options(selectinload(Story.articles))
        )).all()
        data: list[dict[str, Any]] = [{
            "id": s.id, "headline": s.headline, "first": s.first_at.isoformat(),
            "latest": s.latest_at.isoformat(),
            "articles": [{"url": a.url, "title": a.title, "source": a.source,
                          "published": a.published_at.isoformat(), "lang": a.lang}
                         for a in s.articles],
        } for s in rows]
    if args.json:
        _dump(data)
    else:
        for s in data:
            count = len(s["articles"])
            print(f"#{s['id']} {s['first'][:10]}..{s['latest'][:10]} {s['headline']} "
                  f"({count} report{'' if count == 1 else 's'})")
    return 0


async def cmd_sources(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app import BotApp
    from bot.model import Request

    async with BotApp(settings) as app:
        result = await app.handle(Request(platform="cli", command="sources", channel_id="cli"))
    print(getattr(result, "text", ""))
    return 0


async def cmd_config(args: argparse.Namespace, settings: Settings) -> int:
    from config.settings import masked_dump

    print(json.dumps(masked_dump(settings), ensure_ascii=False, indent=2))
    return 0


async def cmd_db(args: argparse.Namespace, settings: Settings) -> int:
    from bot.store.db import database_url, open_store

    async with open_store(database_url(settings)):
        pass
    print("database schema is up to date")
    return 0


async def cmd_discord(args: argparse.Namespace, settings: Settings) -> int:
    from bot.platforms.discord.invite import fetch_application_id, invite_url
    from bot.platforms.discord.settings import SECTION as DISCORD

    discord = settings.section(DISCORD)
    app_id = args.application_id or discord.application_id
    if app_id is None:
        app_id = await fetch_application_id(discord)
    print(invite_url(app_id, user=args.user))
    return 0


COMMANDS = {"run": cmd_run, "ingest": cmd_ingest, "ask": cmd_ask, "brief": cmd_brief,
            "stories": cmd_stories, "sources": cmd_sources, "config": cmd_config,
            "db": cmd_db, "discord": cmd_discord}

if __name__ == "__main__":
    raise SystemExit(main())

"""The one command registry: declarations are validated, text is parsed once, typed
arguments reach handlers, help speaks the asker's language, platforms read the registry."""

from __future__ import annotations

import pytest

from bot.commands import Argument, Choice, Command, Permission, Registry, Text, parse_line
from bot.errors import UserFacingError
from bot.model import Reply, Request, Result
from bot.platforms.discord.translate import interaction_request, message_request
from bot.platforms.loopback.adapter import to_request as loopback_request
from bot.platforms.slack.translate import parse_command
from handlers import bind, dispatch
from handlers.help import help_text
from handlers.registry import COMMANDS, default_registry

DESCRIBED = Text("Say it", "言う")


async def echo(req: Request, deps: object) -> Result:
    return Reply(f"{req.command}:{dict(req.args)}")


def test_since_is_one_registry_entry_with_its_handler() -> None:
    [entry] = [c for c in COMMANDS if c.name == "since"]
    assert entry.handler.__qualname__ == "handlers.since:since"
    assert [a.name for a in entry.arguments] == ["when"] and entry.arguments[0].required
    assert entry.description.ja and entry.description.en


@pytest.mark.parametrize("bad", [
    Command("Bad", echo, DESCRIBED),
    Command("ok", echo, Text("", "言う")),
    Command("ok", echo, Text("x" * 101, "言う")),
    Command("ok", echo, DESCRIBED, (Argument("a", DESCRIBED), Argument("a", DESCRIBED))),
    Command("ok", echo, DESCRIBED, (Argument("a", DESCRIBED),
                                    Argument("b", DESCRIBED, required=True))),
])
def test_a_declaration_a_platform_would_refuse_rejects_the_batch(bad: Command) -> None:
    registry = Registry()
    with pytest.raises(ValueError):
        registry.register_all({"fine": Command("fine", echo, DESCRIBED), bad.name: bad})
    assert registry.names == []


@pytest.mark.parametrize(("text", "options", "expected"), [
    ("latest", {}, ("latest", "")),
    ("/Latest now", {}, ("latest", "now")),
    ("what now?", {}, ("ask", "what now?")),
    ("/latest", {"slash": "never"}, ("ask", "/latest")),
    ("latest", {"slash": "required"}, ("ask", "latest")),
    ("/nope x", {"slash": "required", "keep_unknown": True}, ("nope", "x")),
    ("  ", {"empty": "help"}, ("help", "")),
])
def test_one_parser_for_every_text_platform(text: str, options: dict[str, object],
                                            expected: tuple[str, str]) -> None:
    assert parse_line(text, ["latest", "help"], **options) == expected  # type: ignore[arg-type]


def test_commands_for_managers_are_typed_only_where_rights_are_known() -> None:
    registry = default_registry()
    assert "subscribe" in registry.typable()
    assert "subscribe" not in registry.typable(native_rights=False)
    assert "feedback" not in registry.typable()  # buttons send it; nobody types it


def test_text_binds_to_the_declared_arguments() -> None:
    registry = default_registry()
    subscribe = registry.command("subscribe")
    assert subscribe is not None
    req = bind(subscribe, Request("t", "subscribe", text="daily 07:30 en tz=Asia/Tokyo truce"))
    assert dict(req.args) == {"mode": "daily", "time": "07:30", "lang": "en",
                              "timezone": "Asia/Tokyo", "keywords": "truce"}
    ask = registry.command("ask")
    assert ask is not None
    assert bind(ask, Request("t", "ask", text=" why? ")).arg("question") == "why?"


def test_typed_values_outside_the_choices_are_refused() -> None:
    subscribe = default_registry().command("subscribe")
    assert subscribe is not None
    with pytest.raises(UserFacingError, match="`hourly` is not a mode"):
        bind(subscribe, Request("t", "subscribe", args=(("mode", "hourly"),)))
    typed = bind(subscribe, Request("t", "subscribe", args=(("mode", "both"), ("time", "09:00"))))
    assert typed.text == "both 09:00"


def test_discord_options_arrive_typed_not_flattened_for_parsing() -> None:
    payload = {"type": 2, "id": "1", "token": "t", "channel_id": "20", "guild_id": "10",
               "channel": {"id": "20", "type": 0},
               "member": {"user": {"id": "42"}, "permissions": "16", "roles": []},
               "data": {"name": "subscribe", "options": [
                   {"name": "keywords", "type": 3, "value": "Istanbul talks"},
                   {"name": "mode", "type": 3, "value": "realtime"}]}}
    req = interaction_request(payload)
    assert req is not None
    assert req.args == (("mode", "realtime"), ("keywords", "Istanbul talks"))


def test_every_platform_reads_the_same_command_list() -> None:
    names = set(default_registry().names)
    for name in names:
        assert parse_command(f"{name} x")[0] == name
        assert loopback_request({"channel": "C", "text": f"/{name} x"}).command == name
        dm = message_request({"id": "1", "type": 0, "content": f"{name} x", "channel_id": "2",
                              "author": {"id": "42"}}, bot_id="1000")
        assert dm is not None and dm.command == name


async def test_dispatch_checks_the_declared_permission() -> None:
    registry = Registry([Command("guarded", echo, DESCRIBED, permission=Permission.MANAGERS)])
    refused = await dispatch(registry, Request("t", "guarded", manager_hint="admins"), None)  # type: ignore[arg-type]
    allowed = await dispatch(registry, Request("t", "guarded", can_manage=True), None)  # type: ignore[arg-type]
    in_dm = await dispatch(registry, Request("t", "guarded", is_dm=True), None)  # type: ignore[arg-type]
    assert refused == Reply("Only admins can guarded this channel.", ephemeral=True)
    assert allowed == in_dm == Reply("guarded:{}")


def test_help_lists_every_command_in_the_askers_language() -> None:
    registry = Registry([
        Command("greet", echo, Text("Greet", "挨拶"),
                (Argument("who", Text("Whom", "誰に"), required=True),
                 Argument("tone", Text("Tone", "口調"),
                          choices=(Choice("warm", Text("warm", "暖かく")),))),
                help=Text("say hello", "挨拶する")),
        Command("hidden", echo, DESCRIBED, listed=False)])
    assert help_text(registry, "en").splitlines()[2:] == ["`greet <who> [warm]` say hello"]
    assert help_text(registry, "ja").splitlines()[2:] == ["`greet <who> [warm]` 挨拶する"]


def test_adapters_read_the_declaration_without_loading_the_handlers() -> None:
    """The registry is cheap for adapters (a bare Slack adapter acks as fast as Bolt):
    importing it pulls in no handler module and no database library."""
    import subprocess
    import sys

    code = ("import sys, handlers.registry; "
            "print(sorted(m for m in sys.modules if m.startswith(('handlers.', 'sqlalchemy'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "['handlers.grammar', 'handlers.registry']"


async def test_a_named_handler_runs_the_function_it_names() -> None:
    from bot.commands import handler_at

    ran = await handler_at("tests.unit.test_command_registry:echo")(
        Request("t", "x", args=(("a", "1"),)), None)  # type: ignore[arg-type]
    assert ran == Reply("x:{'a': '1'}")
    with pytest.raises(ValueError):
        handler_at("no_function_here")


async def test_help_answers_in_the_askers_language() -> None:
    registry = default_registry()
    ja = await dispatch(registry, Request("discord", "help", lang="ja"), None)  # type: ignore[arg-type]
    en = await dispatch(registry, Request("console", "help"), None)  # type: ignore[arg-type]
    assert isinstance(ja, Reply) and "停戦協議" in ja.text and "`since <time>`" in ja.text
    assert isinstance(en, Reply) and en.text.startswith("🕊 **ceasefire-bot** follows")
    assert all(f"`{name}" in en.text for name in registry.names)

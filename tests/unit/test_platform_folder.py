"""A platform is its folder plus one line: config names no platform, and no module outside
``bot/platforms/loopback/`` (the minimal platform) imports it, names its settings or its
table, except the one line in ``PLATFORMS`` that registers it."""

from __future__ import annotations

import ast
import tomllib
from collections.abc import Iterator
from pathlib import Path

from bot.platforms.registry import PLATFORMS, load_settings, sections
from config.settings import Settings, default_toml

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("bot", "handlers", "config")
REGISTRY = Path("bot/platforms/registry.py")


def mentions(tree: ast.AST, platform: str) -> Iterator[tuple[int, str]]:
    """Code (not comments or docstrings) that names ``platform``: an import of its package,
    an identifier containing its name, or a string that is its name (or its table's)."""
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef
                                | ast.AsyncFunctionDef)
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    package = f"bot.platforms.{platform}"
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            names = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        else:
            names = []
        if any(n == package or n.startswith(package + ".") for n in names):
            yield line, f"imports {package}"
        ident = (node.id if isinstance(node, ast.Name) else node.attr
                 if isinstance(node, ast.Attribute) else node.name
                 if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
                 else None)
        if ident is not None and platform in ident.lower():
            yield line, f"names {ident}"
        if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                and id(node) not in docstrings
                and node.value.strip().lower() in (platform, f"[{platform}]")):
            yield line, f"says {node.value!r}"


def outside_mentions(platform: str, root: Path = ROOT) -> list[str]:
    found: list[tuple[str, int, str]] = []
    for source in SOURCES:
        for path in sorted((root / source).rglob("*.py")):
            relative = path.relative_to(root)
            if relative.parts[:3] == ("bot", "platforms", platform):
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            found += [(str(relative), line, what) for line, what in mentions(tree, platform)]
    return [f"{path}:{line}: {what}" for path, line, what in sorted(found)]


def test_only_the_registering_line_names_the_loopback_platform_outside_its_folder() -> None:
    assert outside_mentions("loopback") == [
        f"{REGISTRY}:{registering_line('loopback')}: says 'loopback'"]


def registering_line(platform: str) -> int:
    lines = (ROOT / REGISTRY).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.strip() == f'"{platform}",')


def test_the_check_sees_a_platform_named_outside_its_folder(tmp_path: Path) -> None:
    (tmp_path / "bot" / "platforms" / "echo").mkdir(parents=True)
    (tmp_path / "bot" / "platforms" / "echo" / "settings.py").write_text(
        "class EchoSettings: ...\n", encoding="utf-8")  # inside: allowed
    (tmp_path / "handlers").mkdir()
    (tmp_path / "config").mkdir()
    (tmp_path / "bot" / "cli.py").write_text(
        '"""Talks to echo."""\n'
        "from bot.platforms.echo.settings import EchoSettings\n"
        "url = settings.echo.url\n"
        'table = "[echo]"\n'
        'unrelated = "ip6-echo-host"\n', encoding="utf-8")
    assert outside_mentions("echo", tmp_path) == [
        "bot/cli.py:2: imports bot.platforms.echo",
        "bot/cli.py:3: names echo",
        "bot/cli.py:4: says '[echo]'",
    ]


def test_config_declares_no_platform_table() -> None:
    defaults = tomllib.loads(default_toml().read_text(encoding="utf-8"))
    assert not set(PLATFORMS) & set(defaults)
    assert not set(PLATFORMS) & set(Settings.model_fields)
    assert [s.name for s in sections()] == list(PLATFORMS)


def test_each_platform_table_is_loaded_from_its_own_section_with_its_defaults() -> None:
    settings = load_settings(env={"CEASEFIRE_BOT_LOOPBACK_URL": "http://127.0.0.1:9"})
    assert sorted(settings.platforms) == sorted(PLATFORMS)
    [loopback] = [s for s in sections() if s.name == "loopback"]
    assert settings.section(loopback).url == "http://127.0.0.1:9"

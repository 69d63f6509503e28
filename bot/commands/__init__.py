"""The command registry: what each command is (name, ja/en descriptions, typed arguments,
permission, handler), declared once and read by every platform and by ``dispatch``."""

from bot.commands.parse import parse_line
from bot.commands.registry import Registry
from bot.commands.spec import Argument, Choice, Command, Permission, Text, handler_at

__all__ = ["Argument", "Choice", "Command", "Permission", "Registry", "Text", "handler_at",
           "parse_line"]

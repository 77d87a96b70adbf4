"""Command groups imported only when used: ``--version`` and ``--help`` load none of them."""

from __future__ import annotations

import importlib
from typing import Any

import typer
from typer.core import TyperGroup

# name -> ("module:attribute" of a typer.Typer, one-line summary shown by --help)
LAZY_GROUPS: dict[str, tuple[str, str]] = {
    "room": ("talkctl.cli.room:room_app", "List, show, create and change conversations."),
}


def load_group(name: str) -> Any:
    """The click command of the lazy group ``name``."""
    target, _summary = LAZY_GROUPS[name]
    module_name, attribute = target.split(":")
    sub_app = getattr(importlib.import_module(module_name), attribute)
    command = typer.main.get_command(sub_app)
    command.name = name
    return command


class LazyGroup(TyperGroup):
    """A TyperGroup whose LAZY_GROUPS are built on first use."""

    def list_commands(self, ctx: Any) -> list[str]:
        names = super().list_commands(ctx)
        return names + [name for name in LAZY_GROUPS if name not in names]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = self.commands.get(cmd_name)
        if command is None and cmd_name in LAZY_GROUPS:
            command = load_group(cmd_name)
            self.commands[cmd_name] = command
        return command

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        if args and args[0] in LAZY_GROUPS:
            self.get_command(ctx, args[0])
        return super().resolve_command(ctx, args)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        rows = [(name, cmd.get_short_help_str(80)) for name, cmd in self.commands.items()]
        rows += [
            (name, summary)
            for name, (_t, summary) in LAZY_GROUPS.items()
            if name not in self.commands
        ]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(sorted(rows))

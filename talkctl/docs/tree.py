"""The command tree as plain data: every command, its usage, help and options.

Built from ``typer.main.get_command(app)`` with every lazy group loaded, so the man page, the
README check and the help checks all read the one source ``--help`` reads.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import typer
from typer._click import Context

PROG_NAME = "talkctl"
CLICK_NO_REWRAP = "\b"  # a paragraph starting with it is printed as written


@dataclass
class Param:
    """One option or argument as ``--help`` shows it."""

    names: str
    help: str
    is_argument: bool
    envvars: list[str] = field(default_factory=list)


@dataclass
class Command:
    path: tuple[str, ...]  # ("room", "list"); () is talkctl itself
    usage: str  # "[OPTIONS] CONV..."
    help: str
    params: list[Param]
    is_group: bool
    subcommands: list[str] = field(default_factory=list)
    epilog: str = ""

    @property
    def full_name(self) -> str:
        return " ".join((PROG_NAME, *self.path))

    @property
    def summary(self) -> str:
        """The first paragraph of the help, on one line."""
        return paragraphs(self.help)[0].replace("\n", " ") if self.help.strip() else ""

    @property
    def examples(self) -> list[str]:
        """The command lines of the help's ``Example: ...`` lines and ``Examples:`` blocks."""
        return examples_of(self.help)


def examples_of(text: str) -> list[str]:
    """``Example: CMD`` lines, and the indented lines under an ``Examples:`` line.

    Write several examples as one paragraph opened by click's ``\\b`` marker, so that
    ``--help`` keeps one example per line::

        \\b
        Examples:
          talkctl room list --json
          talkctl room list --unread
    """
    found: list[str] = []
    for block in paragraphs(text):
        lines = block.lstrip(CLICK_NO_REWRAP).strip("\n").splitlines()
        for index, line in enumerate(lines):
            if line.startswith("Example:"):
                found.append(line[len("Example:") :].strip())
            elif line.rstrip() == "Examples:":
                found += [rest.strip() for rest in lines[index + 1 :] if rest.strip()]
                break
    return found


def is_example_block(block: str) -> bool:
    """A paragraph of examples (not prose)."""
    return block.lstrip(CLICK_NO_REWRAP).strip().startswith(("Example:", "Examples:"))


def paragraphs(text: str) -> list[str]:
    """Blank-line separated paragraphs, each stripped; click's ``\\b`` marker is kept."""
    blocks: list[str] = []
    current: list[str] = []
    for line in text.strip("\n").splitlines():
        if line.strip():
            current.append(line.rstrip())
        elif current:
            blocks.append("\n".join(current))
            current = []
    if current:
        blocks.append("\n".join(current))
    return [_dedent(block) for block in blocks]


def _dedent(block: str) -> str:
    lines = block.splitlines()
    indent = min(len(line) - len(line.lstrip()) for line in lines)
    return "\n".join(line[indent:] for line in lines)


def _param(param: Any, ctx: Context) -> Param | None:
    if getattr(param, "hidden", False):
        return None
    record = param.get_help_record(ctx)
    if record is None:
        return None
    names, help_text = record
    envvar = getattr(param, "envvar", None)
    envvars = [envvar] if isinstance(envvar, str) else list(envvar or [])
    return Param(names, help_text, param.param_type_name == "argument", envvars)


def root_command() -> Any:
    from talkctl.cli.app import app

    return typer.main.get_command(app)


def walk(command: Any = None, ctx: Context | None = None) -> Iterator[Command]:
    """Every command of the tree, depth first, in ``--help`` order (the root first)."""
    if command is None:
        command = root_command()
    if ctx is None:
        ctx = Context(command, info_name=PROG_NAME)
    path = tuple(c.info_name or "" for c in _lineage(ctx))[1:]
    params = [p for p in (_param(param, ctx) for param in command.params) if p is not None]
    is_group = hasattr(command, "list_commands")
    names = command.list_commands(ctx) if is_group else []
    yield Command(
        path=path,
        usage=" ".join(command.collect_usage_pieces(ctx)),
        help=command.help or "",
        params=params,
        is_group=is_group,
        subcommands=list(names),
        epilog=command.epilog or "",
    )
    for name in names:
        sub = command.get_command(ctx, name)
        if sub is None or sub.hidden:
            continue
        yield from walk(sub, Context(sub, info_name=name, parent=ctx))


def _lineage(ctx: Context) -> list[Context]:
    chain: list[Context] = []
    current: Context | None = ctx
    while current is not None:
        chain.append(current)
        current = current.parent
    return list(reversed(chain))


def leaf_commands() -> list[Command]:
    """The commands a user runs (groups excluded)."""
    return [command for command in walk() if not command.is_group]

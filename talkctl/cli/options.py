"""Options shared by the commands, declared once."""

from __future__ import annotations

from typing import Annotated

import typer

from talkctl.cli.completion import complete_conversation
from talkctl.cli.context import Factory

ConvsArgument = Annotated[
    list[str] | None,
    typer.Argument(
        help="Conversations: tokens or exact names.",
        metavar="CONV...",
        show_default=False,
        autocompletion=complete_conversation,
    ),
]
StdinOption = Annotated[
    bool,
    typer.Option(
        "--stdin",
        help="Read conversations from stdin: tokens one per line, or the JSON that "
        "'room list' prints.",
    ),
]
DryRunOption = Annotated[
    bool, typer.Option("--dry-run", help="Show what would change; send no changing request.")
]
JobsOption = Annotated[
    int,
    typer.Option(
        "--jobs", min=1, max=32, help="Items (conversations, participant IDs) changed concurrently."
    ),
]
YesOption = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]
PasswordStdinOption = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from the first line of stdin.")
]


def factory_of(ctx: typer.Context) -> Factory:
    root = ctx.find_root()
    factory = root.obj
    assert isinstance(factory, Factory), "the root callback sets the factory"
    return factory


def finish(code: int) -> None:
    """End the command with ``code`` (0: return normally)."""
    if code:
        raise typer.Exit(code)

"""``talkctl apply FILE.toml``: converge every [[conversation]] of a file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from talkctl.cli.options import DryRunOption, factory_of, finish
from talkctl.cli.output import FormatOption, JsonOption, choose_format

apply_app = typer.Typer(rich_markup_mode=None)


@apply_app.command("apply")
def apply(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(help="TOML file of [[conversation]] tables.", metavar="FILE.toml")
    ],
    dry_run: DryRunOption = False,
    json_: JsonOption = False,
    fmt: FormatOption = None,
) -> None:
    """Create and update conversations to match a TOML file (idempotent).

    Each [[conversation]] table takes: name, type ("group" | "public"), description,
    read_only, password_env (the NAME of an environment variable holding the password),
    rotate_password, favorite, notify ("default" | "always" | "mention" | "never").
    Conversations missing from the file are never touched. The whole file is checked
    before the first request: every problem is listed with its line, exit 2, nothing
    changed. --dry-run prints the plan (create / update field a -> b / unchanged).

    \b
    Examples:
      talkctl apply rooms.toml --dry-run
      TOWNHALL_PW=... talkctl apply rooms.toml --json
    """
    from talkctl.cli.converging import converge
    from talkctl.declarative.applyfile import ApplyFileError, load

    factory = factory_of(ctx)
    output = choose_format(json_, fmt)
    try:
        wishes = load(file, factory.environment.env)
    except ApplyFileError as exc:
        for problem in exc.problems:
            factory.environment.message(problem)
        raise
    finish(converge(factory, wishes, dry_run=dry_run, fmt=output, single=False))

"""``room ensure``: create a conversation if missing, then change only what differs."""

from __future__ import annotations

from typing import Annotated

import typer

from talkctl.cli.completion import complete_choices
from talkctl.cli.options import (
    DryRunOption,
    PasswordStdinOption,
    YesOption,
    factory_of,
    finish,
)
from talkctl.cli.output import FormatOption, JsonOption, choose_format
from talkctl.cli.room.setting_options import SettingTexts, setting_flags
from talkctl.errors import UsageError


@setting_flags("ensure")
def ensure(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The conversation's exact name.")],
    type_: Annotated[
        str | None,
        typer.Option(
            "--type",
            help="group or public (default: as it is; group if created).",
            metavar="TYPE",
            autocompletion=complete_choices("group", "public"),
        ),
    ] = None,
    flags: SettingTexts = None,  # one flag per setting of the table
    password_stdin: PasswordStdinOption = False,
    rotate_password: Annotated[
        bool,
        typer.Option(
            "--rotate-password", help="Re-set the password even if the conversation has one."
        ),
    ] = False,
    favorite: Annotated[
        bool | None,
        typer.Option(
            "--favorite/--no-favorite", help="Mark or unmark as favorite.", show_default=False
        ),
    ] = None,
    yes: YesOption = False,
    dry_run: DryRunOption = False,
    json_: JsonOption = False,
    fmt: FormatOption = None,
) -> None:
    """Make sure a conversation exists with these settings (idempotent).

    Creates the conversation if none of that exact name exists (several: exit 8), then
    changes only what differs and reports 'created', 'updated' with each field's change, or
    'unchanged'. A second run sends no changing request. A password cannot be read back: it
    is set when the conversation is created or has none, and re-set only with
    --rotate-password. --json prints one result record. --type group on a public conversation
    unpublishes it, and the server removes its e-mail invitees: they are named, and losing
    any needs --yes.

    \b
    Examples:
      talkctl room ensure "Team chat" --description "Daily sync" --favorite --notify mention
      printf '%s\\n' "$PW" | talkctl room ensure "Town hall" --type public --password-stdin
      talkctl room ensure "Announcements" --read-only on --listable users --dry-run
      talkctl room ensure "Class 6a" --lobby off --message-expiration 4w --archived off
    """
    from talkctl.cli.prompts import password_from_stdin
    from talkctl.cli.room.ensure_run import converge
    from talkctl.declarative.converge import (
        CONVERGEABLE_TYPES,
        TRIMS,
        Wanted,
        relative_time_problem,
        stored_name,
    )
    from talkctl.settings import parse_flags

    factory = factory_of(ctx)
    output = choose_format(json_, fmt)
    if type_ is not None and type_ not in CONVERGEABLE_TYPES:
        raise UsageError(f"--type must be group or public, not {type_!r}")
    lobby = (flags or {}).get("lobby")
    if (relative := relative_time_problem("lobby", lobby, "on or off")) is not None:
        raise UsageError(f"--{relative}")
    favorite_text = None if favorite is None else ("on" if favorite else "off")
    settings = parse_flags({**(flags or {}), "favorite": favorite_text})
    if rotate_password and not password_stdin:
        raise UsageError("--rotate-password needs --password-stdin")
    if password_stdin and type_ == "group":
        raise UsageError(
            "--password-stdin needs --type public (a group conversation cannot have a password)"
        )
    password = password_from_stdin(factory.environment) if password_stdin else None
    if (stored := stored_name(name)) != name and stored:
        factory.environment.message(f"note: {name!r} is compared as {stored!r}: {TRIMS}")
    wanted = Wanted(
        name=stored,
        type=CONVERGEABLE_TYPES[type_] if type_ is not None else None,
        password=password,
        rotate_password=rotate_password,
        settings=settings,
    )
    problems = wanted.problems()
    if problems:
        raise UsageError("; ".join(problems))
    finish(converge(factory, [wanted], dry_run=dry_run, fmt=output, single=True, yes=yes))

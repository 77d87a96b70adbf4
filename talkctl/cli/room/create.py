"""``room create``: a conversation with its settings and invitees in one go."""

from __future__ import annotations

from typing import Annotated

import typer

from talkctl.cli.completion import complete_choices
from talkctl.cli.options import DryRunOption, PasswordStdinOption, YesOption, factory_of, finish
from talkctl.cli.output import FormatOption, JsonOption, choose_format
from talkctl.cli.room.setting_options import SettingTexts, setting_flags


@setting_flags("create")
def create(
    ctx: typer.Context,
    name: Annotated[
        str | None, typer.Argument(help="Name of the new conversation.", metavar="NAME")
    ] = None,
    type_: Annotated[
        str,
        typer.Option(
            "--type",
            help="group, public or one-to-one.",
            metavar="TYPE",
            autocompletion=complete_choices("group", "public", "one-to-one"),
        ),
    ] = "group",
    flags: SettingTexts = None,  # one flag per setting of the table
    invite: Annotated[
        list[str] | None,
        typer.Option(
            "--invite",
            help="Who to add (repeatable): user ids unless --source says otherwise; the other "
            "user of a one-to-one.",
            metavar="ID",
        ),
    ] = None,
    source: Annotated[
        str | None,
        typer.Option(
            "--source",
            help="What --invite names: users (default), groups, emails, teams, federated.",
            metavar="KIND",
            autocompletion=complete_choices("users", "groups", "emails", "teams", "federated"),
        ),
    ] = None,
    password_stdin: PasswordStdinOption = False,
    favorite: Annotated[
        bool, typer.Option("--favorite", help="Mark it as your favorite (after creating).")
    ] = False,
    yes: YesOption = False,
    dry_run: DryRunOption = False,
    json_: JsonOption = False,
    fmt: FormatOption = None,
) -> None:
    """Create a conversation, with its settings and invitees.

    Group and public conversations need a NAME; a one-to-one takes --type one-to-one and the
    other user's id in --invite (if it already exists, you get the existing one). On Talk
    21.1+ everything goes with one request; elsewhere each setting follows the create, and if
    one fails the half-made conversation is deleted again (exit: that step's code). Invitees
    who cannot be added are listed (exit 3); the conversation is kept. --favorite and
    --notify are yours: their failure is reported, nothing is undone.

    \b
    Examples:
      talkctl room create "Team chat" --invite alice --invite bob --description "Daily sync"
      talkctl room create "Staff" --invite staff --source groups --read-only on
      talkctl room create --type one-to-one --invite alice
      printf '%s\\n' "$PW" | talkctl room create "Town hall" --type public --password-stdin
    """
    from talkctl.cli.engine.locks import creating_lock
    from talkctl.cli.room.create_run import CreateRequest, run_create

    request = CreateRequest(
        name=name,
        type_=type_,
        texts={**(flags or {}), "favorite": "on" if favorite else None},
        invite=list(dict.fromkeys(invite or [])),  # the same invitee twice is invited once
        source=source,
        password_stdin=password_stdin,
        yes=yes,
    )
    factory = factory_of(ctx)
    with creating_lock(factory, dry_run=dry_run):  # one run at a time sees what exists
        code = run_create(factory, request, dry_run=dry_run, fmt=choose_format(json_, fmt))
    finish(code)

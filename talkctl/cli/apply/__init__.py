"""``talkctl apply FILE.toml``: converge every [[conversation]] of a file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from talkctl.cli.options import DryRunOption, JobsOption, YesOption, factory_of, finish
from talkctl.cli.output import FormatOption, JsonOption, choose_format
from talkctl.settings import SETTINGS


def apply(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(help="TOML file of [[conversation]] tables.", metavar="FILE.toml")
    ],
    dry_run: DryRunOption = False,
    json_: JsonOption = False,
    fmt: FormatOption = None,
    jobs: JobsOption = 4,
    yes: YesOption = False,
) -> None:
    """Create and update conversations, settings and members to match a TOML file.

    A [defaults] table gives settings for every conversation. Each [[conversation]] takes:
    name, token (matched before the name), type ("group" | "public"), every setting
    ({settings}), password_env (the NAME of an environment variable holding the password),
    rotate_password, participants = {users, groups, teams, federated_users, emails},
    moderators, bots (ids or exact names of the bots enabled there) and exclusive (remove
    participants, disable bots the file does not declare). A
    [conversation.participant_permissions] table gives participants their own permissions
    (alice = "chat"; user ids, invitees' e-mail addresses), set after the default: a new
    default_permissions resets everyone's own, so the plan says "resets N participants' own
    permissions" for those the file does not set again, and such a run needs --yes.
    type = "group" on a public conversation unpublishes it, and the server then removes its
    e-mail invitees: the plan names them and a run that loses any needs --yes.
    Conversations missing from the file are never touched. The whole file is checked
    before the first request: every problem is listed with its line, exit 2, nothing
    changed. --dry-run prints the plan (create / update field a -> b, + alice, - bob,
    moderator + alice / unchanged). Idempotent: a second run changes nothing.

    \b
    Examples:
      talkctl apply rooms.toml --dry-run
      CLASS6A_PASSWORD=... talkctl apply rooms.toml --json
    """
    from talkctl.cli.apply.membership_io import ClientMembershipIO
    from talkctl.cli.apply.render import render
    from talkctl.cli.apply.run import apply_entries, asks_first
    from talkctl.cli.engine.locks import creating_lock
    from talkctl.declarative.applyfile import ApplyFileError, load

    factory = factory_of(ctx)
    output = choose_format(json_, fmt)
    try:
        entries = load(file, factory.environment.env)
    except ApplyFileError as exc:
        for problem in exc.problems:
            factory.environment.message(problem)
        raise
    # participants are read for membership, to name the e-mail invitees unpublishing
    # (type = "group") removes, and for own permissions (a new default resets them)
    needs_members = any(
        not entry.membership.empty
        or entry.type == "group"
        or entry.permissions is not None
        or "default_permissions" in entry.settings
        for entry in entries
    )
    io = ClientMembershipIO(factory.client) if needs_members else None
    bot_io = None
    if any(entry.bots is not None for entry in entries):
        from talkctl.api.bots import BotsApi

        bot_io = BotsApi(factory.client)
    with creating_lock(factory, dry_run=dry_run):  # two runs at once would create twice
        results = apply_entries(
            factory, entries, io, dry_run=dry_run, jobs=jobs, yes=yes, bot_io=bot_io
        )
    render(factory.environment, output, results)
    if dry_run and not yes and (reasons := asks_first(results.records)):
        factory.environment.message(
            f"the real run asks first, and needs --yes where nobody can answer: "
            f"{'; '.join(reasons)}"
        )
    finish(results.exit_code)


# the keys of the settings table, as an apply file writes them (str.replace: the rest of the
# help holds braces of its own)
apply.__doc__ = (apply.__doc__ or "").replace("{settings}", ", ".join(s.key for s in SETTINGS))

"""``participant add``, ``remove``, ``promote`` and ``demote``: one small function per verb."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import typer

from talkctl.api.errors import ApiError
from talkctl.api.models import ConversationType
from talkctl.api.participants import KINDS
from talkctl.cli.options import DryRunOption, YesOption, factory_of, finish
from talkctl.cli.output import FormatOption, JsonOption, choose_format
from talkctl.cli.participant import participant_app
from talkctl.cli.participant.cache import complete_participant
from talkctl.cli.participant.listing import ConvArgument
from talkctl.cli.participant.resolve import kind_of
from talkctl.cli.participant.run import (
    Decide,
    Item,
    Run,
    open_run,
    read_ids,
    render,
    run_items,
)
from talkctl.errors import UsageError

IdsArgument = Annotated[
    list[str] | None,
    typer.Argument(
        help="User ids (group, e-mail, team or federated ids with the kind flag), exact "
        "display names, or attendee:ID.",
        metavar="ID...",
        show_default=False,
        autocompletion=complete_participant,
    ),
]
GroupOption = Annotated[bool, typer.Option("--group", help="The IDs are groups.")]
EmailOption = Annotated[
    bool, typer.Option("--email", help="The IDs are e-mail addresses (guests invited by mail).")
]
TeamOption = Annotated[
    bool, typer.Option("--team", "--circle", help="The IDs are teams (circles; --circle too).")
]
FederatedOption = Annotated[
    bool, typer.Option("--federated", help="The IDs are federated users (user@server).")
]
StdinIdsOption = Annotated[bool, typer.Option("--stdin", help="Read IDs from stdin, one a line.")]


def _confirm(run: Run, question: str, refusal: str, yes: bool, dry_run: bool) -> None:
    """Ask on a terminal; refuse without --yes when stdin is not one (exit 2)."""
    if yes or dry_run:
        return
    from talkctl.cli.prompts import confirm

    environment = run.factory.environment
    if not environment.stdin_isatty:
        raise UsageError(f"{refusal} without --yes (stdin is not a terminal)")
    if not confirm(environment, question):
        raise UsageError("not confirmed: nothing was changed")


def _run(
    ctx: typer.Context,
    conv: str,
    ids: list[str] | None,
    stdin: bool,
    verb: str,
    decide: Decide,
    *,
    kind: str,
    json_: bool,
    fmt: str | None,
    dry_run: bool,
    yes: bool = False,
) -> None:
    factory = factory_of(ctx)
    output = choose_format(json_, fmt)
    if verb == "add":
        from talkctl.api.participants import source_for

        source_for(factory.client.capabilities, kind)  # exit 6 before anything is read
    refs, bulk = read_ids(factory, ids or [], stdin)
    run = open_run(factory, conv)
    if verb == "remove":
        what = refs[0] if len(refs) == 1 else f"{len(refs)} participants"
        _confirm(run, f"Remove {what} from {run.target.label}?", "refusing to remove", yes, dry_run)
    if verb == "add" and kind == "email" and run.target.type == ConversationType.GROUP:
        run.factory.environment.message(
            f"inviting an e-mail address makes {run.target.label} a public conversation "
            "(anybody with the link can join)"
        )
        _confirm(run, "Invite and make it public?", "refusing to make it public", yes, dry_run)
    items = run_items(run, refs, decide, _explain(verb, kind), dry_run=dry_run)
    finish(render(run, items, bulk=bulk, fmt=output))


def _explain(verb: str, kind: str) -> Callable[[Run, Item, ApiError], str | None]:
    """The server's refusals of ``verb``, each said as a sentence."""

    def explain(run: Run, item: Item, exc: ApiError) -> str | None:
        conv, who, p = run.target.label, item.who, item.participant
        status, error = exc.status, exc.error
        if status == 403 and (error == "owner" or (p is not None and p.role == "owner")):
            return f"the server refuses: {who} owns {conv}, and the owner cannot be {verb}d"
        if status == 400 and error == "last-moderator":
            return f"the server refuses: {who} is the last moderator of {conv}"
        if status == 400 and (error == "room-type" or run.one_to_one):
            return (
                f"{conv} is a one-to-one conversation: participants cannot be {verb}d there; "
                "create a group conversation for more people (talkctl room create NAME)"
            )
        if status == 403 and verb == "demote" and p is not None and run.is_me(p):
            return "the server refuses: you cannot demote yourself, ask another moderator"
        if status == 403:
            return f"only moderators can change the participants of {conv}"
        if status == 404 and verb == "add":
            return f"no {KINDS[kind].label} {item.input!r} exists on the server"
        if status == 404:
            return f"{who} is no longer in {conv} (or the conversation is gone)"
        if status == 400 and verb in ("promote", "demote"):
            return f"the server refuses to {verb} {who}: only users and guests can be moderators"
        return None

    return explain


@participant_app.command("add")
def add(
    ctx: typer.Context,
    conv: ConvArgument,
    ids: IdsArgument = None,
    group: GroupOption = False,
    email: EmailOption = False,
    team: TeamOption = False,
    federated: FederatedOption = False,
    yes: YesOption = False,
    stdin: StdinIdsOption = False,
    dry_run: DryRunOption = False,
    json_: JsonOption = False,
    fmt: FormatOption = None,
) -> None:
    """Add users, groups, e-mail invitees, teams or federated users to a conversation.

    Someone already in it is reported unchanged. Inviting an e-mail address makes a group
    conversation public (the server does that): talkctl says so and needs --yes when stdin is
    not a terminal. A one-to-one conversation takes no participants: create a group one.

    \b
    Example: talkctl participant add "Team chat" alice bob
    Example: talkctl participant add "Team chat" staff --group
    """
    kind = kind_of(group, email, team, federated)

    def decide(run: Run, ref: str) -> Item:
        found = run.index.find(ref, kind)
        if found is not None:
            return Item(ref, run.target, "unchanged", found, note="already in")
        item = Item(ref, run.target, "add")

        def send() -> str | None:
            new_type = run.api.add(run.target.token, ref, kind)
            return "the conversation is public now" if new_type == 3 else None

        item.send = send
        return item

    _run(ctx, conv, ids, stdin, "add", decide, kind=kind, json_=json_, fmt=fmt,
         dry_run=dry_run, yes=yes)  # fmt: skip


@participant_app.command("remove")
def remove(
    ctx: typer.Context,
    conv: ConvArgument,
    ids: IdsArgument = None,
    group: GroupOption = False,
    email: EmailOption = False,
    team: TeamOption = False,
    federated: FederatedOption = False,
    yes: YesOption = False,
    stdin: StdinIdsOption = False,
    dry_run: DryRunOption = False,
    json_: JsonOption = False,
    fmt: FormatOption = None,
) -> None:
    """Remove participants from a conversation (moderators only).

    Asks for confirmation on a terminal; refuses without --yes otherwise. Removing a group
    leaves its members in (as Talk does). To remove yourself, use 'talkctl room leave'.

    \b
    Example: talkctl participant remove "Team chat" bob --yes
    Example: talkctl participant remove "Team chat" attendee:12 --yes
    """
    kind = kind_of(group, email, team, federated)

    def decide(run: Run, ref: str) -> Item:
        found = run.index.get(ref, kind)
        if run.is_me(found):
            raise UsageError(
                f"{ref!r} is you: use 'talkctl room leave {run.target.token}' to leave "
                f"{run.target.label}"
            )
        item = Item(ref, run.target, "remove", found)
        item.send = lambda: run.api.remove(run.target.token, found)
        return item

    _run(ctx, conv, ids, stdin, "remove", decide, kind=kind, json_=json_, fmt=fmt,
         dry_run=dry_run, yes=yes)  # fmt: skip


@participant_app.command("promote")
def promote(
    ctx: typer.Context,
    conv: ConvArgument,
    ids: IdsArgument = None,
    group: GroupOption = False,
    email: EmailOption = False,
    team: TeamOption = False,
    federated: FederatedOption = False,
    stdin: StdinIdsOption = False,
    dry_run: DryRunOption = False,
    json_: JsonOption = False,
    fmt: FormatOption = None,
) -> None:
    """Make participants moderators (moderators only).

    Users and guests (e-mail invitees) can be promoted; a moderator already is one
    (unchanged).

    Example: talkctl participant promote "Team chat" alice
    """
    kind = kind_of(group, email, team, federated)

    def decide(run: Run, ref: str) -> Item:
        found = run.index.get(ref, kind)
        if found.is_moderator:
            return Item(ref, run.target, "unchanged", found, note=f"already {found.role}")
        item = Item(ref, run.target, "promote", found)
        item.send = lambda: run.api.promote(run.target.token, found)
        return item

    _run(ctx, conv, ids, stdin, "promote", decide, kind=kind, json_=json_, fmt=fmt,
         dry_run=dry_run)  # fmt: skip


@participant_app.command("demote")
def demote(
    ctx: typer.Context,
    conv: ConvArgument,
    ids: IdsArgument = None,
    group: GroupOption = False,
    email: EmailOption = False,
    team: TeamOption = False,
    federated: FederatedOption = False,
    stdin: StdinIdsOption = False,
    dry_run: DryRunOption = False,
    json_: JsonOption = False,
    fmt: FormatOption = None,
) -> None:
    """Make moderators plain participants again (moderators only).

    Someone who is no moderator is reported unchanged; the server refuses to demote the
    owner or yourself.

    Example: talkctl participant demote "Team chat" alice
    """
    kind = kind_of(group, email, team, federated)

    def decide(run: Run, ref: str) -> Item:
        found = run.index.get(ref, kind)
        if not found.is_moderator:
            return Item(ref, run.target, "unchanged", found, note="no moderator")
        item = Item(ref, run.target, "demote", found)
        item.send = lambda: run.api.demote(run.target.token, found)
        return item

    _run(ctx, conv, ids, stdin, "demote", decide, kind=kind, json_=json_, fmt=fmt,
         dry_run=dry_run)  # fmt: skip

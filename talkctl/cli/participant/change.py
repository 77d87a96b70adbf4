"""``participant add``, ``remove``, ``promote`` and ``demote``: one small function per verb."""

from __future__ import annotations

from typing import Annotated

import typer

from talkctl.api.models import ConversationType
from talkctl.cli.engine.jobs import Job
from talkctl.cli.engine.operation import report
from talkctl.cli.options import ChangeOptions, YesOption, factory_of, finish, member_verb
from talkctl.cli.participant.cache import complete_participant
from talkctl.cli.participant.listing import ConvArgument
from talkctl.cli.participant.plans import PLANS
from talkctl.cli.participant.resolve import kind_of
from talkctl.cli.participant.run import Run, open_run, operation, read_ids
from talkctl.declarative.addresses import check_addresses
from talkctl.errors import UsageError

IdsArgument = Annotated[
    list[str] | None,
    typer.Argument(
        help="User ids (group, e-mail, team or federated ids with the kind flag) or "
        "attendee:ID; display names select nobody.",
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


def _ask(run: Run, question: str, refusal: str, names: list[str], stdin: bool) -> None:
    """Ask on a terminal, naming the participants; refuse when nobody can answer (exit 2)."""
    from talkctl.cli.prompts import confirm, first_lines

    environment = run.factory.environment
    if stdin or not environment.stdin_isatty:
        why = "stdin held the IDs" if environment.stdin_isatty else "stdin is not a terminal"
        raise UsageError(f"{refusal} without --yes ({why})")
    if len(names) > 1:
        environment.message(first_lines([f"  {name}" for name in names]))
    if not confirm(environment, question):
        raise UsageError("not confirmed: nothing was changed")


def _confirm(run: Run, verb: str, jobs: list[Job], yes: bool, stdin: bool) -> None:
    """Before anything is sent: remove asks; an e-mail invitee on a group conversation makes
    it public (said even in a dry run, asked unless --yes)."""
    names = [j.record.member or "" for j in jobs if j.record.ok and j.record.action == verb]
    if not names:
        return
    conv = run.target.label
    public = verb == "add" and run.kind == "email" and run.target.type == ConversationType.GROUP
    if public:
        run.factory.environment.message(
            f"inviting an e-mail address makes {conv} a public conversation "
            "(anybody with the link can join)"
        )
    if yes or run.dry_run:
        return
    if public:
        _ask(run, "Invite and make it public?", "refusing to make it public", names, stdin)
    if verb == "remove":
        who = names[0] if len(names) == 1 else f"these {len(names)} participants"
        _ask(run, f"Remove {who} from {conv}?", "refusing to remove", names, stdin)


def _run(
    ctx: typer.Context,
    verb: str,
    conv: str,
    ids: list[str] | None,
    kinds: tuple[bool, bool, bool, bool],
    options: ChangeOptions,
    yes: bool = False,
) -> None:
    """A verb's whole run: gate, read the IDs and the one listing, plan every ID, confirm
    (naming who: the planned records), send, render, exit with the first failed ID's code."""
    stdin, dry_run, jobs = options.stdin, options.dry_run, options.jobs
    factory = factory_of(ctx)
    output = options.output
    kind = kind_of(*kinds)
    if verb == "add":
        from talkctl.api.participants import source_for

        source_for(factory.client.capabilities, kind)  # exit 6 before anything is read
    refs, bulk = read_ids(factory, ids or [], stdin)
    if verb == "add":  # the server invites any text by e-mail: check before sending (exit 2)
        check_addresses(kind, refs)
    # inviting by e-mail turns a group conversation public: decide that on its type as the
    # server has it now (one listing), not as the completion cache last saw it
    by_mail = verb == "add" and kind == "email"
    run = open_run(factory, conv, kind, dry_run, need_state=by_mail)
    change = operation(run, verb, PLANS[verb])
    planned = change.planned(refs)
    _confirm(run, verb, [job for _, job in planned], yes, stdin)
    environment = factory.environment
    results = change.send(environment, planned, workers=jobs, single=not bulk)
    finish(report(environment, results, output))


@member_verb
def add(
    ctx: typer.Context,
    conv: ConvArgument,
    ids: IdsArgument = None,
    group: GroupOption = False,
    email: EmailOption = False,
    team: TeamOption = False,
    federated: FederatedOption = False,
    yes: YesOption = False,
    *,
    options: ChangeOptions,
) -> None:
    """Add users, groups, e-mail invitees, teams or federated users to a conversation.

    Someone already in it is reported unchanged. Inviting an e-mail address makes a group
    conversation public (the server does that): talkctl says so and needs --yes when stdin is
    not a terminal. A one-to-one conversation takes no participants: create a group one.

    \b
    Example: talkctl participant add "Team chat" alice bob
    Example: talkctl participant add "Team chat" staff --group
    """
    kinds = (group, email, team, federated)
    _run(ctx, "add", conv, ids, kinds, options, yes)


@member_verb
def remove(
    ctx: typer.Context,
    conv: ConvArgument,
    ids: IdsArgument = None,
    group: GroupOption = False,
    email: EmailOption = False,
    team: TeamOption = False,
    federated: FederatedOption = False,
    yes: YesOption = False,
    *,
    options: ChangeOptions,
) -> None:
    """Remove participants from a conversation (moderators only).

    Asks for confirmation on a terminal; refuses without --yes otherwise. Removing a group
    leaves its members in (as Talk does). To remove yourself, use 'talkctl room leave'.

    \b
    Example: talkctl participant remove "Team chat" bob --yes
    Example: talkctl participant remove "Team chat" attendee:12 --yes
    """
    kinds = (group, email, team, federated)
    _run(ctx, "remove", conv, ids, kinds, options, yes)


@member_verb
def promote(
    ctx: typer.Context,
    conv: ConvArgument,
    ids: IdsArgument = None,
    group: GroupOption = False,
    email: EmailOption = False,
    team: TeamOption = False,
    federated: FederatedOption = False,
    *,
    options: ChangeOptions,
) -> None:
    """Make participants moderators (moderators only).

    Users and guests (e-mail invitees) can be promoted; a moderator already is one
    (unchanged).

    Example: talkctl participant promote "Team chat" alice
    """
    kinds = (group, email, team, federated)
    _run(ctx, "promote", conv, ids, kinds, options)


@member_verb
def demote(
    ctx: typer.Context,
    conv: ConvArgument,
    ids: IdsArgument = None,
    group: GroupOption = False,
    email: EmailOption = False,
    team: TeamOption = False,
    federated: FederatedOption = False,
    *,
    options: ChangeOptions,
) -> None:
    """Make moderators plain participants again (moderators only).

    Someone who is no moderator is reported unchanged; the server refuses to demote the
    owner or yourself.

    Example: talkctl participant demote "Team chat" alice
    """
    kinds = (group, email, team, federated)
    _run(ctx, "demote", conv, ids, kinds, options)

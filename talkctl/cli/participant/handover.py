"""``participant hand-over``: when a person leaves, another takes over their conversations.

One result record per conversation, on the one engine (cli/engine/: ``--jobs``, progress,
Ctrl-C / SIGTERM / SIGHUP → the rest "not sent"). Every conversation is decided before
anything is sent, from the room listing (its type, whether it is bound to an object, your
role) and one participant listing of its own (read while resolving, several at a time):
where --from is owner or moderator and you moderate it, --to is added when missing and
promoted, and with --remove --from is removed. Both are user ids (never display names,
never attendee:N — those differ per conversation).

Skipped with a reason (not a failure, exit 0, in a dry run as in the real run): one-to-one,
note-to-self and changelog conversations, those bound to an object (Talk manages their
participants), those you do not moderate, and those where --from is no moderator (or not in
it). Never removes you (exit 2 before anything is sent) nor the owner (Talk refuses; the
record says so): the owner role cannot be moved over the API on Talk 22 — an administrator
moves it with ``occ talk:user:transfer-ownership``. Since --to is a moderator before --from
is removed, --from is never the last one. A second run changes nothing.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Annotated

import typer

from talkctl.api.errors import ApiError
from talkctl.api.kinds import MODERATOR_TYPES, OWNER
from talkctl.api.models import Conversation, ConversationType
from talkctl.api.participants import Participant, ParticipantsApi
from talkctl.cli.context import Environment, Factory
from talkctl.cli.engine.jobs import Job, failed, signals_stop_the_run
from talkctl.cli.engine.operation import Operation, report
from talkctl.cli.engine.targets import resolve_all
from talkctl.cli.errors import error_line, in_lobby
from talkctl.cli.options import (
    ConvsArgument,
    DryRunOption,
    JobsOption,
    YesOption,
    factory_of,
    finish,
)
from talkctl.cli.output import FormatOption, JsonOption, choose_format
from talkctl.cli.participant.resolve import ATTENDEE_PREFIX, DisplayNameIsNoId, ParticipantIndex
from talkctl.cli.results import Record
from talkctl.errors import InContext, NotFound, TalkctlError, UsageError
from talkctl.resolve import Target
from talkctl.settings import FieldChange

READERS = 4  # participant listings read at a time while planning (--jobs more: that many)
ACTION = "hand-over"  # its words: one row of cli/results.py:ACTIONS
UNMANAGED: dict[int, str] = {
    ConversationType.ONE_TO_ONE: "a one-to-one conversation",
    ConversationType.FORMER_ONE_TO_ONE: "a former one-to-one conversation",
    ConversationType.NOTE_TO_SELF: "a note-to-self conversation",
    ConversationType.CHANGELOG: "the changelog conversation",
}
OWNER_STAYS = (
    "{who} stays owner: Talk 22's API cannot move the owner role; an administrator can, "
    "with occ talk:user:transfer-ownership"
)

Listed = tuple[Target, list[Participant]]  # a conversation to plan, with its participants

AllOption = Annotated[
    bool,
    typer.Option("--all", help="Every conversation you are in (those you cannot act in: skipped)."),
]


def _user_id(option: str, value: str) -> str:
    """A user id as given (exit 2 for an empty one, control characters or attendee:N)."""
    if not value.strip():
        raise UsageError(f"{option} must name a user id")
    if not value.isprintable():  # Nextcloud user ids are letters, digits and " _.@-'"
        raise UsageError(f"{option} {value!r}: a user id has no control characters")
    if value.startswith(ATTENDEE_PREFIX):
        raise UsageError(
            f"{option} {value!r}: hand-over names people by user id; an attendee id belongs "
            "to one conversation"
        )
    return value


def _skip_reason(conversation: Conversation) -> str | None:
    """Why the room listing alone shows nothing can be handed over here (None: read on)."""
    if conversation.type in UNMANAGED:
        return f"{UNMANAGED[conversation.type]} (it has no moderators to hand over)"
    if conversation.object_type:
        bound = f"{conversation.object_type} {conversation.raw.get('objectId', '')}".strip()
        return f"bound to an object ({bound}): Talk manages its participants with it"
    if conversation.participant_type not in MODERATOR_TYPES:
        return "you do not moderate it"
    return None


def _read(api: ParticipantsApi, target: Target) -> list[Participant]:
    """The participants of one conversation; 404 → not found (3), 412 → the lobby (6)."""
    try:
        return api.list(target.token)
    except ApiError as exc:
        if exc.status == 404:
            raise InContext(
                f"conversation {target.label} not found (or you are not a participant)", exc
            ) from exc
        if exc.status == 412:
            raise in_lobby(target.label, exc) from exc
        raise


class Handover:
    """One run: who hands over to whom, and how; plans one conversation at a time."""

    def __init__(
        self, factory: Factory, from_: str, to: str, *, remove: bool, dry_run: bool
    ) -> None:
        self.factory = factory
        self.api = ParticipantsApi(factory.client)
        self.from_, self.to = from_, to
        self.remove, self.dry_run = remove, dry_run

    def record(self, target: Target, action: str | None, **fields: object) -> Record:
        record = Record(target.ref, target.token, target.name or None, action, dry_run=self.dry_run)
        for key, value in fields.items():
            setattr(record, key, value)
        return record

    def failed(self, target: Target, exc: TalkctlError) -> Record:
        return failed(self.record(target, None), exc)

    def plan(self, listed: Listed) -> Job:
        """The job of one conversation, from its participant listing."""
        target, people = listed
        index = ParticipantIndex(people, target.label)
        try:
            giver: Participant | None = index.get(self.from_, "user")
        except DisplayNameIsNoId as exc:  # a display name selects nobody (exit 3)
            return Job(self.failed(target, exc))
        except NotFound:
            giver = None
        taker = index.find(self.to, "user")  # the id to add, whoever is called so
        if giver is None or not giver.is_moderator:
            where = "no moderator of it" if giver is not None else "not in it"
            return Job(self.record(target, "skip", skipped=f"{self.from_} is {where}"))
        changes: list[FieldChange] = []
        if taker is None:
            changes.append(FieldChange("participants", None, self.to))
        if taker is None or not taker.is_moderator:
            changes.append(FieldChange("moderators", None, self.to))
        owner = giver.participant_type == OWNER
        notes = [OWNER_STAYS.format(who=self.from_)] if owner else []
        removing = self.remove and not owner
        if removing:
            changes.append(FieldChange("participants", self.from_, None))
        note = "; ".join(notes) or None
        if not changes:
            already = f"{self.to} moderates it already"
            return Job(self.record(target, "unchanged", note="; ".join([already, *notes])))
        record = self.record(target, ACTION, changes=changes, note=note)
        if self.dry_run:
            return Job(record)
        done: list[str] = []

        def send() -> Record:
            found = taker
            if found is None:
                self.api.add(target.token, self.to, "user")
                done.append(f"added {self.to}")
                found = next(
                    (p for p in self.api.list(target.token) if p.actor_type == "users"
                     and p.actor_id == self.to),
                    None,
                )  # fmt: skip
                if found is None:
                    raise NotFound(f"user in {target.label} after adding", self.to)
            if not found.is_moderator:
                self.api.promote(target.token, found)
                done.append(f"promoted {self.to}")
            if removing and giver is not None:
                self.api.remove(target.token, giver)
            return record

        return Job(record, send, lambda exc: self.explain(exc, target, done))

    def explain(self, exc: BaseException, target: Target, done: list[str]) -> str | None:
        """The server's refusal in words, and what this conversation got before it."""
        text: str | None = None
        if isinstance(exc, ApiError):
            if exc.status == 404 and not done:
                text = f"no user {self.to!r} exists on the server (or {target.label} is gone)"
            elif exc.status == 403:
                text = f"only moderators can change the participants of {target.label}"
            elif exc.status == 400 and exc.error == "last-moderator":
                text = f"the server refuses: {self.from_} is the last moderator of {target.label}"
        if text is None:
            text = error_line(exc)
        return f"{text} (done before: {', '.join(done)})" if done else text


def _conversations(factory: Factory, refs: list[str], all_: bool) -> list[Target | Record]:
    """The conversations: each CONV (not found: a failed record), or all of yours."""
    if all_:
        return [
            Target(c.token, c.token, c.display_name, c.type, c) for c in factory.resolver.listing()
        ]
    return resolve_all(factory, refs, need_state=True)  # cannot list: fails as a whole


def with_listings(
    run: Handover, conversations: list[Target | Record], workers: int
) -> list[Listed | Record]:
    """Each conversation with its participant listing (at least ``READERS`` read at a time),
    or its record: skipped by the room listing alone, not found, its listing unreadable."""
    out: list[Listed | Record | None] = []
    reading: list[tuple[int, Target]] = []
    for item in conversations:
        if isinstance(item, Record):
            out.append(item)
            continue
        reason = _skip_reason(item.conversation) if item.conversation is not None else None
        if reason is not None:
            out.append(run.record(item, "skip", skipped=reason))
        else:
            reading.append((len(out), item))
            out.append(None)

    def read(target: Target) -> list[Participant] | TalkctlError:
        try:
            return _read(run.api, target)
        except TalkctlError as exc:
            return exc

    # reads only: Ctrl-C, SIGTERM or SIGHUP end the run here (nothing was sent), dropping
    # the reads not yet started instead of waiting for them
    pool = ThreadPoolExecutor(max_workers=max(workers, READERS))
    try:
        with signals_stop_the_run():
            listed = list(pool.map(read, [target for _, target in reading]))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    for (index, target), people in zip(reading, listed, strict=True):
        if isinstance(people, TalkctlError):
            out[index] = run.failed(target, people)
        else:
            out[index] = (target, people)
    return [item for item in out if item is not None]


def hand_over(
    ctx: typer.Context,
    from_: Annotated[
        str,
        typer.Option(
            "--from", help="The user id who hands over.", metavar="USER", show_default=False
        ),
    ],
    to: Annotated[
        str,
        typer.Option(
            "--to", help="The user id who takes over.", metavar="USER", show_default=False
        ),
    ],
    convs: ConvsArgument = None,
    all_: AllOption = False,
    remove: Annotated[
        bool, typer.Option("--remove", help="Remove --from once --to moderates.")
    ] = False,
    yes: YesOption = False,
    dry_run: DryRunOption = False,
    jobs: JobsOption = 1,
    json_: JsonOption = False,
    fmt: FormatOption = None,
) -> None:
    """Hand over what --from moderates to --to (both user ids).

    In each conversation (CONV..., or --all of yours) where --from is owner or moderator and
    you moderate: adds --to when missing, promotes them, and with --remove removes --from
    (asked first, naming the conversations; --yes where stdin is not a terminal).
    Skips, saying why, one-to-one and object-bound conversations, those you do not moderate
    and those --from does not moderate. Never removes you or the owner: Talk 22 cannot move
    the owner role over its API (an administrator can: occ talk:user:transfer-ownership).
    One result record per conversation; a second run changes nothing.

    \b
    Example: talkctl participant hand-over --all --from alice --to bob --dry-run
    Example: talkctl participant hand-over "Team chat" --from alice --to bob --remove
    """
    factory = factory_of(ctx)
    output = choose_format(json_, fmt)
    refs = list(convs or [])
    if all_ == bool(refs):
        raise UsageError("give CONV arguments or --all (not both)")
    giver, taker = _user_id("--from", from_), _user_id("--to", to)
    if giver == taker:
        raise UsageError("--from and --to name the same user: nothing to hand over")
    conversations = _conversations(factory, refs, all_)
    if remove and giver == factory.me:
        raise UsageError(
            f"--from {giver!r} is you: hand-over never removes you; run it without --remove, "
            "then leave with 'talkctl room leave CONV'"
        )
    run = Handover(factory, giver, taker, remove=remove, dry_run=dry_run)
    targets = with_listings(run, conversations, jobs)
    handing = Operation[Listed]("handing over conversations", run.plan, dry_run=dry_run)
    planned = handing.planned(targets)
    if not dry_run and not yes:
        confirm_removals(factory.environment, giver, [job for _, job in planned])
    bulk = all_ or len(refs) > 1
    results = handing.send(factory.environment, planned, workers=jobs, single=not bulk)
    finish(report(factory.environment, results, output))


def confirm_removals(environment: Environment, giver: str, jobs: list[Job]) -> None:
    """Before anything is sent: removing ``giver`` is asked on a terminal, naming the
    conversations, and refused without --yes elsewhere (exit 2), as ``participant remove``."""
    removed = FieldChange("participants", giver, None)
    where = [
        job.record.label for job in jobs if job.send is not None and removed in job.record.changes
    ]
    if not where:
        return
    if not environment.stdin_isatty:
        raise UsageError(
            f"refusing to remove {giver} from {_count(len(where))} without --yes (stdin is not "
            "a terminal); nothing was changed"
        )
    from talkctl.cli.prompts import ask_about_conversations

    ask_about_conversations(
        environment,
        where,
        lambda what: f"Hand over and remove {giver} from {what}?",
        "not confirmed: nothing was changed",
    )


def _count(conversations: int) -> str:
    return "1 conversation" if conversations == 1 else f"{conversations} conversations"

"""One participant verb over the IDs of one conversation, on the one engine.

Resolves CONV, reads ONE participant listing (saved for completion), then plans every ID
against it before anything is sent (already in → unchanged, not found → exit 3, several →
exit 8). The verb's ``Operation`` (cli/engine/) sends the rest (``--jobs``, progress, Ctrl-C
/ SIGTERM / SIGHUP → the others "not sent"), and the one renderer (cli/results.py) reports
one ``Record`` per ID, plus ``participant``. With exactly one ID the JSON is one object; with
several IDs or ``--stdin`` an array and a summary on stderr; the exit code is that of the
first failed ID.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from talkctl.api.errors import ApiError
from talkctl.api.kinds import KINDS
from talkctl.api.models import ConversationType
from talkctl.api.participants import Participant, ParticipantsApi
from talkctl.cli.context import Factory
from talkctl.cli.engine.jobs import Job
from talkctl.cli.engine.operation import Operation
from talkctl.cli.errors import in_lobby
from talkctl.cli.participant.resolve import ParticipantIndex, describe
from talkctl.cli.results import Record
from talkctl.errors import InContext, UsageError
from talkctl.resolve import Target
from talkctl.settings import FieldChange

ONE_TO_ONE = (ConversationType.ONE_TO_ONE, ConversationType.FORMER_ONE_TO_ONE)
DOING = {"add": "adding", "remove": "removing", "promote": "promoting", "demote": "demoting"}
DOING["permissions"] = "setting permissions of"
DOING |= {"ban": "banning", "unban": "lifting bans of", "resend": "inviting again"}


def participant_json(participant: Participant | None) -> dict[str, Any] | None:
    """The record's ``participant``: who the ID named in the listing (null: not in it)."""
    if participant is None:
        return None
    return {
        "attendeeId": participant.attendee_id,
        "actorType": participant.actor_type,
        "actorId": participant.actor_id,
        "displayName": participant.display_name,
    }


def member_value(kind: str, actor_id: str) -> str:
    """A participant as a ``changes`` value, as ``apply`` writes it: ``bob``, ``group staff``."""
    spec = KINDS.get(kind)
    return (spec.prefix if spec is not None else f"{kind} ") + actor_id


@dataclass
class Run:
    """What a verb needs: the factory, the conversation, its listing, who runs it, how."""

    factory: Factory
    target: Target
    api: ParticipantsApi
    index: ParticipantIndex
    me: str
    kind: str = "user"
    dry_run: bool = False

    def is_me(self, participant: Participant) -> bool:
        return participant.actor_type == "users" and participant.actor_id == self.me

    @property
    def one_to_one(self) -> bool:
        return self.target.type in ONE_TO_ONE

    def record(
        self,
        ref: str,
        action: str | None,
        participant: Participant | None = None,
        changes: Sequence[FieldChange] = (),
        note: str | None = None,
    ) -> Record:
        """The planned record of one ID (the conversation's token and name: this run read
        the listing)."""
        return Record(
            ref,
            self.target.token,
            self.target.name or None,
            action,
            changes=list(changes),
            dry_run=self.dry_run,
            extra={"participant": participant_json(participant)},
            note=note,
            member=describe(participant) if participant is not None else ref,
        )

    def job(
        self,
        record: Record,
        send: Callable[[], Record],
        explain: Callable[[BaseException], str | None],
    ) -> Job:
        """The job of a planned change: nothing to send in a dry run, which says when the
        listing already shows that the server will refuse it (exit 5, as a real run would)."""
        if not self.dry_run:
            return Job(record, send, explain)
        if (refusal := self.refusal) is not None:
            record.ok, record.error, record.exit_code = False, f"would be refused: {refusal}", 5
        return Job(record)

    @property
    def refusal(self) -> str | None:
        """Why the listing shows the server will refuse every change: you are no moderator."""
        mine = next((p for p in self.index.participants if self.is_me(p)), None)
        if mine is not None and not mine.is_moderator:
            return f"only moderators can change the participants of {self.target.label}"
        return None


Plan = Callable[[Run, str], Job]


def read_ids(factory: Factory, ids: Sequence[str], use_stdin: bool) -> tuple[list[str], bool]:
    """The IDs (``--stdin``: one a line) and whether this is a bulk run."""
    from talkctl.cli.engine.targets import read_stdin

    refs = list(ids)
    if use_stdin:
        text = read_stdin(factory, "participant IDs")
        refs += [line.strip() for line in text.splitlines() if line.strip()]
    elif not refs:
        raise UsageError("no participant given: pass ID arguments or --stdin")
    return refs, use_stdin or len(refs) > 1


def open_run(
    factory: Factory,
    conv: str,
    kind: str = "user",
    dry_run: bool = False,
    *,
    need_state: bool = False,
) -> Run:
    """Resolve CONV (``need_state``: through the listing, even for a cached token) and read
    its one participant listing (saved for completion)."""
    from talkctl.cli.participant.cache import save_participants

    target = factory.resolver.resolve(conv, need_state=need_state)
    api = ParticipantsApi(factory.client)
    try:
        people = api.list(target.token)
    except ApiError as exc:
        if exc.status == 404:
            raise InContext(
                f"conversation {target.label} not found (or you are not a participant)", exc
            ) from exc
        if exc.status == 412:
            raise in_lobby(target.label, exc) from exc
        raise
    save_participants(factory.cache, target.token, people)
    index = ParticipantIndex(people, target.label)
    return Run(factory, target, api, index, factory.me, kind, dry_run)


def operation(run: Run, verb: str, plan: Plan) -> Operation[str]:
    """The verb's ``Operation`` over the IDs of ``run``'s conversation (engine/operation.py):
    every ID planned against the one listing before anything is sent (an ID that does not
    resolve fails alone: exit 3 not found, 8 ambiguous, 2 unusable), the same participant
    named twice changed once."""
    return Operation(
        f"{DOING[verb]} participants",
        lambda ref: plan(run, ref),
        dry_run=run.dry_run,
        same=same_participant,
        unplanned=lambda ref: run.record(ref, None),
    )


def same_participant(record: Record) -> Hashable:
    """Who a record is about: the attendee it names in the listing, else (an add) the ID."""
    found = record.extra.get("participant")
    return found["attendeeId"] if isinstance(found, dict) else ("new", record.input)

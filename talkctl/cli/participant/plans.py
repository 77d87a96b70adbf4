"""What each participant verb does to one ID: its planned record and what sends it.

The listing was read, so every record says the state before: ``add`` changes
``participants`` from null to the added one, ``remove`` from the removed one to null (the
shape ``apply`` uses), ``promote`` and ``demote`` change the participant's ``role`` (its role
name before → after). Someone already so is ``unchanged`` and nothing is sent.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from talkctl.api.errors import ApiError
from talkctl.api.kinds import GUEST_MODERATOR, KINDS, OWNER
from talkctl.api.participants import Participant
from talkctl.cli.engine.jobs import Job
from talkctl.cli.errors import status_for_http
from talkctl.cli.participant.resolve import describe
from talkctl.cli.participant.run import Plan, Run, member_value
from talkctl.cli.results import DONE, Record
from talkctl.errors import UsageError
from talkctl.settings import FieldChange

PUBLIC = 3  # conversation type (constants.md): an e-mail invitee turns a group one public


def explain(
    run: Run, verb: str, ref: str, participant: Participant | None
) -> Callable[[BaseException], str | None]:
    """The server's refusals of ``verb`` for one ID, each said as a sentence."""
    who = describe(participant) if participant is not None else ref
    done = DONE[verb]

    def words(exc: BaseException) -> str | None:
        if not isinstance(exc, ApiError):
            return None
        conv, p = run.target.label, participant
        status, error = exc.status, exc.error
        if status == 403 and (error == "owner" or (p is not None and p.role == "owner")):
            return f"the server refuses: {who} owns {conv}, and the owner cannot be {done}"
        if status == 400 and error == "last-moderator":
            return f"the server refuses: {who} is the last moderator of {conv}"
        if status == 400 and (error == "room-type" or run.one_to_one):
            return (
                f"{conv} is a one-to-one conversation: participants cannot be {done} there; "
                "create a group conversation for more people (talkctl room create NAME)"
            )
        if status == 403 and verb == "demote" and p is not None and run.is_me(p):
            return "the server refuses: you cannot demote yourself, ask another moderator"
        if status == 403:
            return f"only moderators can change the participants of {conv}"
        if status == 501 and error == "federation":
            return "the server refuses federated invites: federation is disabled on it"
        if status == 404 and verb == "add":
            return f"no {KINDS[run.kind].label} {ref!r} exists on the server"
        if status == 404:
            return f"{who} is no longer in {conv} (or the conversation is gone)"
        if status == 400 and verb in ("promote", "demote"):
            return f"the server refuses to {verb} {who}: only users and guests can be moderators"
        return None

    return words


def plan_add(run: Run, ref: str) -> Job:
    found = run.index.find(ref, run.kind)
    if found is not None:
        return Job(run.record(ref, "unchanged", found, note="already in"))
    change = FieldChange("participants", None, member_value(run.kind, ref))
    record = run.record(ref, "add", changes=[change])

    def send() -> Record:
        new_type = run.api.add(run.target.token, ref, run.kind)
        public = "the conversation is public now" if new_type == PUBLIC else None
        return dataclasses.replace(record, note=public)

    return run.job(record, send, explain(run, "add", ref, None))


def plan_remove(run: Run, ref: str) -> Job:
    found = run.index.get(ref, run.kind)
    if run.is_me(found):
        raise UsageError(
            f"{ref!r} is you: use 'talkctl room leave {run.target.token}' to leave "
            f"{run.target.label}"
        )
    change = FieldChange("participants", member_value(found.kind, found.match_id), None)
    return _sent_as_planned(run, ref, found, run.record(ref, "remove", found, [change]))


def plan_promote(run: Run, ref: str) -> Job:
    found = run.index.get(ref, run.kind)
    if found.is_moderator:
        return Job(run.record(ref, "unchanged", found, note=f"already {found.role}"))
    change = FieldChange("role", found.role, "moderator")
    return _sent_as_planned(run, ref, found, run.record(ref, "promote", found, [change]))


def plan_demote(run: Run, ref: str) -> Job:
    found = run.index.get(ref, run.kind)
    if not found.is_moderator:
        return Job(run.record(ref, "unchanged", found, note="no moderator"))
    after = "guest" if found.participant_type == GUEST_MODERATOR else "user"
    change = FieldChange("role", found.role, after)
    return _sent_as_planned(run, ref, found, run.record(ref, "demote", found, [change]))


def _sent_as_planned(run: Run, ref: str, found: Participant, record: Record) -> Job:
    """The job of a remove, promote or demote: its answer is ``data: []``, so the planned
    record is the result once the request succeeded."""
    verb = record.action or ""
    calls = {"remove": run.api.remove, "promote": run.api.promote, "demote": run.api.demote}
    owner = verb in ("remove", "demote") and found.participant_type == OWNER
    if run.dry_run and owner and run.refusal is None:  # (a non-moderator is refused first)
        # the listing shows the server's answer (participant.md: the owner 403): say it
        record.ok, record.exit_code = False, int(status_for_http(403))
        record.error = (
            f"would be refused: {describe(found)} owns {run.target.label}, and the owner "
            f"cannot be {DONE[verb]}"
        )
        return Job(record)

    def send() -> Record:
        calls[verb](run.target.token, found)
        return record

    return run.job(record, send, explain(run, verb, ref, found))


PLANS: dict[str, Plan] = {
    "add": plan_add,
    "remove": plan_remove,
    "promote": plan_promote,
    "demote": plan_demote,
}

"""What every breakout verb shares: the gate, the parent conversation, the checks made
before anything is sent, the words for the server's refusals, and the change itself: an
``Operation`` of one target, the parent, with its one record."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from talkctl.api.breakout import FEATURE, MAX_ROOMS, BreakoutApi, mode_name
from talkctl.api.errors import ApiError, UnsupportedError
from talkctl.api.models import Conversation
from talkctl.cli.context import Factory
from talkctl.cli.engine.jobs import Job
from talkctl.cli.engine.operation import Operation, report
from talkctl.cli.results import Record
from talkctl.errors import InContext
from talkctl.resolve import Target
from talkctl.settings import FieldChange

ONE_TO_ONE_TYPES = (1, 5)
T = TypeVar("T")


def open_parent(factory: Factory, conv: str) -> tuple[BreakoutApi, Target]:
    """Gate (exit 6, nothing sent), then CONV with its state from one listing."""
    api = BreakoutApi(factory.client)
    api.require()
    return api, factory.resolver.resolve(conv, need_state=True)


def mode_of(target: Target) -> int:
    state = target.conversation
    value = state.raw.get("breakoutRoomMode") if state is not None else None
    return value if isinstance(value, int) else 0


def refuse(message: str) -> UnsupportedError:
    return UnsupportedError(message, FEATURE)


def check_can_create(target: Target, rooms: int) -> None:
    """The refusals the listing already shows (exit 6, nothing sent)."""
    label = target.label
    state = target.conversation
    if target.type in ONE_TO_ONE_TYPES:
        raise refuse(f"{label} is a one-to-one conversation: it cannot have breakout rooms")
    if state is not None and state.raw.get("objectType") == "room":
        raise refuse(f"{label} is a breakout room: breakout rooms have none of their own")
    if mode_of(target):
        raise refuse(
            f"{label} already has breakout rooms ({mode_name(mode_of(target))}): remove them "
            "first (talkctl breakout remove CONV)"
        )
    if rooms > MAX_ROOMS:
        raise refuse(f"{rooms} breakout rooms: the server allows 1 to {MAX_ROOMS}")


def check_has_rooms(target: Target) -> None:
    if not mode_of(target):
        raise refuse(f"{target.label} has no breakout rooms (talkctl breakout create CONV)")


def explain(exc: ApiError, label: str) -> str:
    if exc.status == 404:
        return f"conversation {label} not found (or you are not a participant)"
    if exc.status == 403:
        return f"only moderators can manage the breakout rooms of {label}"
    if exc.status == 400 and exc.error == "mode":
        return f"{label} has no breakout rooms"
    if exc.status == 400 and exc.error == "status":
        return f"the breakout rooms of {label} are stopped: only moderators see them until then"
    if exc.status == 400 and exc.error:
        return f"the server refused the breakout rooms of {label} ({exc.error})"
    return f"the server refused the breakout rooms of {label}"


def call(label: str, send: Callable[[], T]) -> T:
    """``send()``, its API errors said for the conversation ``label``."""
    try:
        return send()
    except ApiError as exc:
        raise InContext(explain(exc, label), exc) from exc


def change_parent(
    factory: Factory,
    fmt: str,
    target: Target,
    change: FieldChange,
    send: Callable[[], Sequence[Conversation]],
    *,
    description: str,
    parent: Conversation | None = None,
    dry_run: bool = False,
    unchanged: str | None = None,
) -> int:
    """A breakout verb's change: an ``Operation`` (cli/engine/) of one target, the parent.

    ``send`` makes the change and returns the conversations the server answered with (the
    parent among them, or only it); a refusal (raised, worded for the parent) is the failed
    record; ``unchanged``: the listing shows nothing to do (the record says so, nothing is
    sent). The exit code of the run."""

    def plan(target: Target) -> Job:
        planned = record_of(target, change, [], parent, dry_run=dry_run)
        if unchanged is not None:  # the listing shows it is so already: nothing is sent
            planned.action, planned.note, planned.changes = "unchanged", unchanged, []
            return Job(planned)
        if dry_run:
            return Job(planned)
        return Job(planned, lambda: record_of(target, change, send(), parent))

    operation = Operation(description, plan, dry_run=dry_run, same=None)
    results = operation.perform(factory.environment, [target], workers=1, single=True)
    return report(factory.environment, results, fmt)


def record_of(
    target: Target,
    change: FieldChange,
    rooms: Sequence[Conversation],
    parent: Conversation | None = None,
    *,
    dry_run: bool = False,
) -> Record:
    """The one record: the parent, what changed, ``breakoutRooms`` (the server's objects)."""
    breakout = [r for r in rooms if r.token != target.token]
    parent = parent or next((r for r in rooms if r.token == target.token), None)
    extra: dict[str, Any] = {"breakoutRooms": [dict(r.raw) for r in breakout]}
    return Record(
        target.ref,
        target.token,
        target.name or None,
        "update",
        changes=[change],
        conversation=parent,
        extra=extra,
        dry_run=dry_run,
    )


def how_many(factory: Factory, parent: Conversation) -> str:
    """``has 3 breakout rooms``, counted in your conversation listing (moderators are in
    every breakout room; a participant counts the rooms they are in)."""
    rooms = [
        c
        for c in factory.resolver.listing()
        if c.raw.get("objectType") == "room" and c.raw.get("objectId") == parent.token
    ]
    moderator = parent.participant_type in (1, 2)
    count = f"{len(rooms)} breakout room{'' if len(rooms) == 1 else 's'}"
    where = "" if moderator else " you are in"
    return f"{parent.display_name} has {count}{where}: talkctl breakout list {parent.token}"

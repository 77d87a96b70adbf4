"""``--map FILE``: who goes to which breakout room, checked before anything is sent.

A TOML file (``.toml``: ``alice = 1``, ``"attendee:12" = 2``) or CSV (any other name:
``alice,1`` a line; ``#`` lines and blank lines are skipped). Participants are named by the
one rule (a user id or ``attendee:N``; a display name selects nobody); rooms count from 1.
Every line is checked against the conversation's participant listing: an unknown
participant, a moderator (the server refuses to map them: 400 ``moderator``, and they are in
every room anyway), a room number out of range or missing, one participant mapped to two
rooms: exit 2 with every problem and its line. Mapped twice to the same room is no problem.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from talkctl.api.participants import MODERATOR_TYPES, Participant
from talkctl.cli.participant.resolve import ParticipantIndex
from talkctl.declarative.tomlfile import InputFileError, read_toml, show
from talkctl.errors import TalkctlError, UsageError


def read_lines(path: Path) -> list[tuple[int, str, object]]:
    """(line, participant, room as written) of each entry."""
    if path.suffix.lower() == ".toml":
        data, text = read_toml(path)
        lines = text.splitlines()
        found = []
        for key, value in data.items():
            pattern = re.compile(
                rf"^\s*(\"{re.escape(key)}\"|'{re.escape(key)}'|{re.escape(key)})\s*="
            )
            number = next((n for n, line in enumerate(lines, 1) if pattern.match(line)), 0)
            found.append((number, str(key), value))
        return found
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {path}: {exc}") from None
    rows: list[tuple[int, str, object]] = []
    for number, row in enumerate(csv.reader(io.StringIO(text)), 1):
        if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
            continue
        rows.append((number, row[0].strip(), row[1].strip() if len(row) > 1 else None))
    return rows


def read_map(path: Path, index: ParticipantIndex, rooms: int) -> dict[int, int]:
    """attendee id -> 0-based room; InputFileError (exit 2) listing every problem."""
    problems: list[str] = []
    mapped: dict[int, int] = {}
    first: dict[int, tuple[int, str]] = {}  # attendee id -> (line, as named) of its first room
    entries = read_lines(path)
    if not entries:
        problems.append(f"{path}: no participant is mapped")
    for line, ref, value in entries:
        where = f"{path}:{line}"
        room = _room(value)
        if value is None:
            problems.append(f"{where}: no room for {ref!r}: give 'participant,room' (1 to {rooms})")
        elif room is None or not 1 <= room <= rooms:
            problems.append(f"{where}: room {show(value)} for {ref!r} is not 1 to {rooms}")
        try:
            who: Participant = index.get(ref, "user")
        except TalkctlError as exc:
            problems.append(f"{where}: {exc}")
            continue
        if who.participant_type in MODERATOR_TYPES:
            problems.append(
                f"{where}: {ref!r} is a moderator: moderators are in every breakout room"
            )
        elif who.attendee_id is not None and room is not None and 1 <= room <= rooms:
            before = mapped.get(who.attendee_id)
            if before is not None and before != room - 1:  # one of the two is a mistake
                was, named = first[who.attendee_id]
                problems.append(
                    f"{where}: {ref!r} is mapped to room {before + 1} already (line {was}, as "
                    f"{named!r}): one room each"
                )
                continue
            first.setdefault(who.attendee_id, (line, ref))
            mapped[who.attendee_id] = room - 1
    if problems:
        raise InputFileError(str(path), problems)
    return mapped


def _room(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None

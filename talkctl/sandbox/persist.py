"""Save a sandbox's state to a JSON file and load it again (``talkctl sandbox --state FILE``).

The file holds everything a restarted sandbox needs to answer as before: users and their
passwords and app passwords, groups, conversations with their participants and last messages,
the id counters and the random generator, so the tokens drawn after a restart continue the
same sequence. It holds throwaway loopback credentials: it is written owner-only (0600),
atomically.
"""

from __future__ import annotations

import dataclasses
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from .state import Attendee, Message, Room, State, User

FORMAT = 1


class StateFileError(ValueError):
    """The state file is not one this sandbox wrote."""


def dump_state(state: State) -> dict[str, Any]:
    with state.lock:
        version, internal, gauss = state.rng.getstate()
        return {
            "format": FORMAT,
            "users": [dataclasses.asdict(u) for u in state.users.values()],
            "groups": {
                gid: {"displayName": name, "members": sorted(members)}
                for gid, (name, members) in state.groups.items()
            },
            "teams": {
                tid: {"displayName": name, "members": sorted(members)}
                for tid, (name, members) in state.teams.items()
            },
            "subadmins": {gid: sorted(users) for gid, users in state.subadmins.items()},
            "appPasswords": dict(state.app_passwords),
            "rooms": [_dump_room(room) for room in state.rooms.values()],
            "counters": {
                "room": state._room_id,
                "attendee": state._attendee_id,
                "message": state._message_id,
            },
            "random": [version, list(internal), gauss],
        }


def _dump_room(room: Room) -> dict[str, Any]:
    data = {f.name: getattr(room, f.name) for f in dataclasses.fields(room)}
    data["attendees"] = [dataclasses.asdict(a) for a in room.attendees.values()]
    data["last_message"] = (
        None if room.last_message is None else dataclasses.asdict(room.last_message)
    )
    return data


def load_state(data: Any, state: State) -> None:
    """Replace the contents of ``state`` by ``data`` (as :func:`dump_state` made it)."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise StateFileError("not a talkctl sandbox state file (format 1)")
    try:
        with state.lock:
            state.users = {u["id"]: User(**u) for u in data["users"]}
            state.groups = {
                gid: (g["displayName"], set(g["members"])) for gid, g in data["groups"].items()
            }
            state.teams = {
                tid: (t["displayName"], set(t["members"])) for tid, t in data["teams"].items()
            }
            state.subadmins = {gid: set(users) for gid, users in data["subadmins"].items()}
            state.app_passwords = {str(k): str(v) for k, v in data["appPasswords"].items()}
            state.rooms = {}
            state.user_rooms = {user: set() for user in state.users}
            for raw in data["rooms"]:
                room = _load_room(raw)
                state.rooms[room.token] = room
                for att in room.attendees.values():
                    if att.actor_type == "users":
                        state.user_rooms.setdefault(att.actor_id, set()).add(room.token)
            counters = data["counters"]
            state._room_id = int(counters["room"])
            state._attendee_id = int(counters["attendee"])
            state._message_id = int(counters["message"])
            version, internal, gauss = data["random"]
            state.rng.setstate((version, tuple(internal), gauss))
    except (KeyError, TypeError, ValueError) as exc:
        raise StateFileError(f"not a talkctl sandbox state file: {exc!r}") from None


def _load_room(raw: dict[str, Any]) -> Room:
    fields = dict(raw)
    attendees = [Attendee(**a) for a in fields.pop("attendees")]
    last = fields.pop("last_message")
    room = Room(**fields)
    room.attendees = {a.id: a for a in attendees}
    room.last_message = None if last is None else Message(**last)
    return room


def save_state_file(state: State, path: Path) -> None:
    """Write the state to ``path`` owner-only (0600), replacing it atomically."""
    text = json.dumps(dump_state(state), indent=1, sort_keys=True)
    path = path.expanduser()
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent or Path("."))
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text + "\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load_state_file(path: Path, state: State) -> None:
    """Load ``path`` into ``state``; StateFileError when it is no state file of ours."""
    try:
        data = json.loads(path.expanduser().read_text("utf-8"))
    except ValueError as exc:
        raise StateFileError(f"not a talkctl sandbox state file: {exc}") from None
    load_state(data, state)

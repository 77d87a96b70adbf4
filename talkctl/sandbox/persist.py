"""Save a sandbox's state to a JSON file and load it again (``talkctl sandbox --state FILE``).

The file holds everything a restarted sandbox needs to answer as before: users and their
passwords and app passwords, groups, conversations with their participants and last messages,
the id counters and the random generator, so the tokens drawn after a restart continue the
same sequence. It holds throwaway loopback credentials: it is written owner-only (0600),
atomically, to the target of a symbolic link at its path (the link stays).

One sandbox at a time uses a state file: ``StateLock`` holds an advisory lock on a file
beside it (``.NAME.lock``, holding the process id), so a second one is refused and told which
process has it instead of overwriting the first one's changes when it exits.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from .bots import Bot
from .message import Message
from .state import Attendee, Room, State, User

FORMAT = 1


class StateFileError(ValueError):
    """The state file is not one this sandbox wrote, or cannot be used."""


# what a state file holds at its top level, and the JSON type of each
SHAPE: dict[str, type] = {
    "users": list,
    "groups": dict,
    "teams": dict,
    "subadmins": dict,
    "appPasswords": dict,
    "rooms": list,
    "counters": dict,
    "random": list,
}


def target_of(path: Path) -> Path:
    """Where the state of ``path`` is read and written: through symbolic links."""
    return Path(os.path.realpath(path.expanduser()))


def check_writable(path: Path) -> None:
    """StateFileError unless a new state file can be written beside ``path`` (its target)."""
    directory = target_of(path).parent
    try:
        fd, probe = tempfile.mkstemp(prefix=".talkctl-write-test.", dir=directory)
    except OSError as exc:
        raise StateFileError(f"cannot write in {directory}: {exc.strerror or exc}") from None
    os.close(fd)
    Path(probe).unlink(missing_ok=True)


class StateLock:
    """An exclusive lock on a state file for the life of one sandbox (``release()``)."""

    def __init__(self, path: Path) -> None:
        target = target_of(path)
        self.path = target.with_name(f".{target.name}.lock")
        self._fd: int | None = None
        while self._fd is None:
            self._fd = self._try_lock()

    def _try_lock(self) -> int | None:
        """The locked file's descriptor; None when the lock file was replaced meanwhile."""
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise StateFileError(f"cannot lock {self.path}: {exc.strerror or exc}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.read(fd, 32).decode("ascii", "replace").strip() or "unknown"
            os.close(fd)
            raise StateFileError(
                f"in use by another sandbox (process {holder}); stop it or use another file"
            ) from None
        try:
            same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
        except FileNotFoundError:  # its holder removed it between our open and our lock
            same = False
        if not same:
            os.close(fd)
            return None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        return fd

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            with contextlib.suppress(OSError):
                self.path.unlink()  # before unlocking: a waiter re-checks the inode
            os.close(fd)


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
            "bots": [dataclasses.asdict(bot) for bot in state.bots.values()],
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
    data["messages"] = [dataclasses.asdict(m) for m in room.messages]
    return data


def load_state(data: Any, state: State) -> None:
    """Replace the contents of ``state`` by ``data`` (as :func:`dump_state` made it)."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise StateFileError("not a talkctl sandbox state file (format 1)")
    for key, kind in SHAPE.items():
        if key not in data:
            raise StateFileError(f"not a talkctl sandbox state file: {key!r} is missing")
        if not isinstance(data[key], kind):
            shown = "an array" if kind is list else "an object"
            raise StateFileError(f"not a talkctl sandbox state file: {key!r} is not {shown}")
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
            # installed bots: optional, a state file from before bots has none
            state.bots = {int(b["id"]): Bot(**b) for b in data.get("bots") or []}
            counters = data["counters"]
            state._room_id = int(counters["room"])
            state._attendee_id = int(counters["attendee"])
            state._message_id = int(counters["message"])
            version, internal, gauss = data["random"]
            state.rng.setstate((version, tuple(internal), gauss))
    except KeyError as exc:
        raise StateFileError(f"not a talkctl sandbox state file: {exc} is missing") from None
    except (TypeError, ValueError, AttributeError) as exc:
        raise StateFileError(f"not a talkctl sandbox state file: {exc}") from None


def _load_room(raw: dict[str, Any]) -> Room:
    fields = dict(raw)
    attendees = [Attendee(**a) for a in fields.pop("attendees")]
    last = fields.pop("last_message")
    history = [Message(**m) for m in fields.pop("messages", [])]
    room = Room(**fields)
    room.attendees = {a.id: a for a in attendees}
    room.messages = history
    room.last_message = None if last is None else Message(**last)
    if room.last_message is not None and history and history[-1].id == room.last_message.id:
        room.last_message = history[-1]  # one object, so that a deletion shows in both
    return room


def save_state_file(state: State, path: Path) -> None:
    """Write the state to ``path`` owner-only (0600), replacing it atomically."""
    text = json.dumps(dump_state(state), indent=1, sort_keys=True)
    path = target_of(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
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
        data = json.loads(target_of(path).read_text("utf-8"))
    except ValueError as exc:
        raise StateFileError(f"not a talkctl sandbox state file: {exc}") from None
    except RecursionError:
        raise StateFileError("not a talkctl sandbox state file: nested too deeply") from None
    try:
        load_state(data, state)
    except RecursionError:
        raise StateFileError("not a talkctl sandbox state file: nested too deeply") from None

"""Per-request context handed to the endpoint handlers, plus shared helpers."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .backend import Backend, Upload
from .ocs import Ocs, fail, ok
from .profiles import Profile
from .state import MODERATOR_TYPES, Attendee, Room, State
from .views import room_view


@dataclass
class Ctx:
    srv: Backend
    method: str
    path: str
    params: dict[str, Any]
    headers: dict[str, str]
    user: str | None = None
    auth: str | None = None  # "password", "app" or None
    app_password: str | None = None
    api: int = 4
    token: str = ""
    remote: str = "127.0.0.1"
    extra: dict[str, Any] = field(default_factory=dict)
    files: dict[str, Upload] = field(default_factory=dict)  # multipart uploads by field

    @property
    def state(self) -> State:
        return self.srv.state

    @property
    def profile(self) -> Profile:
        return self.srv.profile

    def str_param(self, name: str, default: str = "") -> str:
        value = self.params.get(name, default)
        return value if isinstance(value, str) else str(value)

    def int_param(self, name: str, default: int = 0) -> int:
        """PHP-style int cast: garbage becomes 0, a missing value the default."""
        if name not in self.params:
            return default
        value = self.params[name]
        if isinstance(value, bool):
            return int(value)
        try:
            return int(str(value).strip())
        except ValueError:
            return 0

    def opt_int_param(self, name: str) -> int | None:
        if name not in self.params or self.params[name] in ("", None):
            return None
        return self.int_param(name)

    def bool_param(self, name: str, default: bool = False) -> bool:
        if name not in self.params:
            return default
        return str(self.params[name]).lower() in ("1", "true", "yes", "on")

    # -- answers -----------------------------------------------------------
    def error(
        self, status: int, reason: str, message: str | None = None, old_style: Any = None
    ) -> Ocs:
        """400/404 with {"error": reason} on Talk 21+, ``old_style`` (default []) before."""
        if not self.profile.error_reasons:
            return fail(status, [] if old_style is None else old_style)
        data: dict[str, Any] = {"error": reason}
        if message is not None:
            data["message"] = message
        return fail(status, data)

    def room(self, room: Room, status: int = 200, headers: dict[str, str] | None = None) -> Ocs:
        return ok(room_view(self.state, self.profile, self.api, room, self.user), status, headers)

    def changed(self, room: Room) -> Ocs:
        """Answer to a successful change: the room on Talk 21+, data [] before."""
        if self.profile.returns_room_on_change:
            return self.room(room)
        return ok([])

    def done(self) -> Ocs:
        """Answer to a successful delete/leave/moderator change: null on 21+, [] before."""
        return ok(None) if self.profile.returns_room_on_change else ok([])

    def say(self, room: Room, kind: str, text: str) -> None:
        """Post the system message ``kind`` (``text``) by the user into ``room``."""
        self.state.system_message(room, self.user or "", kind, text)

    def lookup(self, moderator: bool = False) -> tuple[Room, Attendee] | Ocs:
        room = self.state.rooms.get(self.token)
        att = room.attendee_of(self.user) if room else None
        if room is None or att is None:
            return fail(404)
        if moderator and att.participant_type not in MODERATOR_TYPES:
            return fail(403)
        return room, att


def moderated(change: Callable[[Ctx, Room], Ocs]) -> Callable[[Ctx], Ocs]:
    """The handler of a change only moderators may make: 404 when the user is not in the
    conversation, 403 when not one of its moderators (nothing changed), else ``change``."""

    @functools.wraps(change)
    def handler(ctx: Ctx) -> Ocs:
        found = ctx.lookup(moderator=True)
        if isinstance(found, Ocs):
            return found
        return change(ctx, found[0])

    return handler

"""Every operation of the Conversation API, on the negotiated API version.

Changes return the conversation after the change when the server sent it (Talk 21+), else
``None`` (Talk 18-20 and API v1-v3 answer ``data: []``): the caller fetches it when needed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from talkctl.api.capabilities import Capabilities
from talkctl.api.client import TalkClient
from talkctl.api.errors import ApiError, InvalidToken, StepFailed, TalkApiError
from talkctl.api.kinds import BY_KEY
from talkctl.api.models import Conversation, ConversationType
from talkctl.api.transport.envelope import OcsResponse

Ids = list[str]  # ``list`` is a method's name inside ConversationsApi
NOT_RETURNED = "the server created a conversation but did not return it"

Gate = tuple[str, str]  # (capability it needs, what to call it in "... not supported")

# operation → its Gate; a setting of the table (talkctl/settings) carries its own Gate
GATES: dict[str, Gate] = {
    "circles": ("circles-support", "inviting a circle"),
    "creation-password": ("conversation-creation-password", "a password with the creation"),
    "creation-all": ("conversation-creation-all", "settings with the creation"),
    "browse": ("listable-rooms", "listing conversations open to join"),
}


def room_path(token: str, suffix: str = "") -> str:
    """``/room/{token}{suffix}``, the token URL-encoded: ``../x`` stays one path segment.

    A token of only dots (or none) cannot be sent at all: requests decodes ``%2E`` back to
    ``.`` and ``/room/..`` would name another path. No Talk token looks like that.
    """
    if token.strip(".") == "":
        raise InvalidToken(token)
    return f"/room/{quote(token, safe='')}{suffix}"


def conversation_or_none(response: OcsResponse) -> Conversation | None:
    data = response.data
    if isinstance(data, dict) and isinstance(data.get("token"), str):
        return Conversation(data)
    return None


class ConversationsApi:
    """The Conversation API of one server."""

    def __init__(self, client: TalkClient) -> None:
        self.client = client

    @property
    def capabilities(self) -> Capabilities:
        return self.client.capabilities

    def require(self, operation: str | Gate) -> None:
        """Raise UnsupportedError, sending nothing, when the server lacks ``operation`` (a
        name of GATES, or a setting's own Gate)."""
        feature, what = GATES[operation] if isinstance(operation, str) else operation
        self.client.capabilities.require(feature, what)

    def listed(self, search: str | None = None) -> list[Conversation]:
        """The listable conversations the user may join but is not in (``GET /listed-room``,
        capability ``listable-rooms``); ``search`` travels as ``searchTerm``. Joins nothing."""
        self.require("browse")
        params = {"searchTerm": search} if search else None
        response = self.client.spreed("GET", "/listed-room", params=params)
        if not isinstance(response.data, list):
            from talkctl.api.errors import InvalidResponseError

            raise InvalidResponseError(
                "the list of open conversations is not a list",
                self.client.transport.url("/listed-room"),
                response.status,
            )
        return [Conversation(item) for item in response.data if isinstance(item, dict)]

    def list(self, *, include_last_message: bool = True) -> list[Conversation]:
        """The user's conversations; never marks the user online (``noStatusUpdate=1``)."""
        params: dict[str, Any] = {"noStatusUpdate": 1}
        if not include_last_message and self.client.capabilities.api_version >= 4:
            params["includeLastMessage"] = 0
        response = self.client.spreed("GET", "/room", params=params)
        return [Conversation(item) for item in response.listing() if isinstance(item, dict)]

    def _returned(self, response: OcsResponse, path: str, missing: str) -> Conversation:
        """The conversation ``response`` holds; InvalidResponseError (``missing``) if none."""
        conversation = conversation_or_none(response)
        if conversation is None:
            from talkctl.api.errors import InvalidResponseError

            url = self.client.transport.url(path)
            raise InvalidResponseError(missing, url, response.status)
        return conversation

    def get(self, token: str) -> Conversation:
        response = self.client.spreed("GET", room_path(token))
        missing = f"the answer for conversation {token} holds no conversation"
        return self._returned(response, room_path(token), missing)

    def create(
        self,
        room_type: int,
        *,
        name: str | None = None,
        invite: str | None = None,
        source: str | None = None,
        password: str | None = None,
    ) -> tuple[Conversation, bool]:
        """Create a conversation; returns it and whether it is new (not an existing one-to-one)."""
        if source == "circles":
            self.require("circles")
        form: dict[str, Any] = {"roomType": room_type}
        if invite:
            form["invite"] = invite
        if source:
            form["source"] = source
        if name is not None and room_type != ConversationType.ONE_TO_ONE:
            form["roomName"] = name
        if password is not None:
            self.require("creation-password")
            form["password"] = password
        response = self.client.spreed("POST", "/room", data=form)
        return self._returned(response, "/room", NOT_RETURNED), response.status == 201

    def create_with_settings(
        self,
        room_type: int,
        name: str,
        fields: dict[str, Any],
        *,
        participants: dict[str, Ids] | None = None,
        password: str | None = None,
    ) -> tuple[Conversation, dict[str, Ids]]:
        """Create with settings and invitees in ONE request (``conversation-creation-all``).

        ``fields`` are ``POST /room`` fields (openapi-talk22.json); ``participants`` groups
        ids by kind (users, groups, emails, teams, federated_users). A refused setting (400)
        creates nothing. Returns the conversation and the invitees the server could not add
        (its 202 ``invalidParticipants``).
        """
        self.require("creation-all")
        body: dict[str, Any] = {"roomType": room_type, "roomName": name, **fields}
        if participants:
            body["participants"] = participants
        if password is not None and room_type == ConversationType.PUBLIC:
            body["password"] = password
        response = self.client.spreed("POST", "/room", json_body=body)
        conversation = self._returned(response, "/room", NOT_RETURNED)
        invalid = conversation.raw.get("invalidParticipants")
        found: dict[str, Ids] = {}
        if isinstance(invalid, dict):
            for kind, ids in invalid.items():
                if isinstance(ids, list):
                    found[str(kind)] = [str(i) for i in ids]
        return conversation, found

    def invite(self, token: str, actor_id: str, kind: str = "users") -> None:
        """Add a participant (``kind``: users, groups, emails, circles/teams, ...)."""
        spec = BY_KEY.get(kind)
        modern = (self.client.capabilities.talk_release or 0) >= 21
        source = spec.source(modern) if spec is not None else kind
        self.client.spreed(
            "POST",
            room_path(token, "/participants"),
            data={"newParticipant": actor_id, "source": source},
        )

    def create_with_password(
        self,
        room_type: int,
        password: str,
        *,
        name: str | None = None,
        invite: str | None = None,
        source: str | None = None,
    ) -> tuple[Conversation, bool]:
        """Create a public conversation protected by ``password``.

        The password goes with the create where the server takes it there
        (``conversation-creation-password``); elsewhere it is set right after, and a refused
        password deletes the new conversation again: an open public conversation is never
        left behind. The ApiError then says what happened.
        """
        if self.client.capabilities.has("conversation-creation-password"):
            return self.create(
                room_type, name=name, invite=invite, source=source, password=password
            )
        conversation, created = self.create(room_type, name=name, invite=invite, source=source)
        token = conversation.token
        try:
            protected = self.set_password(token, password)
        except (TalkApiError, KeyboardInterrupt) as exc:  # a refusal, a timeout, Ctrl-C
            try:
                self.delete(token)
            except (TalkApiError, KeyboardInterrupt):
                raise StepFailed(
                    exc, token=token, step="password", undo="delete", undone=False
                ) from exc
            raise StepFailed(exc, token=token, step="password", undo="delete", undone=True) from exc
        return (protected or self.get(token)), created

    def publish_with_password(self, token: str, password: str) -> Conversation | None:
        """Make a group conversation public, protected by ``password``.

        Where the server takes no password with the publish it is set right after, and a
        refused password makes the conversation private again: it is never left open.
        """
        if self.client.capabilities.has("conversation-creation-password"):
            return self.make_public(token, password)
        self.make_public(token)
        try:
            return self.set_password(token, password)
        except (TalkApiError, KeyboardInterrupt) as exc:  # a refusal, a timeout, Ctrl-C
            try:
                self.make_private(token)
            except (TalkApiError, KeyboardInterrupt):
                raise StepFailed(
                    exc, token=token, step="password", undo="unpublish", undone=False
                ) from exc
            raise StepFailed(
                exc, token=token, step="password", undo="unpublish", undone=True
            ) from exc

    def change(
        self,
        token: str,
        method: str,
        suffix: str,
        data: dict[str, Any] | None = None,
        *,
        gate: Gate | None = None,
        files: Mapping[str, tuple[str, bytes, str]] | None = None,
    ) -> Conversation | None:
        """Send one repeatable state change to ``/room/{token}{suffix}`` (a setting of the table
        says which); nothing is sent when the server lacks ``gate``. The API version follows
        from the path. Returns the conversation when the server sent it back (Talk 21+), else
        ``None``. ``files`` uploads files (multipart, see Transport.send)."""
        if gate is not None:
            self.require(gate)
        return conversation_or_none(
            self.client.spreed(
                method, room_path(token, suffix), data=data, repeatable=True, files=files
            )
        )

    def rename(self, token: str, name: str) -> Conversation | None:
        return self.change(token, "PUT", "", {"roomName": name})

    def delete(self, token: str) -> None:
        """Delete the conversation. A retried delete that answers 404 has succeeded: an
        earlier attempt deleted it but its answer was lost."""

        try:
            self.client.spreed("DELETE", room_path(token), repeatable=True)
        except ApiError as exc:
            if exc.status != 404 or exc.attempts < 2:
                raise

    def leave(self, token: str) -> None:
        """Remove yourself from the conversation (the way out of a one-to-one)."""
        self.client.spreed("DELETE", room_path(token, "/participants/self"))

    def make_public(self, token: str, password: str | None = None) -> Conversation | None:
        form: dict[str, Any] | None = None
        if password is not None:
            self.require("creation-password")
            form = {"password": password}
        return self.change(token, "POST", "/public", form)

    def make_private(self, token: str) -> Conversation | None:
        return self.change(token, "DELETE", "/public")

    def set_password(self, token: str, password: str) -> Conversation | None:
        """Set the password; an empty one removes it."""
        return self.change(token, "PUT", "/password", {"password": password})

"""Every operation of the Conversation API, on the negotiated API version.

Changes return the conversation after the change when the server sent it (Talk 21+), else
``None`` (Talk 18-20 and API v1-v3 answer ``data: []``): the caller fetches it when needed.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from talkctl.api.client import TalkClient
from talkctl.api.envelope import OcsResponse
from talkctl.api.models import Conversation, ConversationType


def room_path(token: str, suffix: str = "") -> str:
    """``/room/{token}{suffix}``, the token URL-encoded: ``../x`` stays one path segment."""
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
    def capabilities(self) -> Any:
        return self.client.capabilities

    def list(self, *, include_last_message: bool = True) -> list[Conversation]:
        """The user's conversations; never marks the user online (``noStatusUpdate=1``)."""
        params: dict[str, Any] = {"noStatusUpdate": 1}
        if not include_last_message and self.client.capabilities.api_version >= 4:
            params["includeLastMessage"] = 0
        response = self.client.spreed("GET", "/room", params=params)
        data = response.data if isinstance(response.data, list) else []
        return [Conversation(item) for item in data if isinstance(item, dict)]

    def get(self, token: str) -> Conversation:
        response = self.client.spreed("GET", room_path(token))
        conversation = conversation_or_none(response)
        if conversation is None:
            from talkctl.api.errors import InvalidResponseError

            raise InvalidResponseError(
                f"the answer for conversation {token} holds no conversation",
                self.client.transport.url(room_path(token)),
                response.status,
            )
        return conversation

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
            self.client.capabilities.require("circles-support", "inviting a circle")
        form: dict[str, Any] = {"roomType": room_type}
        if invite:
            form["invite"] = invite
        if source:
            form["source"] = source
        if name is not None and room_type != ConversationType.ONE_TO_ONE:
            form["roomName"] = name
        if password is not None:
            self.client.capabilities.require(
                "conversation-creation-password", "setting a password while creating"
            )
            form["password"] = password
        response = self.client.spreed("POST", "/room", data=form)
        conversation = conversation_or_none(response)
        if conversation is None:
            from talkctl.api.errors import InvalidResponseError

            raise InvalidResponseError(
                "the server created a conversation but did not return it",
                self.client.transport.url("/room"),
                response.status,
            )
        return conversation, response.status == 201

    def rename(self, token: str, name: str) -> Conversation | None:
        return conversation_or_none(
            self.client.spreed("PUT", room_path(token), data={"roomName": name})
        )

    def delete(self, token: str) -> None:
        self.client.spreed("DELETE", room_path(token))

    def leave(self, token: str) -> None:
        """Remove yourself from the conversation (the way out of a one-to-one)."""
        self.client.spreed("DELETE", room_path(token, "/participants/self"))

    def make_public(self, token: str, password: str | None = None) -> Conversation | None:
        form: dict[str, Any] | None = None
        if password is not None:
            self.client.capabilities.require(
                "conversation-creation-password", "setting a password while publishing"
            )
            form = {"password": password}
        return conversation_or_none(
            self.client.spreed("POST", room_path(token, "/public"), data=form)
        )

    def make_private(self, token: str) -> Conversation | None:
        return conversation_or_none(self.client.spreed("DELETE", room_path(token, "/public")))

    def set_read_only(self, token: str, read_only: bool) -> Conversation | None:
        self.client.capabilities.require("read-only-rooms", "read-only conversations")
        return conversation_or_none(
            self.client.spreed(
                "PUT", room_path(token, "/read-only"), data={"state": 1 if read_only else 0}
            )
        )

    def set_password(self, token: str, password: str) -> Conversation | None:
        """Set the password; an empty one removes it."""
        return conversation_or_none(
            self.client.spreed("PUT", room_path(token, "/password"), data={"password": password})
        )

    def set_favorite(self, token: str, favorite: bool) -> Conversation | None:
        self.client.capabilities.require("favorites", "favorites")
        method = "POST" if favorite else "DELETE"
        return conversation_or_none(self.client.spreed(method, room_path(token, "/favorite")))

    def set_notification_level(self, token: str, level: int) -> Conversation | None:
        self.client.capabilities.require("notification-levels", "notification levels")
        return conversation_or_none(
            self.client.spreed("POST", room_path(token, "/notify"), data={"level": level})
        )

    def set_description(self, token: str, description: str) -> Conversation | None:
        self.client.capabilities.require("room-description", "conversation descriptions")
        return conversation_or_none(
            self.client.spreed(
                "PUT", room_path(token, "/description"), data={"description": description}
            )
        )

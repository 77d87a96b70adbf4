"""The chat API (``/chat/{token}``, v1 on every server: api/families.py).

Reading never changes anything on the server: every read sends ``setReadMarker=0``,
``noStatusUpdate=1`` and, where the server has ``chat-keep-notifications``,
``markNotificationsAsRead=0``; nothing here joins a conversation. The facts (recorded on
Talk 22, fixtures talk22-moderation/c-chat-*): ``lookIntoFuture`` is required;
``lookIntoFuture=0`` pages newest first and ``X-Chat-Last-Given`` is the next
``lastKnownMessageId``; ``lookIntoFuture=1&timeout=0`` pages oldest first and answers 304 at
once when nothing is newer (without ``timeout=0`` the server would wait up to 30 s); ids
are global across conversations. A send is never repeated (it could post twice).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from talkctl.api.client import TalkClient
from talkctl.api.errors import InvalidResponseError, InvalidToken

PAGE = 200  # the most messages the server gives in one answer
DEFAULT_MAX_LENGTH = 32000  # characters, when the capabilities do not say
LAST_GIVEN = "X-Chat-Last-Given"

Message = dict[str, Any]


def chat_path(token: str, suffix: str = "") -> str:
    if token.strip(".") == "":
        raise InvalidToken(token)
    return f"/chat/{quote(token, safe='')}{suffix}"


@dataclass
class Page:
    messages: list[Message]
    last_given: int | None  # X-Chat-Last-Given: the next lastKnownMessageId


class ChatApi:
    """The chat of one server, as one account."""

    def __init__(self, client: TalkClient) -> None:
        self.client = client

    @property
    def max_length(self) -> int:
        """``config.chat.max-length`` (characters, not bytes), 32,000 when not announced."""
        chat = self.client.capabilities.config.get("chat")
        value = chat.get("max-length") if isinstance(chat, dict) else None
        return (
            value
            if isinstance(value, int) and not isinstance(value, bool) and value > 0
            else (DEFAULT_MAX_LENGTH)
        )

    def _quiet(self) -> dict[str, Any]:
        params: dict[str, Any] = {"setReadMarker": 0, "noStatusUpdate": 1}
        if self.client.capabilities.has("chat-keep-notifications"):
            params["markNotificationsAsRead"] = 0
        return params

    def page(self, token: str, *, future: bool, last_known: int = 0, limit: int = PAGE) -> Page:
        """One page: ``future`` oldest first after ``last_known``, else newest first before
        it (``last_known`` 0: from the newest). An empty page means there is nothing more."""
        path = chat_path(token)
        capabilities = self.client.capabilities
        capabilities.require_family(path)
        params = {
            "lookIntoFuture": 1 if future else 0,
            "limit": max(1, min(limit, PAGE)),
            "lastKnownMessageId": last_known,
            **self._quiet(),
        }
        if future:
            params["timeout"] = 0
        url = capabilities.base_for(path) + path
        transport = self.client.transport
        response = transport.send("GET", url, params=params)
        if response.status_code == 304:
            return Page([], None)
        data = transport.unwrap(response, "GET", url).data
        if not isinstance(data, list) or not all(isinstance(m, dict) for m in data):
            raise InvalidResponseError(
                "the chat answer is not a list of messages", url, response.status_code
            )
        given = response.headers.get(LAST_GIVEN, "")
        return Page(data, int(given) if given.strip().isdigit() else None)

    def history(self, token: str, *, after: int = 0) -> Iterator[Message]:
        """Every message after the id ``after``, oldest first, a page at a time."""
        last = after
        while True:
            page = self.page(token, future=True, last_known=last)
            if not page.messages:
                return
            yield from page.messages
            newest = page.last_given or _id(page.messages[-1])
            if newest <= last:  # a server that does not move on: stop, never loop
                return
            last = newest

    def send(
        self,
        token: str,
        message: str,
        *,
        silent: bool = False,
        reply_to: int | None = None,
        reference_id: str | None = None,
    ) -> Message:
        data: dict[str, Any] = {"message": message}
        if silent:
            data["silent"] = "true"
        if reply_to:
            data["replyTo"] = reply_to
        if reference_id:
            data["referenceId"] = reference_id
        answer = self.client.spreed("POST", chat_path(token), data=data, repeatable=False)
        return _message(answer.data)

    def delete(self, token: str, message_id: int) -> Message:
        """Delete a message; answers the ``message_deleted`` system message (its ``parent``
        is the deleted message)."""
        answer = self.client.spreed("DELETE", chat_path(token, f"/{message_id}"))
        return _message(answer.data)

    def edit(self, token: str, message_id: int, text: str) -> Message:
        answer = self.client.spreed(
            "PUT", chat_path(token, f"/{message_id}"), data={"message": text}, repeatable=False
        )
        return _message(answer.data)

    def clear(self, token: str) -> Message:
        """Clear the history (moderators); answers the ``history_cleared`` system message."""
        answer = self.client.spreed("DELETE", chat_path(token), repeatable=False)
        return _message(answer.data)


def _id(message: Message) -> int:
    value = message.get("id")
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def message_id(message: Message) -> int:
    return _id(message)


def _message(data: Any) -> Message:
    return data if isinstance(data, dict) else {}

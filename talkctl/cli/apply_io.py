"""The participant and group requests ``apply`` and ``export`` need, on the run's client."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from talkctl.api.client import TalkClient
from talkctl.api.conversations import room_path

# the file's kinds → the ``source`` the participants endpoint takes (Talk 21+ names)
SOURCES = {
    "users": "users",
    "groups": "groups",
    "teams": "teams",
    "federated_users": "federated_users",
    "emails": "emails",
}


class ClientMembershipIO:
    """MembershipIO (talkctl.declarative.applying) over one TalkClient."""

    def __init__(self, client: TalkClient) -> None:
        self.client = client

    def participants(self, token: str) -> list[Mapping[str, Any]]:
        response = self.client.spreed("GET", room_path(token, "/participants"), repeatable=True)
        data = response.data if isinstance(response.data, list) else []
        return [item for item in data if isinstance(item, dict)]

    def group_members(self, group: str) -> list[str]:
        path = f"/ocs/v2.php/cloud/groups/{quote(group, safe='')}/users"
        response = self.client.transport.ocs("GET", path, repeatable=True)
        data = response.data
        users = data.get("users") if isinstance(data, dict) else None
        return [u for u in users if isinstance(u, str)] if isinstance(users, list) else []

    def add(self, token: str, kind: str, actor_id: str) -> None:
        form = {"newParticipant": actor_id, "source": SOURCES[kind]}
        self.client.spreed("POST", room_path(token, "/participants"), data=form)

    def promote(self, token: str, attendee_id: int) -> None:
        form = {"attendeeId": attendee_id}
        self.client.spreed("POST", room_path(token, "/moderators"), data=form, repeatable=True)

    def demote(self, token: str, attendee_id: int) -> None:
        form = {"attendeeId": attendee_id}
        self.client.spreed("DELETE", room_path(token, "/moderators"), data=form, repeatable=True)

    def remove(self, token: str, attendee_id: int) -> None:
        form = {"attendeeId": attendee_id}
        self.client.spreed("DELETE", room_path(token, "/attendees"), data=form, repeatable=True)

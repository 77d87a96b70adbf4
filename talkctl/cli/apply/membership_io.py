"""The participant and group requests ``apply`` and ``export`` need, on the run's client:
MembershipIO (talkctl.declarative.applying) over the api layer's ParticipantsApi and
GroupsApi."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from talkctl.api.client import TalkClient
from talkctl.api.errors import ApiError
from talkctl.api.groups import GroupsApi
from talkctl.api.kinds import BY_KEY
from talkctl.api.participants import Participant, ParticipantsApi, source_for
from talkctl.cli.errors import in_lobby

# the apply file's kinds → the api layer's
KINDS = {key: kind.name for key, kind in BY_KEY.items()}
ACTOR_TYPES = {key: kind.actor_type for key, kind in BY_KEY.items()}


class ClientMembershipIO:
    def __init__(self, client: TalkClient) -> None:
        self.client = client
        self.api = ParticipantsApi(client)
        self.groups = GroupsApi(client.transport)

    def require(self, kind: str) -> None:
        """UnsupportedError (nothing sent) when the server cannot add ``kind``."""
        source_for(self.client.capabilities, KINDS[kind])

    def participants(self, token: str) -> list[Mapping[str, Any]]:
        try:
            return [participant.raw for participant in self.api.list(token)]
        except ApiError as exc:
            if exc.status == 412:
                raise in_lobby(token, exc) from exc
            raise

    def group_members(self, group: str) -> list[str]:
        return self.groups.members(group)

    def add(self, token: str, kind: str, actor_id: str) -> None:
        self.api.add(token, actor_id, KINDS[kind])

    @staticmethod
    def _participant(kind: str, actor_id: str, attendee_id: int) -> Participant:
        actor_type = ACTOR_TYPES.get(kind, kind)
        return Participant(
            {"attendeeId": attendee_id, "actorType": actor_type, "actorId": actor_id}
        )

    def promote(self, token: str, kind: str, actor_id: str, attendee_id: int) -> None:
        self.api.promote(token, self._participant(kind, actor_id, attendee_id))

    def demote(self, token: str, kind: str, actor_id: str, attendee_id: int) -> None:
        self.api.demote(token, self._participant(kind, actor_id, attendee_id))

    def remove(self, token: str, kind: str, actor_id: str, attendee_id: int) -> None:
        self.api.remove(token, self._participant(kind, actor_id, attendee_id))

    def set_permissions(
        self, token: str, kind: str, actor_id: str, attendee_id: int, bits: int
    ) -> None:
        """A participant's own permissions, method set (``participant permissions``)."""
        participant = self._participant(kind, actor_id, attendee_id)
        self.api.set_permissions(token, participant, "set", bits)

"""The Participant API: list, add, remove, promote and demote, on API v1 to v4.

API v3 and v4 address an attendee by ``attendeeId`` (``DELETE .../attendees``,
``POST/DELETE .../moderators``; participant.md). API v1 and v2 took the user id as
``participant`` (``DELETE .../participants``, ``.../moderators``): a documented guess, since the
shared spec describes v3+ only; there only users can be removed, promoted or demoted.

The ``source`` of an add differs by release (openapi-talk22.json against
openapi-talk18.0.14.json): Talk 21+ takes ``teams`` and ``federated_users``, earlier releases
``circles`` and ``remotes``. A kind the server cannot handle raises UnsupportedError before any
request is sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from talkctl.api.capabilities import Capabilities
from talkctl.api.client import TalkClient
from talkctl.api.conversations import room_path
from talkctl.api.errors import ApiError, InvalidResponseError, UnsupportedError
from talkctl.api.kinds import (
    BY_ACTOR_TYPE,
    KINDS,
    MODERATOR_TYPES,
    OTHER_ACTOR_TYPES,
    ROLE_NAMES,
    Kind,
)

FEDERATION = "federation-v1"


__all__ = ["KINDS", "MODERATOR_TYPES", "Kind", "Participant", "ParticipantsApi", "source_for"]


def source_for(capabilities: Capabilities, kind: str) -> str:
    """The ``source`` this server's release documents for ``kind``; UnsupportedError when the
    server cannot add that kind (no request is sent)."""
    spec = KINDS[kind]
    if spec.feature is not None:
        capabilities.require(spec.feature, f"adding a {spec.label}")
    if spec.feature == FEDERATION and (refusal := federation_refusal(capabilities)) is not None:
        raise UnsupportedError(f"adding a {spec.label}: {refusal}", FEDERATION)
    return spec.source(modern=(capabilities.talk_release or 0) >= 21)


def federation_refusal(capabilities: Capabilities) -> str | None:
    """Why this server will refuse a federated invite (it answers 501 ``federation``), from
    ``config.federation`` (capabilities.md): None when it allows them or does not say."""
    config = capabilities.config.get("federation")
    if not isinstance(config, dict):
        return None
    for key, what in (("enabled", "federation is"), ("outgoing-enabled", "outgoing invites are")):
        if config.get(key) is False:
            return (
                f"{what} disabled on this server (config federation {key} is false); an "
                "administrator can enable it in the Talk settings"
            )
    return None


@dataclass(frozen=True)
class Participant:
    """A participant as the server listed it; ``raw`` keeps every field for --json."""

    raw: Mapping[str, Any]

    def _str(self, key: str) -> str:
        value = self.raw.get(key)
        return value if isinstance(value, str) else ""

    @property
    def attendee_id(self) -> int | None:
        value = self.raw.get("attendeeId")
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    @property
    def actor_type(self) -> str:
        """The attendee's actorType; API v1/v2 list users by ``userId`` and guests without."""
        if "actorType" in self.raw:
            return self._str("actorType")
        return "users" if self._str("userId") else "guests"

    @property
    def actor_id(self) -> str:
        return self._str("actorId") if "actorType" in self.raw else self._str("userId")

    @property
    def match_id(self) -> str:
        """The id a user names it by: an e-mail invitee's address (its actorId is a hash)."""
        if self.actor_type == "emails" and self._str("invitedActorId"):
            return self._str("invitedActorId")
        return self.actor_id

    @property
    def kind(self) -> str:
        """user, group, email, team, federated, guest, ... (unknown actor types as they are)."""
        actor_type = self.actor_type
        kind = BY_ACTOR_TYPE.get(actor_type)
        return kind.name if kind is not None else OTHER_ACTOR_TYPES.get(actor_type, actor_type)

    @property
    def display_name(self) -> str:
        return self._str("displayName")

    @property
    def participant_type(self) -> int:
        value = self.raw.get("participantType")
        return value if isinstance(value, int) else 0

    @property
    def role(self) -> str:
        """owner, moderator, user or guest (the roles ``list --role`` filters by)."""
        return ROLE_NAMES.get(self.participant_type, f"unknown({self.participant_type})")

    @property
    def is_moderator(self) -> bool:
        return self.participant_type in MODERATOR_TYPES

    @property
    def in_call(self) -> bool:
        value = self.raw.get("inCall")
        return isinstance(value, int) and value > 0

    @property
    def ref(self) -> str:
        """How to name it on the command line: ``attendee:ID``, or the user id on v1/v2."""
        if self.attendee_id is not None:
            return f"attendee:{self.attendee_id}"
        return self.actor_id


@dataclass(frozen=True)
class EmailImport:
    """What importing a CSV of e-mail addresses did (or, in a test run, would do):
    ``invites`` new invitations, ``duplicates`` already invited, ``invalid_lines`` the
    CSV's rejected line numbers; ``type`` the conversation's type the server reported
    (an import makes a group conversation public), None when it reported none."""

    invites: int
    duplicates: int
    invalid_lines: tuple[int, ...] = ()
    type: int | None = None

    @classmethod
    def of(cls, data: Any) -> EmailImport | None:
        if not isinstance(data, dict) or not isinstance(data.get("invites"), int):
            return None
        lines = data.get("invalidLines")
        invalid = tuple(n for n in lines if isinstance(n, int)) if isinstance(lines, list) else ()
        duplicates = data.get("duplicates")
        kind = data.get("type")
        return cls(
            int(data["invites"]),
            duplicates if isinstance(duplicates, int) else 0,
            invalid,
            kind if isinstance(kind, int) else None,
        )


class ParticipantsApi:
    """The Participant API of one server."""

    def __init__(self, client: TalkClient) -> None:
        self.client = client

    @property
    def capabilities(self) -> Capabilities:
        return self.client.capabilities

    @property
    def addresses_attendees(self) -> bool:
        """API v3+ address attendees by id; v1/v2 by user id."""
        return self.capabilities.api_version >= 3

    def list(self, token: str) -> list[Participant]:
        response = self.client.spreed("GET", room_path(token, "/participants"))
        return [Participant(item) for item in response.listing() if isinstance(item, dict)]

    def add(self, token: str, actor_id: str, kind: str = "user") -> int | None:
        """Add ``actor_id`` of ``kind``; the conversation's new type when it changed (an
        e-mail invitee turns a group conversation public), else None. Adding someone who is
        in already succeeds without a change: the answer is the same ``data: []``."""
        source = source_for(self.capabilities, kind)
        response = self.client.spreed(
            "POST",
            room_path(token, "/participants"),
            data={"newParticipant": actor_id, "source": source},
            repeatable=True,  # adding twice is harmless: the second add changes nothing
        )
        data = response.data
        if isinstance(data, dict) and isinstance(data.get("type"), int):
            return int(data["type"])
        return None

    def _target(self, participant: Participant, what: str) -> dict[str, Any]:
        if self.addresses_attendees:
            if participant.attendee_id is None:
                raise UnsupportedError(f"{what}: the server listed no attendee id", "attendeeId")
            return {"attendeeId": participant.attendee_id}
        if participant.actor_type != "users":
            raise UnsupportedError(
                f"{what} a {participant.kind}: not supported by this server "
                f"({self.capabilities.describe_server()}): API v{self.capabilities.api_version} "
                "addresses users only",
                "conversation-v3",
            )
        return {"participant": participant.actor_id}

    def remove(self, token: str, participant: Participant) -> None:
        """Remove an attendee. A retried remove that answers 404 has succeeded: an earlier
        attempt removed it but its answer was lost."""
        form = self._target(participant, "removing")
        path = "/attendees" if self.addresses_attendees else "/participants"
        self._send("DELETE", room_path(token, path), form, done_status=404)

    def promote(self, token: str, participant: Participant) -> None:
        """Make a user or guest a moderator (a retried promote answering 400 succeeded)."""
        form = self._target(participant, "promoting")
        self._send("POST", room_path(token, "/moderators"), form, done_status=400)

    def demote(self, token: str, participant: Participant) -> None:
        """Make a moderator a plain user or guest again."""
        form = self._target(participant, "demoting")
        self._send("DELETE", room_path(token, "/moderators"), form, done_status=400)

    def set_permissions(
        self, token: str, participant: Participant, method: str, bits: int
    ) -> Participant | None:
        """``PUT room/{token}/attendees/permissions`` (v4, ``conversation-permissions``):
        ``method`` set, add or remove ``bits``; the attendee as the server answered it (Talk
        22 answers a list with the one attendee), None when it answered none."""
        self.capabilities.require("conversation-permissions", "participant permissions")
        form = {**self._target(participant, "setting permissions of"), "method": method}
        form["permissions"] = bits
        response = self.client.spreed("PUT", room_path(token, "/attendees/permissions"), data=form)
        listed = [item for item in response.listing() if isinstance(item, dict)]
        return Participant(listed[0]) if listed else None

    def resend_invitations(self, token: str, participant: Participant | None = None) -> None:
        """Send the invitation e-mail again: to ``participant`` (an e-mail invitee), or
        (None) to every e-mail invitee of the conversation. Sending twice sends twice."""
        form = {"attendeeId": participant.attendee_id} if participant is not None else None
        self.client.spreed(
            "POST",
            room_path(token, "/participants/resend-invitations"),
            data=form,
            repeatable=False,
        )

    def import_emails(
        self, token: str, content: bytes, *, filename: str = "invites.csv", test_run: bool = False
    ) -> EmailImport:
        """``POST room/{token}/import-emails`` (v4, ``email-csv-import``): invite every address
        of a CSV (header ``email``, optional ``name``). ``test_run`` asks the server to count
        only: its answer is the same (a 400 when lines are invalid, with the counts), nothing
        is invited. A CSV the server refuses as a whole raises ApiError."""
        self.capabilities.require("email-csv-import", "importing e-mail addresses")
        try:
            response = self.client.spreed(
                "POST",
                room_path(token, "/import-emails"),
                data={"testRun": "true"} if test_run else None,
                files={"file": (filename, content, "text/csv")},
                repeatable=test_run,  # a real import sends invitation e-mails: never twice
            )
        except ApiError as exc:
            counted = EmailImport.of(exc.data) if test_run and exc.status == 400 else None
            if counted is None:
                raise
            return counted
        result = EmailImport.of(response.data)
        if result is None:
            raise InvalidResponseError(
                "the server's answer to the import lists no invitations",
                room_path(token, "/import-emails"),
                response.status,
            )
        return result

    def _send(self, method: str, path: str, form: dict[str, Any], *, done_status: int) -> None:
        try:
            self.client.spreed(method, path, data=form, repeatable=True)
        except ApiError as exc:
            if exc.status != done_status or exc.attempts < 2:
                raise

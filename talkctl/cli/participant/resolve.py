"""Participant IDs → participants of one listing, without ever guessing attendee ids.

An ID names a participant of one kind (user by default; --group, --email, --team,
--federated): it matches that kind's actor id (an e-mail invitee's address, since its actorId
is a hash), then the exact display name within that kind. ``attendee:12`` names an attendee
id of the listing directly. No match is exit 3, several matches exit 8 listing them.
"""

from __future__ import annotations

from collections.abc import Sequence

from talkctl.api.participants import KINDS, Participant
from talkctl.errors import Candidate, NotFound, UsageError
from talkctl.resolve import Index

ATTENDEE_PREFIX = "attendee:"


def kind_of(group: bool, email: bool, team: bool, federated: bool) -> str:
    """The kind the flags name (at most one of them); user without any."""
    chosen = [
        name
        for name, on in (
            ("group", group),
            ("email", email),
            ("team", team),
            ("federated", federated),
        )
        if on
    ]
    if len(chosen) > 1:
        raise UsageError(f"--{chosen[0]} and --{chosen[1]} are exclusive: one kind at a time")
    return chosen[0] if chosen else "user"


def attendee_number(ref: str) -> int | None:
    """12 for ``attendee:12``; None for any other ID; UsageError for ``attendee:x``."""
    if not ref.startswith(ATTENDEE_PREFIX):
        return None
    number = ref[len(ATTENDEE_PREFIX) :]
    if not number.isdigit():
        raise UsageError(f"{ref!r}: an attendee id is a number (attendee:12)")
    return int(number)


def describe(participant: Participant) -> str:
    """``user alice 'Alice A.' (attendee:12)``: how a participant is named in messages."""
    shown = participant.match_id
    name = participant.display_name
    text = f"{participant.kind} {shown}"
    if name and name != shown:
        text += f" {name!r}"
    if participant.attendee_id is not None:
        text += f" ({participant.ref})"
    return text


class ParticipantIndex:
    """One participant listing; IDs resolve per kind through the generic ``Index`` (ids, then
    exact display names after NFC normalization; N IDs cost N + M, not N x M)."""

    def __init__(self, participants: Sequence[Participant], conversation: str = "") -> None:
        self.participants = list(participants)
        self.conversation = conversation
        self.by_attendee: dict[int, Participant] = {}
        for p in self.participants:
            if p.attendee_id is not None:
                self.by_attendee.setdefault(p.attendee_id, p)
        self._kinds: dict[str, Index[Participant]] = {}

    def _index(self, kind: str) -> Index[Participant]:
        if kind not in self._kinds:
            label = KINDS[kind].label
            self._kinds[kind] = Index(
                f"{label} in {self.conversation}" if self.conversation else label,
                [p for p in self.participants if p.kind == kind],
                ids=lambda p: (p.match_id,),
                names=lambda p: (p.display_name,),
                candidate=lambda p: Candidate(p.ref, p.display_name, f"{p.kind} {p.match_id}"),
                advice="use the id or attendee:ID",
            )
        return self._kinds[kind]

    def get(self, ref: str, kind: str) -> Participant:
        """The participant ``ref`` names: NotFound (exit 3), Ambiguous (exit 8)."""
        if not ref.strip():
            raise UsageError("a participant ID must not be empty")
        number = attendee_number(ref)
        if number is None:
            return self._index(kind).find(ref)
        found = self.by_attendee.get(number)
        if found is None:
            raise NotFound(f"attendee in {self.conversation}", ref)
        return found

    def find(self, ref: str, kind: str) -> Participant | None:
        """Like get, but None when nothing matches (several still raise Ambiguous)."""
        try:
            return self.get(ref, kind)
        except NotFound:
            return None

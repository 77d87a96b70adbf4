"""Participant IDs → participants of one listing, without ever guessing attendee ids.

An ID names a participant of one kind (user by default; --group, --email, --team,
--federated): it matches that kind's actor id (an e-mail invitee's address, since its actorId
is a hash), then the exact display name within that kind. ``attendee:12`` names an attendee
id of the listing directly. No match is exit 3, several matches exit 8 listing them.
"""

from __future__ import annotations

from collections.abc import Sequence

from talkctl.api.participants import KINDS, Participant
from talkctl.errors import Ambiguous, Candidate, NotFound, UsageError

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
    """One participant listing, indexed for resolving IDs (N IDs cost N + M, not N x M)."""

    def __init__(self, participants: Sequence[Participant]) -> None:
        self.participants = list(participants)
        self.by_attendee: dict[int, Participant] = {}
        self.by_id: dict[tuple[str, str], Participant] = {}
        self.by_name: dict[tuple[str, str], list[Participant]] = {}
        for p in self.participants:
            if p.attendee_id is not None:
                self.by_attendee.setdefault(p.attendee_id, p)
            self.by_id.setdefault((p.kind, p.match_id), p)
            if p.display_name:
                self.by_name.setdefault((p.kind, p.display_name), []).append(p)

    def find(self, ref: str, kind: str) -> Participant | None:
        """The participant ``ref`` names, None when none does; Ambiguous for several."""
        if not ref.strip():
            raise UsageError("a participant ID must not be empty")
        number = attendee_number(ref)
        if number is not None:
            return self.by_attendee.get(number)
        found = self.by_id.get((kind, ref))
        if found is not None:
            return found
        matches = self.by_name.get((kind, ref), [])
        if len(matches) > 1:
            label = KINDS[kind].label
            raise Ambiguous(
                label,
                ref,
                [Candidate(p.ref, p.display_name, f"{p.kind} {p.match_id}") for p in matches],
                advice="use the id or attendee:ID",
            )
        return matches[0] if matches else None

    def get(self, ref: str, kind: str, conversation: str) -> Participant:
        """Like find, but no match is NotFound (exit 3)."""
        found = self.find(ref, kind)
        if found is None:
            what = "attendee" if attendee_number(ref) is not None else KINDS[kind].label
            raise NotFound(f"{what} in {conversation}", ref)
        return found

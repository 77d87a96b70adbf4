"""Participant IDs → participants of one listing, without ever guessing attendee ids.

An ID names a participant of one kind (user by default; --group, --email, --team,
--federated) by that kind's id: the ``actorId`` (users, groups, teams, federated users) or
the address (``invitedActorId``) of an e-mail invitee. ``attendee:12`` names an attendee id
of the listing directly (ASCII digits only). A display name is no id: anybody may set theirs
to ``bob``, so it selects nobody; the error (exit 3) names whose display name it is and how
to address them. In ``add`` the ID is the id to add.
"""

from __future__ import annotations

from collections.abc import Sequence

from talkctl.api.kinds import KINDS
from talkctl.api.participants import Participant
from talkctl.errors import NotFound, UsageError
from talkctl.resolve import normalized

ATTENDEE_PREFIX = "attendee:"
DEFAULT_KIND = "user"  # an ID without a kind flag
MAX_ATTENDEE_DIGITS = 18  # an attendee id is a database id (64 bit): more is no id


def kind_of(group: bool, email: bool, team: bool, federated: bool) -> str:
    """The kind the flags name (at most one of them); the table's default kind without any."""
    given = {"group": group, "email": email, "team": team, "federated": federated}
    chosen = [kind for kind in KINDS.values() if kind.flag is not None and given.get(kind.flag)]
    if len(chosen) > 1:
        raise UsageError(
            f"--{chosen[0].flag} and --{chosen[1].flag} are exclusive: one kind at a time"
        )
    return chosen[0].name if chosen else DEFAULT_KIND


def attendee_number(ref: str) -> int | None:
    """12 for ``attendee:12``; None for any other ID; UsageError for ``attendee:x``.

    Only ASCII digits: ``attendee:²`` or ``attendee:١٠٢`` (which ``int`` would read as 102)
    name no attendee."""
    if not ref.startswith(ATTENDEE_PREFIX):
        return None
    number = ref[len(ATTENDEE_PREFIX) :]
    if not (number.isascii() and number.isdigit()) or len(number) > MAX_ATTENDEE_DIGITS:
        raise UsageError(
            f"{ref!r}: an attendee id is a number in ASCII digits, as participant list shows "
            "it (attendee:12)"
        )
    return int(number)


class DisplayNameIsNoId(NotFound):
    """An ID that is nobody's id but somebody's display name (exit 3): it names who that is
    and how to address them, since display names are chosen by their owners."""

    def __init__(self, kind: str, ref: str, owners: Sequence[Participant]) -> None:
        super().__init__(kind, ref)
        whose = ", ".join(f"{describe(p)}" for p in owners[:5])
        more = f" and {len(owners) - 5} more" if len(owners) > 5 else ""
        how = " or ".join(_address(p) for p in owners[:2])
        self.message = (
            f"no {kind} has the id {ref!r}; it is the display name of {whose}{more}: a "
            f"display name selects nobody, name them by id ({how})"
        )


def _address(participant: Participant) -> str:
    flag = KINDS[participant.kind].flag if participant.kind in KINDS else ""
    by_id = f"{participant.match_id}{' --' + flag if flag else ''}"
    return f"{by_id} or {participant.ref}" if participant.attendee_id is not None else by_id


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
    """One participant listing, by kind and id (an e-mail invitee's address), and by attendee
    id; N IDs cost N + M, not N x M. Display names only explain a miss."""

    def __init__(self, participants: Sequence[Participant], conversation: str = "") -> None:
        self.participants = list(participants)
        self.conversation = conversation
        self.by_attendee: dict[int, Participant] = {}
        self.by_id: dict[tuple[str, str], Participant] = {}
        self.by_display_name: dict[str, list[Participant]] = {}
        for p in self.participants:
            if p.attendee_id is not None:
                self.by_attendee.setdefault(p.attendee_id, p)
            self.by_id.setdefault((p.kind, p.match_id), p)
            if p.display_name:
                self.by_display_name.setdefault(normalized(p.display_name), []).append(p)

    def _what(self, kind: str) -> str:
        label = KINDS[kind].label
        return f"{label} in {self.conversation}" if self.conversation else label

    def get(self, ref: str, kind: str) -> Participant:
        """The participant ``ref`` names: NotFound (exit 3) when none."""
        if not ref.strip():
            raise UsageError("a participant ID must not be empty")
        number = attendee_number(ref)
        if number is not None:
            found = self.by_attendee.get(number)
            if found is None:
                raise NotFound(f"attendee in {self.conversation}", ref)
            return found
        found = self.by_id.get((kind, ref))
        if found is not None:
            return found
        owners = self.by_display_name.get(normalized(ref))
        if owners:
            raise DisplayNameIsNoId(self._what(kind), ref, owners)
        raise NotFound(self._what(kind), ref)

    def find(self, ref: str, kind: str) -> Participant | None:
        """The participant the id (or attendee:N) names, or None: in ``add`` an ID is the id
        to add, whoever else carries it as a display name."""
        if not ref.strip():
            raise UsageError("a participant ID must not be empty")
        if attendee_number(ref) is not None:
            try:
                return self.get(ref, kind)
            except NotFound:
                return None
        return self.by_id.get((kind, ref))

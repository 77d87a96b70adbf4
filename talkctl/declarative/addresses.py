"""E-mail addresses of invitees: checked before one is sent, never when one is read back.

Talk 22 does not validate an e-mail invitee (``notanemail`` is accepted and makes a group
conversation public: talk22-moderation/x-add-email-not-an-email-200.json), so talkctl checks
what it is about to add (``participant add --email``, ``apply``); what the server already
holds, ``export`` writes and ``apply`` reads back as it is. No typer, no rich.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from talkctl.errors import UsageError

_ATOM = r"[^@\s\x00-\x1f\x7f\"(),:;<>\[\\\]]+"
_LABEL = r"[^@\s\x00-\x1f\x7f\"(),:;<>\[\\\].]+"
_ADDRESS = re.compile(rf"{_ATOM}@{_LABEL}(?:\.{_LABEL})*")


def is_address(text: str) -> bool:
    """``local@domain``: no white space, control or special characters, no empty label."""
    return _ADDRESS.fullmatch(text) is not None


def check_addresses(kind: str, ids: Iterable[object]) -> None:
    """UsageError (exit 2, nothing sent) when an e-mail invitee to add is no address; other
    kinds pass (``kind``: the participant verbs' ``email`` or the apply file's ``emails``)."""
    if kind not in ("email", "emails"):
        return
    bad = [str(item) for item in ids if not is_address(str(item))]
    if bad:
        listed = ", ".join(repr(item) for item in bad[:5]) + (" ..." if len(bad) > 5 else "")
        raise UsageError(
            f"not an e-mail address: {listed} (the server would invite it all the same and "
            "make a group conversation public); nothing was sent"
        )


UNPUBLISHING = "the server removes e-mail invitees when unpublishing"


def email_invitees(participants: Iterable[Mapping[str, Any]]) -> list[str]:
    """The e-mail invitees of a participant list by address (``invitedActorId``; sorted):
    what unpublishing removes (talk22-moderation/u-participants-after-unpublish-200.json)."""
    from talkctl.declarative.membership import Attendee

    found = (Attendee.of(raw) for raw in participants if raw.get("actorType") == "emails")
    return sorted({attendee.actor_id for attendee in found})

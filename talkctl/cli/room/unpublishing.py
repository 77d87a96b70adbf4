"""What ``room unpublish`` costs: the e-mail invitees the server removes with it.

Talk 22 drops every e-mail invitee when a public conversation becomes a group one (recorded:
talk22-moderation/u-participants-after-unpublish-200.json). The plan, the dry run and the
result name them (``participants email a@example.com → none``), and a run that loses any
asks on a terminal and otherwise needs --yes (exit 2, nothing sent).
"""

from __future__ import annotations

from dataclasses import dataclass

from talkctl.api.models import ConversationType
from talkctl.cli.context import Environment, Factory
from talkctl.cli.errors import error_line
from talkctl.cli.results import json_text
from talkctl.errors import TalkctlError, UsageError
from talkctl.resolve import Target
from talkctl.settings import FieldChange

MODERATORS = (1, 2)


class LostInvitees:
    """Reads the e-mail invitees of each conversation to unpublish (one participant listing
    each) and asks before losing them."""

    def __init__(self, factory: Factory, *, yes: bool, stdin: bool) -> None:
        self.factory = factory
        self.yes = yes
        self.stdin = stdin
        self.lost: dict[str, list[str]] = {}  # token → addresses
        self.unread: dict[str, str] = {}  # token → why its participants could not be read

    def changes(self, target: Target) -> list[FieldChange]:
        """One participant listing, unless this run's room listing shows that nothing can be
        lost (not public, or not yours to unpublish); never decided on the cache."""
        state = target.conversation
        if state is not None and state.type != ConversationType.PUBLIC:
            return []
        if state is not None and state.raw.get("participantType", 1) not in MODERATORS:
            return []  # refused by the server anyway
        from talkctl.api.participants import ParticipantsApi
        from talkctl.declarative.addresses import email_invitees

        try:
            listing = ParticipantsApi(self.factory.client).list(target.token)
        except TalkctlError as exc:
            self.unread[target.token] = error_line(exc)
            return [FieldChange("participants", "e-mail invitees (could not be read)", None)]
        addresses = email_invitees(p.raw for p in listing)
        if addresses:
            self.lost[target.token] = addresses
        return [FieldChange("participants", f"email {address}", None) for address in addresses]

    def confirm(self, targets: list[Target]) -> None:
        """Before anything is sent: ask, or refuse without --yes when nobody can answer."""
        losses = [
            Loss(t.name, t.token, self.lost.get(t.token, []), self.unread.get(t.token))
            for t in targets
            if t.token in self.lost or t.token in self.unread
        ]
        if not self.yes:
            confirm_losses(self.factory.environment, losses, stdin_used=self.stdin)


@dataclass
class Loss:
    """The e-mail invitees one conversation loses (``unread``: why they are not known)."""

    name: str
    token: str
    addresses: list[str]
    unread: str | None = None

    def line(self) -> str:
        what = ", ".join(map(json_text, self.addresses))
        return f"  {json_text(self.name)} ({self.token}): {what or f'unknown ({self.unread})'}"


def confirm_losses(
    environment: Environment, losses: list[Loss], *, stdin_used: bool = False
) -> None:
    """Name what is lost, then ask on a terminal; refuse (exit 2, nothing sent) when nobody
    can answer. Nothing lost: nothing asked. (``room unpublish``, ``apply``, ``room ensure``)"""
    from talkctl.cli.prompts import confirm, first_lines

    if not losses:
        return
    lines = first_lines([loss.line() for loss in losses], "more conversations")
    environment.message(
        "unpublishing removes the e-mail invitees (the server does that):\n" + lines
    )
    if stdin_used or not environment.stdin_isatty:
        why = "stdin held the conversations" if stdin_used else "stdin is not a terminal"
        raise UsageError(
            f"refusing to remove e-mail invitees without --yes ({why}); nothing was changed"
        )
    if not confirm(environment, "Unpublish and remove them?"):
        raise UsageError("not confirmed: nothing was changed")

"""``bots = ["Call summary"]`` in an apply file: the bots enabled in a conversation.

The plan compares the declared bots (ids or exact names) with the conversation's bot list
(``GET bot/{token}``): a declared bot not enabled there is enabled; with ``exclusive``, an
enabled bot the file does not declare is disabled. A bot the administrator set up
(no-setup) cannot be declared (exit 6) and is left alone by ``exclusive``. A new
conversation has no bot list yet: its declared bots are resolved and enabled after it is
created. ``changes`` say it as ``participants`` do: ``bots`` from null to the enabled bot,
from the disabled one to null.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from talkctl.api.bots import NO_SETUP, Bot
from talkctl.api.errors import UnsupportedError
from talkctl.errors import Candidate
from talkctl.resolve import Index
from talkctl.settings import FieldChange


class BotIO(Protocol):
    """What apply needs of the bot API (talkctl.api.bots.BotsApi)."""

    def require(self) -> None: ...

    def in_conversation(self, token: str) -> list[Bot]: ...

    def enable(self, token: str, bot_id: int) -> tuple[Bot, bool]: ...

    def disable(self, token: str, bot_id: int) -> Bot: ...


@dataclass(frozen=True)
class BotChange:
    enable: bool
    ref: str  # as the file names it
    bot: Bot | None = None  # None: not resolved yet (a conversation still to be created)

    @property
    def name(self) -> str:
        return self.bot.name if self.bot is not None and self.bot.name else self.ref

    def to_change(self) -> FieldChange:
        return (
            FieldChange("bots", None, self.name)
            if self.enable
            else FieldChange("bots", self.name, None)
        )


@dataclass
class BotPlan:
    changes: list[BotChange] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def index(bots: Sequence[Bot]) -> Index[Bot]:
    return Index(
        "bot",
        bots,
        ids=lambda b: (str(b.id),) if b.id is not None else (),
        names=lambda b: (b.name,),
        candidate=lambda b: Candidate(str(b.id), b.name, "bot"),
        advice="use the bot id",
    )


def _declared(refs: Sequence[str], bots: Sequence[Bot]) -> list[Bot]:
    """The declared bots (NotFound exit 3, Ambiguous exit 8); a no-setup one is exit 6."""
    found = index(bots)
    chosen: list[Bot] = []
    for ref in refs:
        bot = found.find(ref)
        if bot.state == NO_SETUP:
            raise UnsupportedError(
                f"bot {bot.name!r} cannot be enabled per conversation: the administrator "
                "sets it up (state no-setup)",
                "bots-v1",
            )
        if bot not in chosen:
            chosen.append(bot)
    return chosen


def plan_bots(refs: Sequence[str], exclusive: bool, bots: Sequence[Bot] | None) -> BotPlan:
    """What to enable and disable; ``bots`` None: the conversation does not exist yet."""
    if bots is None:
        return BotPlan([BotChange(True, ref) for ref in dict.fromkeys(refs)])
    wanted = _declared(refs, bots)
    plan = BotPlan([BotChange(True, bot.name, bot) for bot in wanted if not bot.enabled])
    if exclusive:
        ids = {bot.id for bot in wanted}
        for bot in bots:
            if bot.enabled and bot.id not in ids:
                plan.changes.append(BotChange(False, bot.name, bot))
            elif bot.state == NO_SETUP:
                plan.notes.append(f"bot {bot.name!r} is set up by the administrator: left alone")
    return plan


def execute_bots(io: BotIO, token: str, plan: BotPlan, steps: list[str]) -> None:
    """Enable, then disable; a bot of a new conversation is resolved in its list first."""
    changes = plan.changes
    if any(change.bot is None for change in changes):
        listed = io.in_conversation(token)
        resolved = _declared([c.ref for c in changes if c.bot is None], listed)
        changes = [c for c in changes if c.bot is not None]
        changes += [BotChange(True, bot.name, bot) for bot in resolved if not bot.enabled]
    for change in changes:
        assert change.bot is not None and change.bot.id is not None
        if change.enable:
            io.enable(token, change.bot.id)
            steps.append(f"bot + {change.name}")
        else:
            io.disable(token, change.bot.id)
            steps.append(f"bot - {change.name}")

"""The verbs of the settings of the one settings table (talkctl/settings): how one runs
(``run_setting``, ``run_parsed``), and favorite, unfavorite; configure.py holds the others
(the generic ``room NAME CONV... VALUE`` verbs, describe, lobby, archive, unarchive)."""

from __future__ import annotations

from typing import Any

import typer

from talkctl.api.models import ConversationType
from talkctl.cli.engine.targets import split_last
from talkctl.cli.options import ChangeOptions, ConvsArgument, change_verb, factory_of
from talkctl.cli.room.conversation_change import Change, run_verb
from talkctl.resolve import Target
from talkctl.settings import FAVORITE, IMPORTANT, Setting, check_available

ONE_TO_ONE = "{label} is a one-to-one conversation: it cannot be changed that way"
ONE_TO_ONE_TYPES = (ConversationType.ONE_TO_ONE, ConversationType.FORMER_ONE_TO_ONE)


def setting_change(setting: Setting, value: Any, **extra: Any) -> Change:
    """The change that sets ``setting`` to ``value`` (the verb of a setting of the table)."""

    def wanted(target: Target) -> Any:
        return setting.effective(value, target.type)

    return Change(
        action="update",
        field=setting.name,
        send=lambda api, t: setting.send(api, t.token, wanted(t)),
        value=lambda t: setting.show(wanted(t)),
        current=lambda c: setting.show(setting.read(c)),
        moderator_only=setting.moderator_only,
        description=f"setting {setting.name}",
        **extra,
    )


def run_setting(
    ctx: typer.Context,
    setting: Setting,
    convs: list[str],
    value: Any,
    options: ChangeOptions,
    **extra: Any,
) -> None:
    """Gate on the setting's capability (nothing sent), then run its change; the server's
    refusals mean what the setting says (``extra``'s ``explain`` adds to them)."""
    check_available(setting, factory_of(ctx).client.capabilities, value)
    extra["explain"] = {**setting.refusals, **extra.get("explain", {})}
    change = setting_change(setting, value, **extra)
    run_verb(ctx, convs, change, options)


def run_parsed(
    ctx: typer.Context,
    setting: Setting,
    args: list[str],
    options: ChangeOptions,
    **extra: Any,
) -> None:
    """``CONV... VALUE``: the last argument (the setting's ``value_name``, when missing)
    parsed by ``setting``, then run_setting on the conversations before it."""
    convs, text = split_last(args, setting.value_name, options.stdin)
    run_setting(ctx, setting, convs, setting.parse(text), options, **extra)


@change_verb
def favorite(ctx: typer.Context, convs: ConvsArgument = None, *, options: ChangeOptions) -> None:
    """Mark a conversation as favorite.

    Favorites come first in Talk's list; 'room list --favorite' selects them.

    Example: talkctl room favorite "Team chat"
    """
    run_setting(ctx, FAVORITE, convs or [], True, options)


@change_verb
def unfavorite(ctx: typer.Context, convs: ConvsArgument = None, *, options: ChangeOptions) -> None:
    """Remove a conversation from the favorites.

    The opposite of 'room favorite'; nothing else about the conversation changes.

    Example: talkctl room unfavorite "Team chat"
    """
    run_setting(ctx, FAVORITE, convs or [], False, options)


@change_verb
def important(ctx: typer.Context, convs: ConvsArgument = None, *, options: ChangeOptions) -> None:
    """Mark a conversation as important (for you: notified even when away or busy).

    Needs Talk 21.1 or later (important-conversations): elsewhere it exits 6, sending
    nothing. It changes nothing for the others.

    Example: talkctl room important "Team chat"
    """
    run_setting(ctx, IMPORTANT, convs or [], True, options)


@change_verb
def unimportant(ctx: typer.Context, convs: ConvsArgument = None, *, options: ChangeOptions) -> None:
    """Mark a conversation as no longer important.

    The opposite of 'room important'; nothing else about the conversation changes.

    Example: talkctl room unimportant "Team chat"
    """
    run_setting(ctx, IMPORTANT, convs or [], False, options)

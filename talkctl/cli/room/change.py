"""Verbs that change a conversation: rename, and the settings of the one settings table
(talkctl/settings.py) that have a verb of their own: favorite, unfavorite, notify, and in
configure.py describe, listable, lobby, message-expiration, archive, unarchive."""

from __future__ import annotations

from typing import Any

import typer

from talkctl.api.models import ConversationType
from talkctl.cli.changes import Change, run_verb
from talkctl.cli.options import (
    ConvsArgument,
    DryRunOption,
    JobsOption,
    StdinOption,
    factory_of,
)
from talkctl.cli.output import FormatOption, JsonOption
from talkctl.cli.room.setting_options import NotifyArguments
from talkctl.errors import UsageError
from talkctl.resolve import Target
from talkctl.settings import FAVORITE, NOTIFY_SETTING, Setting

ONE_TO_ONE = "{label} is a one-to-one conversation: it cannot be changed that way"
ONE_TO_ONE_TYPES = (ConversationType.ONE_TO_ONE, ConversationType.FORMER_ONE_TO_ONE)


def split_last(values: list[str] | None, what: str, stdin: bool = False) -> tuple[list[str], str]:
    """``CONV... VALUE``: the last positional is the value, the rest are conversations."""
    items = list(values or [])
    if not items:
        raise UsageError(f"missing {what}")
    if len(items) == 1 and not stdin:
        raise UsageError(
            f"{what} is missing (or the conversation): give CONV... {what}, or --stdin {what}"
        )
    return items[:-1], items[-1]


def require_capability(ctx: typer.Context, operation: str) -> None:
    """Refuse an operation the server lacks before anything is sent (not even a listing)."""
    factory_of(ctx).conversations.require(operation)


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
    options: tuple[bool, bool, int, bool, str | None],
    **extra: Any,
) -> None:
    """Gate on the setting's capability (nothing sent), then run its change."""
    stdin, dry_run, jobs, json_, fmt = options
    if setting.gate is not None:
        require_capability(ctx, setting.gate)
    change = setting_change(setting, value, **extra)
    run_verb(ctx, convs, change, json_, fmt, stdin, dry_run, jobs)


def run_parsed(
    ctx: typer.Context,
    setting: Setting,
    args: list[str],
    what: str,
    options: tuple[bool, bool, int, bool, str | None],
    **extra: Any,
) -> None:
    """``CONV... VALUE``: the last argument (``what``, when missing) parsed by ``setting``,
    then run_setting on the conversations before it."""
    convs, text = split_last(args, what, options[0])
    run_setting(ctx, setting, convs, setting.parse(text), options, **extra)


def favorite(
    ctx: typer.Context,
    convs: ConvsArgument = None,
    stdin: StdinOption = False,
    dry_run: DryRunOption = False,
    jobs: JobsOption = 4,
    json_: JsonOption = False,
    fmt: FormatOption = None,
) -> None:
    """Mark a conversation as favorite.

    Favorites come first in Talk's list; 'room list --favorite' selects them.

    Example: talkctl room favorite "Team chat"
    """
    run_setting(ctx, FAVORITE, convs or [], True, (stdin, dry_run, jobs, json_, fmt))


def unfavorite(
    ctx: typer.Context,
    convs: ConvsArgument = None,
    stdin: StdinOption = False,
    dry_run: DryRunOption = False,
    jobs: JobsOption = 4,
    json_: JsonOption = False,
    fmt: FormatOption = None,
) -> None:
    """Remove a conversation from the favorites.

    The opposite of 'room favorite'; nothing else about the conversation changes.

    Example: talkctl room unfavorite "Team chat"
    """
    run_setting(ctx, FAVORITE, convs or [], False, (stdin, dry_run, jobs, json_, fmt))


def notify(
    ctx: typer.Context,
    args: NotifyArguments,
    stdin: StdinOption = False,
    dry_run: DryRunOption = False,
    jobs: JobsOption = 4,
    json_: JsonOption = False,
    fmt: FormatOption = None,
) -> None:
    """Set when you are notified: default, always, mention or never.

    'default' sends the conversation type's default (always for one-to-one, mention otherwise):
    Talk does not accept level 0 over the API.

    Example: talkctl room notify "Team chat" mention
    """
    explain = {(400, "level"): "the server refused that notification level for {label}"}
    options = (stdin, dry_run, jobs, json_, fmt)
    run_parsed(ctx, NOTIFY_SETTING, args, "LEVEL", options, explain=explain)

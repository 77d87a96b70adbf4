"""Verbs that change a conversation's settings; each accepts several CONVs and --stdin."""

from __future__ import annotations

from typing import Annotated

import typer

from talkctl.api.conversations import ConversationsApi
from talkctl.api.errors import ApiError
from talkctl.api.models import (
    Conversation,
    ConversationType,
    default_notification_level,
    level_name,
)
from talkctl.cli.completion import complete_conversation, complete_conversation_or
from talkctl.cli.options import (
    ConvsArgument,
    DryRunOption,
    JobsOption,
    StdinOption,
    factory_of,
)
from talkctl.cli.output import FormatOption, JsonOption
from talkctl.cli.room import room_app
from talkctl.cli.runner import Change, run_verb
from talkctl.errors import UsageError
from talkctl.resolve import Target

ONE_TO_ONE = "{label} is a one-to-one conversation: it cannot be changed that way"
ONE_TO_ONE_TYPES = (ConversationType.ONE_TO_ONE, ConversationType.FORMER_ONE_TO_ONE)
NOTIFY_LEVELS = {"default": 0, "always": 1, "mention": 2, "never": 3, "1": 1, "2": 2, "3": 3}


def split_last(values: list[str] | None, what: str) -> tuple[list[str], str]:
    """``CONV... VALUE``: the last positional is the value, the rest are conversations."""
    items = list(values or [])
    if not items:
        raise UsageError(f"missing {what}")
    return items[:-1], items[-1]


def require_capability(ctx: typer.Context, operation: str) -> None:
    """Refuse an operation the server lacks before anything is sent (not even a listing)."""
    factory_of(ctx).conversations.require(operation)


@room_app.command("rename")
def rename(
    ctx: typer.Context,
    args: Annotated[
        list[str],
        typer.Argument(
            help="CONV... NEW_NAME",
            metavar="CONV... NEW_NAME",
            autocompletion=complete_conversation,
        ),
    ],
    stdin: StdinOption = False,
    dry_run: DryRunOption = False,
    jobs: JobsOption = 4,
    json_: JsonOption = False,
    fmt: FormatOption = None,
) -> None:
    """Rename a conversation.

    The new name is the last argument. An empty or blank name is refused before anything is
    sent; the server refuses to rename a one-to-one conversation.

    Example: talkctl room rename "Team chat" "Team chat 2027"
    """
    convs, new_name = split_last(args, "NEW_NAME")
    if not new_name.strip():
        raise UsageError("the new name must not be empty or only white space")

    def apply(api: ConversationsApi, target: Target) -> Conversation | None:
        try:
            return api.rename(target.token, new_name)
        except ApiError as exc:
            # Talk < 21 gives no reason with its 400: the resolved type tells it
            if exc.status == 400 and exc.error is None and target.type in ONE_TO_ONE_TYPES:
                exc.error = "type"
            raise

    change = Change(
        verb="renamed",
        done=f"Renamed {{label}} to {new_name!r}",
        apply=apply,
        describe=lambda t: f"rename to {new_name!r}",
        already=lambda c: c.name == new_name,
        explain={
            (400, "type"): ONE_TO_ONE,
            (400, "value"): "the server refused the name (too long? at most 255 characters)",
        },
    )
    run_verb(ctx, convs, change, json_, fmt, stdin, dry_run, jobs)


def _favorite(
    ctx: typer.Context,
    convs: list[str],
    on: bool,
    stdin: bool,
    dry_run: bool,
    jobs: int,
    json_: bool,
    fmt: str | None,
) -> None:
    require_capability(ctx, "favorite")
    change = Change(
        verb="added to favorites" if on else "removed from favorites",
        done="Added {label} to the favorites" if on else "Removed {label} from the favorites",
        apply=lambda api, t: api.set_favorite(t.token, on),
        describe=lambda t: "add to favorites" if on else "remove from favorites",
        already=lambda c: c.is_favorite == on,
    )
    run_verb(ctx, convs, change, json_, fmt, stdin, dry_run, jobs)


@room_app.command("favorite")
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
    _favorite(ctx, convs or [], True, stdin, dry_run, jobs, json_, fmt)


@room_app.command("unfavorite")
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
    _favorite(ctx, convs or [], False, stdin, dry_run, jobs, json_, fmt)


def parse_level(value: str) -> int:
    """``default|always|mention|never`` or 1-3; 0 (default) is resolved per conversation."""
    if value not in NOTIFY_LEVELS:
        raise UsageError(
            f"notification level must be default, always, mention, never or 1-3, not {value!r}"
        )
    return NOTIFY_LEVELS[value]


def level_for(level: int, conversation_type: int) -> int:
    return level or default_notification_level(conversation_type)


@room_app.command("notify")
def notify(
    ctx: typer.Context,
    args: Annotated[
        list[str],
        typer.Argument(
            help="CONV... LEVEL",
            metavar="CONV... default|always|mention|never",
            autocompletion=complete_conversation_or("default", "always", "mention", "never"),
        ),
    ],
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
    convs, value = split_last(args, "the level")
    level = parse_level(value)
    require_capability(ctx, "notify")

    def apply(api: ConversationsApi, target: Target) -> Conversation | None:
        return api.set_notification_level(target.token, level_for(level, target.type))

    change = Change(
        verb=f"set notifications to {value} for",
        done=f"Notifications for {{label}}: {value}",
        apply=apply,
        describe=lambda t: f"notify {level_name(level_for(level, t.type))}",
        already=lambda c: c.effective_notification_level == level_for(level, c.type),
        explain={(400, "level"): "the server refused that notification level for {label}"},
    )
    run_verb(ctx, convs, change, json_, fmt, stdin, dry_run, jobs)

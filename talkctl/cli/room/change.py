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
from talkctl.cli.errors import handled
from talkctl.cli.options import (
    ConvsArgument,
    DryRunOption,
    JobsOption,
    PasswordStdinOption,
    StdinOption,
    factory_of,
    finish,
)
from talkctl.cli.output import FormatOption, JsonOption, choose_format
from talkctl.cli.prompts import password_from_stdin, password_interactive
from talkctl.cli.room import room_app
from talkctl.cli.runner import Change, run_change
from talkctl.errors import UsageError
from talkctl.resolve import Target

NOT_GROUP = {(400, None): "{label} is not a group conversation"}
ONE_TO_ONE = "{label} is a one-to-one conversation: it cannot be changed that way"
ONE_TO_ONE_TYPES = (ConversationType.ONE_TO_ONE, ConversationType.FORMER_ONE_TO_ONE)
NOTIFY_LEVELS = {"default": 0, "always": 1, "mention": 2, "never": 3, "1": 1, "2": 2, "3": 3}


def _split_last(values: list[str] | None, what: str) -> tuple[list[str], str]:
    """``CONV... VALUE``: the last positional is the value, the rest are conversations."""
    items = list(values or [])
    if not items:
        raise UsageError(f"missing {what}")
    return items[:-1], items[-1]


def _require(ctx: typer.Context, operation: str) -> None:
    """Refuse an operation the server lacks before anything is sent (not even a listing)."""
    factory_of(ctx).conversations.require(operation)


def _run(
    ctx: typer.Context,
    convs: list[str],
    change: Change,
    json_: bool,
    fmt: str | None,
    stdin: bool,
    dry_run: bool,
    jobs: int,
) -> None:
    factory = factory_of(ctx)
    finish(
        run_change(
            factory,
            convs,
            change,
            fmt=choose_format(json_, fmt),
            use_stdin=stdin,
            dry_run=dry_run,
            jobs=jobs,
        )
    )


@room_app.command("rename")
@handled
def rename(
    ctx: typer.Context,
    args: Annotated[list[str], typer.Argument(help="CONV... NEW_NAME", metavar="CONV... NEW_NAME")],
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
    convs, new_name = _split_last(args, "NEW_NAME")
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
        apply=apply,
        describe=lambda t: f"rename to {new_name!r}",
        already=lambda c: c.name == new_name,
        explain={
            (400, "type"): ONE_TO_ONE,
            (400, "value"): "the server refused the name (too long? at most 255 characters)",
        },
    )
    _run(ctx, convs, change, json_, fmt, stdin, dry_run, jobs)


def _publish(password: str | None) -> Change:
    def apply(api: ConversationsApi, target: Target) -> Conversation | None:
        if password is None or api.capabilities.has("conversation-creation-password"):
            return api.make_public(target.token, password)
        # older servers take no password with the publish: set it right after, and undo
        # the publish if it is refused, so the conversation is never left open unprotected
        api.make_public(target.token)
        try:
            return api.set_password(target.token, password)
        except ApiError as exc:
            try:
                api.make_private(target.token)
            except ApiError:
                exc.server_message = (
                    f"{target.label} is now public WITHOUT a password and could not be made "
                    "private again: run 'talkctl room unpublish' on it"
                )
                raise exc from None
            exc.server_message = "the server refused the password; it stays a group conversation"
            raise

    return Change(
        verb="published",
        apply=apply,
        describe=lambda t: "allow guests (make public)",
        already=lambda c: c.type == ConversationType.PUBLIC,
        explain={
            (400, None): "{label} cannot be made public (not a group conversation, or the "
            "server needs a password: use --password-stdin)"
        },
    )


@room_app.command("publish")
@handled
def publish(
    ctx: typer.Context,
    convs: ConvsArgument = None,
    password_stdin: PasswordStdinOption = False,
    stdin: StdinOption = False,
    dry_run: DryRunOption = False,
    jobs: JobsOption = 4,
    json_: JsonOption = False,
    fmt: FormatOption = None,
) -> None:
    """Allow guests: turn a group conversation into a public one.

    Servers that force passwords need --password-stdin.

    Example: talkctl room publish "Town hall"
    """
    factory = factory_of(ctx)
    if password_stdin and stdin:
        raise UsageError("--password-stdin and --stdin both want stdin: use one")
    password = password_from_stdin(factory.environment) if password_stdin else None
    if password is None and not dry_run and factory.client.capabilities.force_passwords:
        raise UsageError(
            "this server requires a password for public conversations: "
            "pass it with --password-stdin"
        )
    _run(ctx, convs or [], _publish(password), json_, fmt, stdin, dry_run, jobs)


@room_app.command("unpublish")
@handled
def unpublish(
    ctx: typer.Context,
    convs: ConvsArgument = None,
    stdin: StdinOption = False,
    dry_run: DryRunOption = False,
    jobs: JobsOption = 4,
    json_: JsonOption = False,
    fmt: FormatOption = None,
) -> None:
    """Disallow guests: turn a public conversation into a group one.

    Its guest link stops working; the participants stay. --dry-run shows what would change.

    Example: talkctl room unpublish "Town hall"
    """
    change = Change(
        verb="unpublished",
        apply=lambda api, t: api.make_private(t.token),
        describe=lambda t: "disallow guests (make group)",
        already=lambda c: c.type == ConversationType.GROUP,
        explain={(400, None): "{label} is not a public conversation"},
    )
    _run(ctx, convs or [], change, json_, fmt, stdin, dry_run, jobs)


@room_app.command("read-only")
@handled
def read_only(
    ctx: typer.Context,
    args: Annotated[list[str], typer.Argument(help="CONV... on|off", metavar="CONV... on|off")],
    stdin: StdinOption = False,
    dry_run: DryRunOption = False,
    jobs: JobsOption = 4,
    json_: JsonOption = False,
    fmt: FormatOption = None,
) -> None:
    """Make a conversation read-only (on) or writable again (off).

    The state is the last argument. In a read-only conversation nobody can post; its
    history stays. Needs a server with the read-only-rooms capability.

    Example: talkctl room read-only "Announcements" on
    """
    convs, state = _split_last(args, "the state (on or off)")
    if state not in ("on", "off"):
        raise UsageError(f"read-only state must be 'on' or 'off', not {state!r}")
    _require(ctx, "read-only")
    on = state == "on"
    change = Change(
        verb="set read-only" if on else "set writable",
        apply=lambda api, t: api.set_read_only(t.token, on),
        describe=lambda t: f"set read-only {state}",
        already=lambda c: c.read_only == on,
        explain={
            (400, None): "{label} cannot be read-only (only group and public conversations can)"
        },
    )
    _run(ctx, convs, change, json_, fmt, stdin, dry_run, jobs)


@room_app.command("password")
@handled
def password(
    ctx: typer.Context,
    convs: ConvsArgument = None,
    password_stdin: PasswordStdinOption = False,
    clear: Annotated[bool, typer.Option("--clear", help="Remove the password.")] = False,
    stdin: StdinOption = False,
    dry_run: DryRunOption = False,
    jobs: JobsOption = 4,
    json_: JsonOption = False,
    fmt: FormatOption = None,
) -> None:
    """Set or remove the password of a public conversation.

    Without --password-stdin or --clear it prompts twice without echo.

    Example: talkctl room password "Town hall" --password-stdin < secret.txt
    """
    factory = factory_of(ctx)
    if clear and password_stdin:
        raise UsageError("--clear and --password-stdin are exclusive")
    if password_stdin and stdin:
        raise UsageError("--password-stdin and --stdin both want stdin: use one")
    if clear:
        value = ""
    elif password_stdin:
        value = password_from_stdin(factory.environment)
    elif dry_run:
        value = "<new>"
    else:
        value = password_interactive(factory.environment)
    change = Change(
        verb="removed the password of" if clear else "set the password of",
        apply=lambda api, t: api.set_password(t.token, value),
        describe=lambda t: "remove the password" if clear else "set a new password",
        already=(lambda c: not c.has_password) if clear else None,
        explain={
            (400, "type"): "only public conversations can have a password: "
            "'talkctl room publish' {label} first",
            (400, "value"): "the server refused the password",
            (403, None): "only moderators of public conversations can set a password on {label}",
        },
    )
    _run(ctx, convs or [], change, json_, fmt, stdin, dry_run, jobs)


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
    _require(ctx, "favorite")
    change = Change(
        verb="added to favorites" if on else "removed from favorites",
        apply=lambda api, t: api.set_favorite(t.token, on),
        describe=lambda t: "add to favorites" if on else "remove from favorites",
        already=lambda c: c.is_favorite == on,
    )
    _run(ctx, convs, change, json_, fmt, stdin, dry_run, jobs)


@room_app.command("favorite")
@handled
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
@handled
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
@handled
def notify(
    ctx: typer.Context,
    args: Annotated[
        list[str],
        typer.Argument(help="CONV... LEVEL", metavar="CONV... default|always|mention|never"),
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
    convs, value = _split_last(args, "the level")
    level = parse_level(value)
    _require(ctx, "notify")

    def apply(api: ConversationsApi, target: Target) -> Conversation | None:
        return api.set_notification_level(target.token, level_for(level, target.type))

    change = Change(
        verb=f"set notifications to {value} for",
        apply=apply,
        describe=lambda t: f"notify {level_name(level_for(level, t.type))}",
        already=lambda c: c.effective_notification_level == level_for(level, c.type),
        explain={(400, "level"): "the server refused notification level {label}"},
    )
    _run(ctx, convs, change, json_, fmt, stdin, dry_run, jobs)

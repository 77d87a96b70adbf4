"""The room settings verbs of the one settings table: describe, listable, lobby,
message-expiration, archive, unarchive. Each accepts several CONVs, --stdin, --dry-run,
--jobs and --json/--format, and exits 6 sending nothing when the server lacks the feature."""

from __future__ import annotations

from typing import Annotated

import typer

from talkctl.cli.completion import complete_conversation
from talkctl.cli.options import ConvsArgument, DryRunOption, JobsOption, StdinOption, factory_of
from talkctl.cli.output import FormatOption, JsonOption
from talkctl.cli.room.change import run_parsed, run_setting, split_last
from talkctl.cli.room.setting_options import (
    ExpirationArguments,
    ListableArguments,
    OnOffArguments,
)
from talkctl.errors import UsageError
from talkctl.settings import (
    ARCHIVED,
    DESCRIPTION,
    DESCRIPTION_LIMIT,
    LISTABLE_SETTING,
    LOBBY,
    MESSAGE_EXPIRATION,
    Lobby,
    parse_when,
)

BAD_VALUE = {(400, "value"): "the server refused that value for {label}"}
BAD_TYPE = {(400, None): "{label} cannot have it (only group and public conversations can)"}


def description_limit(ctx: typer.Context) -> int:
    """The server's maximum (config.conversations.description-length), else 500."""
    config = factory_of(ctx).client.capabilities.conversations_config()
    value = config.get("description-length")
    return value if isinstance(value, int) and value > 0 else DESCRIPTION_LIMIT


def describe(
    ctx: typer.Context,
    args: Annotated[
        list[str] | None,
        typer.Argument(
            help="CONV... TEXT (TEXT '-' reads it from stdin)",
            metavar="CONV... TEXT|-",
            autocompletion=complete_conversation,
            show_default=False,
        ),
    ] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Remove the description.")] = False,
    stdin: StdinOption = False,
    dry_run: DryRunOption = False,
    jobs: JobsOption = 4,
    json_: JsonOption = False,
    fmt: FormatOption = None,
) -> None:
    """Set (or --clear) the description of a conversation.

    The text is the last argument; '-' reads it from stdin (then --stdin cannot be used).
    A text longer than the server's maximum (500 where it does not say) is refused before
    anything is sent.

    \b
    Examples:
      talkctl room describe "Team chat" "Daily sync at 9:30"
      talkctl room describe "Team chat" - < description.txt
      talkctl room describe "Team chat" --clear
    """
    factory = factory_of(ctx)
    if clear:
        convs, text = list(args or []), ""
    else:
        convs, text = split_last(args, "TEXT", stdin)
    if text == "-" and not clear:
        if stdin:
            raise UsageError("TEXT '-' and --stdin both want stdin: use one")
        text = factory.environment.stdin.read().rstrip("\n")
    limit = description_limit(ctx)
    if len(text) > limit:
        raise UsageError(f"the description has {len(text)} characters; the limit is {limit}")
    options = (stdin, dry_run, jobs, json_, fmt)
    run_setting(ctx, DESCRIPTION, convs, text, options, explain=BAD_VALUE | BAD_TYPE)


def listable(
    ctx: typer.Context,
    args: ListableArguments,
    stdin: StdinOption = False,
    dry_run: DryRunOption = False,
    jobs: JobsOption = 4,
    json_: JsonOption = False,
    fmt: FormatOption = None,
) -> None:
    """Set who can find a conversation and join it: none, users or everyone.

    'users' lets every user of the server find it ('room browse'); 'everyone' also guest
    app users; 'none' only the participants see it.

    Example: talkctl room listable "Open office" users
    """
    options = (stdin, dry_run, jobs, json_, fmt)
    run_parsed(ctx, LISTABLE_SETTING, args, "SCOPE", options, explain=BAD_VALUE | BAD_TYPE)


def lobby(
    ctx: typer.Context,
    args: OnOffArguments,
    until: Annotated[
        str | None,
        typer.Option(
            "--until",
            help="When Talk turns the lobby off: 2026-12-24T18:00 (local time unless it has "
            "an offset), or +2h, +3d.",
            metavar="WHEN",
        ),
    ] = None,
    stdin: StdinOption = False,
    dry_run: DryRunOption = False,
    jobs: JobsOption = 4,
    json_: JsonOption = False,
    fmt: FormatOption = None,
) -> None:
    """Turn the lobby on (only moderators get in) or off.

    With --until the server turns it off again at that time; a time in the past is
    refused.

    \b
    Examples:
      talkctl room lobby "Town hall" on --until 2026-12-24T18:00
      talkctl room lobby "Town hall" on --until +2h
      talkctl room lobby "Town hall" off
    """
    convs, state = split_last(args, "the state (on or off)", stdin)
    if state not in ("on", "off"):
        raise UsageError(f"lobby must be on or off, not {state!r} (a time goes in --until)")
    if until is not None and state == "off":
        raise UsageError("--until goes with 'on' (the time the lobby is turned off)")
    value = Lobby(state == "on", parse_when(until) if until is not None else 0)
    options = (stdin, dry_run, jobs, json_, fmt)
    run_setting(ctx, LOBBY, convs, value, options, explain=BAD_TYPE)


def message_expiration(
    ctx: typer.Context,
    args: ExpirationArguments,
    stdin: StdinOption = False,
    dry_run: DryRunOption = False,
    jobs: JobsOption = 4,
    json_: JsonOption = False,
    fmt: FormatOption = None,
) -> None:
    """Delete messages after a time: 90m, 1h, 1d, 4w (s, m, h, d, w), or off.

    Talk offers it only when the server's background jobs run by cron: without the
    message-expiration capability it exits 6 and sends nothing.

    Example: talkctl room message-expiration "Team chat" 4w
    """
    options = (stdin, dry_run, jobs, json_, fmt)
    run_parsed(ctx, MESSAGE_EXPIRATION, args, "DURATION", options, explain=BAD_VALUE | BAD_TYPE)


def archive(
    ctx: typer.Context,
    convs: ConvsArgument = None,
    stdin: StdinOption = False,
    dry_run: DryRunOption = False,
    jobs: JobsOption = 4,
    json_: JsonOption = False,
    fmt: FormatOption = None,
) -> None:
    """Archive a conversation (for you only: it leaves your main list).

    'room list --archived' shows them; 'room unarchive' brings one back.

    Example: talkctl room archive "Old project"
    """
    run_setting(ctx, ARCHIVED, convs or [], True, (stdin, dry_run, jobs, json_, fmt))


def unarchive(
    ctx: typer.Context,
    convs: ConvsArgument = None,
    stdin: StdinOption = False,
    dry_run: DryRunOption = False,
    jobs: JobsOption = 4,
    json_: JsonOption = False,
    fmt: FormatOption = None,
) -> None:
    """Bring an archived conversation back to your main list.

    The opposite of 'room archive'; it changes nothing for the others.

    Example: talkctl room unarchive "Old project"
    """
    run_setting(ctx, ARCHIVED, convs or [], False, (stdin, dry_run, jobs, json_, fmt))

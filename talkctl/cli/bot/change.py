"""``bot enable`` and ``bot disable``: one small function per verb."""

from __future__ import annotations

from typing import Annotated

import typer

from talkctl.cli.bot.cache import complete_bot
from talkctl.cli.options import DryRunOption, JobsOption, StdinOption, factory_of, finish
from talkctl.cli.output import FormatOption, JsonOption, choose_format

ConvsAndBotArguments = Annotated[
    list[str] | None,
    typer.Argument(
        help="Conversations (tokens or exact names), then the bot: its id or exact name.",
        metavar="CONV... BOT",
        show_default=False,
        autocompletion=complete_bot,
    ),
]


def _run(
    ctx: typer.Context,
    verb: str,
    args: list[str] | None,
    options: tuple[bool, bool, int, bool, str | None],
) -> None:
    from talkctl.cli.bot.run import run_bot_verb
    from talkctl.cli.room.change import split_last

    stdin, dry_run, jobs, json_, fmt = options
    factory = factory_of(ctx)
    output = choose_format(json_, fmt)
    convs, ref = split_last(args, "BOT", stdin)
    code = run_bot_verb(
        factory, convs, ref, verb, stdin=stdin, dry_run=dry_run, jobs=jobs, fmt=output
    )
    finish(code)


def enable(
    ctx: typer.Context,
    args: ConvsAndBotArguments = None,
    stdin: StdinOption = False,
    dry_run: DryRunOption = False,
    jobs: JobsOption = 4,
    json_: JsonOption = False,
    fmt: FormatOption = None,
) -> None:
    """Enable a bot in conversations (moderators).

    The bot must be installed and enabled on the server by an administrator; one whose state
    is no-setup cannot be enabled per conversation (exit 6). A bot enabled already is
    reported unchanged. BOT is a bot id or an exact name ('bot list CONV' shows them);
    several bots of that name is exit 8.

    \b
    Example: talkctl bot enable "Team chat" "Call summary"
    Example: talkctl room list --type group --json | talkctl bot enable --stdin 1
    """
    _run(ctx, "enable", args, (stdin, dry_run, jobs, json_, fmt))


def disable(
    ctx: typer.Context,
    args: ConvsAndBotArguments = None,
    stdin: StdinOption = False,
    dry_run: DryRunOption = False,
    jobs: JobsOption = 4,
    json_: JsonOption = False,
    fmt: FormatOption = None,
) -> None:
    """Disable a bot in conversations (moderators).

    A bot that is not enabled there is reported unchanged; a no-setup bot is the
    administrator's to remove (exit 6).

    Example: talkctl bot disable "Team chat" "Call summary"
    """
    _run(ctx, "disable", args, (stdin, dry_run, jobs, json_, fmt))

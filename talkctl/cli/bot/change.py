"""``bot enable`` and ``bot disable``: one small function per verb."""

from __future__ import annotations

from typing import Annotated

import typer

from talkctl.cli.bot.cache import complete_bot
from talkctl.cli.options import ChangeOptions, change_verb, factory_of, finish

ConvsAndBotArguments = Annotated[
    list[str] | None,
    typer.Argument(
        help="Conversations (tokens or exact names), then the bot: its id or exact name.",
        metavar="CONV... BOT",
        show_default=False,
        autocompletion=complete_bot,
    ),
]


def _run(ctx: typer.Context, verb: str, args: list[str] | None, options: ChangeOptions) -> None:
    from talkctl.cli.bot.run import run_bot_verb
    from talkctl.cli.engine.targets import split_last

    factory = factory_of(ctx)
    output = options.output
    convs, ref = split_last(args, "BOT", options.stdin)
    code = run_bot_verb(
        factory,
        convs,
        ref,
        verb,
        stdin=options.stdin,
        dry_run=options.dry_run,
        jobs=options.jobs,
        fmt=output,
    )
    finish(code)


@change_verb
def enable(
    ctx: typer.Context, args: ConvsAndBotArguments = None, *, options: ChangeOptions
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
    _run(ctx, "enable", args, options)


@change_verb
def disable(
    ctx: typer.Context, args: ConvsAndBotArguments = None, *, options: ChangeOptions
) -> None:
    """Disable a bot in conversations (moderators).

    A bot that is not enabled there is reported unchanged; a no-setup bot is the
    administrator's to remove (exit 6).

    Example: talkctl bot disable "Team chat" "Call summary"
    """
    _run(ctx, "disable", args, options)

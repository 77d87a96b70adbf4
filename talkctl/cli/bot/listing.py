"""``bot list [CONV]``: the bots of a conversation (moderators), or every installed bot
(administrators)."""

from __future__ import annotations

from typing import Annotated

import typer

from talkctl.api.bots import Bot, BotsApi, feature_names, state_name
from talkctl.api.errors import ApiError
from talkctl.cli.completion import complete_conversation
from talkctl.cli.context import Factory
from talkctl.cli.fields import Column, Noun
from talkctl.cli.options import factory_of
from talkctl.cli.output import FormatOption, JsonOption, Renderer, choose_format
from talkctl.errors import InContext

# the fields of openapi-talk22.json's Bot and the administration API's BotWithDetails
FIELDS = frozenset(
    [
        "id",
        "name",
        "description",
        "state",
        "features",
        "url",
        "url_hash",
        "error_count",
        "last_error_date",
        "last_error_message",
    ]
)
BOT: Noun[Bot] = Noun(
    "bot",
    columns=[
        Column("id", "ID", lambda b: b.id),
        Column("name", "NAME", lambda b: b.name),
        Column("description", "DESCRIPTION", lambda b: b.description),
        Column("state", "STATE", lambda b: state_name(b.state)),
        Column("features", "FEATURES", lambda b: ",".join(feature_names(b.features))),
    ],
    raw=lambda b: b.raw,
    fields=FIELDS,
)

OptionalConvArgument = Annotated[
    str | None,
    typer.Argument(
        help="The conversation: token or exact name (without: every installed bot, for "
        "administrators).",
        metavar="[CONV]",
        autocompletion=complete_conversation,
        show_default=False,
    ),
]


def list_(
    ctx: typer.Context,
    conv: OptionalConvArgument = None,
    json_: JsonOption = False,
    fmt: FormatOption = None,
    fields: Annotated[
        str | None,
        typer.Option(
            "--fields",
            help="Comma-separated fields of the bot objects (e.g. id,name,state).",
            metavar="F1,F2",
        ),
    ] = None,
) -> None:
    """List bots: those of a conversation (moderators), or all installed ones (admins).

    With CONV: each bot a moderator may see there, and its state in it (enabled, disabled,
    or no-setup: only an administrator can set it up); administrators see the features too
    (--json prints the conversation's bot objects as the server sent them). Without: every
    bot installed on the server with its server-wide state and features (webhook,
    response, event, reaction); the server refuses that to non-administrators (exit 5).
    The list is saved for TAB completion of bot names.

    \b
    Example: talkctl bot list "Team chat"
    Example: talkctl bot list --json
    """
    from talkctl.cli.bot.cache import save_bots

    factory = factory_of(ctx)
    output = choose_format(json_, fmt)
    chosen = BOT.parse_fields(fields)
    api = BotsApi(factory.client)
    api.require()
    if conv is None:
        try:
            bots = api.installed()
        except ApiError as exc:
            if exc.status == 403:
                raise InContext(
                    "only administrators can list every installed bot: "
                    "name a conversation (bot list CONV)",
                    exc,
                ) from exc
            raise
    else:
        from talkctl.cli.bot.run import read_bots

        bots = read_bots(api, factory.resolver.resolve(conv))
        if bots and _is_admin(factory):
            bots = api.with_features(bots)
    save_bots(factory.cache, bots)
    Renderer(factory.environment, output).items(BOT, bots, chosen)


def _is_admin(factory: Factory) -> bool:
    """Whether the account is in the group ``admin`` (``GET /cloud/user``), so that its
    ``bot/admin`` request is not refused."""
    from talkctl.api.account import current_user

    groups = current_user(factory.client.transport).raw.get("groups")
    return isinstance(groups, list) and "admin" in groups

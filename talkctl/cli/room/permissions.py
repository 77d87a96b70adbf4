"""``room permissions``: a conversation's default permissions (the settings table's
``default-permissions``), with what setting them also does: the server resets every
participant's own permissions (recorded on Talk 22: 129 → 0), so the plan, the dry run and the
result say "resets N participants' own permissions", and it needs --yes when N > 0."""

from __future__ import annotations

from typing import Annotated

import typer

from talkctl.api.errors import ApiError
from talkctl.api.participants import ParticipantsApi
from talkctl.cli.context import Factory
from talkctl.cli.engine.targets import split_last
from talkctl.cli.options import ChangeOptions, YesOption, change_verb, factory_of
from talkctl.cli.room.change import run_setting
from talkctl.cli.room.setting_options import value_argument
from talkctl.errors import UsageError
from talkctl.resolve import Target
from talkctl.settings import DEFAULT_PERMISSIONS
from talkctl.settings.permissions import resets_words


def own_permissions(factory: Factory, token: str) -> int | None:
    """How many participants of ``token`` have permissions of their own (None: the listing
    could not be read; the change itself then says why)."""
    try:
        people = ParticipantsApi(factory.client).list(token)
    except ApiError:
        return None
    return sum(1 for p in people if p.raw.get("attendeePermissions") not in (0, None))


PermsArguments = Annotated[list[str], value_argument(DEFAULT_PERMISSIONS)]


@change_verb
def permissions(
    ctx: typer.Context,
    args: PermsArguments,
    yes: YesOption = False,
    *,
    options: ChangeOptions,
) -> None:
    """Set what participants may do by default in a conversation.

    PERMS is the last argument: a comma list of chat, start-call, join-call, lobby-ignore,
    audio, video, screen; or all, none (nothing at all) or default (the server's defaults).
    Moderators may always do everything. Setting it resets every participant's own
    permissions ('participant permissions'): talkctl says how many, and needs --yes then.

    \b
    Examples:
      talkctl room permissions "Town hall" chat,join-call --yes
      talkctl room permissions "Town hall" default
    """
    convs, text = split_last(args, "PERMS", options.stdin)
    value = DEFAULT_PERMISSIONS.parse(text)
    factory = factory_of(ctx)
    counts: dict[str, int] = {}

    def remark(target: Target) -> str | None:
        count = own_permissions(factory, target.token)
        counts[target.token] = count or 0
        return resets_words(count) if count else None

    def confirm(targets: list[Target]) -> None:
        total = sum(counts.get(t.token, 0) for t in targets)
        if not total or yes:
            return
        words = resets_words(total)
        environment = factory.environment
        if options.stdin or not environment.stdin_isatty:
            raise UsageError(f"refusing without --yes: setting the default permissions {words}")
        from talkctl.cli.prompts import confirm as ask

        if not ask(environment, f"Setting the default permissions {words}. Continue?"):
            raise UsageError("not confirmed: nothing was changed")

    run_setting(ctx, DEFAULT_PERMISSIONS, convs, value, options, remark=remark, confirm=confirm)

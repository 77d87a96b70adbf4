"""Verbs that decide who may join: publish, unpublish, password (read-only is a verb of the
settings table, configure.py)."""

from __future__ import annotations

from typing import Annotated

import typer

from talkctl.api.conversations import ConversationsApi
from talkctl.api.models import Conversation, ConversationType
from talkctl.cli.options import (
    ChangeOptions,
    ConvsArgument,
    PasswordStdinOption,
    YesOption,
    change_verb,
    factory_of,
)
from talkctl.cli.prompts import password_from_stdin, password_interactive
from talkctl.cli.room.conversation_change import Change, run_verb
from talkctl.errors import UsageError
from talkctl.resolve import Target
from talkctl.settings import check_password_rule


def _publish(password: str | None) -> Change:
    def send(api: ConversationsApi, target: Target) -> Conversation | None:
        if password is None:
            return api.make_public(target.token)
        return api.publish_with_password(target.token, password)

    return Change(
        action="update",
        field="type",
        send=send,
        value=lambda t: "public",
        current=lambda c: c.type_name,
        note=lambda after: "already public",
        description="publishing",
        explain={
            (400, None): "{label} cannot be made public (not a group conversation, or the "
            "server needs a password: use --password-stdin)"
        },
    )


@change_verb
def publish(
    ctx: typer.Context,
    convs: ConvsArgument = None,
    password_stdin: PasswordStdinOption = False,
    *,
    options: ChangeOptions,
) -> None:
    """Allow guests: turn a group conversation into a public one.

    Servers that force passwords need --password-stdin.

    Example: talkctl room publish "Town hall"
    """
    factory = factory_of(ctx)
    if password_stdin and options.stdin:
        raise UsageError("--password-stdin and --stdin both want stdin: use one")
    password = password_from_stdin(factory.environment) if password_stdin else None
    if not options.dry_run:
        force = factory.client.capabilities.force_passwords
        check_password_rule(ConversationType.PUBLIC, password, force_passwords=force)
    run_verb(ctx, convs or [], _publish(password), options)


@change_verb
def unpublish(
    ctx: typer.Context,
    convs: ConvsArgument = None,
    yes: YesOption = False,
    *,
    options: ChangeOptions,
) -> None:
    """Disallow guests: turn a public conversation into a group one.

    Its guest link stops working. The server removes its e-mail invitees (users, groups and
    the password stay): the plan, --dry-run and the result name them, and losing any needs
    --yes (asked on a terminal).

    Example: talkctl room unpublish "Town hall"
    """
    from talkctl.cli.room.unpublishing import LostInvitees

    lost = LostInvitees(factory_of(ctx), yes=yes, stdin=options.stdin)
    change = Change(
        action="update",
        field="type",
        send=lambda api, t: api.make_private(t.token),
        value=lambda t: "group",
        current=lambda c: c.type_name,
        note=lambda after: "already a group conversation",
        description="unpublishing",
        explain={(400, None): "{label} is not a public conversation"},
        also=lost.changes,
        confirm=lost.confirm,
    )
    run_verb(ctx, convs or [], change, options)


@change_verb
def password(
    ctx: typer.Context,
    convs: ConvsArgument = None,
    password_stdin: PasswordStdinOption = False,
    clear: Annotated[bool, typer.Option("--clear", help="Remove the password.")] = False,
    *,
    options: ChangeOptions,
) -> None:
    """Set or remove the password of a public conversation.

    Without --password-stdin or --clear it prompts twice without echo.

    Example: talkctl room password "Town hall" --password-stdin < secret.txt
    """
    factory = factory_of(ctx)
    if clear and password_stdin:
        raise UsageError("--clear and --password-stdin are exclusive")
    if password_stdin and options.stdin:
        raise UsageError("--password-stdin and --stdin both want stdin: use one")
    if clear:
        value = ""
    elif password_stdin:
        value = password_from_stdin(factory.environment)
    elif options.dry_run:
        value = "<new>"
    else:
        value = password_interactive(factory.environment)
    change = Change(
        action="update",
        field="password",
        send=lambda api, t: api.set_password(t.token, value),
        value=lambda t: "none" if clear else "new",
        current=lambda c: "set" if c.has_password else "none",
        note=lambda after: "no password",
        description="setting passwords",
        explain={
            (400, "type"): "only public conversations can have a password: "
            "'talkctl room publish' {label} first",
            (400, "value"): "the server refused the password",
            (403, None): "only moderators of public conversations can set a password on {label}",
        },
    )
    run_verb(ctx, convs or [], change, options)

"""``room clear-history``: moderators clear a conversation's chat, optionally exporting it
first (and then clearing nothing unless the export is complete)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from talkctl.cli.options import ChangeOptions, ConvsArgument, YesOption, change_verb, factory_of

if TYPE_CHECKING:
    from talkctl.api.chat import ChatApi
    from talkctl.api.conversations import ConversationsApi
    from talkctl.resolve import Target


@change_verb
def clear_history(
    ctx: typer.Context,
    convs: ConvsArgument = None,
    export_first: Annotated[
        str | None,
        typer.Option(
            "--export-first",
            help="Export the whole history (jsonl) to PATH first (a directory for several); "
            "clear nothing of a conversation whose export failed.",
            metavar="PATH",
        ),
    ] = None,
    yes: YesOption = False,
    *,
    options: ChangeOptions,
) -> None:
    """Clear the chat history of conversations for everyone (moderators only).

    The server leaves one system message saying the history was cleared. One-to-one
    conversations cannot be cleared (the server refuses). Asks for confirmation on a
    terminal; refuses without --yes otherwise.

    \b
    Examples:
      talkctl room clear-history "Old project" --export-first old-project.jsonl --yes
    """
    from talkctl.api.chat import ChatApi
    from talkctl.cli.prompts import conversations_asker, may_ask
    from talkctl.cli.room.conversation_change import Change, run_verb

    factory = factory_of(ctx)
    ask = may_ask(factory.environment, options, yes=yes, verb="clear the history of")
    chat = ChatApi(factory.client)
    several = options.stdin or len(convs or []) > 1
    if export_first is not None and several and not options.dry_run:
        Path(export_first).mkdir(parents=True, exist_ok=True, mode=0o700)

    def send(_: ConversationsApi, target: Target) -> None:
        if export_first is not None:
            path = Path(export_first)
            if several:
                from talkctl.cli.chat.export import file_name

                path = path / file_name(target.token, target.name, "jsonl")
            _export(chat, target, path)
        chat.clear(target.token)

    change = Change(
        action="clear-history",
        send=send,
        confirm=conversations_asker(factory.environment, "clear the history of") if ask else None,
        description="clearing",
        explain={
            (403, None): "only moderators can clear the history of {label} "
            "(and one-to-one conversations cannot be cleared)",
        },
    )
    run_verb(ctx, convs or [], change, options)


def _export(chat: ChatApi, target: Target, path: Path) -> None:
    """The complete export, or an error (then nothing is cleared)."""
    from talkctl.cli.chat.exporting import export_history, open_output
    from talkctl.errors import InContext

    try:
        with open_output(path, None) as handle:
            export_history(chat, target.token, target.name, handle, "jsonl")
    except InContext as exc:
        raise InContext(f"{exc}; nothing was cleared", exc.cause) from exc
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise InContext(f"exporting to {path} failed: {reason}; nothing was cleared", exc) from exc

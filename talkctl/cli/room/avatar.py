"""``room avatar``: a conversation's picture (API v1, capability ``avatar``): an emoji on a
colour, an image (``--file``, a multipart upload), or back to the default (``--clear``).
Answers as recorded on Talk 22 (talk22-moderation/a-avatar-*): the room, ``isCustomAvatar``
saying whether one is set; a one-to-one always shows the other user's avatar (400); an image
that is no image or not square is refused (400, the server's message)."""

from __future__ import annotations

import mimetypes
import re
from pathlib import Path
from typing import Annotated, Any

import typer

from talkctl.api.conversations import ConversationsApi
from talkctl.api.models import Conversation
from talkctl.cli.options import ChangeOptions, ConvsArgument, change_verb, factory_of
from talkctl.cli.room.conversation_change import Change, run_verb
from talkctl.errors import UsageError
from talkctl.resolve import Target

GATE = ("avatar", "conversation avatars (Talk 17 and later)")
COLOR = re.compile(r"^[0-9a-fA-F]{6}$")
MAX_IMAGE = 20 * 1024 * 1024  # larger is surely no avatar: refused before sending


def read_image(path: Path) -> tuple[str, bytes, str]:
    """(file name, content, content type) to upload; a file that cannot be read is exit 2."""
    try:
        if path.stat().st_size > MAX_IMAGE:
            raise UsageError(f"{path}: larger than {MAX_IMAGE // (1024 * 1024)} MB, not sent")
        content = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return path.name, content, kind


def shown(conversation: Conversation) -> str:
    return "custom" if conversation.raw.get("isCustomAvatar") is True else "default"


@change_verb
def avatar(
    ctx: typer.Context,
    convs: ConvsArgument = None,
    emoji: Annotated[
        str | None, typer.Option("--emoji", help="One emoji as the picture.", metavar="E")
    ] = None,
    color: Annotated[
        str | None,
        typer.Option("--color", help="The emoji's background: RRGGBB (hex).", metavar="RRGGBB"),
    ] = None,
    file: Annotated[
        Path | None,
        typer.Option("--file", help="A square image (PNG, JPEG) as the picture.", metavar="IMAGE"),
    ] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Back to the default picture.")] = False,
    *,
    options: ChangeOptions,
) -> None:
    """Set a conversation's picture: an emoji, an image (--file), or --clear it.

    Moderators only; a one-to-one conversation always shows the other user's picture. The
    server takes square images only. 'room show' says whether a custom picture is set.

    \b
    Examples:
      talkctl room avatar "Town hall" --emoji "$ROCKET" --color ff0000
      talkctl room avatar "Town hall" --file logo.png
      talkctl room avatar "Town hall" --clear
    """
    if [emoji is not None, file is not None, clear].count(True) != 1:
        raise UsageError("give --emoji E (and maybe --color RRGGBB), --file IMAGE or --clear")
    if color is not None and (emoji is None or not COLOR.match(color)):
        raise UsageError("--color goes with --emoji and is six hex digits (ff0000)")
    if emoji is not None and not emoji.strip():
        raise UsageError("--emoji needs an emoji")
    upload = read_image(file) if file is not None else None
    factory_of(ctx).conversations.require(GATE)
    form: dict[str, Any] = {"emoji": emoji}
    if color is not None:
        form["color"] = color.lower()

    def send(api: ConversationsApi, target: Target) -> Conversation | None:
        if clear:
            return api.change(target.token, "DELETE", "/avatar", gate=GATE)
        if upload is not None:
            return api.change(target.token, "POST", "/avatar", files={"file": upload}, gate=GATE)
        return api.change(target.token, "POST", "/avatar/emoji", form, gate=GATE)

    change = Change(
        action="update",
        field="avatar",
        send=send,
        value=lambda t: "default" if clear else "custom",
        current=shown if clear else None,  # a new emoji is always sent
        explain={
            (400, None): "the server refused that picture for {label} (a one-to-one "
            "conversation shows the other user's; an emoji must be one emoji, an image "
            "square)",
        },
        description="setting avatars",
    )
    run_verb(ctx, convs or [], change, options)

"""A conversation's avatar (API v1, ``avatar``): an emoji on a colour, and back to the
default, as recorded on Talk 22 (recordings/talk22-moderation/a-avatar-*, o2o-avatar-*).

Recorded: both answer the room (``isCustomAvatar``, a new ``avatarVersion``); a one-to-one,
an emoji that is none and a colour that is not six hex digits are 400 with the server's
``message``; a non-moderator 403 with ``data: []``. Uploading an image (multipart ``file``)
answers the room too; no file, a file that is no image and one that is not square are 400
with the server's ``message``. Reading the picture is not emulated (501). Which characters
count as one emoji is a guess (no ASCII, at most 8 code points), and so is the version string
after a change; the sandbox reads the size of PNG, GIF and JPEG images only.
"""

from __future__ import annotations

import re
import string
import struct

from .context import Ctx, moderated
from .ocs import Ocs, fail, ok
from .state import AVATAR_VERSIONS, FORMER_ONE_TO_ONE, ONE_TO_ONE, Room
from .views import room_view

COLOR = re.compile(r"^[0-9a-fA-F]{6}$")
ONE_TO_ONE_MESSAGE = "One-to-one rooms always need to show the other users avatar"


def _is_emoji(text: str) -> bool:
    return bool(text) and len(text) <= 8 and all(ord(c) > 127 for c in text)


@moderated
def set_emoji(ctx: Ctx, room: Room) -> Ocs:
    emoji, color = ctx.str_param("emoji"), ctx.str_param("color")
    if room.type in (ONE_TO_ONE, FORMER_ONE_TO_ONE):
        return fail(400, {"message": ONE_TO_ONE_MESSAGE})
    if not _is_emoji(emoji):
        return fail(400, {"message": "Invalid emoji character"})
    if color and not COLOR.match(color):
        return fail(400, {"message": "Invalid background color"})
    room.is_custom_avatar = True
    chars = string.ascii_letters + string.digits
    room.avatar_version = "".join(ctx.state.rng.choice(chars) for _ in range(16))
    ctx.say(room, "avatar_set", "{actor} set the conversation picture")
    return _the_room(ctx, room)


def image_size(content: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG, GIF or JPEG image; None for anything else."""
    if content.startswith(b"\x89PNG\r\n\x1a\n") and content[12:16] == b"IHDR":
        width, height = struct.unpack(">II", content[16:24])
        return int(width), int(height)
    if content[:6] in (b"GIF87a", b"GIF89a") and len(content) >= 10:
        width, height = struct.unpack("<HH", content[6:10])
        return int(width), int(height)
    if content.startswith(b"\xff\xd8"):
        at = 2
        while at + 9 < len(content) and content[at] == 0xFF:
            marker, length = content[at + 1], struct.unpack(">H", content[at + 2 : at + 4])[0]
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", content[at + 5 : at + 9])
                return int(width), int(height)
            at += 2 + length
    return None


@moderated
def set_image(ctx: Ctx, room: Room) -> Ocs:
    if room.type in (ONE_TO_ONE, FORMER_ONE_TO_ONE):
        return fail(400, {"message": ONE_TO_ONE_MESSAGE})
    upload = ctx.files.get("file")
    if upload is None:
        return fail(400, {"message": "No image file provided"})
    size = image_size(upload.content)
    if size is None:
        return fail(400, {"message": "Invalid image"})
    if size[0] != size[1]:
        return fail(400, {"message": "Avatar image is not square"})
    room.is_custom_avatar = True
    chars = string.ascii_letters + string.digits
    room.avatar_version = "".join(ctx.state.rng.choice(chars) for _ in range(16))
    ctx.say(room, "avatar_set", "{actor} set the conversation picture")
    return _the_room(ctx, room)


@moderated
def clear(ctx: Ctx, room: Room) -> Ocs:
    if room.type in (ONE_TO_ONE, FORMER_ONE_TO_ONE):
        return fail(400, {"message": ONE_TO_ONE_MESSAGE})
    room.is_custom_avatar = False
    room.avatar_version = AVATAR_VERSIONS.get(room.type, room.avatar_version)
    # recorded: said again when there was no picture to remove
    ctx.say(room, "avatar_removed", "{actor} removed the conversation picture")
    return _the_room(ctx, room)


def _the_room(ctx: Ctx, room: Room) -> Ocs:
    """The room as the conversation API of this server shows it (this endpoint is v1)."""
    return ok(room_view(ctx.state, ctx.profile, max(ctx.profile.apis), room, ctx.user))

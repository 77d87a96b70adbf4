"""``room avatar`` end to end against the sandbox (which answers as recorded on Talk 22:
recordings/talk22-moderation/a-avatar-*, replayed by test_fake_fidelity_moderation.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from e2e_support import Factory, Session, start


@pytest.fixture
def admin(fake_talk_factory: Factory, talkctl_home: Path) -> Session:
    return start(fake_talk_factory, talkctl_home, "22")


def test_an_emoji_then_clear_and_room_show_says_which(admin: Session) -> None:
    token = admin.srv.add_room(name="A")
    record = admin.json("room", "avatar", token, "--emoji", "🚀", "--color", "FF0000")
    assert record["changes"] == [{"field": "avatar", "from": None, "to": "custom"}]
    assert admin.forms("POST", "/avatar/emoji") == [{"emoji": "🚀", "color": "ff0000"}]
    assert any("/api/v1/room/" in r.path for r in admin.srv.requests)  # v1
    shown = admin.run("room", "show", token)
    assert "avatar\tcustom" in shown.stdout, shown
    cleared = admin.json("room", "avatar", token, "--clear")
    assert cleared["changes"][0]["to"] == "default"
    assert "avatar\tdefault" in admin.run("room", "show", token).stdout


def test_clearing_no_picture_in_bulk_is_unchanged(admin: Session) -> None:
    a, b = admin.srv.add_room(name="A"), admin.srv.add_room(name="B")
    admin.srv.clear_log()
    records = admin.json("room", "avatar", a, b, "--clear")
    assert [r["action"] for r in records] == ["unchanged", "unchanged"]
    assert admin.srv.changing_requests() == []


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--emoji", "🚀", "--clear"],
        ["--color", "ff0000", "--clear"],
        ["--emoji", "🚀", "--color", "red"],
    ],
)
def test_bad_options_are_exit_2_before_any_request(admin: Session, args: list[str]) -> None:
    token = admin.srv.add_room(name="A")
    admin.srv.clear_log()
    result = admin.run("room", "avatar", token, *args)
    assert result.code == 2, result
    assert admin.srv.requests == []


def test_the_servers_refusals(admin: Session) -> None:
    token = admin.srv.add_room(name="A")
    not_emoji = admin.run("room", "avatar", token, "--emoji", "abc")
    assert not_emoji.code == 6, not_emoji
    assert "Invalid emoji character" in not_emoji.stderr
    bob = admin.srv.add_room(name="bob", type=1, participants={"bob": 1})
    one = admin.run("room", "avatar", bob, "--emoji", "🚀")
    assert one.code == 6 and "one-to-one" in one.stderr, one


def test_a_participant_who_is_no_moderator_is_refused(
    fake_talk_factory: Factory, talkctl_home: Path
) -> None:
    alice = start(fake_talk_factory, talkctl_home, "22", user="alice")
    token = alice.srv.add_room(name="Theirs", participants={"alice": 3})
    result = alice.run("room", "avatar", token, "--emoji", "🚀")
    assert result.code == 5, result


def test_an_old_server_exits_6_sending_nothing(
    fake_talk_factory: Factory, talkctl_home: Path
) -> None:
    old = start(fake_talk_factory, talkctl_home, "11")
    token = old.srv.add_room(name="Old")
    old.srv.clear_log()
    result = old.run("room", "avatar", token, "--clear")
    assert result.code == 6, result
    assert "avatars" in result.stderr
    assert old.srv.changing_requests() == []


def png(width: int, height: int) -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))


def test_an_image_file_is_uploaded_as_multipart(admin: Session, tmp_path: Path) -> None:
    token = admin.srv.add_room(name="A")
    image = tmp_path / "logo.png"
    image.write_bytes(png(2, 2))
    record = admin.json("room", "avatar", token, "--file", str(image))
    assert record["changes"] == [{"field": "avatar", "from": None, "to": "custom"}]
    uploads = [r.files["file"] for r in admin.srv.requests if r.path.endswith("/avatar")]
    assert [(u.filename, u.content_type, u.content) for u in uploads] == [
        ("logo.png", "image/png", png(2, 2))
    ]
    assert "avatar\tcustom" in admin.run("room", "show", token).stdout


@pytest.mark.parametrize(
    ("content", "words"),
    [(png(2, 1), "Avatar image is not square"), (b"this is not an image\n", "Invalid image")],
)
def test_the_servers_refusals_of_an_image(
    admin: Session, tmp_path: Path, content: bytes, words: str
) -> None:
    token = admin.srv.add_room(name="A")
    image = tmp_path / "x.png"
    image.write_bytes(content)
    result = admin.run("room", "avatar", token, "--file", str(image))
    assert result.code == 6, result
    assert words in result.stderr


@pytest.mark.parametrize("extra", [["--clear"], ["--emoji", "🚀"]])
def test_file_goes_alone_and_must_be_readable(
    admin: Session, tmp_path: Path, extra: list[str]
) -> None:
    token = admin.srv.add_room(name="A")
    image = tmp_path / "logo.png"
    image.write_bytes(png(1, 1))
    admin.srv.clear_log()
    both = admin.run("room", "avatar", token, "--file", str(image), *extra)
    assert both.code == 2, both
    missing = admin.run("room", "avatar", token, "--file", str(tmp_path / "none.png"))
    assert missing.code == 2 and "cannot read" in missing.stderr, missing
    assert admin.srv.requests == []

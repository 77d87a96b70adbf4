"""``files.write_private`` (export -o, config, secrets): only a regular file is replaced
atomically; a FIFO, a character device and /dev/fd/N are written into, like a shell's ``>``."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest
from clirunner import TalkctlRunner

from talkctl.files import write_private
from talkctl.sandbox import FakeTalkServer


def read_fifo_in_background(fifo: Path, into: list[bytes]) -> threading.Thread:
    def reader() -> None:
        with open(fifo, "rb") as stream:
            into.append(stream.read())

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    return thread


def test_a_fifo_is_written_into_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "out.toml"
    os.mkfifo(fifo)
    got: list[bytes] = []
    thread = read_fifo_in_background(fifo, got)
    write_private(fifo, "name = 1\n")
    thread.join(60)  # a safety net: the reader ends when the writer closes
    assert got == [b"name = 1\n"]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.toml"]  # no temp file left


def test_dev_fd_of_a_pipe_is_written_into() -> None:
    """``talkctl export -o >(wc -c)`` hands talkctl a /dev/fd/N path."""
    read_end, write_end = os.pipe()
    try:
        write_private(Path(f"/dev/fd/{write_end}"), "x = 2\n")
        os.close(write_end)
        write_end = -1
        with os.fdopen(read_end, "rb") as stream:
            read_end = -1
            assert stream.read() == b"x = 2\n"
    finally:
        for fd in (read_end, write_end):
            if fd >= 0:
                os.close(fd)


def test_dev_fd_onto_a_regular_file_writes_into_that_open_file(tmp_path: Path) -> None:
    """``-o /dev/stdout`` with stdout redirected to a file: the text lands in the file the
    descriptor has open, and /dev is never written to."""
    target = tmp_path / "captured"
    with open(target, "wb") as stream:
        write_private(Path(f"/dev/fd/{stream.fileno()}"), "y = 3\n")
    assert target.read_bytes() == b"y = 3\n"


def test_a_character_device_stays_a_device(tmp_path: Path) -> None:
    if os.geteuid() == 0:  # as root, a null device of our own (never risk the real /dev/null)
        device = tmp_path / "null"
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    else:
        device = Path("/dev/null")
    before = os.lstat(device)
    write_private(device, "z = 4\n")
    after = os.lstat(device)
    assert stat.S_ISCHR(after.st_mode)
    assert (after.st_ino, after.st_rdev, stat.S_IMODE(after.st_mode)) == (
        before.st_ino,
        before.st_rdev,
        stat.S_IMODE(before.st_mode),
    )


def test_a_regular_file_is_still_replaced_atomically_and_private(tmp_path: Path) -> None:
    target = tmp_path / "talk.toml"
    target.write_text("old\n")
    os.chmod(target, 0o644)
    inode = os.lstat(target).st_ino
    write_private(target, "new\n")
    assert target.read_text() == "new\n"
    assert os.lstat(target).st_ino != inode  # replaced, not rewritten in place
    assert stat.S_IMODE(os.lstat(target).st_mode) == 0o600


def test_a_link_to_a_regular_file_keeps_the_link(tmp_path: Path) -> None:
    real = tmp_path / "real.toml"
    real.write_text("old\n")
    link = tmp_path / "link.toml"
    link.symlink_to(real)
    write_private(link, "new\n")
    assert link.is_symlink() and real.read_text() == "new\n"


def test_a_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(IsADirectoryError):
        write_private(tmp_path, "x\n")


def test_export_into_a_fifo(run: TalkctlRunner, fake_talk: FakeTalkServer, tmp_path: Path) -> None:
    fake_talk.add_room(owner="admin", name="Team chat")
    fifo = tmp_path / "talk.toml"
    os.mkfifo(fifo)
    got: list[bytes] = []
    thread = read_fifo_in_background(fifo, got)
    result = run("export", "--all", "-o", str(fifo))
    thread.join(60)
    assert result.code == 0, result
    assert got and b"Team chat" in got[0]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_export_into_a_missing_directory_is_refused(
    run: TalkctlRunner, fake_talk: FakeTalkServer, tmp_path: Path
) -> None:
    result = run("export", "--all", "-o", str(tmp_path / "no" / "such" / "talk.toml"))
    assert result.code == 2, result
    assert result.stderr.startswith("talkctl: error: cannot write")
    assert not (tmp_path / "no").exists()

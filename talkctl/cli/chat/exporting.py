"""Writing one conversation's history to a file, a page at a time.

Memory holds one page (200 messages), never the history. After each page the file is
flushed and its length noted: a full disk, Ctrl-C or any failure cuts the file back to the
last complete message, so it never ends in half a line, and ``--resume`` continues from the
last message written. jsonl resumes after the id of its last complete line; Markdown after
the block comment of its last message (that message is written again: it may be cut).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from talkctl.api.chat import PAGE, ChatApi, message_id
from talkctl.cli.chat import markdown
from talkctl.errors import InContext, UsageError

FORMATS = ("jsonl", "markdown")
EXTENSIONS = {"jsonl": "jsonl", "markdown": "md"}


@dataclass
class Resume:
    after: int = 0  # the id the export continues after
    day: str | None = None  # Markdown: the day heading already written
    keep: int = 0  # bytes of the file that stay
    fresh: bool = True  # nothing (of a heading) written yet


@dataclass
class Window:
    since: int | None = None
    until: int | None = None


def resume_point(path: Path, fmt: str) -> Resume:
    """Where an export into ``path`` continues (nothing there: from the start)."""
    try:
        handle = open(path, "rb")  # noqa: SIM115 - read line by line below
    except FileNotFoundError:
        return Resume()
    with handle:
        if fmt == "jsonl":
            return _jsonl_point(handle)
        return _markdown_point(handle)


def _jsonl_point(handle: IO[bytes]) -> Resume:
    point = Resume(fresh=False)
    offset = 0
    for line in handle:
        if not line.endswith(b"\n"):
            break  # half a line: cut, its message comes again
        offset += len(line)
        try:
            item = json.loads(line)
        except ValueError:
            raise UsageError(
                f"--resume: {handle.name!r} is not a jsonl chat export (line at byte "
                f"{offset - len(line)} is not JSON)"
            ) from None
        point.after = max(point.after, message_id(item) if isinstance(item, dict) else 0)
        point.keep = offset
    return point


def _markdown_point(handle: IO[bytes]) -> Resume:
    point = Resume(fresh=False)
    offset, day, end = 0, None, 0
    last_marker: tuple[int, int, str | None] | None = None  # offset, id, day before it
    for raw in handle:
        text = raw.decode("utf-8", "replace").rstrip("\n")
        if raw.endswith(b"\n"):
            end = offset + len(raw)
        found = markdown.MARKER_RE.match(text)
        if found and raw.endswith(b"\n"):
            last_marker = (offset, int(found.group(1)), day)
        heading = markdown.DAY_RE.match(text)
        if heading:
            day = heading.group(1)
        offset += len(raw)
    if last_marker is None:
        point.keep = end
        return point
    start, number, day_before = last_marker
    point.keep, point.after, point.day = start, number - 1, day_before
    return point


def open_output(path: Path, resume: Resume | None) -> IO[bytes]:
    """The file to write, owner-only when new; with ``resume`` cut to its kept part."""
    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
    if resume is None:
        flags |= os.O_TRUNC
    fd = os.open(path, flags, 0o600)
    handle = os.fdopen(fd, "wb", buffering=0)  # a failed write leaves nothing buffered
    if resume is not None:
        handle.truncate(resume.keep)
        handle.seek(resume.keep)
    return handle


def export_history(
    api: ChatApi,
    token: str,
    title: str,
    handle: IO[bytes],
    fmt: str,
    *,
    resume: Resume | None = None,
    window: Window | None = None,
    seekable: bool = True,
    on_page: Callable[[int], None] | None = None,
) -> int:
    """Write the history of ``token`` to ``handle``; the number of messages written."""
    point = resume or Resume()
    window = window or Window()
    good = point.keep
    day = point.day
    written = 0
    try:
        if fmt == "markdown" and point.fresh:
            _write_all(handle, markdown.heading(title, token).encode())
            good = handle.tell() if seekable else 0
        last = point.after
        if window.since is not None:
            last = max(last, start_after(api, token, window.since))
        while True:
            page = api.page(token, future=True, last_known=last)
            if not page.messages:
                break
            chunk: list[str] = []
            stop = False
            for message in page.messages:
                stamp = _stamp(message)
                if window.until is not None and stamp > window.until:
                    stop = True  # oldest first: nothing later can be in the window
                    break
                if window.since is not None and stamp < window.since:
                    continue
                if fmt == "jsonl":
                    chunk.append(_json_line(message))
                else:
                    text, day = markdown.block(message, day)
                    chunk.append(text)
            if chunk:
                _write_all(handle, "".join(chunk).encode("utf-8", "backslashreplace"))
                good = handle.tell() if seekable else 0
                written += len(chunk)
            if on_page is not None:
                on_page(len(page.messages))
            newest = page.last_given or message_id(page.messages[-1])
            if stop or newest <= last or len(page.messages) < PAGE:
                break  # a short page is the end: nothing newer (no 304 needed)
            last = newest
    except BaseException as exc:
        if seekable:
            _cut(handle, good)
        if isinstance(exc, OSError) and not isinstance(exc, ConnectionError):
            where = getattr(handle, "name", "the output")
            raise InContext(
                f"writing {where} failed: {exc.strerror or exc}; the file holds every "
                "message up to the last complete one: --resume continues from there",
                exc,
            ) from exc
        raise
    return written


def _stamp(message: dict[str, Any]) -> int:
    stamp = message.get("timestamp")
    return stamp if isinstance(stamp, int) and not isinstance(stamp, bool) else 0


def start_after(api: ChatApi, token: str, since: int) -> int:
    """The id an export from ``since`` starts after: found paging back from the newest (ids
    and times grow together), so a recent window of a long history reads a few pages only;
    0 when the whole history is that recent."""
    last = 0
    while True:
        page = api.page(token, future=False, last_known=last)
        for message in page.messages:  # newest first
            if _stamp(message) < since:
                return message_id(message)
        if len(page.messages) < PAGE:
            return 0
        newest_seen = page.last_given or message_id(page.messages[-1])
        if last and newest_seen >= last:
            return 0  # a server that does not move on
        last = newest_seen


def _json_line(message: dict[str, Any]) -> str:
    """One line of JSON; DEL and C1 control characters escaped too (JSON escapes C0)."""
    line = json.dumps(message, ensure_ascii=False, separators=(",", ":"))
    return _C1.sub(lambda m: f"\\u{ord(m.group(0)):04x}", line) + "\n"


_C1 = re.compile("[\x7f-\x9f\u2028\u2029]")


def _write_all(handle: IO[bytes], data: bytes) -> None:
    view = memoryview(data)
    while view:
        count = handle.write(view)
        if count is None:  # pragma: no cover - a non-blocking stream
            continue
        view = view[count:]
    handle.flush()


def _cut(handle: IO[bytes], good: int) -> None:
    """Drop what was written after the last complete message (best effort)."""
    try:
        os.ftruncate(handle.fileno(), good)
        handle.seek(good)
    except (OSError, ValueError):
        pass

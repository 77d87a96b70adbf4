"""Requests each command sends, counted in the fake server's request log."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from measure import isolated_env, run_once, talkctl_executable

from talkctl.sandbox import FakeTalkServer, RequestRecord

SPREED = "/ocs/v2.php/apps/spreed/api/v4"


@dataclass
class Count:
    label: str
    sent: int
    expected: int
    expected_text: str
    detail: str


def describe(record: RequestRecord) -> str:
    path = record.path.replace(SPREED, "").replace("/ocs/v2.php", "")
    query = f"?{urlencode(record.query)}" if record.query else ""
    return f"{record.method} {path}{query}"


def count_requests(work: Path) -> list[Count]:
    talkctl = talkctl_executable()
    counts: list[Count] = []
    with FakeTalkServer(talk="22") as srv:
        tokens = srv.seed_rooms("admin", 20)
        env = isolated_env(work / "requests", srv.url, "admin", srv.new_app_password("admin"))

        def step(
            label: str,
            args: list[str],
            expected: int,
            note: str = "",
            before: Callable[[], object] | None = None,
        ) -> None:
            if before is not None:
                before()
            srv.clear_log()
            sample = run_once([talkctl, *args], env)
            if sample.code != 0:
                raise RuntimeError(f"{label}: exit {sample.code}: {sample.stderr.decode()}")
            records = list(srv.requests)
            detail = "; ".join(describe(r) for r in records) or "none"
            text = f"{expected}" + (f" ({note})" if note else "")
            counts.append(Count(label, len(records), expected, text, detail))

        token = tokens[0]
        step("--version", ["--version"], 0)
        step("--help", ["--help"], 0)
        step("room list --json (first run)", ["room", "list", "--json"], 2, "capabilities")
        step("room list --json", ["room", "list", "--json"], 1)
        step("room list (TSV)", ["room", "list"], 1, "includeLastMessage=0")
        step("room show TOKEN --json", ["room", "show", token, "--json"], 1)
        step("room rename TOKEN NEW --json", ["room", "rename", token, "Renamed", "--json"], 1)
        step(
            "room rename NAME NEW --json",
            ["room", "rename", "Room 00002", "Other", "--json"],
            2,
            "list + change",
        )
        step("room favorite TOKEN", ["room", "favorite", token], 1)
        step("room notify TOKEN mention", ["room", "notify", token, "mention"], 1)
        step("room read-only TOKEN on --json", ["room", "read-only", token, "on", "--json"], 1)
        step(
            "room show TOKEN (Talk hash changes)",
            ["room", "show", token],
            1,
            "sees the new hash",
            before=srv.bump_talk_hash,
        )
        step(
            "room show TOKEN (after the change)",
            ["room", "show", token],
            2,
            "capabilities refreshed once",
        )
        step("room show TOKEN (steady again)", ["room", "show", token], 1)
        step("room delete TOKEN --yes", ["room", "delete", tokens[1], "--yes"], 1)
    return counts

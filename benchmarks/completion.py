"""The TAB callback's latency: a completion of CONV from the local cache (no network)."""

from __future__ import annotations

from pathlib import Path

from measure import isolated_env, repeat, run_once, talkctl_executable
from report import Row, Table, ms

from talkctl.sandbox import FakeTalkServer

CACHED_ROOMS = 5000
TARGET_MS = 250.0


def completion_latency(runs: int, work: Path) -> Table:
    talkctl = talkctl_executable()
    with FakeTalkServer(talk="22") as srv:
        srv.seed_rooms("admin", CACHED_ROOMS)
        env = isolated_env(work / "completion", srv.url, "admin", srv.new_app_password("admin"))
        run_once([talkctl, "room", "list"], env)  # fills the rooms cache the TAB reads
        before = len(srv.requests)
        cases = [
            ("TAB after 'room ' (verbs)", "talkctl room ", "2"),
            ("TAB after 'room show Ro' (conversations)", "talkctl room show Ro", "3"),
        ]
        rows = []
        for label, words, cword in cases:
            tab_env = dict(env, COMP_WORDS=words, COMP_CWORD=cword)
            tab_env["_TALKCTL_COMPLETE"] = "complete_bash"
            tab_env.pop("TALKCTL_APP_PASSWORD", None)  # a TAB needs no secret
            result = repeat(label, [talkctl], tab_env, runs=runs)
            rows.append(
                Row(
                    [label, ms(result.median_ms), ms(result.min_ms), f"<= {TARGET_MS:.0f} ms"],
                    result.median_ms <= TARGET_MS,
                )
            )
        sent = len(srv.requests) - before
    rows.append(Row(["requests sent by all TABs", str(sent), "", "0"], sent == 0))
    return Table(
        f"Shell completion callback ({runs} runs each; {CACHED_ROOMS} conversations cached)",
        ["what", "median", "min", "target"],
        rows,
        "bash's callback runs talkctl with _TALKCTL_COMPLETE=complete_bash; CONV names come "
        "from the cache that 'room list' writes, never from the server.",
    )

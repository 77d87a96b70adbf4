"""The audit benchmark: ``talkctl audit --all`` over 500 sandbox conversations (the built-in
rules: one listing, each conversation's participants once), with --jobs 1 and 8, beside the
same reads made by a plain ``requests`` loop (bare_audit.py). A few milliseconds of server
latency stand for a real server's."""

from __future__ import annotations

import sys
from pathlib import Path

from measure import isolated_env, repeat, run_once, talkctl_executable
from report import Row, Table, ms

from talkctl.sandbox import FakeTalkServer

HERE = Path(__file__).resolve().parent
AUDIT_ROOMS = 500
AUDIT_LATENCY_S = 0.005


def audit_cost(runs: int, work: Path) -> Table:
    talkctl = talkctl_executable()
    with FakeTalkServer(talk="22") as srv:
        srv.seed_rooms("admin", AUDIT_ROOMS, participants={"alice": 2, "bob": 3})
        secret = srv.new_app_password("admin")
        env = isolated_env(work / "audit", srv.url, "admin", secret)
        run_once([talkctl, "room", "list", "--json"], env)  # capabilities cached
        srv.latency = AUDIT_LATENCY_S
        commands = [
            ("talkctl audit --all --jobs 1", [talkctl, "audit", "--all", "--json", "--jobs", "1"]),
            ("talkctl audit --all --jobs 8", [talkctl, "audit", "--all", "--json", "--jobs", "8"]),
            ("plain requests loop (same reads)", [sys.executable, str(HERE / "bare_audit.py")]),
        ]
        series = {}
        sent = {}
        for label, argv in commands:
            srv.clear_log()
            series[label] = repeat(label, argv, env, runs=runs, warmup=0)
            sent[label] = len(srv.requests) // runs
    bare = series[commands[-1][0]].median_ms
    rows = [
        Row(
            [label, ms(s.median_ms), str(sent[label]), f"{s.median_ms / bare:.2f}x"],
            None,
        )
        for label, s in series.items()
    ]
    return Table(
        f"Audit of {AUDIT_ROOMS} conversations, {AUDIT_LATENCY_S * 1000:.0f} ms server latency "
        f"({runs} runs each)",
        ["command", "median", "requests", "time vs plain loop"],
        rows,
        "talkctl's extra requests: the account's own user record and each moderator's "
        "(whether they are still enabled users), each read once.",
    )

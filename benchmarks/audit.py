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


USERS_ROOMS = 200


def audit_users_cost(runs: int, work: Path) -> Table:
    """The ``moderators`` rule's user reads where every conversation has a moderator of its
    own (a real server's shape: 200 distinct users to read), --jobs 1 and 8."""
    talkctl = talkctl_executable()
    with FakeTalkServer(talk="22") as srv:
        for n in range(USERS_ROOMS):
            srv.add_user(f"mod{n}")
            srv.add_room(owner="admin", name=f"Team {n:03d}", participants={f"mod{n}": 2})
        secret = srv.new_app_password("admin")
        env = isolated_env(work / "audit-users", srv.url, "admin", secret)
        run_once([talkctl, "room", "list", "--json"], env)  # capabilities cached
        srv.latency = AUDIT_LATENCY_S
        series = {}
        sent = {}
        for jobs in ("1", "8"):
            label = f"talkctl audit --all --jobs {jobs}"
            srv.clear_log()
            argv = [talkctl, "audit", "--all", "--json", "--jobs", jobs]
            series[label] = repeat(label, argv, env, runs=runs, warmup=0)
            sent[label] = len(srv.requests) // runs
    rows = [Row([label, ms(s.median_ms), str(sent[label])], None) for label, s in series.items()]
    return Table(
        f"Audit of {USERS_ROOMS} conversations, each with a moderator of its own (their user "
        f"records read), {AUDIT_LATENCY_S * 1000:.0f} ms server latency ({runs} runs each)",
        ["command", "median", "requests"],
        rows,
        "Each conversation's participants and its moderators' user records are read in the "
        "same worker, --jobs conversations at a time; each user is read once.",
    )

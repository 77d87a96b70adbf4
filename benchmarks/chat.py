"""The chat benchmarks of issue 24: exporting a long history (time and peak memory against a
plain ``requests`` loop fetching the same pages) and announcing to many conversations
(``chat send --jobs 8`` against ``xargs -P 8 curl``)."""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

from measure import isolated_env, peak_rss, repeat, run_once, talkctl_executable
from report import Row, Table, ms

from talkctl.sandbox import FakeTalkServer

HERE = Path(__file__).resolve().parent
EXPORT_MESSAGES = 100_000
SEND_ROOMS = 50
SEND_LATENCY_S = 0.020


def chat_export(runs: int, work: Path) -> Table:
    talkctl = talkctl_executable()
    with FakeTalkServer(talk="22") as srv:
        token = srv.add_room(owner="admin", name="Long history", participants={"alice": 3})
        srv.add_history(token, EXPORT_MESSAGES - 1, text="Message {n} from {author}: " + "x" * 80)
        secret = srv.new_app_password("admin")
        env = isolated_env(work / "chat-export", srv.url, "admin", secret)
        run_once([talkctl, "room", "list", "--json"], env)  # capabilities and names cached
        out = work / "export.jsonl"
        commands = [
            ("talkctl chat export (jsonl)", [talkctl, "chat", "export", token, "-o", str(out)]),
            ("talkctl chat export (markdown)",
             [talkctl, "chat", "export", token, "--format", "markdown", "-o", str(out)]),
            ("plain requests loop (same pages, jsonl)",
             [sys.executable, str(HERE / "bare_chat.py"), token, str(out)]),
        ]  # fmt: skip
        measured = {}
        for label, argv in commands:
            samples = [peak_rss(argv, env) for _ in range(runs)]
            if any(s.code for s in samples):
                raise RuntimeError(f"{label} failed: {samples[0].stderr.decode()[:300]}")
            measured[label] = (
                statistics.median(s.seconds for s in samples) * 1000,
                max(s.max_rss_kib for s in samples) / 1024,
            )
        lines = sum(1 for _ in out.open(encoding="utf-8"))
    bare = measured["plain requests loop (same pages, jsonl)"][0]
    rows = []
    for label, (median, peak) in measured.items():
        jsonl = label.endswith("(jsonl)")
        ok = (median <= 1.2 * bare and peak < 100) if jsonl else None
        target = "<= 1.2x the loop, < 100 MiB" if jsonl else ""
        rows.append(
            Row([label, ms(median), f"{median / bare:.2f}x", f"{peak:.1f} MiB", target], ok)
        )
    return Table(
        f"Exporting {EXPORT_MESSAGES:,} messages ({runs} runs each; {lines:,} lines written)",
        ["command", "median", "vs the loop", "peak RSS", "target"],
        rows,
        "Whole command; the sandbox runs in the benchmark's process, pages of 200 messages.",
    )


def chat_send(runs: int, work: Path) -> Table:
    from run import curl_config  # the same 0600 config file as the bulk section

    talkctl = talkctl_executable()
    with FakeTalkServer(talk="22") as srv:
        tokens = srv.seed_rooms("admin", SEND_ROOMS)
        secret = srv.new_app_password("admin")
        env = isolated_env(work / "chat-send", srv.url, "admin", secret)
        run_once([talkctl, "room", "list", "--json"], env)
        srv.latency = SEND_LATENCY_S
        stdin = ("\n".join(tokens) + "\n").encode()
        argv = [talkctl, "chat", "send", "--stdin", "--jobs", "8", "Maintenance at 18:00"]
        ours = repeat("chat send --stdin --jobs 8", argv, env, runs=runs, warmup=0, stdin=stdin)
        rows = [Row([ours.label, ms(ours.median_ms), ""], None)]
        config = curl_config(srv.url, "admin", secret, work)
        if config is not None:
            urls = "".join(
                f"{srv.url}/ocs/v2.php/apps/spreed/api/v1/chat/{t}\n" for t in tokens
            ).encode()
            curl_argv = ["xargs", "-P", "8", "-n", "1", "curl", "-K", str(config),
                         "-d", "message=Maintenance at 18:00", "-o", "/dev/null"]  # fmt: skip
            curl = repeat("xargs -P 8 curl (one post each)", curl_argv, env, runs=runs,
                          warmup=0, stdin=urls)  # fmt: skip
            rows[0] = Row([ours.label, ms(ours.median_ms), "< xargs -P 8 curl"],
                          ours.median_ms < curl.median_ms)  # fmt: skip
            rows.append(Row([curl.label, ms(curl.median_ms), ""], None))
    return Table(
        f"Announcing to {SEND_ROOMS} conversations, {SEND_LATENCY_S * 1000:.0f} ms server "
        f"latency ({runs} runs each)",
        ["command", "median", "target"],
        rows,
        "Whole command, start-up included; the tokens come from the cache a listing filled.",
    )

"""talkctl benchmark: cold start, requests per command, bulk throughput, peak memory.

    /tmp/v/bin/python benchmarks/run.py            # print the tables
    /tmp/v/bin/python benchmarks/run.py --write    # ... and rewrite benchmarks/RESULTS.md

Runs the installed ``talkctl`` (the one beside this python) as a fresh process per call
against the fake Talk 22 server of talkctl/sandbox on 127.0.0.1, with the credentials in
the environment (TALKCTL_SERVER, TALKCTL_USER, TALKCTL_APP_PASSWORD). See README.md.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))  # the fake server lives with the tests

from audit import audit_cost, audit_users_cost  # noqa: E402
from chat import chat_export, chat_send  # noqa: E402
from completion import completion_latency  # noqa: E402
from machine import describe_machine  # noqa: E402
from measure import (  # noqa: E402
    Series,
    interleaved,
    isolated_env,
    peak_rss,
    repeat,
    run_once,
    talkctl_executable,
)
from report import Row, Table, ms  # noqa: E402
from requests_count import count_requests  # noqa: E402
from typer_cost import typer_cost  # noqa: E402

from talkctl.sandbox import FakeTalkServer  # noqa: E402

BULK_ROOMS = 200
BULK_LATENCY_S = 0.020
MEMORY_ROOMS = 5000
LIST_ROOMS = 50  # the account listed by the cold-start rows


def curl_config(server: str, user: str, secret: str, directory: Path) -> Path | None:
    """A curl config file (0600) holding the credentials: never on curl's command line."""
    if shutil.which("curl") is None:
        return None
    path = directory / "curl.cfg"
    path.touch(mode=0o600)
    path.write_text(
        f'user = "{user}:{secret}"\n'
        'header = "OCS-APIRequest: true"\n'
        'header = "Accept: application/json"\n'
        "silent\nshow-error\nfail\n"
    )
    return path


def cold_start(runs: int, work: Path) -> Table:
    talkctl = talkctl_executable()
    python = sys.executable
    with FakeTalkServer(talk="22") as srv:
        srv.seed_rooms("admin", LIST_ROOMS)
        secret = srv.new_app_password("admin")
        env = isolated_env(work / "cold", srv.url, "admin", secret)
        run_once([talkctl, "room", "list", "--json"], env)  # fills the capabilities cache
        commands: list[tuple[str, list[str]]] = [
            ("python -c pass", [python, "-c", "pass"]),
            ("talkctl --version", [talkctl, "--version"]),
            ("talkctl --help", [talkctl, "--help"]),
            ("talkctl room list --json", [talkctl, "room", "list", "--json"]),
            ("bare requests script", [python, str(HERE / "bare_requests.py")]),
            ("talkctl room list (TSV to a pipe)", [talkctl, "room", "list"]),
        ]
        config = curl_config(srv.url, "admin", secret, work)
        if config is not None:
            url = srv.url + "/ocs/v2.php/apps/spreed/api/v4/room?noStatusUpdate=1"
            commands.append(("curl (same request)", ["curl", "-K", str(config), url]))
        results = interleaved(commands, env, runs=runs)
    bare = results["bare requests script"].median_ms
    targets: dict[str, tuple[str, float]] = {
        "talkctl --version": ("<= 80 ms", 80.0),
        "talkctl --help": ("<= 150 ms", 150.0),
        "talkctl room list --json": (f"<= 1.5x bare ({1.5 * bare:.0f} ms)", 1.5 * bare),
    }
    rows = []
    for label, result in results.items():
        target, limit = targets.get(label, ("", 0.0))
        rows.append(
            Row(
                [label, ms(result.median_ms), ms(result.min_ms), f"{result.median_ms / bare:.2f}x",
                 target],
                (result.median_ms <= limit) if target else None,
            )
        )  # fmt: skip
    return Table(
        f"Cold start ({runs} runs each, taking turns; {LIST_ROOMS} conversations listed)",
        ["command", "median", "min", "vs bare requests", "target"],
        rows,
        "Credentials from the environment (TALKCTL_SERVER, TALKCTL_USER, "
        "TALKCTL_APP_PASSWORD): no keyring lookup (that adds about 100 ms). Capabilities "
        "cached by an earlier run (steady state). curl reads its credentials from a 0600 "
        "config file.",
    )


def bulk(runs: int, work: Path) -> Table:
    talkctl = talkctl_executable()
    with FakeTalkServer(talk="22") as srv:
        tokens = srv.seed_rooms("admin", BULK_ROOMS)
        secret = srv.new_app_password("admin")
        env = isolated_env(work / "bulk", srv.url, "admin", secret)
        run_once([talkctl, "room", "list", "--json"], env)  # capabilities cached
        srv.latency = BULK_LATENCY_S
        stdin = ("\n".join(tokens) + "\n").encode()
        results: dict[int, Series] = {}
        sent: dict[int, int] = {}
        for jobs in (1, 8):
            argv = [talkctl, "room", "favorite", "--stdin", "--jobs", str(jobs), "--json"]
            srv.clear_log()
            results[jobs] = repeat(
                f"room favorite --stdin --jobs {jobs}",
                argv,
                env,
                runs=runs,
                warmup=0,
                stdin=stdin,
            )
            sent[jobs] = len(srv.requests) // runs
        rows = [
            Row(
                [
                    s.label,
                    ms(s.median_ms),
                    str(sent[j]),
                    f"{results[1].median_ms / s.median_ms:.2f}x",
                    "" if j == 1 else ">= 6x",
                ],
                None if j == 1 else results[1].median_ms / s.median_ms >= 6,
            )
            for j, s in results.items()
        ]
        config = curl_config(srv.url, "admin", secret, work)
        if config is not None:
            urls = "".join(
                f"{srv.url}/ocs/v2.php/apps/spreed/api/v4/room/{t}/favorite\n" for t in tokens
            ).encode()
            argv = [
                "xargs",
                "-P",
                "8",
                "-n",
                "16",
                "curl",
                "-K",
                str(config),
                "-X",
                "POST",
                "-o",
                "/dev/null",
            ]
            srv.clear_log()
            curl = repeat(
                "xargs -P 8 curl (16 URLs per curl)", argv, env, runs=runs, warmup=0, stdin=urls
            )
            rows.append(
                Row(
                    [
                        curl.label,
                        ms(curl.median_ms),
                        str(len(srv.requests) // runs),
                        f"{results[1].median_ms / curl.median_ms:.2f}x",
                        "",
                    ]
                )
            )
    return Table(
        f"Bulk change of {BULK_ROOMS} conversations, {BULK_LATENCY_S * 1000:.0f} ms server "
        f"latency ({runs} runs each)",
        ["command", "median", "requests", "speed-up vs --jobs 1", "target"],
        rows,
        "Whole command, start-up and the one listing that resolves the tokens included.",
    )


def memory(runs: int, work: Path) -> Table:
    talkctl = talkctl_executable()
    with FakeTalkServer(talk="22") as srv:
        srv.seed_rooms("admin", MEMORY_ROOMS)
        secret = srv.new_app_password("admin")
        env = isolated_env(work / "memory", srv.url, "admin", secret)
        sample = run_once([talkctl, "room", "list", "--json"], env, keep_stdout=True)
        listed = json.loads(sample.stdout)
        size = sum(len(json.dumps(c, separators=(",", ":"))) for c in listed) / len(listed)
        commands = [
            ("talkctl room list --json", [talkctl, "room", "list", "--json"], True),
            ("talkctl room list --format jsonl", [talkctl, "room", "list", "--format", "jsonl"],
             True),
            ("talkctl room list (TSV)", [talkctl, "room", "list"], True),
            ("bare requests script (same JSON out)",
             [sys.executable, str(HERE / "bare_requests.py")], False),
            ("python -c 'import requests'", [sys.executable, "-c", "import requests"], False),
        ]  # fmt: skip
        rows = []
        for label, argv, has_target in commands:
            samples = [peak_rss(argv, env) for _ in range(runs)]
            if any(s.code for s in samples):
                raise RuntimeError(f"{label} failed: {samples[0].stderr.decode()[:300]}")
            peak = max(s.max_rss_kib for s in samples) / 1024
            median = statistics.median(s.seconds for s in samples) * 1000
            rows.append(
                Row([label, f"{peak:.1f} MiB", ms(median), "< 150 MiB" if has_target else ""],
                    (peak < 150) if has_target else None)
            )  # fmt: skip
    return Table(
        f"Peak memory listing {len(listed)} conversations (~{size / 1024:.1f} KiB each as "
        f"compact JSON; {runs} runs)",
        ["command", "peak RSS (max)", "median time", "target"],
        rows,
        "Peak RSS of the measured process alone: a small launcher forks it, so the "
        "benchmark's own memory (and its in-process fake server) never counts.",
    )


SECTIONS = (
    "cold",
    "requests",
    "bulk",
    "memory",
    "typer",
    "completion",
    "chat",
    "audit",
    "audit-users",
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=21, help="measured runs per cold-start row")
    parser.add_argument("--bulk-runs", type=int, default=3)
    parser.add_argument("--memory-runs", type=int, default=3)
    parser.add_argument("--audit-runs", type=int, default=3)
    parser.add_argument(
        "--only",
        choices=SECTIONS,
        action="append",
    )
    parser.add_argument("--write", action="store_true", help="rewrite benchmarks/RESULTS.md")
    args = parser.parse_args(argv)
    sections = args.only or list(SECTIONS)
    machine = describe_machine()  # before the run: includes the load average
    tables: list[Table] = []
    with tempfile.TemporaryDirectory(prefix="talkctl-bench-") as tmp:
        work = Path(tmp)
        for section in sections:
            print(f"running: {section} ...", file=sys.stderr, flush=True)
            if section == "cold":
                table = cold_start(args.runs, work)
            elif section == "requests":
                table = request_table(work)
            elif section == "typer":
                table = typer_cost(args.runs, work)
            elif section == "completion":
                table = completion_latency(args.runs, work)
            elif section == "bulk":
                table = bulk(args.bulk_runs, work)
            elif section == "chat":
                for extra in (chat_export(args.memory_runs, work), chat_send(args.bulk_runs, work)):
                    print(extra.markdown() + "\n", flush=True)
                    tables.append(extra)
                continue
            elif section == "audit":
                table = audit_cost(args.audit_runs, work)
            elif section == "audit-users":
                table = audit_users_cost(args.audit_runs, work)
            else:
                table = memory(args.memory_runs, work)
            print(table.markdown() + "\n", flush=True)
            tables.append(table)
    if args.write:
        write_results(machine, tables)
    return 0 if all(r.ok is not False for t in tables for r in t.rows) else 1


def request_table(work: Path) -> Table:
    rows = [
        Row([c.label, str(c.sent), c.expected_text, c.detail], c.sent == c.expected)
        for c in count_requests(work)
    ]
    return Table(
        "Requests sent per command (from the fake server's log; Talk 22)",
        ["command", "requests", "target", "requests sent"],
        rows,
    )


def write_results(machine: str, tables: list[Table]) -> None:
    text = [
        "# Benchmark results",
        "",
        "Produced by `python benchmarks/run.py --write` (see README.md); latest run only.",
        "",
        machine,
        "",
    ]
    text += [table.markdown() + "\n" for table in tables]
    (HERE / "RESULTS.md").write_text("\n".join(text))


if __name__ == "__main__":
    sys.exit(main())

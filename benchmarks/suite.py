"""How long the test command's pytest part takes: before (every talkctl run a process) and
after (in-process), back to back on the same machine at the same load.

    .venv/bin/python benchmarks/suite.py                 # both, "before" first
    .venv/bin/python benchmarks/suite.py --only after --workers 2

"before" is the same suite with ``TALKCTL_TEST_SUBPROCESS=1``: every ``TalkctlRunner`` starts
the installed talkctl, as all of them did before the in-process runner. Each run is
``python -m pytest -n WORKERS -q``; the table gives wall time, the CPU time of pytest and
everything it started (user + sys), the outcome line, and the talkctl runs the suite logged
(``TALKCTL_TEST_RUN_LOG``: in-process runs, and processes started through
``talkctl_executable()``; shell scripts of the README tour start a few more). Other processes
on the machine lengthen the wall time, hardly the CPU time: compare the CPU column when the
load is high, and read the load averages printed before each run.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from machine import describe_machine  # noqa: E402

MODES = {"before": {"TALKCTL_TEST_SUBPROCESS": "1"}, "after": {"TALKCTL_TEST_SUBPROCESS": "0"}}


@dataclass
class SuiteRun:
    mode: str
    wall: float
    cpu: float
    outcome: str
    runs: Counter[str]
    load: tuple[float, float, float]


def run_suite(mode: str, workers: str) -> SuiteRun:
    load = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        log, junit = Path(tmp) / "runs.log", Path(tmp) / "junit.xml"
        env = dict(os.environ, **MODES[mode], TALKCTL_TEST_RUN_LOG=str(log))
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        command = [sys.executable, "-m", "pytest", "-n", workers, "-q", "-p", "no:randomly"]
        done = subprocess.run(
            [*command, "--junitxml", str(junit)],
            cwd=HERE.parent,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        runs = Counter(log.read_text().split()) if log.exists() else Counter()
        outcome = _outcome(junit) if junit.exists() else f"exit {done.returncode}"
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return SuiteRun(mode, wall, cpu, outcome, runs, load)


def _outcome(junit: Path) -> str:
    """'N passed, N failed, N skipped' from pytest's JUnit report."""
    suite = ElementTree.parse(junit).getroot()
    suite = suite if suite.tag == "testsuite" else suite[0]
    tests, skipped = int(suite.get("tests", 0)), int(suite.get("skipped", 0))
    failed = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
    return f"{tests - skipped - failed} passed, {failed} failed, {skipped} skipped"


def table(results: list[SuiteRun]) -> str:
    lines = [
        "| suite | wall | CPU (user+sys) | talkctl in-process / processes "
        "| load before (1, 5, 15 min) | outcome |",
        "|---|---|---|---|---|---|",
    ]
    for r in results:
        load = ", ".join(f"{value:.1f}" for value in r.load)
        lines.append(
            f"| {r.mode} | {r.wall:.0f} s | {r.cpu:.0f} s | {r.runs['in-process']} / "
            f"{r.runs['process']} | {load} | {r.outcome} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=sorted(MODES), action="append")
    parser.add_argument("--workers", default="auto", help="pytest -n (default auto)")
    args = parser.parse_args()
    modes = args.only or ["before", "after"]
    print(describe_machine())
    results = []
    for mode in modes:
        print(f"running the suite: {mode} ...", file=sys.stderr, flush=True)
        results.append(run_suite(mode, args.workers))
        print(table(results[-1:]).splitlines()[-1], file=sys.stderr, flush=True)
    print()
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())

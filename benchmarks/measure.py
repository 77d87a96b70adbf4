"""Running a command as a fresh process and measuring it: wall time, peak memory, exit code.

Each run is one ``fork + exec`` like a script calling talkctl; ``os.wait4`` gives the
child's own resource usage, so the peak RSS is that of the measured process alone.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

# tests/ is on sys.path (run.py puts it there): one talkctl locator for tests and benchmarks
from clirunner import talkctl_executable as talkctl_executable  # re-exported


@dataclass
class Sample:
    seconds: float
    max_rss_kib: int
    code: int
    stdout: bytes
    stderr: bytes


@dataclass
class Series:
    """Repeated runs of one command."""

    label: str
    samples: list[Sample] = field(default_factory=list)

    @property
    def times_ms(self) -> list[float]:
        return [s.seconds * 1000 for s in self.samples]

    @property
    def median_ms(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def min_ms(self) -> float:
        return min(self.times_ms)

    @property
    def max_rss_mib(self) -> float:
        return max(s.max_rss_kib for s in self.samples) / 1024


class CommandFailed(RuntimeError):
    pass


def run_once(
    argv: Sequence[str],
    env: Mapping[str, str],
    *,
    stdin: bytes | None = None,
    keep_stdout: bool = False,
) -> Sample:
    """Run ``argv`` once; stdout/stderr go to temporary files (never a pipe that could block)."""
    with (
        tempfile.TemporaryFile() as stdin_file,
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
    ):
        if stdin is not None:
            stdin_file.write(stdin)
            stdin_file.seek(0)
        started = time.perf_counter()
        process = subprocess.Popen(
            list(argv),
            env=dict(env),
            stdin=stdin_file if stdin is not None else subprocess.DEVNULL,
            stdout=out if keep_stdout else subprocess.DEVNULL,
            stderr=err,
        )
        _pid, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        # Linux reports ru_maxrss in KiB, macOS in bytes
        rss = usage.ru_maxrss // 1024 if sys.platform == "darwin" else usage.ru_maxrss
        return Sample(elapsed, rss, process.returncode, out.read(), err.read())


# Forks from a small python, then execs the command: the parent's pages never count.
_RSS_LAUNCHER = """
import os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def peak_rss(argv: Sequence[str], env: Mapping[str, str], *, stdin: bytes | None = None) -> Sample:
    """Run ``argv`` once and return its own peak RSS.

    A child's ``ru_maxrss`` includes the pages it shared with its parent before ``exec``
    (Linux keeps the high-water mark across exec), so a command started straight from this
    process would be charged for this process and its in-process fake server. A tiny
    launcher (``python -S``, a few MiB) forks it instead.
    """
    with tempfile.NamedTemporaryFile("r") as report:
        launcher = [sys.executable, "-S", "-c", _RSS_LAUNCHER, report.name, *argv]
        sample = run_once(launcher, env, stdin=stdin)
        text = report.read().strip()
    sample.max_rss_kib = int(text) if text else 0
    if sys.platform == "darwin":
        sample.max_rss_kib //= 1024
    return sample


def repeat(
    label: str,
    argv: Sequence[str],
    env: Mapping[str, str],
    *,
    runs: int,
    warmup: int = 2,
    stdin: bytes | None = None,
    expect_code: int = 0,
) -> Series:
    """``warmup`` unmeasured runs (page cache, .pyc files), then ``runs`` measured ones."""
    series = Series(label)
    for index in range(warmup + runs):
        sample = run_once(argv, env, stdin=stdin)
        if sample.code != expect_code:
            raise CommandFailed(
                f"{label}: exit {sample.code} (expected {expect_code}): "
                f"{sample.stderr.decode(errors='replace').strip()[:500]}"
            )
        if index >= warmup:
            series.samples.append(sample)
    return series


def isolated_env(home: Path, server: str, user: str, app_password: str) -> dict[str, str]:
    """A clean environment: own HOME/config/cache, credentials from TALKCTL_* variables."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TALKCTL_", "REQUESTS_CA", "CURL_CA", "PYTHON"))
        and key not in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")
    }
    env.update(
        {
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / "xdg-config"),
            "XDG_CACHE_HOME": str(home / "xdg-cache"),
            "TALKCTL_CONFIG_DIR": str(home / "config"),
            "TALKCTL_CACHE_DIR": str(home / "cache"),
            "TALKCTL_SERVER": server,
            "TALKCTL_USER": user,
            "TALKCTL_APP_PASSWORD": app_password,
            "NO_PROXY": "*",
        }
    )
    return env


def interleaved(
    commands: Sequence[tuple[str, Sequence[str]]],
    env: Mapping[str, str],
    *,
    runs: int,
    warmup: int = 2,
) -> dict[str, Series]:
    """Like :func:`repeat` for several commands, taking turns: a load change on the machine
    (other work starting or stopping) hits every command alike instead of one of them."""
    series = {label: Series(label) for label, _argv in commands}
    for index in range(warmup + runs):
        for label, argv in commands:
            sample = run_once(argv, env)
            if sample.code != 0:
                raise CommandFailed(
                    f"{label}: exit {sample.code}: "
                    f"{sample.stderr.decode(errors='replace').strip()[:500]}"
                )
            if index >= warmup:
                series[label].samples.append(sample)
    return series

"""Run talkctl isolated from the developer's own setup: in this process (the default) or as
the installed ``talkctl`` in a subprocess.

Loaded as a pytest plugin (``-p clirunner`` in pyproject), so every test module can use the
``talkctl_home`` fixture and the ``TalkctlRunner`` class.

In-process runs (``inprocess.py``) call the entry point with in-memory streams, the run's
environment in ``os.environ`` and a fresh factory, against the same fake server over HTTP,
and give the exit code, stdout and stderr the installed command would. Tests where the process
itself matters (signals, a terminal, the installed entry point, import costs) pass
``subprocess=True``; ``TALKCTL_TEST_SUBPROCESS=1`` makes every runner start a process (to
compare, or to rule the in-process runner out when a test fails).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

# "1": every TalkctlRunner starts the installed talkctl, as before the in-process runner
SUBPROCESS_ENV = "TALKCTL_TEST_SUBPROCESS"
# a file: each talkctl run appends a line, "in-process" or "process" (benchmarks/suite.py)
RUN_LOG_ENV = "TALKCTL_TEST_RUN_LOG"


def log_run(kind: str) -> None:
    """Count a talkctl run of the suite (when RUN_LOG_ENV names a file)."""
    path = os.environ.get(RUN_LOG_ENV)
    if path:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, f"{kind}\n".encode())  # one short write: whole lines from any worker
        finally:
            os.close(fd)


def talkctl_executable() -> str:
    """The ``talkctl`` console script installed beside this Python (the venv's); asking for
    it counts as a process started (every caller starts one)."""
    log_run("process")
    candidate = Path(sys.executable).with_name("talkctl")
    if candidate.exists():
        return str(candidate)
    found = shutil.which("talkctl")
    if found is None:
        raise RuntimeError("talkctl is not installed: run pip install -e '.[test]' first")
    return found


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str

    def __repr__(self) -> str:  # shown by pytest when an assertion fails
        return f"Result(code={self.code}, stdout={self.stdout!r}, stderr={self.stderr!r})"


class TalkctlRunner:
    """Runs talkctl with its own HOME, config and cache dirs and a clean TALKCTL_* environment:
    in this process, or (``subprocess=True``) as the installed command."""

    def __init__(
        self,
        home: Path,
        *,
        server: str | None = None,
        user: str | None = None,
        app_password: str | None = None,
        extra_env: Mapping[str, str] | None = None,
        subprocess: bool = False,
    ) -> None:
        self.home = home
        self.config_dir = home / "config"
        self.cache_dir = home / "cache"
        self.subprocess = subprocess or os.environ.get(SUBPROCESS_ENV, "") not in ("", "0")
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("TALKCTL_", "REQUESTS_CA", "CURL_CA", "NO_COLOR"))
        }
        env.update(
            {
                "HOME": str(home),
                "XDG_CONFIG_HOME": str(home / "xdg-config"),
                "XDG_CACHE_HOME": str(home / "xdg-cache"),
                "XDG_DATA_HOME": str(home / "xdg-data"),
                "TALKCTL_CONFIG_DIR": str(self.config_dir),
                "TALKCTL_CACHE_DIR": str(self.cache_dir),
                "NO_PROXY": "*",
                "COLUMNS": "200",
            }
        )
        if server is not None:
            env["TALKCTL_SERVER"] = server
        if user is not None:
            env["TALKCTL_USER"] = user
        if app_password is not None:
            env["TALKCTL_APP_PASSWORD"] = app_password
        env.update(extra_env or {})
        self.env = env

    def __call__(
        self,
        *args: str,
        input: str | None = None,
        env: Mapping[str, str | None] | None = None,
        timeout: float = 60,
    ) -> Result:
        """``talkctl ARGS`` with ``input`` on stdin and ``env`` over the runner's environment
        (None removes a variable). A run longer than ``timeout`` seconds is stopped and raises
        ``subprocess.TimeoutExpired``."""
        run_env = dict(self.env)
        for key, value in (env or {}).items():
            if value is None:
                run_env.pop(key, None)
            else:
                run_env[key] = value
        # an in-process run swaps process-wide state (os.environ, fds 0-2, signal handlers):
        # only the main thread runs one; from any other thread the run is a process
        if not self.subprocess and threading.current_thread() is threading.main_thread():
            from inprocess import run_in_process

            log_run("in-process")
            code, stdout, stderr = run_in_process(list(args), run_env, input or "", timeout)
            return Result(code, stdout, stderr)
        completed = subprocess.run(
            [talkctl_executable(), *args],
            input=input if input is not None else "",
            capture_output=True,
            text=True,
            env=run_env,
            timeout=timeout,
        )
        return Result(completed.returncode, completed.stdout, completed.stderr)


def process_signals(pid: int) -> str:
    """State and signal masks of a running process (Linux), for the message of a failed
    Ctrl-C test: was it stopped, or did it ignore, block or not catch SIGINT?"""
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8") as status:
            lines = [line.strip() for line in status if line.startswith(("State", "Sig"))]
    except OSError as exc:
        return f"pid {pid}: {exc}"
    return f"pid {pid}: " + "; ".join(lines)


@pytest.fixture
def talkctl_home(tmp_path: Path) -> Iterator[Path]:
    home = tmp_path / "home"
    home.mkdir()
    yield home

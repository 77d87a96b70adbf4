"""Accounts, config, cache and ``talkctl api`` under attack: what others on the machine, a
hand-edited config or a hostile path could do."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

from clirunner import Result, TalkctlRunner, talkctl_executable

from talkctl.sandbox import FakeTalkServer


def run_with_umask(run: TalkctlRunner, umask: int, *args: str, input: str = "") -> Result:
    """talkctl as a process with ``umask`` (0: everything it creates could be world-writable)."""
    done = subprocess.run(
        [talkctl_executable(), *args],
        input=input,
        capture_output=True,
        text=True,
        env=run.env,
        timeout=60,
        preexec_fn=lambda: os.umask(umask),
    )
    return Result(done.returncode, done.stdout, done.stderr)


def modes_below(root: Path) -> dict[str, int]:
    return {
        str(path.relative_to(root)): stat.S_IMODE(path.stat().st_mode)
        for path in [root, *root.rglob("*")]
    }


# -- umask 000: nothing talkctl creates is open to others ------------------------------------
def test_under_umask_000_every_created_directory_is_owner_only(
    fake_talk: FakeTalkServer, tmp_path: Path
) -> None:
    # the config and cache dirs below directories that do not exist yet (a new ~/.config)
    run = TalkctlRunner(
        tmp_path,
        extra_env={
            "TALKCTL_CONFIG_DIR": str(tmp_path / "new" / "config" / "talkctl"),
            "TALKCTL_CACHE_DIR": str(tmp_path / "new" / "cache" / "talkctl"),
        },
    )
    secret = fake_talk.new_app_password("alice")
    login = ("auth", "login", fake_talk.url, "--user", "alice", "--app-password-stdin")
    done = run_with_umask(run, 0, *login, "--store", "file", input=secret + "\n")
    assert done.code == 0, done
    listed = run_with_umask(run, 0, "room", "list")
    assert listed.code == 0, listed
    modes = modes_below(tmp_path / "new")
    assert {name for name in modes if name.startswith("cache/talkctl/")}  # the cache was written
    assert any(name.startswith("config/talkctl/secrets/") for name in modes)
    for name, mode in modes.items():
        if (tmp_path / "new" / name).is_dir():
            assert mode == 0o700, (name, oct(mode))
        else:
            assert mode == 0o600, (name, oct(mode))

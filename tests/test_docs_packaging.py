"""The man page and completion scripts ship in the wheel `pip install .` installs."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from talkctl import __version__

REPO = Path(__file__).resolve().parent.parent

SHIPPED = {
    "share/man/man1/talkctl.1": "man/talkctl.1",
    "share/bash-completion/completions/talkctl.bash": "completions/talkctl.bash",
    "share/zsh/site-functions/_talkctl": "completions/_talkctl",
    "share/fish/vendor_completions.d/talkctl.fish": "completions/talkctl.fish",
}


def test_wheel_installs_man_page_and_completions(tmp_path: Path) -> None:
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(REPO)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = tmp_path.glob("talkctl-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        data = f"talkctl-{__version__}.data/data/"
        for installed, source in SHIPPED.items():
            assert data + installed in names, installed
            shipped = archive.read(data + installed).decode("utf-8")
            assert shipped == (REPO / source).read_text("utf-8"), installed
        assert "talkctl/docs/man.py" in names

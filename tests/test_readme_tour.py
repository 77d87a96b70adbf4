"""Every example of the README's command tour works on a fresh demo sandbox.

The tour's subsections on ``room``, ``participant``, ``apply``, ``export`` and ``api`` are
run line by line (install, login, man-page and crontab examples live elsewhere and are not
run). Each example gets a sandbox of its own, so the examples do not depend on each other.

An example exits 0 unless its comment says otherwise: a comment containing ``exit N`` (for
instance ``# no such conversation: exit 3`` or ``# exit 2 without a terminal``) declares
exit code N. Examples run without a terminal on stdin, with ``PW`` and
``TOWN_HALL_PASSWORD`` set and the README's TOML example as ``conversations.toml``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest

from talkctl.sandbox.service import Sandbox, SandboxOptions, command_environment

README = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")
TOUR_NOUNS = ("room", "participant", "apply", "export", "api")
EXIT = re.compile(r"\bexits? (\d+)\b")
PASSWORD = "Correct-Horse-Battery-42"


@dataclass(frozen=True)
class Example:
    section: str
    line: str
    code: int


def split_comment(line: str) -> tuple[str, str]:
    """(command, comment): the comment starts at a ``#`` after a blank, outside quotes."""
    quote = ""
    for index, char in enumerate(line):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and (index == 0 or line[index - 1].isspace()):
            return line[:index].rstrip(), line[index + 1 :].strip()
    return line.rstrip(), ""


def tour_sections() -> dict[str, str]:
    tour = README.split("\n## A tour of every command", 1)[1].split("\n## ", 1)[0]
    sections = {}
    for part in tour.split("\n### ")[1:]:
        title, _, body = part.partition("\n")
        if any(f"`talkctl {noun}" in title for noun in TOUR_NOUNS):
            sections[title.strip()] = body
    return sections


def examples() -> list[Example]:
    found = []
    for title, body in tour_sections().items():
        for block in re.findall(r"```sh\n(.*?)```", body, re.S):
            for raw in block.replace("\\\n", " ").splitlines():
                command, comment = split_comment(raw)
                if not command.strip():
                    continue
                code = EXIT.search(comment)
                found.append(Example(title, command.strip(), int(code.group(1)) if code else 0))
    return found


def readme_toml() -> str:
    room = next(body for title, body in tour_sections().items() if "`talkctl room" in title)
    found = re.search(r"```toml\n(.*?)```", room, re.S)
    assert found, "the room section shows an apply file"
    return found.group(1)


EXAMPLES = examples()


def test_the_tour_has_examples_of_each_section() -> None:
    titles = {example.section for example in EXAMPLES}
    assert any("`talkctl room" in title for title in titles)
    assert len(EXAMPLES) >= 20
    assert split_comment("talkctl room show 'a # b'  # note: exit 3") == (
        "talkctl room show 'a # b'",
        "note: exit 3",
    )


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.line for e in EXAMPLES])
def test_tour_example_exits_as_documented(example: Example, tmp_path: Path) -> None:
    if re.search(r"\|\s*jq\b", example.line) and shutil.which("jq") is None:
        pytest.skip("jq is not installed")
    (tmp_path / "conversations.toml").write_text(readme_toml(), "utf-8")
    (tmp_path / "town-hall-password.txt").write_text(PASSWORD + "\n", "utf-8")
    options = SandboxOptions(seed=zlib.crc32(example.line.encode()))
    with Sandbox(options) as sandbox:
        env = command_environment(os.environ, sandbox.environment(), tmp_path / "home")
        env.update(PW=PASSWORD, TOWN_HALL_PASSWORD=PASSWORD, COLUMNS="200")
        done = subprocess.run(
            ["bash", "-o", "pipefail", "-c", example.line],
            cwd=tmp_path,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert done.returncode == example.code, (
        f"{example.line!r} exited {done.returncode}, the README says {example.code}:\n"
        f"stdout: {done.stdout}\nstderr: {done.stderr}"
    )
    assert "Traceback" not in done.stderr

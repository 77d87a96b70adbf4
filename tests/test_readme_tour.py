"""Every example of the README's command tour works on a fresh demo sandbox.

The tour's subsections on ``room``, ``participant``, ``chat``, ``bot``, ``breakout``,
``apply``, ``export`` and ``api`` are run line by line (install, login, man-page and crontab
examples live elsewhere and are not run). Each example gets a sandbox of its own, so the
examples do not depend on each other.

An example exits 0 unless its comment says otherwise: a comment containing ``exit N`` (for
instance ``# no such conversation: exit 3`` or ``# exit 2 without a terminal``) declares
exit code N. A block right after the line ``<!-- tour: sequence -->`` is one workflow (export,
then apply what was exported): its lines run in order on one sandbox, each with its own exit
code. Lines that do not run talkctl (``$EDITOR talk.toml``) are not examples. Examples run
without a terminal on stdin, with ``PW`` and ``TOWN_HALL_PASSWORD`` set and the tour's first
TOML example as ``conversations.toml``.
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
TOUR_NOUNS = ("room", "participant", "chat", "bot", "breakout", "apply", "export", "api", "audit")
EXIT = re.compile(r"\bexits? (\d+)\b")
PASSWORD = "Correct-Horse-Battery-42"


@dataclass(frozen=True)
class Step:
    line: str
    code: int


@dataclass(frozen=True)
class Example:
    """One example, or the steps of a sequence block, run on one fresh sandbox."""

    section: str
    steps: tuple[Step, ...]

    @property
    def name(self) -> str:
        return " && ".join(step.line for step in self.steps)


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


def steps(block: str) -> list[Step]:
    found = []
    for raw in block.replace("\\\n", " ").splitlines():
        command, comment = split_comment(raw)
        if not re.search(r"(^|[|;&(]\s*)talkctl\b", command.strip()):
            continue
        code = EXIT.search(comment)
        found.append(Step(command.strip(), int(code.group(1)) if code else 0))
    return found


def examples() -> list[Example]:
    found = []
    for title, body in tour_sections().items():
        for marker, block in re.findall(r"(<!-- tour: sequence -->\n)?```sh\n(.*?)```", body, re.S):
            if marker:
                found.append(Example(title, tuple(steps(block))))
            else:
                found += [Example(title, (step,)) for step in steps(block)]
    return found


def readme_toml() -> str:
    found = re.search(r"```toml\n(.*?)```", "".join(tour_sections().values()), re.S)
    assert found, "the tour shows an apply file"
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


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.name for e in EXAMPLES])
def test_tour_example_exits_as_documented(example: Example, tmp_path: Path) -> None:
    if re.search(r"\|\s*jq\b", example.name) and shutil.which("jq") is None:
        pytest.skip("jq is not installed")
    (tmp_path / "conversations.toml").write_text(readme_toml(), "utf-8")
    (tmp_path / "town-hall-password.txt").write_text(PASSWORD + "\n", "utf-8")
    options = SandboxOptions(seed=zlib.crc32(example.name.encode()))
    with Sandbox(options) as sandbox:
        env = command_environment(os.environ, sandbox.environment(), tmp_path / "home")
        env.update(PW=PASSWORD, TOWN_HALL_PASSWORD=PASSWORD, COLUMNS="200")
        for step in example.steps:
            done = subprocess.run(
                ["bash", "-o", "pipefail", "-c", step.line],
                cwd=tmp_path,
                env=env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            assert done.returncode == step.code, (
                f"{step.line!r} exited {done.returncode}, the README says {step.code}:\n"
                f"stdout: {done.stdout}\nstderr: {done.stderr}"
            )
            assert "Traceback" not in done.stderr

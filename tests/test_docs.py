"""man/, completions/ and README.md never drift from the command tree.

When one of these fails after a change to the commands, run ``scripts/regenerate-docs`` and
commit the result with the change (and describe a new command in README.md).
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from talkctl.docs import COMPLETION_FILES, generated_files, reference
from talkctl.docs.man import environment_names, escape, render
from talkctl.docs.tree import Command, walk
from talkctl.exit_codes import EXIT_STATUS_HELP

REPO = Path(__file__).resolve().parent.parent
GENERATED = generated_files()
COMMANDS = list(walk())
LEAVES = [command for command in COMMANDS if not command.is_group]
REGENERATE = "run scripts/regenerate-docs and commit the result"


@pytest.mark.parametrize("relative", sorted(GENERATED))
def test_committed_file_equals_a_fresh_generation(relative: str) -> None:
    path = REPO / relative
    assert path.is_file(), f"{relative} is missing: {REGENERATE}"
    assert path.read_text("utf-8") == GENERATED[relative], f"{relative} is stale: {REGENERATE}"


def test_no_stale_file_lingers_in_generated_directories() -> None:
    for directory in ("completions", "man"):
        present = {f"{directory}/{p.name}" for p in (REPO / directory).iterdir()}
        expected = {name for name in GENERATED if name.startswith(directory + "/")}
        assert present == expected, f"{directory}/ holds files no generator writes"


def test_generator_check_mode_reports_and_write_mode_repairs(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("", "utf-8")
    command = [sys.executable, "-m", "talkctl.docs"]
    written = subprocess.run([*command, str(tmp_path)], capture_output=True, text=True)
    assert written.returncode == 0, written
    assert {str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file()} == {
        "pyproject.toml",
        *GENERATED,
    }
    clean = subprocess.run([*command, "--check", str(tmp_path)], capture_output=True, text=True)
    assert (clean.returncode, clean.stderr) == (0, "")
    (tmp_path / "man" / "talkctl.1").write_text("stale\n", "utf-8")
    stale = subprocess.run([*command, "--check", str(tmp_path)], capture_output=True, text=True)
    assert stale.returncode == 1
    assert stale.stderr == "man/talkctl.1: out of date\n"
    assert (tmp_path / "man" / "talkctl.1").read_text("utf-8") == "stale\n"
    elsewhere = subprocess.run([*command, str(tmp_path / "man")], capture_output=True, text=True)
    assert elsewhere.returncode == 2
    assert "not the talkctl checkout" in elsewhere.stderr


def test_completion_files_cover_each_shell() -> None:
    assert sorted(COMPLETION_FILES.values()) == ["bash", "fish", "zsh"]


# -- the man page --------------------------------------------------------------------

MAN = render()


def section(name: str) -> str:
    match = re.search(rf"^\.SH {re.escape(name)}\n(.*?)(?=^\.SH |\Z)", MAN, re.M | re.S)
    assert match, f"the man page has no {name} section"
    return match.group(1)


def test_man_page_has_every_section_in_order() -> None:
    headings = re.findall(r"^\.SH (.+)$", MAN, re.M)
    assert headings == [
        "NAME",
        "SYNOPSIS",
        "DESCRIPTION",
        "OPTIONS",
        "COMMANDS",
        "EXIT STATUS",
        "ENVIRONMENT",
        "FILES",
        "EXAMPLES",
        "SEE ALSO",
    ]


def test_man_page_describes_every_command_with_its_options() -> None:
    commands = section("COMMANDS")
    synopsis = section("SYNOPSIS")
    for command in COMMANDS[1:]:
        assert f'.SS "{escape(command.full_name)} ' in commands, command.full_name
        if not command.is_group:
            assert f"\\fB{escape(command.full_name)}\\fR" in synopsis, command.full_name
        for param in command.params:
            assert escape(param.names) in commands, (command.full_name, param.names)
    for param in COMMANDS[0].params:
        assert escape(param.names) in section("OPTIONS")


def test_man_page_lists_every_exit_status_and_variable() -> None:
    statuses = section("EXIT STATUS")
    for code in EXIT_STATUS_HELP:
        assert f".TP\n\\fB{int(code)}\\fR\n" in statuses
    environment = section("ENVIRONMENT")
    for name in environment_names():
        assert f"\\fB{escape(name)}\\fR" in environment
    files = section("FILES")
    for path, _text in reference.FILES:
        assert escape(path) in files


def package_variables() -> set[str]:
    """Every TALKCTL_* variable named in the package's code (the completion hook aside)."""
    found: set[str] = set()
    for path in (REPO / "talkctl").rglob("*.py"):
        found |= set(re.findall(r"(?<![A-Z_])TALKCTL_[A-Z_]+", path.read_text("utf-8")))
    return found


def test_every_variable_the_package_reads_is_documented() -> None:
    documented = set(environment_names())
    assert {"NO_COLOR", "REQUESTS_CA_BUNDLE"} <= documented
    assert package_variables() <= documented, package_variables() - documented


@pytest.mark.skipif(shutil.which("groff") is None, reason="groff is not installed")
def test_man_page_renders_without_warnings(tmp_path: Path) -> None:
    done = subprocess.run(
        ["groff", "-man", "-Tutf8", "-ww", "-z"], input=MAN, capture_output=True, text=True
    )
    assert (done.returncode, done.stderr) == (0, "")


@pytest.mark.parametrize("line", [line for _text, line in reference.EXAMPLES])
def test_reference_examples_run_real_commands_with_real_options(line: str) -> None:
    check_command_line(line)


def check_command_line(line: str) -> None:
    """Each ``talkctl ...`` in a pipeline names a real command and only its real options."""
    by_path = {command.path: command for command in COMMANDS}
    for segment in line.split("|"):
        words = shlex.split(segment)
        while words and "=" in words[0]:  # VAR=value talkctl ...
            words.pop(0)
        if not words or words[0] != "talkctl":
            continue
        words = words[1:]
        allowed = set(option_names(by_path[()]))
        path: tuple[str, ...] = ()
        for index, word in enumerate(words):
            if word == "--":  # `sandbox run -- COMMAND`: COMMAND is checked on its own
                check_command_line(shlex.join(words[index + 1 :]))
                break
            if word.startswith("-"):
                assert word.split("=")[0] in allowed, f"{line}: unknown option {word}"
            elif by_path[path].is_group and (*path, word) in by_path:
                path = (*path, word)
                allowed |= set(option_names(by_path[path]))
        if path == () and {"--version", "--help", "-h"} & set(words):
            continue
        assert not by_path[path].is_group, f"{line}: names no command"


def option_names(command: Command) -> list[str]:
    names = ["-h", "--help"]
    for param in command.params:
        if not param.is_argument:
            names += [w.strip(",") for w in param.names.replace("/", " ").split() if w[0] == "-"]
    return names


# -- the README ----------------------------------------------------------------------

README = (REPO / "README.md").read_text("utf-8")


@pytest.mark.parametrize("command", LEAVES, ids=[c.full_name for c in LEAVES])
def test_readme_tours_every_command(command: Command) -> None:
    assert f"`{command.full_name}" in README or f"\n{command.full_name}" in README, (
        f"README.md does not show `{command.full_name}`: add it to the tour"
    )


def test_readme_command_lines_are_real() -> None:
    blocks = re.findall(r"```(?:sh|bash|console)\n(.*?)```", README, re.S)
    lines = [
        line.strip().removeprefix("$ ")
        for block in blocks
        for line in block.replace("\\\n", " ").splitlines()
        if "talkctl " in line and not line.strip().startswith("#")
    ]
    assert len(lines) > 20
    for line in lines:
        for part in re.split(r"&&|\|\||;|\$\(", line):
            check_command_line(part.split("#")[0].replace(")", " "))


def test_readme_documents_exit_codes_variables_and_files() -> None:
    for code in EXIT_STATUS_HELP:
        assert re.search(rf"^\| {int(code)} \|", README, re.M), f"exit code {int(code)}"
    for name in environment_names():
        assert f"`{name}`" in README, name
    for path, _text in reference.FILES:
        assert path.split("/")[-1] in README, path


def readme_commands() -> tuple[str, str]:
    install = re.search(r"^Install and run:\n+```sh\n(.+?)\n```", README, re.M)
    test = re.search(r"^Run the whole test suite:\n+```sh\n(.+?)\n```", README, re.M)
    assert install and test, "README must show the two set-up commands"
    return install.group(1), test.group(1)


def test_readme_set_up_commands_install_and_test_from_a_clean_checkout() -> None:
    install, test = readme_commands()
    assert "pip install ." in install
    assert install.endswith(".venv/bin/talkctl sandbox run -- talkctl room list")
    assert "pip install -e '.[test]'" in test and "pytest" in test
    ci = (REPO / ".ci" / "run").read_text("utf-8")
    assert ci.startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in ci
    assert ci.rstrip().splitlines()[-1] == test, ".ci/run must run the README's test command"
    assert (REPO / ".ci" / "run").stat().st_mode & 0o111, ".ci/run must be executable"


def test_readme_says_how_to_install_each_completion() -> None:
    for shell in ("bash", "zsh", "fish"):
        assert f"talkctl completion {shell}" in README
    assert "man/talkctl.1" in README

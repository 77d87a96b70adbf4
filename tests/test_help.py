"""Every command explains itself: a one-line summary, a description and an example.

Walks the whole command tree (every lazy group loaded), so a command added later is checked
without touching this file.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from clirunner import TalkctlRunner

from talkctl.docs.tree import Command, is_example_block, leaf_commands, paragraphs, walk
from talkctl.exit_codes import ExitStatus

COMMANDS = list(walk())
LEAVES = [command for command in COMMANDS if not command.is_group]


def ids(commands: list[Command]) -> list[str]:
    return [command.full_name for command in commands]


def test_the_tree_has_the_commands_every_issue_relies_on() -> None:
    names = {command.full_name for command in LEAVES}
    assert {"talkctl room list", "talkctl room delete", "talkctl completion"} <= names
    assert leaf_commands() == LEAVES


@pytest.mark.parametrize("command", COMMANDS, ids=ids(COMMANDS))
def test_every_command_and_group_has_a_one_line_summary(command: Command) -> None:
    first = paragraphs(command.help)[0] if command.help.strip() else ""
    assert first, f"{command.full_name} has no help"
    assert "\n" not in first, f"{command.full_name}: the summary must be one line: {first!r}"
    assert first.endswith("."), f"{command.full_name}: end the summary with a full stop"
    assert len(first) <= 80, f"{command.full_name}: keep the summary under 80 characters"


@pytest.mark.parametrize("command", LEAVES, ids=ids(LEAVES))
def test_every_command_has_a_description_and_an_example(command: Command) -> None:
    blocks = paragraphs(command.help)[1:]
    prose = [block for block in blocks if not is_example_block(block)]
    assert prose, f"{command.full_name}: add a description paragraph after the summary"
    assert command.examples, f"{command.full_name}: add an 'Example: {command.full_name} ...'"
    for example in command.examples:
        assert command.full_name in without_global_options(example), (
            f"{command.full_name}: the example {example!r} does not run this command"
        )


def without_global_options(example: str) -> str:
    """``talkctl --profile work auth status`` -> ``talkctl auth status``."""
    for param in COMMANDS[0].params:
        option, *value = param.names.split()
        pattern = rf" {re.escape(option)}(?:[ =]\S+)?" if value else rf" {re.escape(option)}\b"
        example = re.sub(pattern, "", example)
    return example


@pytest.mark.parametrize("command", COMMANDS, ids=ids(COMMANDS))
def test_every_option_and_argument_is_explained(command: Command) -> None:
    unexplained = [p.names for p in command.params if not p.help.strip()]
    assert not unexplained, f"{command.full_name}: give these a help text: {unexplained}"


@pytest.mark.parametrize("command", COMMANDS, ids=ids(COMMANDS))
def test_help_output_shows_summary_and_example(command: Command, talkctl_home: Path) -> None:
    result = TalkctlRunner(talkctl_home)(*command.path, "--help")
    assert result.code == 0, result
    assert result.stderr == ""
    assert command.summary in " ".join(result.stdout.split())
    assert "--install-completion" not in result.stdout, "use `talkctl completion` instead"
    lines = {line.strip() for line in result.stdout.splitlines()}
    for example in command.examples:
        # several examples need click's \b marker, or --help runs them into one line
        assert example in lines or f"Example: {example}" in lines, (
            f"{command.full_name} --help does not show {example!r} on a line of its own"
        )


def test_root_help_lists_every_exit_code(talkctl_home: Path) -> None:
    result = TalkctlRunner(talkctl_home)("--help")
    assert result.code == 0, result
    text = " ".join(result.stdout.split())
    for status in ExitStatus:
        assert f"{int(status)} " in text.split("Exit codes:")[1], status

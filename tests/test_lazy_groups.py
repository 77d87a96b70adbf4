"""Commands are registered once: a group in ``LAZY_GROUPS``, a verb in its group's ``VERBS``
map (verb -> "module:function"), nowhere else. ``talkctl --help`` shows each group's own
summary, read from the group itself (no copy to drift), without importing any command
module; a verb's help is its function's docstring."""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Mapping
from typing import Any

import pytest
import typer
from typer.core import TyperGroup

from talkctl.cli.app import app
from talkctl.cli.lazy import LAZY_GROUPS, LazyVerbGroup, command_function, group_summary


def _own_help(target: str) -> str:
    found = command_function(target)
    own = found.info.help if isinstance(found, typer.Typer) else found.__doc__
    assert isinstance(own, str)
    return own


@pytest.mark.parametrize("name", sorted(LAZY_GROUPS))
def test_the_summary_is_the_groups_own_help(name: str) -> None:
    assert group_summary(LAZY_GROUPS[name]) == _own_help(LAZY_GROUPS[name]).strip().splitlines()[0]
    assert group_summary(LAZY_GROUPS[name]).endswith(".")


def _verb_groups() -> dict[str, tuple[typer.Typer, Mapping[str, str]]]:
    groups = {}
    for name, target in LAZY_GROUPS.items():
        found = command_function(target)
        cls = found.info.cls if isinstance(found, typer.Typer) else None
        if isinstance(cls, type) and issubclass(cls, LazyVerbGroup):
            groups[name] = (found, cls.verbs)
    return groups


def test_the_groups_of_verbs_are_found() -> None:
    # the control for the tests below: they do look at room's and auth's verbs
    assert {"room", "auth", "participant"} <= set(_verb_groups())
    assert "rename" in _verb_groups()["room"][1]


def _root_group(name: str) -> Any:
    root = typer.main.get_command(app)
    assert isinstance(root, TyperGroup)
    ctx = root.make_context("talkctl", [name, "--help"], resilient_parsing=True)
    return root.get_command(ctx, name), ctx


@pytest.mark.parametrize("name", sorted(_verb_groups()))
def test_every_verb_is_registered_once_from_its_map_entry(name: str) -> None:
    typer_app, verbs = _verb_groups()[name]
    group, ctx = _root_group(name)
    listed = group.list_commands(ctx)  # every verb module imported, every verb built
    assert listed == list(verbs)  # each verb once, in the map's order
    # no decorator (@app.command) registered a verb a second time while its module loaded
    assert typer_app.registered_commands == []
    for verb, target in verbs.items():
        function = command_function(target)
        assert inspect.isfunction(function), target
        assert inspect.getdoc(function), f"{target} has no docstring (the verb's help)"
        command = group.get_command(ctx, verb)
        assert command.name == verb and command.callback is not None
        assert command.help == inspect.getdoc(function)


@pytest.mark.parametrize(
    "name",
    sorted(n for n, t in LAZY_GROUPS.items() if not isinstance(command_function(t), typer.Typer)),
)
def test_a_command_of_its_own_is_named_once_too(name: str) -> None:
    function = command_function(LAZY_GROUPS[name])
    assert inspect.isfunction(function) and inspect.getdoc(function)
    module = importlib.import_module(function.__module__)
    assert not any(isinstance(value, typer.Typer) for value in vars(module).values())
    command, _ = _root_group(name)
    assert command.name == name and command.help == inspect.getdoc(function)


@pytest.mark.parametrize("name", sorted(_verb_groups()))
def test_running_one_verb_builds_that_verb_alone(name: str) -> None:
    # what lazy loading gives (its imports are checked in test_performance_contract.py)
    _, verbs = _verb_groups()[name]
    group, ctx = _root_group(name)
    first = next(iter(verbs))
    assert group.get_command(ctx, first).name == first
    assert list(group.commands) == [first]
    assert group.get_command(ctx, "no-such-verb") is None


@pytest.mark.parametrize("incomplete", ["", "re", "--"])
@pytest.mark.parametrize("name", sorted(_verb_groups()))
def test_a_tab_after_a_group_offers_what_its_built_verbs_would(name: str, incomplete: str) -> None:
    # the verbs and their summaries come from the sources: no verb module imported or built
    group, root_ctx = _root_group(name)
    ctx = group.make_context(name, [], parent=root_ctx, resilient_parsing=True)
    served = [(item.value, item.help) for item in group.shell_complete(ctx, incomplete)]
    assert group.commands == {}
    built = [(item.value, item.help) for item in TyperGroup.shell_complete(group, ctx, incomplete)]
    assert set(group.commands) == set(_verb_groups()[name][1])  # the control built them all
    assert served == built
    if incomplete == "":  # the control: every verb offered, with its summary
        assert len(served) == len(_verb_groups()[name][1]) > 1
        assert all(summary for _, summary in served)
    if incomplete == "--":
        assert ("--help", "Show this message and exit.") in served

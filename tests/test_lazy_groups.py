"""Command groups are registered once: ``talkctl --help`` shows each group's own summary,
read from the group itself (no copy to drift), without importing any command module."""

from __future__ import annotations

import importlib

import pytest

from talkctl.cli.lazy import LAZY_GROUPS, group_summary


@pytest.mark.parametrize("name", sorted(LAZY_GROUPS))
def test_the_summary_is_the_groups_own_help(name: str) -> None:
    module_name, attribute = LAZY_GROUPS[name].split(":")
    app = getattr(importlib.import_module(module_name), attribute)
    own = app.info.help
    if not isinstance(own, str):  # a group of one command: that command's docstring
        callback = app.registered_commands[0].callback
        own = callback.__doc__ or ""
    assert group_summary(LAZY_GROUPS[name]) == own.strip().splitlines()[0]
    assert group_summary(LAZY_GROUPS[name]).endswith(".")

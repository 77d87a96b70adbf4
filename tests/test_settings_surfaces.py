"""Every setting of the table appears on every surface it names, generated from its entry:
its verb, its create/ensure flags with their completed values, its room show row, its
``--fields`` name, its apply/export key and the apply help, and the man page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from talkctl.api.models import Conversation
from talkctl.cli.lazy import build_command
from talkctl.cli.room import VERBS
from talkctl.cli.room.columns import CONVERSATION_FIELDS, conversation_details
from talkctl.declarative.applyfile import SETTING_KEYS
from talkctl.settings import SETTINGS, Setting

MAN = (Path(__file__).resolve().parent.parent / "man" / "talkctl.1").read_text("utf-8")


def roff(text: str) -> str:
    return text.replace("-", "\\-")


def command(verb: str) -> Any:
    return build_command(verb, VERBS[verb])


def completed(param: Any, incomplete: str = "") -> list[str]:
    items = param.shell_complete(None, incomplete)
    return [item.value for item in items]


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_a_setting_is_on_every_surface(setting: Setting) -> None:
    assert setting.reported_as in CONVERSATION_FIELDS  # room list --fields
    assert setting.key in SETTING_KEYS  # the apply file and export
    assert setting.key in _apply_help()
    conversation = Conversation({"token": "t", "type": 2, setting.reported_as: 1})
    rows = setting.shown(conversation)
    assert rows and set(rows) <= set(conversation_details(conversation))  # room show
    if setting.gate is not None:
        assert setting.gate[0] and setting.gate[1]
    if setting.verb:
        verb = command(setting.name)
        assert verb.help.startswith(setting.verb_help.strip().splitlines()[0])
        (argument,) = [p for p in verb.params if p.name == "args"]
        assert completed(argument)[: len(setting.words)] == list(setting.words)
        assert f"talkctl room {roff(setting.name)}\\fR" in MAN
    for verb in setting.flags:
        (flag,) = [p for p in command(verb).params if f"--{setting.name}" in p.opts]
        assert flag.metavar == setting.metavar
        assert completed(flag) == list(setting.words)
        assert f"\\fB\\-\\-{roff(setting.name)} " in MAN


def _apply_help() -> str:
    from talkctl.cli.apply import apply

    return apply.__doc__ or ""


def test_every_verb_is_a_setting_or_a_function_of_its_module() -> None:
    generated = {s.name for s in SETTINGS if s.verb}
    assert generated <= set(VERBS)
    assert {"read-only", "listable", "message-expiration", "notify"} <= generated

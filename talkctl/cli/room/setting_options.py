"""The command-line shapes of the settings of the one table (talkctl/settings): the flag of
``room create`` / ``room ensure`` (``@setting_flags("create")`` makes one per setting whose
``flags`` name the command), and the ``CONV... VALUE`` argument of a setting's verb. The
flag's help, metavar and TAB-completed values come from the setting's entry."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import typer

from talkctl.cli.completion import complete_choices, complete_conversation_or
from talkctl.cli.options import expanded
from talkctl.settings import BY_KEY, Setting, flag_settings

F = TypeVar("F", bound=Callable[..., Any])
SettingTexts = dict[str, str | None] | None  # what @setting_flags passes: texts by setting name


def _option(setting: Setting) -> typer.models.OptionInfo:
    """The flag of ``setting``; TAB completes its fixed values (``on``, ``off``, ...)."""
    return typer.Option(  # type: ignore[no-any-return]
        f"--{setting.name}",
        help=setting.help,
        metavar=setting.metavar,
        show_default=False,
        autocompletion=complete_choices(*setting.words) if setting.words else None,
    )


def _flag_parameters(command: str) -> list[inspect.Parameter]:
    return [
        inspect.Parameter(
            setting.key,
            inspect.Parameter.POSITIONAL_OR_KEYWORD,
            annotation=Annotated[str | None, _option(setting)],
            default=None,
        )
        for setting in flag_settings(command)
    ]


def setting_flags(command: str) -> Callable[[F], F]:
    """A decorator: the command function's ``flags`` parameter becomes one flag per setting of
    ``command`` (``--read-only on|off``, ...); the function receives the texts given, by
    setting name (``{"read-only": "on", "listable": None, ...}``)."""
    return expanded(
        "flags",
        lambda: _flag_parameters(command),
        lambda values: {BY_KEY[key].name: text for key, text in values.items()},
    )


def value_argument(setting: Setting, metavar: str | None = None) -> typer.models.ArgumentInfo:
    """``CONV... VALUE``: conversations, then the value (the last argument); TAB completes
    the setting's values, then conversations."""
    metavar = metavar or setting.metavar
    word = metavar if setting.kind == "on-off" or metavar != setting.metavar else None
    return typer.Argument(  # type: ignore[no-any-return]
        help=f"CONV... {word or setting.value_name}",
        metavar=f"CONV... {metavar}",
        autocompletion=complete_conversation_or(*setting.words),
    )

"""Command groups imported only when used: ``--version`` and ``--help`` load none of them."""

from __future__ import annotations

import functools
import importlib
import typing
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import typer
from typer.core import TyperGroup

# The one list of command groups: name -> "module:attribute", the attribute either a
# typer.Typer of verbs (its verbs named in its own lazy_verbs map) or, for a command of its
# own (``talkctl apply FILE``), the command function. The summary --help shows is the
# group's own (its help=, or the function's docstring), read from its source without
# importing it.
LAZY_GROUPS: dict[str, str] = {
    "room": "talkctl.cli.room:room_app",
    "auth": "talkctl.cli.auth:auth_app",
    "participant": "talkctl.cli.participant:participant_app",
    "bot": "talkctl.cli.bot:bot_app",
    "breakout": "talkctl.cli.breakout:breakout_app",
    "chat": "talkctl.cli.chat:chat_app",
    "ban": "talkctl.cli.ban:ban_app",
    "completion": "talkctl.cli.completion:completion",
    "apply": "talkctl.cli.apply:apply",
    "export": "talkctl.cli.export:export",
    "audit": "talkctl.cli.audit:audit",
    "api": "talkctl.cli.api_cmd:api",
    "sandbox": "talkctl.cli.sandbox:sandbox_app",
}


def group_summary(target: str) -> str:
    """The first line of a lazy group's help, read from its module's source (``--help``
    imports no command module): ``NAME = typer.Typer(help="...")``, else the docstring of the
    function ``NAME``."""
    import ast

    module_name, attribute = target.split(":")
    origin = source_file(module_name)
    if origin is None:
        return ""
    with open(origin, encoding="utf-8") as source:
        tree = ast.parse(source.read())
    text: str | None = None
    for node in tree.body:
        if (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.level == 0
            and any(alias.name == attribute and alias.asname is None for alias in node.names)
        ):
            return group_summary(f"{node.module}:{attribute}")  # re-exported
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            names = [t.id for t in node.targets if isinstance(t, ast.Name)]
            if attribute in names:
                for keyword in node.value.keywords:
                    if keyword.arg == "help" and isinstance(keyword.value, ast.Constant):
                        text = str(keyword.value.value)
        elif isinstance(node, ast.FunctionDef) and node.name == attribute:
            text = ast.get_docstring(node)
    return (text or "").strip().split("\n")[0]


def source_file(module_name: str) -> str | None:
    """The file of ``module_name``, found without importing it or its packages
    (``importlib.util.find_spec`` imports the parents: ``talkctl.cli.sandbox`` would start
    the whole fake server's imports for ``talkctl --help``)."""
    import importlib.machinery
    import importlib.util

    top, *parts = module_name.split(".")
    spec = importlib.util.find_spec(top)  # talkctl itself: imported already
    for part in parts:
        if spec is None or spec.submodule_search_locations is None:
            return None
        spec = importlib.machinery.PathFinder.find_spec(part, spec.submodule_search_locations)
    return spec.origin if spec is not None else None


def function_doc(target: str) -> str:
    """The docstring of the function ``"module:function"``, read from its module's source
    (imported only for a function the source does not define)."""
    import ast

    module_name, name = target.split(":")
    origin = source_file(module_name)
    if origin is None:
        return ""
    for node in _parsed(origin).body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return ast.get_docstring(node) or ""
    # a function the module builds (a setting's verb, from its table entry): import it
    import inspect

    return inspect.getdoc(command_function(target)) or ""


@functools.cache
def _parsed(path: str) -> Any:
    import ast

    with open(path, encoding="utf-8") as source:
        return ast.parse(source.read())


def evaluate_annotations(callback: Any) -> None:
    """Replace a command function's string annotations by their values, once.

    Modules with ``from __future__ import annotations`` keep annotations as strings, and
    typer evaluates every one of them four times while building the command (signature
    with eval_str, then get_type_hints, twice): 5.9 ms for ``room list``'s 17 options,
    1.4 ms once evaluated here. Anything unresolvable is left to typer, as before.
    """
    try:
        hints = typing.get_type_hints(callback, include_extras=True)
    except Exception:  # a name typer cannot resolve either: let it report that
        return
    function = callback
    while function is not None:
        if isinstance(getattr(function, "__annotations__", None), dict):
            function.__annotations__ = dict(hints)
        function = getattr(function, "__wrapped__", None)


def load_group(name: str) -> Any:
    """The click command of the lazy group ``name``."""
    target = LAZY_GROUPS[name]
    sub_app = command_function(target)
    if not isinstance(sub_app, typer.Typer):  # a command of its own
        return build_command(name, target)
    cls = sub_app.info.cls
    if isinstance(cls, type) and issubclass(cls, LazyVerbGroup):
        command: Any = typer.main.get_group(sub_app)  # no verb built yet
    else:
        command = typer.main.get_command(sub_app)
    command.name = name
    # a sub-Typer adds its own --install-completion/--show-completion: `talkctl completion` does it
    command.params = [
        p for p in command.params if p.name not in ("install_completion", "show_completion")
    ]
    return command


class LazyGroup(TyperGroup):
    """A TyperGroup whose LAZY_GROUPS are built on first use."""

    def list_commands(self, ctx: Any) -> list[str]:
        names = super().list_commands(ctx)
        return names + [name for name in LAZY_GROUPS if name not in names]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = self.commands.get(cmd_name)
        if command is None and cmd_name in LAZY_GROUPS:
            command = load_group(cmd_name)
            self.commands[cmd_name] = command
        return command

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        if args and args[0] in LAZY_GROUPS:
            self.get_command(ctx, args[0])
        return super().resolve_command(ctx, args)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        rows = [(name, cmd.get_short_help_str(80)) for name, cmd in self.commands.items()]
        rows += [
            (name, group_summary(target))
            for name, target in LAZY_GROUPS.items()
            if name not in self.commands
        ]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(sorted(rows))


class LazyVerbGroup(TyperGroup):
    """A group whose verbs live in modules imported only when one of their verbs runs.

    Each verb is named once, in the map given to :func:`lazy_verbs` (verb ->
    ``"module:function"``); the function is a plain typer command function (no decorator),
    its docstring the verb's help. ``room list`` imports ``listing.py`` alone and builds one
    click command instead of all of them (typer inspects every verb's signature: ~10 ms for
    the room group, plus ~15 ms of imports the other verbs need). ``--help`` and completion
    build every verb.
    """

    typer_app: typer.Typer
    verbs: Mapping[str, str]  # verb -> "module:function", in help order

    def _build(self, verb: str) -> None:
        self.commands[verb] = build_command(verb, self.verbs[verb], self.typer_app)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in self.commands and cmd_name in self.verbs:
            self._build(cmd_name)
        return self.commands.get(cmd_name)

    def list_commands(self, ctx: Any) -> list[str]:
        for verb in self.verbs:
            if verb not in self.commands:
                self._build(verb)
        return list(self.verbs)

    def shell_complete(self, ctx: Any, incomplete: str) -> list[Any]:
        """A TAB after the group's name: each verb with the first line of its docstring (what
        click would show), read from the source as ``talkctl --help`` reads group summaries,
        so no verb module is imported and no verb built; then the group's options."""
        from typer._click.core import Command
        from typer._click.shell_completion import CompletionItem
        from typer._click.utils import make_default_short_help

        def doc(verb: str, target: str) -> str:
            made = self.verbs.doc(verb) if isinstance(self.verbs, VerbMap) else None
            return function_doc(target) if made is None else made

        items = [
            CompletionItem(verb, help=make_default_short_help(doc(verb, target), 45).strip())
            for verb, target in self.verbs.items()
            if verb.startswith(incomplete)
        ]
        return items + Command.shell_complete(self, ctx, incomplete)


def command_function(target: str) -> Any:
    """The function ``"module:function"`` names (its module imported now)."""
    module_name, attribute = target.split(":")
    return getattr(importlib.import_module(module_name), attribute)


def build_command(name: str, target: str, typer_app: typer.Typer | None = None) -> Any:
    """The click command ``name`` for the command function ``target`` (``"module:function"``),
    built as typer builds a decorated one: help from the function's docstring."""
    from typer.models import CommandInfo

    callback = command_function(target)
    evaluate_annotations(callback)
    return typer.main.get_command_from_info(
        CommandInfo(name=name, callback=callback),
        pretty_exceptions_short=typer_app.pretty_exceptions_short if typer_app else True,
        rich_markup_mode=typer_app.rich_markup_mode if typer_app else None,
    )


class VerbMap(Mapping[str, str]):
    """Verb -> ``"module:function"``: the verbs written out, and those a table makes
    (``more()``, placed after the verb ``after``), which are looked up only when a verb
    not written out is asked for (``room list`` does not import the settings table)."""

    def __init__(
        self,
        written: dict[str, str],
        more: Callable[[], dict[str, str]],
        after: str,
        more_doc: Callable[[str], str] | None = None,
    ):
        self.written, self.more, self.after = written, more, after
        self.more_doc = more_doc  # a made verb's help, read from its table (TAB builds none)
        self._all: dict[str, str] | None = None

    def doc(self, verb: str) -> str | None:
        """The help of a verb the table makes, without importing the module that builds it;
        None for a verb written out (its function's docstring is read from the source)."""
        if verb in self.written or self.more_doc is None:
            return None
        return self.more_doc(verb)

    def _every(self) -> dict[str, str]:
        if self._all is None:
            items = list(self.written.items())
            at = [verb for verb, _ in items].index(self.after) + 1
            self._all = dict(items[:at] + list(self.more().items()) + items[at:])
        return self._all

    def __getitem__(self, verb: str) -> str:
        return self.written[verb] if verb in self.written else self._every()[verb]

    def __contains__(self, verb: object) -> bool:
        return verb in self.written or verb in self._every()

    def __iter__(self) -> Iterator[str]:
        return iter(self._every())

    def __len__(self) -> int:
        return len(self._every())


def lazy_verbs(typer_app: typer.Typer, verbs: Mapping[str, str]) -> None:
    """Make ``typer_app`` a group of the verbs ``verbs`` names: verb -> ``"module:function"``
    (the order of ``--help``). The one place a verb is named."""
    typer_app.info.cls = type(
        "LazyVerbs", (LazyVerbGroup,), {"typer_app": typer_app, "verbs": verbs}
    )

"""Options shared by the commands, declared once."""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

import typer

from talkctl.cli.completion import complete_conversation
from talkctl.cli.context import Factory

ConvsArgument = Annotated[
    list[str] | None,
    typer.Argument(
        help="Conversations: tokens or exact names.",
        metavar="CONV...",
        show_default=False,
        autocompletion=complete_conversation,
    ),
]
StdinOption = Annotated[
    bool,
    typer.Option(
        "--stdin",
        help="Read conversations from stdin: tokens one per line, or the JSON that "
        "'room list' prints.",
    ),
]
DryRunOption = Annotated[
    bool, typer.Option("--dry-run", help="Show what would change; send no changing request.")
]
JobsOption = Annotated[
    int,
    typer.Option(
        "--jobs", min=1, max=32, help="Items (conversations, participant IDs) changed concurrently."
    ),
]
YesOption = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]
PasswordStdinOption = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from the first line of stdin.")
]


def factory_of(ctx: typer.Context) -> Factory:
    root = ctx.find_root()
    factory = root.obj
    assert isinstance(factory, Factory), "the root callback sets the factory"
    return factory


def finish(code: int) -> None:
    """End the command with ``code`` (0: return normally)."""
    if code:
        raise typer.Exit(code)


@dataclass(frozen=True)
class ChangeOptions:
    """The options every change verb shares (``--stdin --dry-run --jobs --json --format``),
    passed as one object: a verb declares ``options: ChangeOptions`` and ``@change_verb``."""

    stdin: bool = False
    dry_run: bool = False
    jobs: int = 4
    json_: bool = False
    fmt: str | None = None

    @property
    def output(self) -> str:
        """The output format these options choose (table, json, ...)."""
        from talkctl.cli.output import choose_format

        return choose_format(self.json_, self.fmt)


def _change_parameters() -> list[inspect.Parameter]:
    from talkctl.cli.output import FormatOption, JsonOption

    keyword = inspect.Parameter.KEYWORD_ONLY
    return [
        inspect.Parameter("stdin", keyword, annotation=StdinOption, default=False),
        inspect.Parameter("dry_run", keyword, annotation=DryRunOption, default=False),
        inspect.Parameter("jobs", keyword, annotation=JobsOption, default=4),
        inspect.Parameter("json_", keyword, annotation=JsonOption, default=False),
        inspect.Parameter("fmt", keyword, annotation=FormatOption, default=None),
    ]


F = TypeVar("F", bound=Callable[..., Any])


def expanded(
    name: str,
    parameters: Callable[[], Sequence[inspect.Parameter]],
    collect: Callable[[dict[str, Any]], Any],
) -> Callable[[F], F]:
    """A decorator for a command function: its parameter ``name`` becomes ``parameters()`` on
    the command line (typer reads the signature), and ``collect`` turns their values into
    the one object the function receives as ``name``."""

    def decorate(function: F) -> F:
        hints = typing.get_type_hints(function, include_extras=True)
        own = inspect.signature(function)
        extra = list(parameters())
        params: list[inspect.Parameter] = []
        for param in own.parameters.values():
            if param.name == name:
                params += [p.replace(kind=param.kind) for p in extra]
            else:
                params.append(param.replace(annotation=hints.get(param.name, param.annotation)))
        extra_names = [p.name for p in extra]

        @functools.wraps(function, assigned=("__module__", "__name__", "__qualname__", "__doc__"))
        def command(*args: Any, **kwargs: Any) -> Any:
            values = {n: kwargs.pop(n) for n in extra_names if n in kwargs}
            return function(*args, **kwargs, **{name: collect(values)})

        del command.__wrapped__  # typer reads the signature below, not the function's own
        command.__signature__ = own.replace(  # type: ignore[attr-defined]
            parameters=params, return_annotation=hints.get("return", None)
        )
        command.__annotations__ = {p.name: p.annotation for p in params} | {"return": None}
        return typing.cast(F, command)

    return decorate


change_verb = expanded("options", _change_parameters, lambda values: ChangeOptions(**values))

StdinIdsOption = Annotated[bool, typer.Option("--stdin", help="Read IDs from stdin, one a line.")]


def _member_parameters() -> list[inspect.Parameter]:
    """The shared options of a participant verb: --stdin reads IDs, --jobs defaults to 1."""
    stdin, dry_run, jobs, json_, fmt = _change_parameters()
    return [
        stdin.replace(annotation=StdinIdsOption),
        dry_run,
        jobs.replace(default=1),
        json_,
        fmt,
    ]


# a participant verb's shared options (``options: ChangeOptions``): IDs on stdin, one job
member_verb = expanded("options", _member_parameters, lambda values: ChangeOptions(**values))

"""``chat export``: whole histories to files, streaming, resumable."""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any, TextIO, cast

import typer

from talkctl.cli.options import ConvsArgument, StdinOption, factory_of, finish

if TYPE_CHECKING:
    from talkctl.api.chat import ChatApi
    from talkctl.cli.chat.exporting import Window
    from talkctl.cli.context import Environment, Factory
    from talkctl.resolve import Target

FormatChoice = Annotated[
    str,
    typer.Option("--format", help="jsonl (the server's messages) or markdown (a transcript)."),
]


def export(
    ctx: typer.Context,
    convs: ConvsArgument = None,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            help="A file, or - for stdout (one conversation); a directory (several).",
            metavar="PATH",
        ),
    ] = None,
    fmt: FormatChoice = "jsonl",
    since: Annotated[
        str | None,
        typer.Option("--since", help="Only messages from this time on (ISO 8601, or -7d)."),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option("--until", help="Only messages up to this time (ISO 8601, or -1d)."),
    ] = None,
    resume: Annotated[
        bool,
        typer.Option("--resume", help="Continue a partial export from its last message."),
    ] = False,
    stdin: StdinOption = False,
) -> None:
    """Export the whole chat history of conversations, oldest first.

    Streams a page (200 messages) at a time to disk: memory does not grow with the
    history. Never marks anything read, never clears notifications, never sets you online
    and never joins a conversation. jsonl writes every message as the server sent it, one a
    line (system messages, deleted and edited ones, replies with their parent, file shares,
    polls); markdown a readable transcript whose text stays literal. A killed or failed
    export keeps every complete message; --resume continues it. Several conversations
    (or --stdin) need -o DIRECTORY: one file each, named after token and name.

    \b
    Examples:
      talkctl chat export "Team chat" -o team.jsonl
      talkctl chat export "Team chat" --format markdown --since 2026-01-01 -o -
      talkctl room list --json | talkctl chat export --stdin -o archive/
    """
    from talkctl.api.chat import ChatApi
    from talkctl.cli.chat.exporting import FORMATS, Window
    from talkctl.cli.engine.targets import collect_refs
    from talkctl.errors import UsageError

    factory = factory_of(ctx)
    if fmt not in FORMATS:
        raise UsageError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    window = Window(_when(since, "--since"), _when(until, "--until"))
    refs, bulk = collect_refs(factory, convs or [], stdin)
    if bulk and (output is None or output == "-"):
        raise UsageError("several conversations need -o DIRECTORY (one file each)")
    if resume and (output is None or output == "-"):
        raise UsageError("--resume needs -o PATH: stdout cannot be continued")
    api = ChatApi(factory.client)
    if not bulk:
        target = factory.resolver.resolve(refs[0], need_state=True)
        finish(_one(factory, api, target, output, fmt, window, resume))
        return
    directory = Path(output or ".")
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"-o {output}: not a directory (several conversations)")
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    code = 0
    from talkctl.cli.engine.targets import resolve_all
    from talkctl.cli.progress import ProgressReporter
    from talkctl.resolve import Target

    resolved = resolve_all(factory, refs, True)
    with ProgressReporter(factory.environment, len(resolved), "exporting") as progress:
        for item in resolved:
            if not isinstance(item, Target):
                factory.environment.error(f"{item.input}: {item.error}")
                code = code or item.exit_code
            else:
                path = directory / file_name(item.token, item.name, fmt)
                result = _one(factory, api, item, str(path), fmt, window, resume, quiet=True)
                code = code or result
            progress.advance()
    finish(code)


def _when(text: str | None, option: str) -> int | None:
    if text is None:
        return None
    from talkctl.errors import UsageError
    from talkctl.settings.values import parse_when

    text = text.strip()
    if re.fullmatch(r"-\d+[smhdw]", text):
        import time

        from talkctl.cli.filters import parse_age

        return int(time.time()) - parse_age(text[1:], option)
    try:
        return parse_when(text, past_ok=True)
    except UsageError as exc:
        raise UsageError(f"{option}: {exc}") from None


def file_name(token: str, name: str, fmt: str) -> str:
    """``token-name.ext``: the name reduced to letters, digits, ``.``, ``_`` and ``-``."""
    from talkctl.cli.chat.exporting import EXTENSIONS

    slug = re.sub(r"[^\w.-]+", "-", name, flags=re.ASCII).strip(".-")[:60]
    return f"{token}-{slug}.{EXTENSIONS[fmt]}" if slug else f"{token}.{EXTENSIONS[fmt]}"


def _one(
    factory: Factory,
    api: ChatApi,
    target: Target,
    output: str | None,
    fmt: str,
    window: Window,
    resume: bool,
    *,
    quiet: bool = False,
) -> int:
    """Export one conversation; its exit code (the error said on stderr)."""
    from talkctl.api.errors import ApiError
    from talkctl.cli.chat.exporting import export_history, open_output, resume_point
    from talkctl.cli.errors import report
    from talkctl.errors import InContext, UsageError

    environment = factory.environment
    try:
        if output is None or output == "-":
            environment.stdout.flush()
            stream = getattr(environment.stdout, "buffer", None) or cast(
                "IO[bytes]", _TextSink(environment.stdout)
            )
            count = export_history(
                api, target.token, target.name, stream, fmt, window=window, seekable=False
            )
            where = "stdout"
        else:
            path = Path(output)
            point = resume_point(path, fmt) if resume else None
            try:
                handle = open_output(path, point)
            except OSError as exc:
                raise UsageError(f"-o {output}: {exc.strerror or exc}") from None
            with handle, _progress(environment, target.label) as advance:
                count = export_history(
                    api,
                    target.token,
                    target.name,
                    handle,
                    fmt,
                    resume=point,
                    window=window,
                    on_page=advance,
                )
            where = str(path)
    except ApiError as exc:
        words = REFUSALS.get(exc.status)
        if words is None:
            return int(report(exc))
        return int(report(InContext(words.format(label=target.label), exc)))
    if not quiet or environment.stderr_isatty:
        environment.message(f"exported {count} messages of {target.label} to {where}")
    return 0


class _TextSink(io.RawIOBase):
    """Bytes to a text stream that has no binary buffer (an in-memory stdout)."""

    def __init__(self, text: TextIO) -> None:
        self.text = text

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.text.write(bytes(data).decode("utf-8", "replace"))
        return len(data)

    def flush(self) -> None:
        self.text.flush()


@contextlib.contextmanager
def _progress(environment: Environment, label: str) -> Iterator[Callable[[int], None]]:
    """Messages read so far, on stderr when it is a terminal (the total is unknown)."""
    if not environment.stderr_isatty:
        yield lambda _: None
        return
    from rich.progress import Progress, SpinnerColumn, TextColumn

    from talkctl.cli.text import escape_controls

    text = TextColumn("{task.description}: {task.completed} messages", markup=False)
    columns = (SpinnerColumn(), text)
    progress = Progress(*columns, console=environment.console(stderr=True), transient=True)
    task = progress.add_task(f"exporting {escape_controls(label)}", total=None)
    with progress:
        yield lambda count: progress.advance(task, count)


REFUSALS = {
    404: "conversation {label} not found (or you are not a participant)",
    412: "{label}: the lobby keeps non-moderators out of this conversation",
}

"""``chat send``: one message to one or many conversations (an ``Operation``, never retried)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from talkctl.cli.completion import complete_conversation
from talkctl.cli.options import ChangeOptions, change_verb, factory_of, finish

if TYPE_CHECKING:
    from talkctl.api.chat import ChatApi
    from talkctl.cli.context import Factory
    from talkctl.cli.engine.jobs import Job
    from talkctl.resolve import Target


ArgsArgument = Annotated[
    list[str] | None,
    typer.Argument(
        help="Conversations (tokens or exact names), then the message unless --message-file.",
        metavar="CONV... [MESSAGE]",
        show_default=False,
        autocompletion=complete_conversation,
    ),
]


@change_verb
def send(
    ctx: typer.Context,
    args: ArgsArgument = None,
    message_file: Annotated[
        str | None,
        typer.Option(
            "--message-file", help="Read the text from FILE (- for stdin).", metavar="FILE"
        ),
    ] = None,
    silent: Annotated[
        bool, typer.Option("--silent", help="Send without notifying anyone.")
    ] = False,
    reply_to: Annotated[
        int | None,
        typer.Option("--reply-to", min=1, help="Reply to this message id.", metavar="ID"),
    ] = None,
    *,
    options: ChangeOptions,
) -> None:
    """Post a message to conversations (an announcement from a script or cron).

    The last argument is the message unless --message-file gives it. One result record per
    conversation with the new message's id (messageId); a send is never repeated (a retry
    could post twice). A text longer than the server's config.chat.max-length (characters,
    32,000 on Talk 22) is refused before anything is sent (exit 2); --dry-run reads the
    listing and says which conversations would refuse (read-only ones).

    \b
    Examples:
      talkctl chat send "Team chat" "This room will be archived on Friday"
      talkctl room list --type group --json | talkctl chat send --stdin --message-file notice.txt
    """
    from talkctl.api.chat import ChatApi
    from talkctl.cli.engine.operation import Operation, report
    from talkctl.cli.engine.targets import collect_refs, resolve_all
    from talkctl.errors import UsageError

    factory = factory_of(ctx)
    output = options.output
    stdin, dry_run, jobs = options.stdin, options.dry_run, options.jobs
    convs = list(args or [])
    if message_file is None:
        if not convs:
            raise UsageError("no message given: pass CONV... MESSAGE or --message-file")
        text = convs.pop()
    else:
        if stdin and _reads_stdin(factory, message_file):
            raise UsageError(
                f"--message-file {message_file} and --stdin both read stdin: use a file"
            )
        text = _read(factory, message_file)
    if not text.strip():
        raise UsageError("the message is empty: nothing was sent")
    api = ChatApi(factory.client)
    check_length(api, text)
    refs, bulk = collect_refs(factory, convs, stdin)
    # the listing only for a dry run (or a name not in the cache): a send needs no state
    targets = resolve_all(factory, refs, dry_run)
    operation: Operation[Target] = Operation(
        "sending", lambda target: _job(api, target, text, silent, reply_to, dry_run), dry_run
    )
    results = operation.perform(factory.environment, targets, workers=jobs, single=not bulk)
    finish(report(factory.environment, results, output))


def _job(
    api: ChatApi, target: Target, text: str, silent: bool, reply_to: int | None, dry_run: bool
) -> Job:
    from talkctl.api.chat import message_id
    from talkctl.cli.engine.jobs import Job
    from talkctl.cli.results import Record
    from talkctl.settings import FieldChange

    known = target.conversation is not None
    record = Record(
        target.ref, target.token, target.name if known else None, "send", dry_run=dry_run
    )
    state = target.conversation
    if state is not None and state.read_only:
        record.ok, record.exit_code = False, 5
        record.error = f"{target.label} is read-only: nobody can post in it"
        return Job(record)
    if dry_run:
        return Job(record)

    def send() -> Record:
        answer = api.send(target.token, text, silent=silent, reply_to=reply_to)
        done = Record(**record.__dict__)
        done.extra = {"messageId": message_id(answer) or None, "message": answer}
        done.changes = [FieldChange("message", None, str(message_id(answer)))]
        return done

    return Job(record, send, lambda exc: explain_send(exc, target.label))


def check_length(api: ChatApi, text: str) -> None:
    """A text longer than the server's ``config.chat.max-length`` (characters) is refused
    before anything is sent (exit 2): chat send, chat edit, breakout broadcast."""
    from talkctl.errors import UsageError

    if len(text) > api.max_length:
        raise UsageError(
            f"the message is {len(text)} characters; the server takes at most "
            f"{api.max_length} (config.chat.max-length): nothing was sent"
        )


REFUSALS = {
    400: "{label}: the server refused the message (an unknown --reply-to?)",
    403: "{label}: you may not post here (read-only, or no chat permission)",
    404: "conversation {label} not found (or you are not a participant)",
    412: "{label}: the lobby keeps non-moderators out of this conversation",
    413: "{label}: the message is too long for this server",
}


def explain_send(exc: BaseException, label: str) -> str | None:
    from talkctl.api.errors import ApiError

    if isinstance(exc, ApiError) and exc.status in REFUSALS:
        return REFUSALS[exc.status].format(label=label)
    return None


def _reads_stdin(factory: Factory, name: str) -> bool:
    """``-``, or a path to what stdin is (/dev/stdin, /dev/fd/0): the message would take all
    of it and leave --stdin no conversation (a run that sent nothing, exit 0)."""
    import os

    if name == "-":
        return True
    try:
        return os.path.samestat(os.stat(name), os.fstat(factory.environment.stdin.fileno()))
    except (OSError, ValueError, AttributeError):  # no such file; a stdin without a descriptor
        return False


def _read(factory: Factory, name: str) -> str:
    from talkctl.cli.engine.targets import read_stdin
    from talkctl.errors import UsageError

    if name == "-":
        return read_stdin(factory, "the message")
    try:
        return Path(name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"--message-file {name}: {exc}") from None

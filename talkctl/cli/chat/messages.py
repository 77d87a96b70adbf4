"""``chat list``, ``chat delete`` and ``chat edit`` (on the one engine: ``MessageChange``);
the message noun (its columns)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Annotated, Any

import typer

from talkctl.cli.completion import complete_conversation
from talkctl.cli.fields import Column, Noun, Time
from talkctl.cli.options import DryRunOption, factory_of, finish
from talkctl.cli.output import FormatOption, JsonOption

if TYPE_CHECKING:
    from talkctl.cli.engine.jobs import Job
    from talkctl.resolve import Target

Message = Mapping[str, Any]

MESSAGE_FIELDS = frozenset(
    [
        "id",
        "token",
        "actorType",
        "actorId",
        "actorDisplayName",
        "timestamp",
        "message",
        "messageParameters",
        "systemMessage",
        "messageType",
        "isReplyable",
        "referenceId",
        "reactions",
        "expirationTimestamp",
        "markdown",
        "parent",
        "silent",
        "deleted",
        "lastEditActorType",
        "lastEditActorId",
        "lastEditActorDisplayName",
        "lastEditTimestamp",
    ]
)


def _text(m: Message) -> str:
    from talkctl.cli.chat.markdown import rendered_text

    return rendered_text(dict(m))


def _int(m: Message, key: str) -> int:
    value = m.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


MESSAGE: Noun[Message] = Noun(
    "message",
    columns=[
        Column("id", "ID", lambda m: _int(m, "id")),
        Column("timestamp", "TIME", lambda m: Time(_int(m, "timestamp"))),
        Column("actorDisplayName", "AUTHOR", lambda m: m.get("actorDisplayName", "")),
        Column("messageType", "TYPE", lambda m: m.get("messageType", "")),
        Column("message", "TEXT", _text),
    ],
    raw=lambda m: m,
    fields=MESSAGE_FIELDS,
)

ConvArgument = Annotated[
    str,
    typer.Argument(
        help="The conversation: token or exact name.",
        metavar="CONV",
        autocompletion=complete_conversation,
    ),
]


def list_(
    ctx: typer.Context,
    conv: ConvArgument,
    limit: Annotated[
        int, typer.Option("--limit", min=1, max=200, help="How many messages (newest).")
    ] = 50,
    before: Annotated[
        int | None,
        typer.Option("--before", min=1, help="Only messages older than this message id."),
    ] = None,
    fields: Annotated[
        str | None,
        typer.Option("--fields", help="Comma-separated message fields to print instead."),
    ] = None,
    json_: JsonOption = False,
    fmt: FormatOption = None,
) -> None:
    """List the newest messages of a conversation, oldest of them first.

    Marks nothing read. --before ID pages further back (the smallest ID printed).

    Example: talkctl chat list "Team chat" --limit 20
    """
    from talkctl.api.chat import ChatApi
    from talkctl.cli.output import Renderer, choose_format

    factory = factory_of(ctx)
    output = choose_format(json_, fmt)
    chosen = MESSAGE.parse_fields(fields)
    target = factory.resolver.resolve(conv)
    page = ChatApi(factory.client).page(
        target.token, future=False, last_known=before or 0, limit=limit
    )
    Renderer(factory.environment, output).items(MESSAGE, page.messages[::-1], chosen)


IdsArgument = Annotated[list[int], typer.Argument(help="Message ids.", metavar="ID...")]


def delete(
    ctx: typer.Context,
    conv: ConvArgument,
    ids: IdsArgument,
    dry_run: DryRunOption = False,
    json_: JsonOption = False,
    fmt: FormatOption = None,
) -> None:
    """Delete messages (your own; moderators anyone's but in one-to-ones).

    System messages and deleted messages cannot be deleted (the server answers 405). One
    result record per ID, with the message_deleted system message the server posts
    (``message``).

    Example: talkctl chat delete "Team chat" 1380 1381
    """
    from talkctl.api.chat import ChatApi
    from talkctl.cli.output import choose_format

    factory = factory_of(ctx)
    target = factory.resolver.resolve(conv)
    api = ChatApi(factory.client)
    change = MessageChange("delete-message", lambda n: api.delete(target.token, n))
    finish(change.run(factory, target, ids, dry_run=dry_run, fmt=choose_format(json_, fmt)))


def edit(
    ctx: typer.Context,
    conv: ConvArgument,
    message_id: Annotated[int, typer.Argument(help="The message id.", metavar="ID")],
    text: Annotated[str, typer.Argument(help="The new text.", metavar="TEXT")],
    dry_run: DryRunOption = False,
    json_: JsonOption = False,
    fmt: FormatOption = None,
) -> None:
    """Edit a message (your own; moderators anyone's), within the server's time limit.

    The server keeps who edited it and when, and posts a message_edited system message (the
    result record's ``message``). System messages and deleted messages cannot be edited.

    Example: talkctl chat edit "Team chat" 1366 "Meeting moved to 10:00"
    """
    from talkctl.api.chat import ChatApi
    from talkctl.cli.chat.sending import check_length
    from talkctl.cli.output import choose_format
    from talkctl.errors import UsageError

    factory = factory_of(ctx)
    api = ChatApi(factory.client)
    if not text.strip():
        raise UsageError("the new text is empty")
    check_length(api, text)
    target = factory.resolver.resolve(conv)
    change = MessageChange("edit-message", lambda n: api.edit(target.token, n, text), text)
    fmt_ = choose_format(json_, fmt)
    finish(change.run(factory, target, [message_id], dry_run=dry_run, fmt=fmt_))


EXPLAIN = {
    403: "only its author or a moderator can change message {id}",
    404: "message {id} not found in this conversation",
    405: "message {id} is a system message or deleted: it cannot be changed",
    400: "message {id} cannot be changed (too old, or the text is empty)",
}


class MessageChange:
    """``chat delete`` / ``chat edit`` on the one engine: one job per message ID of one
    conversation, sent one at a time and never repeated; its record carries the system
    message the server posts (``message``)."""

    def __init__(self, action: str, send: Callable[[int], Any], text: str | None = None):
        self.action, self.send, self.text = action, send, text

    def plan(self, target: Target, number: int, *, dry_run: bool) -> Job:
        from talkctl.cli.engine.jobs import Job
        from talkctl.cli.results import Record
        from talkctl.settings import FieldChange

        change = (
            FieldChange("message", str(number), None)
            if self.text is None
            else FieldChange("text", None, self.text)
        )
        record = Record(
            str(number), target.token, target.name or None, self.action, changes=[change],
            dry_run=dry_run, member=f"message {number}",
        )  # fmt: skip
        if dry_run:
            return Job(record)

        def send() -> Record:
            answer = self.send(number)
            done = Record(**record.__dict__)
            done.extra = {"messageId": number, "message": answer}
            return done

        def explain(exc: BaseException) -> str | None:
            from talkctl.api.errors import ApiError

            words = EXPLAIN.get(exc.status) if isinstance(exc, ApiError) else None
            return words.format(id=number) if words else None

        return Job(record, send, explain)

    def run(self, factory: Any, target: Target, ids: list[int], *, dry_run: bool, fmt: str) -> int:
        from talkctl.cli.engine.operation import Operation, report

        operation = Operation[int](
            "changing messages",
            lambda number: self.plan(target, number, dry_run=dry_run),
            dry_run=dry_run,
            same=lambda record: record.input,
        )
        env = factory.environment
        results = operation.perform(env, ids, workers=1, single=len(ids) == 1)
        return report(env, results, fmt)

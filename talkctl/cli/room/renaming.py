"""``room rename``: one name, a {name}/{token} template, or 'token<TAB>name' rows."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated

import typer

from talkctl.api.conversations import ConversationsApi
from talkctl.api.errors import ApiError
from talkctl.api.models import Conversation
from talkctl.cli.completion import complete_conversation
from talkctl.cli.engine.targets import collect_refs, read_stdin, split_last
from talkctl.cli.options import ChangeOptions, change_verb, factory_of, finish
from talkctl.cli.room.change import ONE_TO_ONE, ONE_TO_ONE_TYPES
from talkctl.cli.room.conversation_change import Change, run_change
from talkctl.errors import UsageError
from talkctl.resolve import Target

TEMPLATE_KEYS = ("{name}", "{token}")
TEMPLATE = re.compile("|".join(re.escape(key) for key in TEMPLATE_KEYS))


def _rows(text: str) -> list[tuple[str, str]]:
    """'token<TAB>new name' lines (blank lines ignored)."""
    rows: list[tuple[str, str]] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        token, tab, name = line.partition("\t")
        if not tab or not token.strip() or "\t" in name:
            raise UsageError(
                f"--stdin line {number}: expected 'token<TAB>new name' rows without NEW_NAME"
            )
        rows.append((token.strip(), name))
    return rows


def _check(name: str) -> None:
    if not name.strip():
        raise UsageError("the new name must not be empty or only white space")


def rename_run(
    ctx: typer.Context,
    args: list[str],
    options: ChangeOptions,
) -> None:
    factory = factory_of(ctx)
    output, stdin, dry_run, jobs = options.output, options.stdin, options.dry_run, options.jobs
    if stdin and not args:
        rows = _rows(read_stdin(factory, "'token<TAB>new name' rows"))
        for _, name in rows:
            _check(name)
        names = dict(rows)
        if len(names) != len(rows):
            raise UsageError("--stdin: a conversation appears in two rows")
        change = rename_change(lambda t: names[t.ref])
        refs = [token for token, _ in rows]
        code = run_change(factory, refs, change, fmt=output, bulk=True, dry_run=dry_run, jobs=jobs)
        finish(code)
        return
    if not args:
        raise UsageError("NEW_NAME is missing: talkctl room rename CONV... NEW_NAME")
    convs, new_name = split_last(args, "NEW_NAME", stdin)
    _check(new_name)
    template = any(key in new_name for key in TEMPLATE_KEYS)
    refs, bulk = collect_refs(factory, convs, stdin)
    if len(refs) > 1 and not template:
        raise UsageError(
            f"{len(refs)} conversations cannot all be named {new_name!r}: use {{name}} or "
            "{token} in NEW_NAME, or --stdin rows of 'token<TAB>new name'"
        )

    def name_for(target: Target) -> str:
        if not template:
            return new_name
        # in one pass: a name someone typed ("{token} notes") is never read as a template
        fields = {"{name}": target.name, "{token}": target.token}
        return TEMPLATE.sub(lambda key: fields[key.group()], new_name)

    change = rename_change(name_for)
    change.needs_state = template  # {name} is the name the listing shows, never a cached one
    finish(run_change(factory, refs, change, fmt=output, bulk=bulk, dry_run=dry_run, jobs=jobs))


def rename_change(name_for: Callable[[Target], str]) -> Change:
    """Rename each conversation to ``name_for(target)``."""

    def send(api: ConversationsApi, target: Target) -> Conversation | None:
        try:
            return api.rename(target.token, name_for(target))
        except ApiError as exc:
            # Talk < 21 gives no reason with its 400: the resolved type tells it
            if exc.status == 400 and exc.error is None and target.type in ONE_TO_ONE_TYPES:
                exc.error = "type"
            raise

    return Change(
        action="update",
        field="name",
        send=send,
        value=name_for,
        current=lambda c: c.name,
        note=lambda after: "already named " + after,
        description="renaming",
        explain={
            (400, "type"): ONE_TO_ONE,
            (400, "value"): "the server refused the name (too long? at most 255 characters)",
        },
    )


@change_verb
def rename(
    ctx: typer.Context,
    args: Annotated[
        list[str] | None,
        typer.Argument(
            help="CONV... NEW_NAME",
            metavar="CONV... NEW_NAME",
            autocompletion=complete_conversation,
            show_default=False,
        ),
    ] = None,
    *,
    options: ChangeOptions,
) -> None:
    """Rename a conversation.

    The new name is the last argument. Several conversations cannot all get one plain name
    (exit 2): use {name} and {token} in it ("{name} (2026)"), or give --stdin rows of
    'token<TAB>new name' and no NEW_NAME. An empty name is refused before anything is sent.

    \b
    Examples:
      talkctl room rename "Team chat" "Team chat 2027"
      talkctl room list --name 'Class*' --json | talkctl room rename --stdin "{name} (old)"
      printf 'a1b2c3d4\\tNew name\\n' | talkctl room rename --stdin
    """
    rename_run(ctx, list(args or []), options)

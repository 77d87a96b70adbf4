"""``room delete`` and ``room leave``."""

from __future__ import annotations

from typing import Annotated

import typer

from talkctl.cli.options import (
    ConvsArgument,
    DryRunOption,
    JobsOption,
    StdinOption,
    YesOption,
    factory_of,
)
from talkctl.cli.output import FormatOption, JsonOption
from talkctl.cli.prompts import confirm
from talkctl.cli.room import room_app
from talkctl.cli.runner import Change, run_verb
from talkctl.errors import UsageError


def _confirmed(
    ctx: typer.Context, convs: list[str], stdin: bool, yes: bool, dry_run: bool, verb: str
) -> None:
    """Refuse without --yes when nobody can answer; ask on a terminal."""
    if yes or dry_run:
        return
    environment = factory_of(ctx).environment
    if stdin or not environment.stdin_isatty:
        raise UsageError(f"refusing to {verb} without --yes (stdin is not a terminal)")
    what = convs[0] if len(convs) == 1 else f"{len(convs)} conversations"
    if not confirm(environment, f"{verb.capitalize()} {what}?"):
        raise UsageError(
            f"not confirmed: nothing was {verb}d"
            if verb.endswith("e")
            else "not confirmed: nothing was done"
        )


@room_app.command("delete")
def delete(
    ctx: typer.Context,
    convs: ConvsArgument = None,
    yes: YesOption = False,
    include_object_rooms: Annotated[
        bool,
        typer.Option(
            "--include-object-rooms",
            help="Also delete conversations bound to an object (a file's chat, "
            "a share's password request, a breakout room...) in bulk.",
        ),
    ] = False,
    stdin: StdinOption = False,
    dry_run: DryRunOption = False,
    jobs: JobsOption = 4,
    json_: JsonOption = False,
    fmt: FormatOption = None,
) -> None:
    """Delete a conversation for everyone (moderators only).

    Asks for confirmation on a terminal; refuses without --yes otherwise. One-to-one
    conversations cannot be deleted: use 'talkctl room leave'.

    Example: talkctl room delete "Old project" --yes
    """
    _confirmed(ctx, convs or [], stdin, yes, dry_run, "delete")
    bulk = stdin or len(convs or []) > 1

    def guard(target: object) -> str | None:
        from talkctl.resolve import Target

        assert isinstance(target, Target)
        state = target.conversation
        if bulk and not include_object_rooms and state is not None and state.object_type:
            return (
                f"skipped: bound to {state.object_type} {state.raw.get('objectId', '')}"
                " (use --include-object-rooms)"
            )
        return None

    change = Change(
        verb="deleted",
        apply=lambda api, t: api.delete(t.token),
        describe=lambda t: "delete",
        removal="deleted",
        guard=guard if bulk else None,  # a single delete needs no listing for it
        explain={
            (400, None): "{label} is a one-to-one conversation and cannot be deleted: "
            "use 'talkctl room leave'",
            (403, None): "only moderators can delete {label}",
        },
    )
    run_verb(ctx, convs or [], change, json_, fmt, stdin, dry_run, jobs)


@room_app.command("leave")
def leave(
    ctx: typer.Context,
    convs: ConvsArgument = None,
    yes: YesOption = False,
    stdin: StdinOption = False,
    dry_run: DryRunOption = False,
    jobs: JobsOption = 4,
    json_: JsonOption = False,
    fmt: FormatOption = None,
) -> None:
    """Remove yourself from a conversation (the way out of a one-to-one).

    The conversation stays for the others; the last moderator cannot leave. Asks for
    confirmation on a terminal; refuses without --yes otherwise.

    Example: talkctl room leave alice --yes
    """
    _confirmed(ctx, convs or [], stdin, yes, dry_run, "leave")
    change = Change(
        verb="left",
        apply=lambda api, t: api.leave(t.token),
        describe=lambda t: "leave",
        removal="left",
        explain={(400, None): "you cannot leave {label}: you are its last moderator"},
    )
    run_verb(ctx, convs or [], change, json_, fmt, stdin, dry_run, jobs)

"""``room delete`` and ``room leave``."""

from __future__ import annotations

from typing import Annotated

import typer

from talkctl.cli.options import ChangeOptions, ConvsArgument, YesOption, change_verb, factory_of
from talkctl.cli.prompts import conversations_asker, may_ask
from talkctl.cli.room.conversation_change import Change, run_verb
from talkctl.resolve import Target

# objectType (constants.md, and the recorded Talk 22 answers) → why a bulk delete leaves
# such a conversation alone, in words; {id} is its objectId
OBJECTS = {
    "file": "bound to a file (file {id})",
    "share:password": "bound to a share's password request (share {id})",
    "room": "a breakout room (of conversation {id})",
    "event": "bound to a calendar event (event {id})",
    "phone": "bound to a phone call",
    "sample": "a sample conversation",
    "note_to_self": "your note-to-self conversation",
}


def bound_to(kind: str, object_id: object) -> str:
    """Why a bulk delete leaves a conversation bound to an object alone, as a person says it
    (the summary counts the words before the first parenthesis)."""
    what = OBJECTS.get(kind, "bound to an object ({kind} {id})")
    return f"{what.format(kind=kind, id=object_id)}: --include-object-rooms deletes it"


@change_verb
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
    *,
    options: ChangeOptions,
) -> None:
    """Delete a conversation for everyone (moderators only).

    Asks for confirmation on a terminal, naming the conversations; refuses without --yes
    otherwise. One-to-one conversations cannot be deleted: use 'talkctl room leave'. In bulk,
    conversations bound to an object are skipped (not failed) unless --include-object-rooms.

    Example: talkctl room delete "Old project" --yes
    """
    ask = may_ask(factory_of(ctx).environment, options, yes=yes, verb="delete")
    bulk = options.stdin or len(convs or []) > 1

    def guard(target: Target) -> str | None:
        state = target.conversation
        if bulk and not include_object_rooms and state is not None and state.object_type:
            return bound_to(state.object_type, state.raw.get("objectId", ""))
        return None

    change = Change(
        action="delete",
        send=lambda api, t: api.delete(t.token),
        guard=guard if bulk else None,  # a single delete needs no listing for it
        confirm=conversations_asker(factory_of(ctx).environment, "delete") if ask else None,
        description="deleting",
        explain={
            (400, None): "{label} is a one-to-one conversation and cannot be deleted: "
            "use 'talkctl room leave'",
            (403, None): "only moderators can delete {label}",
        },
    )
    run_verb(ctx, convs or [], change, options)


@change_verb
def leave(
    ctx: typer.Context,
    convs: ConvsArgument = None,
    yes: YesOption = False,
    *,
    options: ChangeOptions,
) -> None:
    """Remove yourself from a conversation (the way out of a one-to-one).

    The conversation stays for the others; the last moderator cannot leave. Asks for
    confirmation on a terminal; refuses without --yes otherwise.

    Example: talkctl room leave alice --yes
    """
    ask = may_ask(factory_of(ctx).environment, options, yes=yes, verb="leave")
    change = Change(
        action="leave",
        send=lambda api, t: api.leave(t.token),
        moderator_only=False,
        confirm=conversations_asker(factory_of(ctx).environment, "leave") if ask else None,
        description="leaving",
        explain={(400, None): "you cannot leave {label}: you are its last moderator"},
    )
    run_verb(ctx, convs or [], change, options)

"""``breakout create`` and ``breakout move``: the verbs that take a ``--map`` file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from talkctl.cli.completion import complete_choices
from talkctl.cli.options import DryRunOption, factory_of, finish
from talkctl.cli.output import FormatOption, JsonOption, choose_format
from talkctl.cli.participant.listing import ConvArgument

if TYPE_CHECKING:
    from talkctl.api.breakout import BreakoutApi
    from talkctl.api.models import Conversation
    from talkctl.cli.context import Factory
    from talkctl.resolve import Target

MapOption = Annotated[
    Path | None,
    typer.Option(
        "--map",
        help="TOML or CSV file: participant (user id or attendee:N) -> room number "
        "from 1, one each.",
        metavar="FILE",
        show_default=False,
    ),
]


def _mapping(factory: Factory, target: Target, path: Path, rooms: int) -> dict[int, int]:
    """The checked map (exit 2 printing every problem), against one participant listing."""
    from talkctl.api.participants import ParticipantsApi
    from talkctl.cli.breakout.mapfile import read_map
    from talkctl.cli.breakout.run import call
    from talkctl.cli.participant.resolve import ParticipantIndex
    from talkctl.declarative.tomlfile import InputFileError

    people = call(target.label, lambda: ParticipantsApi(factory.client).list(target.token))
    try:
        return read_map(path, ParticipantIndex(people, target.label), rooms)
    except InputFileError as exc:
        for problem in exc.problems:
            factory.environment.message(problem)
        raise


def create(
    ctx: typer.Context,
    conv: ConvArgument,
    rooms: Annotated[
        int, typer.Option("--rooms", min=1, help="How many breakout rooms (1 to 20).")
    ] = 2,
    mode: Annotated[
        str | None,
        typer.Option(
            "--mode",
            help="automatic (deal the participants out), manual (--map) or free (they choose). "
            "Default: automatic; --map: manual.",
            autocompletion=complete_choices("automatic", "manual", "free"),
            metavar="MODE",
            show_default=False,
        ),
    ] = None,
    map_file: MapOption = None,
    dry_run: DryRunOption = False,
    json_: JsonOption = False,
    fmt: FormatOption = None,
) -> None:
    """Split a group conversation into breakout rooms (moderators).

    Moderators are in every room. Everything is checked before anything is sent: a
    one-to-one, a conversation that has breakout rooms already, more than 20 rooms or a
    server without them is exit 6; a --map naming someone who is no participant, a
    moderator, someone in two rooms, or a room number out of range is exit 2 with every
    problem and its line.
    Should the server still refuse, it keeps the breakout room mode it was sent (a Talk
    quirk that blocks every later create): talkctl then removes it and says so.

    \b
    Example: talkctl breakout create "Team chat" --rooms 3
    Example: talkctl breakout create "Team chat" --rooms 2 --map groups.csv
    """
    from talkctl.api.breakout import MODES, mode_name
    from talkctl.cli.breakout.run import change_parent, check_can_create, open_parent
    from talkctl.errors import UsageError
    from talkctl.settings import FieldChange

    chosen = mode or ("manual" if map_file is not None else "automatic")
    if chosen not in MODES:
        raise UsageError(f"unknown --mode {chosen!r}: choose automatic, manual or free")
    if map_file is not None and chosen != "manual":
        raise UsageError(f"--map places people by hand: it needs --mode manual, not {chosen}")
    factory = factory_of(ctx)
    output = choose_format(json_, fmt)
    api, target = open_parent(factory, conv)
    check_can_create(target, rooms)
    mapping = _mapping(factory, target, map_file, rooms) if map_file is not None else None
    what = f"{rooms} {mode_name(MODES[chosen])}"
    code = change_parent(
        factory,
        output,
        target,
        FieldChange("breakout rooms", None, what),
        lambda: _configure(api, target, MODES[chosen], rooms, mapping),
        description="creating breakout rooms",
        parent=target.conversation if dry_run else None,
        dry_run=dry_run,  # checked as a real run is; nothing sent
    )
    finish(code)


def _configure(
    api: BreakoutApi, target: Target, mode: int, rooms: int, mapping: dict[int, int] | None
) -> list[Conversation]:
    """Create the rooms; a refusal that left the breakout room mode behind (a Talk quirk
    that blocks every later create) removes it again, and the error says so."""
    from talkctl.api.errors import ApiError
    from talkctl.cli.breakout.run import explain
    from talkctl.errors import InContext

    try:
        return api.configure(target.token, mode, rooms, mapping)
    except ApiError as exc:
        said = explain(exc, target.label)
        if exc.status != 400 or exc.error == "room":  # "room": somebody else's rooms
            raise InContext(said, exc) from exc
        try:
            api.remove(target.token)
            after = "talkctl removed the breakout room mode the refused request left behind"
        except ApiError:
            after = (
                "the server keeps the breakout room mode the refused request set and talkctl "
                "could not remove it: run talkctl breakout remove CONV before creating again"
            )
        raise InContext(f"{said}; {after}", exc) from exc


def move(
    ctx: typer.Context,
    conv: ConvArgument,
    map_file: Annotated[
        Path,
        typer.Option(
            "--map",
            help="TOML or CSV file: participant (user id or attendee:N) -> room number "
            "from 1, one each.",
            metavar="FILE",
        ),
    ],
    json_: JsonOption = False,
    fmt: FormatOption = None,
) -> None:
    """Move participants between the breakout rooms (moderators).

    The --map file is checked against the participants and the rooms before anything is
    sent (exit 2 with every problem and its line).

    Example: talkctl breakout move "Team chat" --map moves.toml
    """
    from talkctl.cli.breakout.run import call, change_parent, check_has_rooms, open_parent
    from talkctl.settings import FieldChange

    factory = factory_of(ctx)
    output = choose_format(json_, fmt)
    api, target = open_parent(factory, conv)
    check_has_rooms(target)
    count = len(call(target.label, lambda: api.rooms(target.token)))
    mapping = _mapping(factory, target, map_file, count)
    code = change_parent(
        factory,
        output,
        target,
        FieldChange("moved", None, str(len(mapping))),
        lambda: call(target.label, lambda: api.move(target.token, mapping)),
        description="moving participants",
    )
    finish(code)

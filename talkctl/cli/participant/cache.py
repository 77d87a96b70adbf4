"""The participant list talkctl last saw of each conversation, for TAB completion.

Every participant command saves the listing it read (``participants/TOKEN.json`` in the
account's cache, 0600: it holds e-mail addresses); a TAB reads only that file and never
contacts the server.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import typer

from talkctl.accounts.cache import AccountCache
from talkctl.api.kinds import KINDS
from talkctl.api.participants import Participant

KEPT = ("attendeeId", "actorType", "actorId", "displayName", "invitedActorId", "userId")
# the verbs' kind flags (their parameter names) → the kind: from the one kinds table
FLAG_KINDS = {k.flag: k.name for k in KINDS.values() if k.flag is not None}


def _file(cache: AccountCache, token: str) -> Path:
    safe = "".join(ch for ch in token if ch.isalnum())
    return cache.dir / "participants" / f"{safe or '_'}.json"


def save_participants(cache: AccountCache, token: str, people: Sequence[Participant]) -> None:
    """Remember the listing of ``token`` (a cache that cannot be written costs nothing)."""
    from talkctl.files import make_private_dirs, write_private

    entries = [{k: p.raw[k] for k in KEPT if k in p.raw} for p in people]
    with contextlib.suppress(OSError):
        path = _file(cache, token)
        make_private_dirs(path.parent)
        write_private(path, json.dumps(entries, separators=(",", ":")), sync=False)


def load_participants(cache: AccountCache, token: str) -> list[Participant]:
    try:
        data = json.loads(_file(cache, token).read_text("utf-8"))
    except (OSError, ValueError):
        return []
    return [Participant(e) for e in data if isinstance(e, dict)] if isinstance(data, list) else []


def participant_choices(people: Sequence[Participant], kind: str) -> list[tuple[str, str]]:
    """(value, help): the ids of ``kind`` (addresses for e-mails), then attendee:ID of all."""
    choices: dict[str, str] = {}
    for p in people:
        if p.kind == kind and p.match_id:
            choices.setdefault(p.match_id, p.display_name)
    for p in people:
        if p.attendee_id is not None:
            choices.setdefault(p.ref, f"{p.kind} {p.match_id}")
    return list(choices.items())


def complete_participant(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """IDs of the conversation named on the command line, from the saved list only."""
    from talkctl.cli.completion import account_cache, cached_rooms

    conv = ctx.params.get("conv")
    if not isinstance(conv, str) or not conv:
        return []
    environ = os.environ
    cache = account_cache(ctx, environ)
    if cache is None:
        return []
    token = conv
    for room in cached_rooms(ctx, environ):
        if conv in (room.get("displayName"), room.get("name")):
            token = str(room.get("token"))
            break
    kind = next((k for flag, k in FLAG_KINDS.items() if ctx.params.get(flag)), "user")
    values: Any = participant_choices(load_participants(cache, token), kind)
    return [(v, h) for v, h in values if v.startswith(incomplete)]

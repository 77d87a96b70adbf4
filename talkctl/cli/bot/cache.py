"""The bots talkctl last saw, for TAB completion of BOT (``bots.json`` in the account's
cache): every bot command saves the listing it read; a TAB reads only that file and never
contacts the server."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Sequence

import typer

from talkctl.accounts.cache import AccountCache
from talkctl.api.bots import Bot

KEPT = ("id", "name", "description")


def save_bots(cache: AccountCache, bots: Sequence[Bot]) -> None:
    """Remember the bots (a cache that cannot be written costs nothing)."""
    from talkctl.files import make_private_dirs, write_private

    entries = [{k: b.raw[k] for k in KEPT if k in b.raw} for b in bots]
    with contextlib.suppress(OSError):
        make_private_dirs(cache.dir)
        write_private(cache.dir / "bots.json", json.dumps(entries), sync=False)


def load_bots(cache: AccountCache) -> list[Bot]:
    try:
        data = json.loads((cache.dir / "bots.json").read_text("utf-8"))
    except (OSError, ValueError):
        return []
    return [Bot(e) for e in data if isinstance(e, dict)] if isinstance(data, list) else []


def complete_bot(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Bot names (and ids) from the saved list: the last word of ``bot enable CONV... BOT``."""
    from talkctl.cli.completion import account_cache, complete_conversation

    try:
        cache = account_cache(ctx, os.environ)
        bots = load_bots(cache) if cache is not None else []
    except Exception:  # a TAB must never print a traceback into the command line
        bots = []
    choices: dict[str, str] = {}
    for bot in bots:
        if bot.name:
            choices.setdefault(bot.name, bot.description or f"bot {bot.id}")
    for bot in bots:
        if bot.id is not None:
            choices.setdefault(str(bot.id), bot.name)
    found = [(v, h) for v, h in choices.items() if v.startswith(incomplete)]
    # the words before BOT are conversations: offer those too
    return found + [c for c in complete_conversation(ctx, incomplete) if c not in found]

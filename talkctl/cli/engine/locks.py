"""The lock of runs that create conversations (``apply``, ``room create``, ``room ensure``)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from talkctl.cli.context import Factory

CREATE_LOCK = "create.lock"  # in the account's cache directory


@contextlib.contextmanager
def creating_lock(factory: Factory, *, dry_run: bool) -> Iterator[None]:
    """Held by a run that may create conversations (``apply``, ``room create``, ``room
    ensure``) from before it reads the listing until it is done: a second run for the same
    account waits (up to 30 s, then exit 2 as a held config lock) and then sees what the
    first one made. A dry run changes nothing and takes no lock."""
    from talkctl.accounts.locks import LockUnavailable, held
    from talkctl.errors import TalkctlError

    if dry_run:
        yield
        return
    try:
        cache = factory.cache
    except TalkctlError:  # no credentials: the command says so itself
        yield
        return
    environment = factory.environment

    def waiting(pid: str) -> None:
        by = f" (process {pid})" if pid else ""
        environment.message(
            f"waiting for another talkctl run creating conversations as {cache.user} on "
            f"{cache.server}{by}"
        )

    what = f"creating conversations as {cache.user} on {cache.server}"
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(held(cache.dir / CREATE_LOCK, what, waiting=waiting))
        except LockUnavailable as exc:  # an unwritable cache: go on, and say what it risks
            environment.warn(f"{exc}: a run at the same time could create the same again")
        yield

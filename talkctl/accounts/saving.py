"""Saving and removing an account: its secret in a slot of its own, the rest in a profile.

A login stores both or neither, and never harms what worked before:

1. the new secret goes to a new slot (never over the one a profile uses now);
2. under the config lock, the config is read afresh, the profile put in and written
   (atomically); a concurrent login's profile, read in step 2, is kept;
3. only then is the slot the replaced profile used removed (unless another profile uses it).

When step 2 fails (a full disk, Ctrl-C) the new slot is removed and the old profile and its
secret are as they were. No typer, no rich: the cli words what happened.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from talkctl.accounts.config import Config, Profile, locked_config, same_server
from talkctl.accounts.secrets import (
    STORE_FILE,
    STORES,
    SecretSlot,
    delete_secret,
    forget_quietly,
    new_slot,
    refuse_shared_file,
    slot_of,
    store_secret,
)
from talkctl.errors import UsageError

DEFAULT_PROFILE = "default"


def check_store_name(store: str) -> str:
    if store not in STORES:
        raise UsageError(f"unknown --store {store!r}: choose {' or '.join(STORES)}")
    return store


def profile_name_for(config: Config, requested: str | None, server: str, user: str) -> str:
    """The name a new login is stored under.

    ``--profile`` when given; else the profile this account already has; else ``default``
    for the first one; else ``user@host`` (numbered when taken).
    """
    if requested:
        return requested
    existing = config.find(server, user)
    if existing is not None:
        return existing.name
    if not config.profiles:
        return DEFAULT_PROFILE
    host = urlsplit(server).hostname or "server"
    base = re.sub(r"[^A-Za-z0-9._@-]+", "-", f"{user}@{host}").strip("-.@_")[:60] or "profile"
    name, number = base, 1
    while name in config.profiles:
        number += 1
        name = f"{base}-{number}"
    return name


def refuse_shared_secret_files(
    config: Config, config_dir: Path, requested: str | None, server: str, user: str
) -> None:
    """Before any login: refuse when the file-stored secret of the profile a login would
    replace can be read by others (it may have leaked: the user must look at it first)."""
    candidates = [config.profiles.get(requested) if requested else None, config.find(server, user)]
    for profile in candidates:
        if profile is not None and profile.store == STORE_FILE:
            refuse_shared_file(slot_of(profile).path(config_dir))


@dataclass
class SavedAccount:
    profile: Profile
    where: str  # where the secret went, for messages
    default: bool  # whether it is the default profile now
    replaced: Profile | None  # the profile of another account that had this name
    relogin: bool = False  # the same account was stored before (its old app password lives on)


def _in_use(config: Config, slot: SecretSlot) -> bool:
    return any(slot_of(profile) == slot for profile in config.profiles.values())


def save_account(
    config_dir: Path,
    *,
    requested: str | None,
    server: str,
    user: str,
    secret: str,
    store: str,
    ca_bundle: str | None = None,
) -> SavedAccount:
    """Store ``secret`` and the profile (``requested``, or a name chosen under the lock);
    on any failure, neither is stored and what was stored before is untouched."""
    if ca_bundle:  # kept for later runs from anywhere: never relative to today's directory
        ca_bundle = os.path.abspath(os.path.expanduser(ca_bundle))
    slot = new_slot(store, server, user)
    where = store_secret(slot, config_dir, secret)
    try:
        with locked_config(config_dir) as config:
            name = profile_name_for(config, requested, server, user)
            old = config.profiles.get(name)
            same_account = old is not None and old.user == user and same_server(old.server, server)
            profile = Profile(
                name=name,
                server=server,
                user=user,
                store=store,
                ca_bundle=ca_bundle or (old.ca_bundle if same_account and old else None),
                extra=dict(old.extra) if old is not None else {},
                secret_id=slot.slot_id,
            )
            previous_default = config.default_name
            config.put(profile)
            if config.default not in config.profiles:  # none, or one edited away by hand
                config.default = previous_default or name
            config.save()
            if old is not None and not _in_use(config, slot_of(old)):
                forget_quietly(slot_of(old), config_dir)
    except BaseException:
        forget_quietly(slot, config_dir)
        raise
    return SavedAccount(
        profile=profile,
        where=where,
        default=config.default == name,
        replaced=old if old is not None and not same_account else None,
        relogin=same_account,
    )


def remove_account(config_dir: Path, cache_dir: Path, name: str) -> bool:
    """Remove the profile ``name``, its secret (unless another profile uses the same slot)
    and its cache; True when a secret was removed."""
    with locked_config(config_dir) as config:
        profile = config.remove(name)
        if profile is None:
            return False
        config.save()
        slot = slot_of(profile)
        removed = False if _in_use(config, slot) else delete_secret(slot, config_dir)
        account_in_use = config.find(profile.server, profile.user) is not None
    if not account_in_use:
        from talkctl.accounts.cache import AccountCache

        with contextlib.suppress(OSError):
            cache = AccountCache(cache_dir, profile.server, profile.user)
            shutil.rmtree(cache.dir, ignore_errors=True)
    return removed


def set_default(config_dir: Path, name: str) -> Profile | None:
    """Make ``name`` the default profile (under the lock); None when there is no such one."""
    with locked_config(config_dir) as config:
        profile = config.profiles.get(name)
        if profile is not None:
            config.default = profile.name
            config.save()
        return profile

"""Storing and removing an account: the secret in its store, the rest in a profile.

A login either stores both or neither: the secret is written first and removed again when
the profile cannot be saved (or the run is interrupted in between).
"""

from __future__ import annotations

import contextlib
import re
import shutil
from dataclasses import dataclass
from urllib.parse import urlsplit

from talkctl.accounts.config import Config, Profile, check_profile_name
from talkctl.accounts.secrets import STORES, delete_secret, forget_quietly, store_secret
from talkctl.cli.context import Factory
from talkctl.errors import UsageError

DEFAULT_PROFILE = "default"


def check_store_name(store: str) -> str:
    if store not in STORES:
        raise UsageError(f"unknown --store {store!r}: choose {' or '.join(STORES)}")
    return store


def requested_profile(factory: Factory, own: str | None) -> str | None:
    """The subcommand's --profile wins over the global one (and TALKCTL_PROFILE)."""
    name = own or factory.options.profile
    return check_profile_name(name) if name else None


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


@dataclass
class SavedAccount:
    profile: Profile
    where: str  # where the secret went, for messages
    default: bool  # whether it is the default profile now
    replaced: Profile | None  # the profile of another account that had this name
    relogin: bool = False  # the same account was stored before (its old app password lives on)


def save_account(
    factory: Factory,
    name: str,
    server: str,
    user: str,
    secret: str,
    store: str,
) -> SavedAccount:
    """Store ``secret`` and the profile ``name``; on any failure, store neither."""
    config = factory.config
    config_dir = factory.environment.config_dir
    old = config.profiles.get(name)
    same_account = old is not None and (old.server, old.user) == (server, user)
    profile = Profile(
        name=name,
        server=server,
        user=user,
        store=store,
        ca_bundle=factory.options.ca_bundle or (old.ca_bundle if same_account and old else None),
        extra=dict(old.extra) if old is not None else {},
    )
    previous_default = config.default_name
    where = store_secret(store, config_dir, server, user, secret)
    try:
        config.put(profile)
        if config.default is None:
            config.default = previous_default or name
        config.save()
    except BaseException:
        forget_quietly(store, config_dir, server, user)
        raise
    if old is not None and (old.server, old.user, old.store) != (server, user, store):
        forget_quietly(old.store, config_dir, old.server, old.user)
    return SavedAccount(
        profile=profile,
        where=where,
        default=config.default == name,
        replaced=old if old is not None and not same_account else None,
        relogin=same_account,
    )


def remove_account(factory: Factory, profile: Profile) -> bool:
    """Remove the profile, its secret and its cache; True when a secret was removed."""
    environment = factory.environment
    removed = delete_secret(profile.store, environment.config_dir, profile.server, profile.user)
    config = factory.config
    config.remove(profile.name)
    config.save()
    from talkctl.cache import AccountCache

    with contextlib.suppress(OSError):
        cache = AccountCache(environment.cache_dir, profile.server, profile.user)
        shutil.rmtree(cache.dir, ignore_errors=True)
    return removed

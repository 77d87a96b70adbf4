"""Which server, user and app password a run uses: exactly one source, in a fixed order.

1. the environment as a complete set: TALKCTL_SERVER, TALKCTL_USER and TALKCTL_APP_PASSWORD
   (or TALKCTL_APP_PASSWORD_FILE);
2. --server/--user with the secret of the matching stored profile;
3. the stored profile (--profile, TALKCTL_PROFILE, or the default one).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from talkctl.accounts.config import Config, Profile
from talkctl.accounts.secrets import (
    STORE_FILE,
    backend_name,
    keyring_get,
    read_secret_file,
    secure_backend,
    slot_of,
)
from talkctl.errors import CredentialsError, UsageError

ENV_SECRET = "TALKCTL_APP_PASSWORD"
ENV_SECRET_FILE = "TALKCTL_APP_PASSWORD_FILE"
NO_CREDENTIALS = (
    "no credentials: run 'talkctl auth login', or set TALKCTL_SERVER, TALKCTL_USER and "
    "TALKCTL_APP_PASSWORD, or pass --server and --user for a stored profile"
)


@dataclass(frozen=True)
class Credentials:
    server: str
    user: str
    secret: str = field(repr=False)
    source: str
    profile: Profile | None = None


def normalize_server(url: str) -> str:
    """``cloud.example.com/`` → ``https://cloud.example.com``; drops a pasted app path.

    UsageError (exit 2) for anything that is no server address: a login or password in it
    (``https://alice:pw@host``: never stored, never repeated back), a bad port or host, a
    scheme other than http(s). The message never quotes what was given: it may hold a secret.
    """
    value = url.strip()
    if not value:
        raise UsageError("the server URL is empty")
    if "://" not in value:
        value = "https://" + value
    try:
        parts = urlsplit(value)
        host, port = parts.hostname, parts.port
    except ValueError as exc:
        raise UsageError(f"not a server URL: {_url_problem(exc)}") from None
    if "@" in parts.netloc:
        raise UsageError(
            "the server URL holds a login or password: give the address alone, the login "
            "with --user (or TALKCTL_USER) and the secret on stdin or in TALKCTL_APP_PASSWORD"
        )
    if parts.scheme not in ("http", "https"):
        raise UsageError("not a server URL: it must start with https:// or http://")
    if not host or any(c.isspace() or ord(c) < 32 for c in parts.netloc):
        raise UsageError("not a server URL: it names no host")
    if port == 0:
        raise UsageError("not a server URL: port 0")
    path = parts.path
    for marker in ("/index.php", "/apps/", "/ocs/"):
        index = path.find(marker)
        if index >= 0:
            path = path[:index]
    return f"{parts.scheme}://{server_netloc(parts.scheme, host, port)}{path.rstrip('/')}"


def server_netloc(scheme: str, host: str, port: int | None) -> str:
    """``host[:port]`` as one account is named: the host in lower case (as DNS compares it),
    no default port (``Cloud.Example.com:443`` is ``cloud.example.com``), IPv6 in brackets."""
    shown = f"[{host}]" if ":" in host else host.lower()
    default = {"https": 443, "http": 80}.get(scheme)
    return shown if port is None or port == default else f"{shown}:{port}"


def _url_problem(exc: ValueError) -> str:
    text = str(exc)
    if "Port" in text or "port" in text:
        return "the port must be a number from 1 to 65535"
    if "IPv6" in text:
        return "an unclosed [ in the host"
    return "it cannot be parsed"


def is_plain_http_remote(server: str) -> bool:
    parts = urlsplit(server)
    host = (parts.hostname or "").lower()
    loopback = host in ("localhost", "::1") or host.startswith("127.")
    return parts.scheme == "http" and not loopback


def resolve_credentials(
    *,
    env: Mapping[str, str],
    config: Config,
    config_dir: Path,
    server: str | None,
    user: str | None,
    profile_name: str | None,
) -> Credentials:
    secret = env.get(ENV_SECRET)
    secret_path = env.get(ENV_SECRET_FILE)
    if secret or secret_path:
        missing = [
            name
            for name, value in (("TALKCTL_SERVER", server), ("TALKCTL_USER", user))
            if not value
        ]
        if missing:
            raise UsageError(
                f"{' and '.join(missing)} must be set together with "
                f"{ENV_SECRET if secret else ENV_SECRET_FILE}"
            )
        assert server is not None and user is not None
        other = _other_account(env, server, user)
        if other is not None:  # --server/--user name another account than the set's
            return _stored_for(config, config_dir, *other)
        if secret:
            return Credentials(normalize_server(server), user, secret, "environment")
        assert secret_path is not None
        value = read_secret_file(Path(secret_path))
        return Credentials(normalize_server(server), user, value, f"file {secret_path}")
    if server or user:
        if not server:
            raise UsageError("--user needs --server (or TALKCTL_SERVER) too")
        normalized = normalize_server(server)
        profile = config.find(normalized, user)
        if profile is None:
            raise UsageError(
                f"no stored profile for {user + ' on ' if user else ''}{normalized}: "
                f"set {ENV_SECRET} or run 'talkctl auth login {normalized}'"
            )
        return _from_profile(profile, config_dir)
    profile = config.profile(profile_name)
    if profile is None:
        if profile_name:
            raise UsageError(f"no profile named {profile_name!r} in {config.path}")
        raise config.dangling_default() or CredentialsError(NO_CREDENTIALS)
    return _from_profile(profile, config_dir)


def _other_account(env: Mapping[str, str], server: str, user: str) -> tuple[str, str | None] | None:
    """(server, user or None) when the command line names another server or user than the
    environment's credentials belong to: that secret never goes there. None when it is the
    environment's account (or the environment names no server to compare with)."""
    env_server, env_user = env.get("TALKCTL_SERVER"), env.get("TALKCTL_USER")
    if not env_server:
        return None
    wanted = normalize_server(server)
    try:
        theirs = normalize_server(env_server)
    except UsageError:
        theirs = None
    given_user = user if env_user and user != env_user else None
    if wanted == theirs and given_user is None:
        return None
    return wanted, given_user


def _stored_for(config: Config, config_dir: Path, server: str, user: str | None) -> Credentials:
    """The stored profile of ``server`` (and ``user``), else exit 4 before any request."""
    profile = config.find(server, user)
    if profile is None:
        who = f"{user} on {server}" if user else server
        raise CredentialsError(
            f"no credentials for {who}: the environment's app password belongs to "
            f"another account; run 'talkctl auth login {server}'"
        )
    return _from_profile(profile, config_dir)


def _from_profile(profile: Profile, config_dir: Path) -> Credentials:
    if "@" in urlsplit(profile.server).netloc:  # written before such addresses were refused
        raise UsageError(
            f"the server address of profile {profile.name!r} holds a login or password: "
            f"log in again with 'talkctl auth login --profile {profile.name}' and the address "
            "alone"
        )
    slot = slot_of(profile)
    if profile.store == STORE_FILE:
        path = slot.path(config_dir)
        from_file = read_secret_file(path)
        return Credentials(profile.server, profile.user, from_file, f"file {path}", profile)
    backend = secure_backend()
    value = keyring_get(slot.keyring_name)
    if not value:
        raise CredentialsError(
            f"no app password in the keyring for profile {profile.name!r}: "
            f"run 'talkctl auth login --profile {profile.name}'"
        )
    source = f"keyring ({backend_name(backend)})"
    return Credentials(profile.server, profile.user, value, source, profile)

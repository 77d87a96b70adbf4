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
    secret_file,
    secure_backend,
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
    """``cloud.example.com/`` → ``https://cloud.example.com``; drops a pasted app path."""
    value = url.strip()
    if not value:
        raise UsageError("the server URL is empty")
    if "://" not in value:
        value = "https://" + value
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(f"not a server URL: {url!r}")
    path = parts.path
    for marker in ("/index.php", "/apps/", "/ocs/"):
        index = path.find(marker)
        if index >= 0:
            path = path[:index]
    return f"{parts.scheme}://{parts.netloc}{path.rstrip('/')}"


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
        raise CredentialsError(NO_CREDENTIALS)
    return _from_profile(profile, config_dir)


def _from_profile(profile: Profile, config_dir: Path) -> Credentials:
    if profile.store == STORE_FILE:
        path = secret_file(config_dir, profile.server, profile.user)
        from_file = read_secret_file(path)
        return Credentials(profile.server, profile.user, from_file, f"file {path}", profile)
    backend = secure_backend()
    value = keyring_get(profile.server, profile.user)
    if not value:
        raise CredentialsError(
            f"no app password in the keyring for profile {profile.name!r}: "
            f"run 'talkctl auth login --profile {profile.name}'"
        )
    source = f"keyring ({backend_name(backend)})"
    return Credentials(profile.server, profile.user, value, source, profile)

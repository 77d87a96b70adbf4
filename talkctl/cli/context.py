"""The run's environment (streams, ttys, env vars, dirs) and the factory commands get clients from.

Tests swap the Environment; commands never touch sys.stdout or os.environ directly.
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, cast

from talkctl import files

if TYPE_CHECKING:
    from talkctl.accounts.cache import AccountCache
    from talkctl.accounts.config import Config, Profile
    from talkctl.accounts.credentials import Credentials
    from talkctl.api.client import TalkClient
    from talkctl.api.conversations import ConversationsApi
    from talkctl.api.transport.http import Transport
    from talkctl.api.transport.retry import RetryPolicy
    from talkctl.resolve import Resolver

DEFAULT_TIMEOUT = 30.0
DEFAULT_RETRIES = 2
MAX_JOBS = 32  # the largest --jobs (options.JobsOption): the pool holds that many


@dataclass
class GlobalOptions:
    """Connection options, given before the subcommand (each has a TALKCTL_* variable)."""

    profile: str | None = None
    server: str | None = None
    user: str | None = None
    timeout: float | None = None
    retries: int | None = None
    max_response_size: str | None = None  # checked by cli.limits
    ca_bundle: str | None = None
    insecure: bool = False
    debug: bool = False


@dataclass
class Environment:
    stdout: TextIO
    stderr: TextIO
    stdin: TextIO
    env: Mapping[str, str]
    stdout_isatty: bool = False
    stderr_isatty: bool = False
    stdin_isatty: bool = False
    debug: bool = False
    config_dir: Path = field(default_factory=lambda: Path("."))
    cache_dir: Path = field(default_factory=lambda: Path("."))
    _consoles: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_process(cls) -> Environment:
        env = dict(os.environ)
        return cls(
            stdout=sys.stdout if sys.stdout is not None else _closed(),
            stderr=sys.stderr if sys.stderr is not None else _closed(quiet=True),
            stdin=sys.stdin if sys.stdin is not None else _closed(quiet=True),
            env=env,
            stdout_isatty=_isatty(sys.stdout),
            stderr_isatty=_isatty(sys.stderr),
            stdin_isatty=_isatty(sys.stdin),
            config_dir=files.config_dir(env),
            cache_dir=files.cache_dir(env),
        )

    @property
    def no_color(self) -> bool:
        return "NO_COLOR" in self.env and self.env["NO_COLOR"] != ""

    def message(self, text: str) -> None:
        """A message for the user (never data): stderr. Control characters in it (a name, a
        server's words) are shown escaped on a terminal; newlines stay."""
        if self.stderr_isatty:
            from talkctl.cli.text import escape_controls

            text = escape_controls(text, keep_newlines=True)
        self.stderr.write(text + "\n")
        self.stderr.flush()

    def warn(self, text: str) -> None:
        self.message(f"talkctl: warning: {text}")

    def error(self, line: str) -> None:
        """The one error line of a run (only cli/errors.py calls this)."""
        self.message(f"talkctl: error: {line}")

    def shown(self, text: str, *, stream: str = "stdout") -> str:
        """``text`` as it may reach ``stream``: control characters escaped on a terminal."""
        if self.stdout_isatty if stream == "stdout" else self.stderr_isatty:
            from talkctl.cli.text import escape_controls

            return escape_controls(text)
        return text

    def console(self, *, stderr: bool = False) -> Any:
        """The one Rich console of this run for stdout (or stderr), built once each.

        Markup, emoji codes and highlighting are off and control characters in any string
        it renders are escaped: text from others is printed literally. Colour follows
        NO_COLOR; the width is the terminal's (or COLUMNS).
        """
        key = "stderr" if stderr else "stdout"
        console = self._consoles.get(key)
        if console is None:
            from talkctl.cli.text import literal_console

            stream = self.stderr if stderr else self.stdout
            # stderr's console draws progress and spinners: only ever made for a terminal
            force = True if stderr and self.stderr_isatty else None
            console = literal_console(stream, no_color=self.no_color, force_terminal=force)
            self._consoles[key] = console
        return console


def _closed(*, quiet: bool = False) -> TextIO:
    return cast(TextIO, _ClosedStream(quiet=quiet))


class StdoutClosed(OSError):
    """stdout was closed before talkctl started (``talkctl room list >&-``)."""

    def __init__(self) -> None:
        super().__init__(errno.EBADF, "stdout is closed: nowhere to write the output")


class _ClosedStream:
    """Stands for a standard stream that was closed before talkctl started."""

    def __init__(self, *, quiet: bool = False) -> None:
        self.quiet = quiet

    def write(self, text: str) -> int:
        if self.quiet:
            return len(text)
        raise StdoutClosed()

    def read(self, size: int = -1) -> str:
        return ""

    def readline(self, size: int = -1) -> str:
        return ""

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


_environment: Environment | None = None


def current_environment() -> Environment:
    global _environment
    if _environment is None:
        _environment = Environment.from_process()
    return _environment


def set_environment(environment: Environment | None) -> None:
    global _environment
    _environment = environment


class Factory:
    """Hands each command lazily built objects: nothing connects until a command asks."""

    def __init__(self, options: GlobalOptions, environment: Environment) -> None:
        self.options = options
        self.environment = environment
        self._warned_insecure = False

    @cached_property
    def config(self) -> Config:
        from talkctl.accounts.config import load_config

        return load_config(self.environment.config_dir)

    @cached_property
    def credentials(self) -> Credentials:
        from talkctl.accounts.credentials import is_plain_http_remote, resolve_credentials

        credentials = resolve_credentials(
            env=self.environment.env,
            config=self.config,
            config_dir=self.environment.config_dir,
            server=self.options.server,
            user=self.options.user,
            profile_name=self.options.profile,
        )
        self._warn_unused_profile(credentials)
        if is_plain_http_remote(credentials.server):
            self.environment.warn(
                f"{credentials.server} uses plain http: the app password crosses the network "
                "unencrypted"
            )
        return credentials

    def _warn_unused_profile(self, credentials: Credentials) -> None:
        """The environment's set wins over --profile (README: a script tried against the
        sandbox's export must not reach the profile's server): say so, never silently."""
        name = self.options.profile
        if not name or credentials.profile is not None:
            return
        named = self.config.profiles.get(name)
        if named is not None and (named.server, named.user) == (
            credentials.server,
            credentials.user,
        ):
            return
        secret = (
            "TALKCTL_APP_PASSWORD"
            if credentials.source == "environment"
            else ("TALKCTL_APP_PASSWORD_FILE")
        )
        self.environment.warn(
            f"profile {name!r} is not used: TALKCTL_SERVER, TALKCTL_USER and {secret} in the "
            f"environment come first ({credentials.user} on {credentials.server}); unset them "
            "to use the profile"
        )

    @property
    def timeout(self) -> float:
        return self.options.timeout if self.options.timeout is not None else DEFAULT_TIMEOUT

    @property
    def retries(self) -> int:
        return self.options.retries if self.options.retries is not None else DEFAULT_RETRIES

    def verify(self) -> bool | str:
        if self.options.insecure or self.options.ca_bundle:
            return self.verify_for(None)
        return self.verify_for(self.credentials.profile)

    def verify_for(self, profile: Profile | None) -> bool | str:
        """TLS verification for ``profile`` (None: an account not stored yet, e.g. at login)."""
        if self.options.insecure:
            if not self._warned_insecure:  # once per run, however many transports
                self._warned_insecure = True
                self.environment.warn("--insecure: TLS certificates are not verified")
            return False
        if self.options.ca_bundle:
            return self.options.ca_bundle
        if profile is not None and profile.ca_bundle:
            return profile.ca_bundle
        env = self.environment.env
        return env.get("REQUESTS_CA_BUNDLE") or env.get("CURL_CA_BUNDLE") or True

    def transport_for(
        self,
        server: str,
        user: str | None,
        secret: str | None,
        *,
        verify: bool | str | None = None,
    ) -> Transport:
        """A transport to ``server``; pass ``verify`` (see verify_for) when the account is not
        the run's credentials (``auth login``: user and secret None send no credentials)."""
        from talkctl.api.transport.http import Transport
        from talkctl.cli.limits import response_size

        return Transport(
            server,
            user,
            secret,
            timeout=self.timeout,
            verify=self.verify() if verify is None else verify,
            debug=self.environment.message if self.options.debug else None,
            pool_size=MAX_JOBS,  # every --jobs thread keeps its connection
            retry=self.retry_policy(),
            max_body=response_size(self.options.max_response_size),
            notice=lambda text: self.environment.message(f"talkctl: {text}"),
        )

    def retry_policy(self) -> RetryPolicy:
        """--retries N; TALKCTL_RETRY_BACKOFF (seconds, first wait) tunes the backoff (tests)."""
        from talkctl.api.transport.retry import RetryPolicy

        policy = RetryPolicy(retries=self.retries)
        backoff = self.environment.env.get("TALKCTL_RETRY_BACKOFF", "")
        try:
            if backoff:
                policy.backoff = max(float(backoff), 0.0)
        except ValueError:
            self.environment.warn(f"TALKCTL_RETRY_BACKOFF={backoff!r} is not a number: ignored")
        return policy

    @cached_property
    def transport(self) -> Transport:
        credentials = self.credentials
        return self.transport_for(credentials.server, credentials.user, credentials.secret)

    @cached_property
    def cache(self) -> AccountCache:
        from talkctl.accounts.cache import AccountCache

        credentials = self.credentials
        return AccountCache(self.environment.cache_dir, credentials.server, credentials.user)

    @cached_property
    def client(self) -> TalkClient:
        from talkctl.api.client import TalkClient

        return TalkClient(self.transport, self.cache)

    @cached_property
    def me(self) -> str:
        """The authenticated user's id, which the login name need not be (accounts.identity);
        ask after a first request of the run: its ``X-User-Id`` spares a request."""
        from talkctl.accounts.identity import user_id

        return user_id(self.client, self.cache)

    @cached_property
    def conversations(self) -> ConversationsApi:
        from talkctl.api.conversations import ConversationsApi

        return ConversationsApi(self.client)

    @cached_property
    def resolver(self) -> Resolver:
        from talkctl.resolve import Resolver

        return Resolver(self.conversations, self.cache)

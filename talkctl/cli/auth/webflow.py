"""The interactive half of ``auth login``: show the login page, open a browser, poll.

Test and advanced knobs (environment variables):

- ``TALKCTL_LOGIN_TIMEOUT``: seconds to wait for the login (default 1200: the 20 minutes a
  Nextcloud login flow lives);
- ``TALKCTL_LOGIN_POLL_INTERVAL``: seconds between polls (default 2);
- ``TALKCTL_NO_BROWSER``: never open a browser.

A browser is opened when ``BROWSER`` is set, or when stdin and stderr are terminals (and, on
Linux and the BSDs, a display is available: a text browser would take over the terminal).
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Iterator

from talkctl.api.account import LoginFlow, LoginGrant, poll_login_flow
from talkctl.api.errors import ApiError, TransportError
from talkctl.api.transport.http import Transport
from talkctl.cli.context import Environment
from talkctl.errors import CredentialsError, UsageError

LOGIN_TIMEOUT_ENV = "TALKCTL_LOGIN_TIMEOUT"
POLL_INTERVAL_ENV = "TALKCTL_LOGIN_POLL_INTERVAL"
NO_BROWSER_ENV = "TALKCTL_NO_BROWSER"
DEFAULT_LOGIN_TIMEOUT = 20 * 60.0
DEFAULT_POLL_INTERVAL = 2.0
TRANSIENT_FAILURES_ALLOWED = 5  # consecutive network/5xx failures tolerated while polling


def seconds_from_env(environment: Environment, name: str, default: float) -> float:
    raw = environment.env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value > 0:
        raise UsageError(f"{name} must be a positive number of seconds, not {raw!r}")
    return value


def should_open_browser(environment: Environment) -> bool:
    env = environment.env
    if env.get(NO_BROWSER_ENV):
        return False
    if env.get("BROWSER"):
        return True
    if not (environment.stdin_isatty and environment.stderr_isatty):
        return False
    if sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))
    return True


def open_browser(url: str) -> bool:
    try:
        import webbrowser

        return bool(webbrowser.open(url, new=2))
    except Exception:  # no usable browser: the URL is printed anyway
        return False


def show_login_page(environment: Environment, flow: LoginFlow) -> None:
    """Print the login URL (stderr) and open it in a browser when one is available."""
    if flow.notice:
        environment.warn(flow.notice)
    environment.message("Open this page in a browser and log in to grant talkctl access:")
    environment.message(f"  {flow.login_url}")
    if should_open_browser(environment) and open_browser(flow.login_url):
        environment.message("(opened in your browser)")


@contextlib.contextmanager
def spinner(environment: Environment, text: str) -> Iterator[None]:
    """A Rich spinner on a terminal's stderr; nothing on a pipe."""
    if not environment.stderr_isatty:
        yield
        return
    with environment.console(stderr=True).status(text):
        yield


def _transient(exc: Exception) -> bool:
    if isinstance(exc, TransportError):
        return True
    return isinstance(exc, ApiError) and (exc.status == 429 or exc.status >= 500)


def wait_for_grant(environment: Environment, transport: Transport, flow: LoginFlow) -> LoginGrant:
    """Poll ``flow`` until the user has logged in; CredentialsError (exit 4) on timeout."""
    limit = seconds_from_env(environment, LOGIN_TIMEOUT_ENV, DEFAULT_LOGIN_TIMEOUT)
    interval = seconds_from_env(environment, POLL_INTERVAL_ENV, DEFAULT_POLL_INTERVAL)
    deadline = time.monotonic() + limit
    failures = 0
    with spinner(environment, "Waiting for the login in the browser (Ctrl-C to cancel)..."):
        while True:
            try:
                grant = poll_login_flow(transport, flow)
                failures = 0
            except (TransportError, ApiError) as exc:
                failures += 1
                if not _transient(exc) or failures > TRANSIENT_FAILURES_ALLOWED:
                    raise
                grant = None
            if grant is not None:
                return grant
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise CredentialsError(
                    f"login not completed within {_duration(limit)}; the login page has "
                    "expired: run 'talkctl auth login' again (nothing was stored)"
                )
            time.sleep(min(interval, remaining))


def _duration(seconds: float) -> str:
    if seconds >= 60 and seconds % 60 == 0:
        minutes = int(seconds // 60)
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    return f"{seconds:g} s"

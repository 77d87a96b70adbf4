"""Run talkctl's entry point in this process as the installed command would run.

What a process gives each run for free is set up here and put back afterwards, so no run
sees another's state:

- ``os.environ`` is the run's environment (HOME, XDG_*, TALKCTL_*, COLUMNS, NO_PROXY: read by
  talkctl, platformdirs, keyring, requests and rich) and ``sys.argv`` its argv;
- file descriptors 0, 1 and 2 are temporary files (stdin holding the input), and sys.stdin,
  stdout and stderr text streams on them with a child's encoding and error handlers (UTF-8,
  surrogateescape; backslashreplace on stderr): no terminal, and a command talkctl starts
  (``sandbox run -- CMD``) inherits them; the output is decoded as
  ``subprocess.run(text=True)`` decodes it (universal newlines);
- the exit code is the ``SystemExit`` of ``talkctl.__main__.main``; an exception that escapes
  it is a traceback on stderr and exit 1, as the interpreter would; a run longer than its
  timeout is stopped (SIGALRM) and raises ``subprocess.TimeoutExpired``;
- warnings: the filters of a talkctl process (a fresh interpreter's and those its libraries
  add on import, as found once from a process), printed on stderr (pytest records them);
- the time zone follows the run's TZ; an exception in a thread is printed on stderr;
- reset: the current Environment (talkctl.cli.context), the keyring backend keyring chose and
  its list of usable backends, every signal handler and the signal mask, the working
  directory, the root logger's handlers and level, click's context stack;
- threads the run started and did not end are waited for (an interpreter waits for them at
  exit), and the connections of its HTTP sessions closed (as a process's are at exit: the
  fake server's handler threads do not wait on them).

Run in the main thread only (signal handlers); pytest-xdist workers each are a process.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import warnings
from collections.abc import Iterator
from typing import IO, Any, TextIO, cast

ENCODING = "utf-8"  # sys.stdout.encoding of a talkctl child under LANG=C.UTF-8
ERRORS = "surrogateescape"  # ... and its errors (protect_streams makes stdout backslashreplace)
STDERR = "backslashreplace"  # the error handler of a Python's stderr
THREAD_WAIT_SECONDS = 30.0


def decoded(data: bytes) -> str:
    """``data`` as ``subprocess.run(..., text=True)`` gives it: universal newlines."""
    text = data.decode(ENCODING)  # the test process's locale encoding, strict, as subprocess
    return text.replace("\r\n", "\n").replace("\r", "\n")


def run_in_process(
    args: list[str], env: dict[str, str], stdin: str, timeout: float | None = None
) -> tuple[int, str, str]:
    """``talkctl ARGS`` with environment ``env`` and ``stdin``: (exit code, stdout, stderr).

    A run still going after ``timeout`` seconds is stopped (SIGALRM) and raises
    ``subprocess.TimeoutExpired``, as ``subprocess.run`` would: a hang fails its test instead
    of stopping the whole worker."""
    timed_out = False
    with _standard_files(stdin) as (files, streams):
        try:
            with _isolated(env, args, (streams[0], streams[1], streams[2])):
                with _alarm(timeout):
                    code = _main(streams[2])
                for stream in streams[1:]:
                    with contextlib.suppress(OSError, ValueError):
                        stream.flush()
        except _TimedOut:
            timed_out = True
        out, err = (_read(file) for file in files[1:])
    if timed_out:
        raise subprocess.TimeoutExpired(["talkctl", *args], timeout or 0, out, err)
    return code, decoded(out), decoded(err)


class _TimedOut(BaseException):
    """The run took longer than its timeout (no handler of talkctl's catches this)."""


@contextlib.contextmanager
def _alarm(seconds: float | None) -> Iterator[None]:
    if not seconds:
        yield
        return

    def stop(signum: int, frame: Any) -> None:
        raise _TimedOut()

    signal.signal(signal.SIGALRM, stop)  # put back by _isolated
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


@contextlib.contextmanager
def _standard_files(stdin: str) -> Iterator[tuple[list[IO[bytes]], tuple[IO[str], ...]]]:
    """File descriptors 0, 1 and 2 on temporary files for the run (stdin holding ``stdin``),
    as a child process would have them: what a command started by talkctl inherits (``sandbox
    run -- CMD``) and ``fileno()`` are the run's, not this process's. Put back afterwards."""
    with contextlib.ExitStack() as stack:
        files: list[IO[bytes]] = [stack.enter_context(tempfile.TemporaryFile()) for _ in range(3)]
        files[0].write(stdin.encode(ENCODING))  # subprocess.run(input=) encodes so, strictly
        files[0].seek(0)
        saved = [os.dup(fd) for fd in range(3)]
        try:
            for fd, file in enumerate(files):
                os.dup2(file.fileno(), fd)
            # closefd=False: fds 0-2 are put back below, whatever the run closed
            streams: tuple[IO[str], ...] = tuple(
                stack.enter_context(
                    open(fd, mode, encoding=ENCODING, errors=errors, closefd=False, buffering=1)
                )
                for fd, mode, errors in ((0, "r", ERRORS), (1, "w", ERRORS), (2, "w", STDERR))
            )
            yield files, streams
        finally:
            for fd, copy in enumerate(saved):
                os.dup2(copy, fd)
                os.close(copy)


def _read(file: IO[bytes]) -> bytes:
    file.flush()
    file.seek(0)
    data: bytes = file.read()
    return data


def _main(stderr: IO[str]) -> int:
    from talkctl.__main__ import main

    try:
        main()
    except _TimedOut:
        raise
    except SystemExit as exc:
        return _exit_code(exc.code, stderr)
    except KeyboardInterrupt:
        traceback.print_exc(file=stderr)
        return -int(signal.SIGINT)  # the interpreter re-raises SIGINT: killed by it
    except BaseException:
        traceback.print_exc(file=stderr)
        return 1
    return 0


def _exit_code(code: object, stderr: IO[str]) -> int:
    """The process's exit status for ``sys.exit(code)``."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    stderr.write(f"{code}\n")
    return 1


@contextlib.contextmanager
def _isolated(
    env: dict[str, str], args: list[str], streams: tuple[IO[str], IO[str], IO[str]]
) -> Iterator[None]:
    saved_environ = dict(os.environ)
    saved_streams = (sys.stdin, sys.stdout, sys.stderr)
    saved_argv = sys.argv
    saved_path = list(sys.path)
    saved_hooks = (threading.excepthook, sys.unraisablehook)
    saved_cwd = os.getcwd()
    saved_signals = _signal_handlers()
    saved_mask = signal.pthread_sigmask(signal.SIG_BLOCK, [])
    root = logging.getLogger()
    saved_logging = (list(root.handlers), root.level, logging.root.manager.disable)
    threads_before = set(threading.enumerate())
    stack = contextlib.ExitStack()
    stack.enter_context(_fresh_warnings())
    stack.enter_context(_sessions_closed())
    _reset_process_state()
    os.environ.clear()
    os.environ.update(env)
    _timezone_from(saved_environ)
    sys.argv = ["talkctl", *args]
    # an exception in a thread, or one nobody can raise, is printed on stderr (pytest's hooks
    # would collect it)
    threading.excepthook, sys.unraisablehook = threading.__excepthook__, sys.__unraisablehook__
    sys.stdin, sys.stdout, sys.stderr = (cast(TextIO, stream) for stream in streams)
    # no handler on the root logger, as in a process: what a library logs at WARNING and up
    # with no handler of its own reaches stderr (logging.lastResort), not pytest's capture
    root.handlers[:] = []
    root.setLevel(logging.WARNING)
    try:
        yield
        _wait_for_threads(threads_before)
    finally:
        stack.close()
        sys.stdin, sys.stdout, sys.stderr = saved_streams
        sys.argv = saved_argv
        sys.path[:] = saved_path
        threading.excepthook, sys.unraisablehook = saved_hooks
        os.environ.clear()
        os.environ.update(saved_environ)
        _timezone_from(env)
        os.chdir(saved_cwd)
        for signum, handler in saved_signals.items():
            if signal.getsignal(signum) is not handler:
                signal.signal(signum, handler)
        signal.pthread_sigmask(signal.SIG_SETMASK, saved_mask)
        root.handlers[:] = saved_logging[0]
        root.setLevel(saved_logging[1])
        logging.disable(saved_logging[2])
        _reset_process_state()


@contextlib.contextmanager
def _fresh_warnings() -> Iterator[None]:
    """The warning filters of a talkctl process (see _process_filters), shown on stderr as
    such a process shows them (pytest would record them), with no memory of what an earlier
    run showed once."""
    with warnings.catch_warnings():
        warnings.resetwarnings()
        for action, message, category, module, lineno in _process_filters():
            warnings.filterwarnings(
                action,  # type: ignore[arg-type]
                message,
                _warning_class(category),
                module,
                lineno,
                append=True,
            )
        warnings.showwarning = _show_warning
        yield


# The filters of a fresh interpreter plus those the libraries a run imports add on import
# (urllib3: "always" for its SecurityWarnings; requests: ...): found once, from a process.
FILTERS_PROBE = """
import json, warnings
import keyring, requests, rich.console, typer, urllib3
import talkctl.__main__, talkctl.cli.app
def pattern(regex):  # a compiled pattern, a plain string (the built-in filters) or None
    return getattr(regex, "pattern", regex) or ""
print(json.dumps([
    [action, pattern(message), f"{category.__module__}:{category.__qualname__}",
     pattern(module), lineno]
    for action, message, category, module, lineno in warnings.filters
]))
"""


@functools.cache
def _process_filters() -> list[tuple[str, str, str, str, int]]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"}
    done = subprocess.run(
        [sys.executable, "-c", FILTERS_PROBE],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return [tuple(entry) for entry in json.loads(done.stdout)]  # type: ignore[misc]


def _warning_class(name: str) -> type[Warning]:
    module_name, qualname = name.split(":")
    found: Any = importlib.import_module(module_name)
    for part in qualname.split("."):
        found = getattr(found, part)
    return cast(type[Warning], found)


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    stream = file if file is not None else sys.stderr
    with contextlib.suppress(OSError):
        stream.write(warnings.formatwarning(message, category, filename, lineno, line))


@contextlib.contextmanager
def _sessions_closed() -> Iterator[None]:
    """Every requests.Session made in the block is closed at its end."""
    import requests.sessions

    cls = requests.sessions.Session
    made: list[requests.sessions.Session] = []
    original = cls.__init__

    def init(self: requests.sessions.Session) -> None:
        original(self)
        made.append(self)

    cls.__init__ = init  # type: ignore[method-assign]
    try:
        yield
    finally:
        cls.__init__ = original  # type: ignore[method-assign]
        for session in made:
            with contextlib.suppress(Exception):
                session.close()


def _timezone_from(before: dict[str, str]) -> None:
    """A process reads TZ as it starts: apply a TZ that is not the one ``before``'s."""
    if os.environ.get("TZ") != before.get("TZ"):
        time.tzset()


def _signal_handlers() -> dict[int, Any]:
    """Every signal's Python-level handler (None: one set outside Python, left alone)."""
    handlers: dict[int, Any] = {}
    for signum in signal.valid_signals():
        with contextlib.suppress(OSError, ValueError):
            handler = signal.getsignal(signum)
            if handler is not None:
                handlers[signum] = handler
    return handlers


def _reset_process_state() -> None:
    """What a new process would start without: the run's Environment, keyring's choice."""
    from talkctl.cli import context

    context.set_environment(None)
    core = sys.modules.get("keyring.core")
    if core is not None:
        # chosen again from PYTHON_KEYRING_BACKEND, keyringrc.cfg, the backends' priorities
        setattr(core, "_keyring_backend", None)  # noqa: B010 (a private name mypy does not see)
    backend = sys.modules.get("keyring.backend")
    if backend is not None:
        with contextlib.suppress(AttributeError, KeyError):  # KeyError: not found yet
            backend.get_all_keyring.reset()  # the usable backends, found again
    _pop_click_contexts()


def _pop_click_contexts() -> None:
    """A run ended by an escaping exception may leave click's context stack pushed."""
    for name in ("typer._click.globals", "click.globals"):
        module = sys.modules.get(name)
        stack = getattr(getattr(module, "_local", None), "stack", None)
        if stack:
            stack.clear()


def _wait_for_threads(before: set[threading.Thread]) -> None:
    """Wait for the non-daemon threads the run started, as the interpreter does at exit."""
    for thread in threading.enumerate():
        if thread not in before and not thread.daemon and thread is not threading.current_thread():
            thread.join(THREAD_WAIT_SECONDS)

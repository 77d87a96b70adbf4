"""The progress bar of bulk changes: Rich, on stderr, only when stderr is a terminal."""

from __future__ import annotations

from typing import Any

from talkctl.cli.context import Environment


class ProgressReporter:
    """A Rich progress bar on stderr while a bulk change runs, only when stderr is a terminal."""

    def __init__(self, environment: Environment, total: int, description: str) -> None:
        self._progress: Any = None
        self._task: Any = None
        if environment.stderr_isatty and total > 1:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            console = environment.console(stderr=True)
            self._progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                console=console,
                transient=True,
            )
            self._task = self._progress.add_task(description, total=total)

    def __enter__(self) -> ProgressReporter:
        if self._progress is not None:
            self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()

    def advance(self) -> None:
        if self._progress is not None:
            self._progress.advance(self._task)

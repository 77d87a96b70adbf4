"""Entry point: ``talkctl`` and ``python -m talkctl``."""

from __future__ import annotations


def main() -> None:
    import os

    if os.environ.get("_TALKCTL_COMPLETE"):  # a shell asks for TAB completions
        from talkctl.cli.completion import register_shells

        register_shells()
    import sys

    import typer

    from talkctl.cli.app import app, run_main  # the error boundary: see run_main and guard

    sys.exit(run_main(typer.main.get_command(app)))


if __name__ == "__main__":
    main()

"""Entry point: ``talkctl`` and ``python -m talkctl``."""

from __future__ import annotations


def main() -> None:
    from talkctl.cli.app import app

    app(prog_name="talkctl")


if __name__ == "__main__":
    main()

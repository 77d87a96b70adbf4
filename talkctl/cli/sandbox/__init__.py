"""``talkctl sandbox``: a local fake Talk server to try talkctl and to test scripts against."""

from talkctl.cli.sandbox.commands import sandbox_app

__all__ = ["sandbox_app"]

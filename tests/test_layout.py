"""The package's shape that README's "How the code is laid out" promises."""

from __future__ import annotations

from pathlib import Path

import talkctl

PACKAGE = Path(talkctl.__file__).parent


def test_at_most_six_loose_modules_at_the_top() -> None:
    """Code that belongs together sits in a package; the top keeps what every layer shares."""
    loose = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(loose) <= 6, loose
    assert "__init__.py" in loose and "__main__.py" in loose  # the control: it reads the top

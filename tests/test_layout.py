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


ENGINE = PACKAGE / "cli" / "engine"
# what only the engine does: run jobs, drop an item given twice, gather and render results
ENGINE_ONLY = ("run_jobs(", "once_each(", "Results(", ".results(")


def test_every_change_verb_runs_on_the_one_engine_front() -> None:
    """A noun's change verb is an Operation (resolve → one plan function → perform →
    report): no module outside cli/engine/ runs jobs, dedupes or renders results itself."""
    own: list[str] = []
    for path in sorted((PACKAGE / "cli").rglob("*.py")):
        if ENGINE in path.parents:
            continue
        text = path.read_text("utf-8")
        own += [f"{path.relative_to(PACKAGE)}: {word}" for word in ENGINE_ONLY if word in text]
    assert own == []
    engine = "".join(p.read_text("utf-8") for p in ENGINE.glob("*.py"))
    assert all(word in engine for word in ENGINE_ONLY)  # the control: the words are real
    users = [
        path.relative_to(PACKAGE).as_posix()
        for path in (PACKAGE / "cli").rglob("*.py")
        if ENGINE not in path.parents and ".perform(" in path.read_text("utf-8")
    ]
    nouns = {"room", "participant", "ban", "bot", "chat", "breakout", "apply"}
    assert nouns <= {path.split("/")[1] for path in users}, users

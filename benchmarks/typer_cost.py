"""What typer itself costs: a trivial two-command app, run with the installed typer.

typer 0.29 imports pydantic (through ``typer._adapters``) while it builds the parameters
of any command; 0.26-0.28 vendor click and need no pydantic. This section shows which
kind the installed typer is, so a version bump that brings the cost back is seen:

    python -m venv /tmp/t29 && /tmp/t29/bin/pip install 'typer==0.29.*'
    /tmp/t29/bin/python benchmarks/run.py --only typer
"""

from __future__ import annotations

import json
import os
import sys
from importlib import metadata
from pathlib import Path

from measure import interleaved, run_once
from report import Row, Table, ms

APP = """
import sys
import typer

app = typer.Typer(add_completion=False)


@app.command()
def hello(name: str = "world", loud: bool = False) -> None:
    print(f"hello {name}")


@app.command()
def bye(name: str = "world") -> None:
    print(f"bye {name}")


if __name__ == "__main__":
    try:
        app()
    finally:
        import os, json
        with open(os.environ["TYPER_COST_MODULES"], "w") as out:
            json.dump(sorted(sys.modules), out)
"""


def typer_cost(runs: int, work: Path) -> Table:
    script = work / "two_commands.py"
    script.write_text(APP)
    modules_file = work / "typer-modules.json"
    env = dict(os.environ, TYPER_COST_MODULES=str(modules_file))
    python = sys.executable
    results = interleaved(
        [
            ("python -c pass", [python, "-c", "pass"]),
            ("python -c 'import typer'", [python, "-c", "import typer"]),
            ("two-command app: hello --name x", [python, str(script), "hello", "--name", "x"]),
        ],
        env,
        runs=runs,
    )  # fmt: skip
    run_once([python, str(script), "hello"], env)
    imported = set(json.loads(modules_file.read_text()))
    pydantic = "yes" if "pydantic" in imported else "no"
    version = metadata.version("typer")
    rows = [Row([label, ms(s.median_ms), ms(s.min_ms)]) for label, s in results.items()]
    rows.append(Row([f"the command imported pydantic (typer {version})", pydantic, ""],
                    pydantic == "no"))  # fmt: skip
    return Table(
        f"typer's own cost (typer {version}, {runs} runs each)",
        ["what", "median", "min"],
        rows,
        "talkctl pins typer>=0.26,<0.29: 0.29 imports pydantic while building every command.",
    )

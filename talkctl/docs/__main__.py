"""``python -m talkctl.docs [--check] [REPO_ROOT]``: regenerate (or check) man/ and completions/."""

from __future__ import annotations

import sys
from pathlib import Path

from talkctl.docs import generated_files


def main(argv: list[str]) -> int:
    check = "--check" in argv
    rest = [arg for arg in argv if arg != "--check"]
    root = Path(rest[0]) if rest else Path.cwd()
    if not (root / "pyproject.toml").is_file():
        print(f"talkctl.docs: {root} is not the talkctl checkout", file=sys.stderr)
        return 2
    stale: list[str] = []
    for relative, content in generated_files().items():
        path = root / relative
        try:
            current = path.read_text("utf-8")
        except FileNotFoundError:
            current = None
        if current == content:
            continue
        stale.append(relative)
        if not check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, "utf-8")
    verb = "out of date" if check else "written"
    for relative in stale:
        print(f"{relative}: {verb}", file=sys.stderr)
    return 1 if check and stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

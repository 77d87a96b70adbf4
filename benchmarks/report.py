"""Result tables, printed as markdown (the terminal and RESULTS.md alike)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Row:
    cells: list[str]
    ok: bool | None = None  # None: no target


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[Row]
    note: str = ""

    def markdown(self) -> str:
        headers = [*self.headers, "target met"]
        lines = [f"### {self.title}", ""]
        lines.append("| " + " | ".join(headers) + " |")
        lines.append("|" + "|".join("---" for _ in headers) + "|")
        for row in self.rows:
            verdict = "" if row.ok is None else ("yes" if row.ok else "**NO**")
            lines.append("| " + " | ".join([*row.cells, verdict]) + " |")
        if self.note:
            lines += ["", self.note]
        return "\n".join(lines)


def ms(value: float) -> str:
    return f"{value:.0f} ms"

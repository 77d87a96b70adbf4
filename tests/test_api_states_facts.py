"""The api layer states facts; the cli words what to do about them (its options).

No string in talkctl/api/ (docstrings aside) names a command-line option, so advice like
"use --ca-bundle FILE" cannot creep back into the api layer: it belongs in
talkctl/cli/errors.py:advice, next to the options it names.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import talkctl.api

OPTION = re.compile(r"(?<![\w-])--[a-z]")
API = Path(talkctl.api.__file__).parent


def _docstrings(tree: ast.Module) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def option_strings(source: str) -> list[tuple[int, str]]:
    """(line, text) of every string literal in ``source`` naming an option, docstrings aside."""
    tree = ast.parse(source)
    docstrings = _docstrings(tree)
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and OPTION.search(node.value)
    ]


def test_the_check_finds_option_advice_in_strings_but_not_in_docstrings() -> None:
    source = '''
def f(timeout):
    """Bounded by --timeout (a docstring may name it)."""
    return f"no answer within {timeout} s (see --timeout)"
'''
    assert option_strings(source) == [(4, " s (see --timeout)")]
    assert option_strings('x = "a--b, -1, ---, --"\n') == []


def test_no_api_module_words_cli_advice() -> None:
    modules = sorted(API.rglob("*.py"))
    assert len(modules) > 10  # the control: it does read the api layer
    found = {
        f"{path.relative_to(API.parent)}:{line}": text
        for path in modules
        for line, text in option_strings(path.read_text(encoding="utf-8"))
    }
    assert found == {}

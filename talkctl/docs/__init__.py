"""Documentation generated from the command tree: the man page and the completion scripts.

``python -m talkctl.docs`` rewrites ``man/`` and ``completions/`` of a checkout;
``python -m talkctl.docs --check`` only reports files that differ (exit 1).
"""

from __future__ import annotations

from pathlib import PurePosixPath

# completions/<file> -> shell
COMPLETION_FILES: dict[str, str] = {
    "talkctl.bash": "bash",
    "_talkctl": "zsh",
    "talkctl.fish": "fish",
}


def generated_files() -> dict[str, str]:
    """Path relative to the repository root -> the content it must have."""
    from talkctl.cli.completion import completion_script
    from talkctl.docs.man import pages

    files: dict[str, str] = {}
    for name, shell in COMPLETION_FILES.items():
        # exactly what `talkctl completion SHELL` prints (print adds the newline)
        files[str(PurePosixPath("completions", name))] = completion_script(shell) + "\n"
    for name, content in pages().items():
        files[str(PurePosixPath("man", name))] = content
    return files

"""Which machine and software the numbers came from."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from importlib import metadata


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _curl() -> str:
    try:
        out = subprocess.run(["curl", "--version"], capture_output=True, text=True, check=False)
    except OSError:
        return "not installed"
    return out.stdout.split("\n", 1)[0].split(" (")[0]


def describe_machine() -> str:
    packages = ", ".join(
        f"{name} {_version(name)}" for name in ("talkctl", "typer", "rich", "requests", "keyring")
    )
    return "\n".join(
        [
            f"- date: {time.strftime('%Y-%m-%d %H:%M %Z')}",
            f"- machine: {_cpu_model()}, {os.cpu_count()} CPUs, {platform.system()} "
            f"{platform.release()}",
            f"- python: {platform.python_implementation()} {platform.python_version()} "
            f"({sys.executable})",
            f"- packages: {packages}",
            f"- curl: {_curl()}",
            "- load average before the run (1, 5, 15 min): "
            + ", ".join(f"{load:.2f}" for load in os.getloadavg()),
            "- server: fake Talk 22 (talkctl/sandbox) in the benchmark's process, 127.0.0.1, "
            "plain HTTP",
        ]
    )

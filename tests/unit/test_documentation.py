"""Every setting and every CLI command is documented in the README."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer.main

from leadflow.cli.main import app
from leadflow.settings import Settings

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def _command_paths(command: Any, prefix: str = "leadflow") -> list[str]:
    subcommands = getattr(command, "commands", None)
    if subcommands:
        return [
            path
            for name, sub in subcommands.items()
            for path in _command_paths(sub, f"{prefix} {name}")
        ]
    return [prefix]


def test_every_setting_is_documented() -> None:
    missing = [
        f"LEADFLOW_{name.upper()}"
        for name in Settings.model_fields
        if f"`LEADFLOW_{name.upper()}`" not in README
    ]

    assert missing == []


def test_every_command_is_documented() -> None:
    paths = _command_paths(typer.main.get_command(app))

    assert len(paths) > 10
    assert [path for path in paths if f"`{path}" not in README] == []

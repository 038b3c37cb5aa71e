"""The import graph keeps its shape: the contracts in pyproject.toml ([tool.importlinter]) fail on
an upward import between layers or an import cycle inside any package."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _lint_imports(*args: str) -> subprocess.CompletedProcess[str]:
    script = "import sys; from importlinter.cli import lint_imports_command; lint_imports_command()"
    return subprocess.run(
        [sys.executable, "-c", script, "--no-cache", *args],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip


def _lint_imports_in(folder: Path, config: Path) -> subprocess.CompletedProcess[str]:
    """The contracts of `config` over the packages in `folder`."""
    return subprocess.run(
        [sys.executable, "-c",
         "import sys; sys.path.insert(0, sys.argv.pop(1)); "
         "from importlinter.cli import lint_imports_command; lint_imports_command()",
         str(folder), "--no-cache", str(config)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip


def test_the_layers_hold_and_no_package_has_an_import_cycle() -> None:
    result = _lint_imports()

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 3 kept, 0 broken." in result.stdout


def test_a_cycle_between_two_services_breaks_the_contract(tmp_path: Path) -> None:
    package = tmp_path / "leadflow_cycle" / "services"
    package.mkdir(parents=True)
    (package.parent / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "leads.py").write_text("from leadflow_cycle.services import hooks\n")
    (package / "hooks.py").write_text("from leadflow_cycle.services import leads\n")
    config = tmp_path / "contracts.ini"
    config.write_text(
        "[importlinter]\nroot_package = leadflow_cycle\n\n"
        "[importlinter:contract:cycles]\nname = cycles\ntype = acyclic_siblings\n"
        "ancestors =\n    leadflow_cycle\n"
    )

    result = _lint_imports_in(tmp_path, config)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "BROKEN" in result.stdout


def test_an_upward_import_between_capability_packages_breaks_the_contract(
    tmp_path: Path,
) -> None:
    services = tmp_path / "leadflow_up" / "services"
    for package in ("intake", "handover"):
        (services / package).mkdir(parents=True)
        (services / package / "__init__.py").write_text("")
    (services.parent / "__init__.py").write_text("")
    (services / "__init__.py").write_text("")
    (services / "intake" / "leads.py").write_text(
        "from leadflow_up.services.handover import clock\n"
    )
    (services / "handover" / "clock.py").write_text(
        "from leadflow_up.services.intake import leads\n"
    )
    config = tmp_path / "contracts.ini"
    config.write_text(
        "[importlinter]\nroot_package = leadflow_up\n\n"
        "[importlinter:contract:stack]\nname = stack\ntype = layers\n"
        "containers =\n    leadflow_up.services\nlayers =\n    intake\n    handover\n"
    )

    result = _lint_imports_in(tmp_path, config)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "leadflow_up.services.handover.clock -> leadflow_up.services.intake.leads" in (
        result.stdout
    )

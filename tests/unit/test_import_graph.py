"""The import graph keeps its shape: the contracts in pyproject.toml ([tool.importlinter]) fail on
an upward import between layers, SQL run by the edges (cli, web) themselves, or an import cycle
inside any package."""

from __future__ import annotations

import subprocess
import sys
import tomllib
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
    assert "Contracts: 4 kept, 0 broken." in result.stdout


def _edges_contract(tmp_path: Path, root: str) -> Path:
    """The project's contract for the edges, applied to a package named root."""
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (contract,) = [c for c in settings["contracts"] if c["type"] == "forbidden"]

    def renamed(modules: list[str]) -> str:
        return ", ".join(f'"{m.replace("leadflow", root, 1)}"' for m in modules)

    config = tmp_path / "contracts.toml"
    config.write_text(
        f'[tool.importlinter]\nroot_package = "{root}"\n'
        f"include_external_packages = {str(settings['include_external_packages']).lower()}\n\n"
        f'[[tool.importlinter.contracts]]\nname = "edges"\ntype = "forbidden"\n'
        f"source_modules = [{renamed(contract['source_modules'])}]\n"
        f"forbidden_modules = [{renamed(contract['forbidden_modules'])}]\n"
        f"allow_indirect_imports = {str(contract['allow_indirect_imports']).lower()}\n"
    )
    return config


def _package(tmp_path: Path, root: str, modules: dict[str, str]) -> None:
    for name, text in {"cli.__init__": "", "web.__init__": "", **modules}.items():
        path = tmp_path / root / f"{name.replace('.', '/')}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        for folder in path.relative_to(tmp_path).parents[:-1]:
            (tmp_path / folder / "__init__.py").touch()
        path.write_text(text)


def test_a_page_that_runs_its_own_query_breaks_the_edges_contract(tmp_path: Path) -> None:
    _package(
        tmp_path,
        "leadflow_edges",
        {
            "adapters.db.tables": "LEADS = 'leads'\n",
            "web.ui.lead_list": (
                "from sqlalchemy import select\n"
                "from leadflow_edges.adapters.db.tables import LEADS\n"
            ),
        },
    )

    result = _lint_imports_in(tmp_path, _edges_contract(tmp_path, "leadflow_edges"))

    assert result.returncode == 1, result.stdout + result.stderr
    assert "leadflow_edges.web.ui.lead_list -> sqlalchemy" in result.stdout
    assert "leadflow_edges.web.ui.lead_list -> leadflow_edges.adapters.db.tables" in result.stdout


def test_a_page_that_reads_through_a_service_keeps_the_edges_contract(tmp_path: Path) -> None:
    _package(
        tmp_path,
        "leadflow_edges",
        {
            "adapters.db.tables": "LEADS = 'leads'\n",
            "adapters.db.listing": (
                "from sqlalchemy import select\n"
                "from leadflow_edges.adapters.db.tables import LEADS\n"
            ),
            "services.lead_views": "from leadflow_edges.adapters.db import listing\n",
            "cli.leads": "from leadflow_edges.services import lead_views\n",
            "web.ui.lead_list": "from leadflow_edges.services import lead_views\n",
        },
    )

    result = _lint_imports_in(tmp_path, _edges_contract(tmp_path, "leadflow_edges"))

    assert result.returncode == 0, result.stdout + result.stderr


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

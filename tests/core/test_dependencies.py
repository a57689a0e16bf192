"""Every third-party module the code imports is declared in pyproject.toml.

CI once passed only because a package had been installed by hand on its machine: the test
extra lacked a module that a test imported, and a fresh environment failed at collection.
"""
from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions

from workflow.config import PROJECT_ROOT

FIRST_PARTY = {"states", "workflow", "notifications", "webapp", "tests", "__future__"}
PACKAGES = ("states", "workflow", "notifications", "webapp")


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_name(spec: str) -> str:
    return _canonical(re.split(r"[\s\[<>=!~;]", spec.strip(), maxsplit=1)[0])


def _declared() -> tuple[set[str], set[str]]:
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    runtime = {_requirement_name(d) for d in project["dependencies"]}
    test = {_requirement_name(d) for d in project["optional-dependencies"]["test"]}
    return runtime, test


def _imported_modules(folders) -> dict[str, str]:
    """Top-level third-party module -> one file that imports it."""
    found: dict[str, str] = {}
    for folder in folders:
        for path in sorted((PROJECT_ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    top = name.split(".")[0]
                    if top not in FIRST_PARTY and top not in sys.stdlib_module_names:
                        found.setdefault(top, str(path.relative_to(PROJECT_ROOT)))
    return found


def _undeclared(modules: dict[str, str], allowed: set[str]) -> list[str]:
    distributions = packages_distributions()
    problems = []
    for module, where in sorted(modules.items()):
        names = {_canonical(d) for d in distributions.get(module, [])}
        if not names:
            problems.append(f"{module} (imported in {where}) is not installed by any declared package")
        elif not names & allowed:
            problems.append(f"{module} (imported in {where}) comes from {sorted(names)}, which is not declared")
    return problems


def test_every_module_the_packages_import_is_a_declared_runtime_dependency():
    runtime, _test = _declared()
    assert _undeclared(_imported_modules(PACKAGES), runtime) == []


def test_every_module_the_tests_import_is_declared_for_the_tests():
    runtime, test = _declared()
    assert _undeclared(_imported_modules(["tests"]), runtime | test) == []

"""The lifecycle knows no app above it: live, notify and sla take part by subscription."""

import ast
from pathlib import Path

import pytest

from laksana.complaints import hooks

SERVICES = Path(__file__).resolve().parent.parent / "services"
ABOVE = ("laksana.live", "laksana.notify", "laksana.sla")


def _imports(path: Path) -> list[str]:
    """Every module `path` imports, relative imports resolved (at any depth in the file)."""
    package = "laksana.complaints.services"
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(part for part in (base, node.module or "") if part)
            found += [module] + [f"{module}.{alias.name}" for alias in node.names]
    return found


def test_the_lifecycle_services_import_no_app_above_them():
    files = sorted(SERVICES.glob("*.py"))
    assert files, SERVICES
    upward = {
        f"{path.name}: {module}"
        for path in files
        for module in _imports(path)
        if module.startswith(ABOVE)
    }
    assert upward == set()


def test_the_import_scan_sees_an_upward_import(tmp_path):
    # The scan itself must catch both spellings, or the test above could never fail.
    sample = tmp_path / "sample.py"
    sample.write_text("from laksana.live import bus\n\ndef f():\n    import laksana.sla.models\n")
    assert {"laksana.live", "laksana.sla.models"} <= set(_imports(sample))


@pytest.mark.parametrize("name", ["live", "notify"])
def test_live_and_notify_subscribe_to_the_event_write(name):
    assert name in hooks._subscribers


def test_sla_provides_the_deadline_policy():
    from laksana.sla.services import deadlines

    assert hooks.deadline_policy() is deadlines

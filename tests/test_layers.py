"""The apps are layers, read top to bottom: a lower layer never imports a higher one.

The order is written once, here (STYLE.md, README "Where things live"). Every import in an
app's Python files counts, including those inside functions, which once hid cycles. When a
lower layer must tell a higher one something, it sends a signal the higher one listens to.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["core", "communes", "accounts", "enterprises", "plans", "indicators", "reports", "dashboard", "province"]
PROJECT_PACKAGE = "hoanghop"
PROJECT_FILES = {"__init__.py", "settings.py", "urls.py", "wsgi.py"}


def imported_apps(path: Path) -> set[tuple[str, int]]:
    """(top-level portal package, line) for every absolute import in the file."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if top in LAYERS or top == PROJECT_PACKAGE:
                found.add((top, node.lineno))
    return found


def climbing_imports(app: str) -> list[str]:
    rank = LAYERS.index(app)
    problems = []
    for path in sorted((ROOT / app).rglob("*.py")):
        for imported, line in sorted(imported_apps(path)):
            if imported == PROJECT_PACKAGE or LAYERS.index(imported) > rank:
                problems.append(f"{path.relative_to(ROOT)}:{line} imports {imported}")
    return problems


@pytest.mark.parametrize("app", LAYERS)
def test_no_layer_imports_a_higher_one(app):
    assert climbing_imports(app) == []


def test_the_check_sees_an_import_inside_a_function(tmp_path):
    module = tmp_path / "example.py"
    module.write_text("def f():\n    from dashboard import views\n    import indicators.models\n")
    assert imported_apps(module) == {("dashboard", 2), ("indicators", 3)}


def test_every_app_is_in_a_layer():
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert apps == set(LAYERS)


def test_the_project_package_holds_settings_urls_and_wsgi_only():
    files = {path.name for path in (ROOT / PROJECT_PACKAGE).iterdir() if path.name != "__pycache__"}
    assert files == PROJECT_FILES


def test_no_model_points_at_a_higher_layers_model():
    """Relations follow the layers too: a foreign key named by string escapes the import check."""
    from django.apps import apps

    problems = []
    for model in apps.get_models():
        app = model._meta.app_label
        if app not in LAYERS:
            continue
        for field in model._meta.get_fields():
            if field.is_relation and field.concrete and field.related_model is not None:
                target = field.related_model._meta.app_label
                if target in LAYERS and LAYERS.index(target) > LAYERS.index(app):
                    problems.append(f"{model._meta.label}.{field.name} -> {field.related_model._meta.label}")
    assert problems == []

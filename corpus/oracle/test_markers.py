"""The catalog and the app agree: the markers in the function each service
runs are the rules it is proven for, every marker of the app is proven by
some service (ORM007's, at column declarations, by test_indexes), and every
reference fix changes its module and is clean."""
import ast
import os
import re

import catalog
from catalog import APP, REFERENCE

MARKER = re.compile(r"#\s*expect:\s*([A-Z0-9, ]+?)\s*(?:#|$)")


def _markers(path):
    """{line: {code, ...}} of the `# expect:` markers in a file."""
    out = {}
    with open(path, encoding="utf-8") as f:
        for number, text in enumerate(f, 1):
            match = MARKER.search(text)
            if match:
                out[number] = {c.strip() for c in match.group(1).split(",") if c.strip()}
    return out


def _function_lines(path, name):
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read(), path)
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return node.lineno, node.end_lineno
    raise AssertionError(f"{path} has no function {name}")


def _app_files(root):
    for dirpath, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in sorted(files):
            if name.endswith(".py"):
                yield os.path.relpath(os.path.join(dirpath, name), root)


def test_service_rules_are_the_markers_of_its_code():
    for service in catalog.SERVICES:
        module, function = service.code.split(":")
        path = os.path.join(APP, module)
        first, last = _function_lines(path, function)
        codes = set()
        for line, found in _markers(path).items():
            if first <= line <= last:
                codes |= found
        if service.template:  # a page: the N+1s are in the template it renders
            for found in _markers(os.path.join(APP, service.template)).values():
                codes |= found
        assert codes == set(service.rules), (
            f"{service.name}: {service.code} carries markers {sorted(codes)}, "
            f"the catalog says {sorted(service.rules)}")


def test_every_marker_is_proven_by_a_service():
    covered = {}
    for service in catalog.SERVICES:
        module, function = service.code.split(":")
        covered.setdefault(module, []).append(_function_lines(os.path.join(APP, module), function))
    for rel in _app_files(APP):
        for line, codes in _markers(os.path.join(APP, rel)).items():
            if codes == {"ORM007"}:
                continue  # at a column declaration: test_indexes applies them all to every service
            spans = covered.get(rel, [])
            assert any(a <= line <= b for a, b in spans), (
                f"{rel}:{line} ({', '.join(sorted(codes))}) is in no function an oracle service runs")


def test_reference_fixes_change_their_module_and_carry_no_markers():
    files = list(_app_files(REFERENCE))
    assert files
    for rel in files:
        original = os.path.join(APP, rel)
        assert os.path.exists(original), f"reference/{rel} overlays no module of the app"
        with open(original, encoding="utf-8") as f:
            before = f.read()
        with open(os.path.join(REFERENCE, rel), encoding="utf-8") as f:
            after = f.read()
        assert after != before, f"reference/{rel} is the module unchanged"
        assert not _markers(os.path.join(REFERENCE, rel)), f"reference/{rel} keeps # expect: markers"

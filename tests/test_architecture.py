"""The shape of the code, checked from its import graph (grimp, import-linter's engine).

- No module imports itself through others: no import circle anywhere in `marketplace`.
- The domains form layers: below the entry points (`*.api`, `web`, `cli`, `demo`, the
  Celery worker, the app factory), no two domain packages import each other, directly
  or through others.
- Payments own the money and never reach up into the domains that use them.
"""

from __future__ import annotations

import grimp
import pytest

# The entry points (routes, commands, the Celery worker) may reach every domain.
ROUTES = (".api", ".cli", ".demo", ".web", ".jobs.worker")


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("marketplace")


def _package(module: str) -> str:
    return ".".join(module.split(".")[:2])


def _is_route(module: str) -> bool:
    return module == "marketplace" or any(
        module.endswith(part) or (part + ".") in module for part in ROUTES
    )


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one member (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in edges.get(node, ()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_no_module_imports_itself_through_others(graph: grimp.ImportGraph) -> None:
    edges = {m: set(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    assert _cycles(edges) == []


def test_domain_packages_form_layers_below_the_routes(graph: grimp.ImportGraph) -> None:
    edges: dict[str, set[str]] = {}
    for module in graph.modules:
        if _is_route(module):
            continue
        for imported in graph.find_modules_directly_imported_by(module):
            if _package(imported) != _package(module):
                edges.setdefault(_package(module), set()).add(_package(imported))
    assert _cycles(edges) == []


@pytest.mark.parametrize(
    "domain", ["contracts", "bids", "missions", "profiles", "reviews", "search", "web"]
)
def test_payments_never_import_the_domains_that_use_them(
    graph: grimp.ImportGraph, domain: str
) -> None:
    payments = [m for m in graph.modules if m.startswith("marketplace.payments")]
    reached = {
        imported
        for module in payments
        if not module.endswith(".api")
        for imported in graph.find_modules_directly_imported_by(module)
    }
    assert not [m for m in reached if m.startswith(f"marketplace.{domain}")]

"""The incremental engine never serves a stale or missing finding: after any sequence of edits,
including edits that change what a name in another file is, a warm run reports exactly what a run
without cache reports.

Property test: random sequences of edits on a generated tree (a base class stops or starts being a
Pydantic model, a provider moves to another module, a module file is deleted or comes back, a
module package is renamed, an import cycle appears, a re-export comes and goes, a comment is
added), with the real engine on real files, warm == cold after each step. Modification times are
set into the past so that the stat-first change detection is exercised, not bypassed.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Dict, List, Tuple

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conformance.config import load_config
from conformance.diagnostics import Violation
from conformance.engine import RunOptions, run

from .conftest import sync_tree

SIX = ("__init__.py", "models.py", "schemas.py", "repository.py", "service.py", "router.py")


@dataclass(frozen=True)
class Tree:
    """What the generated project looks like; each edit flips one aspect."""

    pydantic_base: bool = True  # cpv3.core.schemas.Schema derives from pydantic.BaseModel
    provider_in: str = "deps"  # the module of cpv3.core that defines get_db
    orders_service: bool = True  # cpv3/modules/orders/service.py exists
    orders_name: str = "orders"  # the folder name of the second module package
    cycle: bool = False  # orders.service imports users.service (users already imports orders)
    reexport: bool = True  # users/__init__.py re-exports the repository class
    comments: int = 0  # comment lines appended to users/service.py
    wiring: bool = True  # cpv3/modules/api.py binds only imports and a router (no CNF105)
    router_base: bool = True  # cpv3.core.routing.Router derives from APIRouter
    extra_import: bool = False  # users/service.py also imports cpv3.core.schemas (no new cycle)


def render(tree: Tree) -> Dict[str, str]:
    orders = tree.orders_name
    base = "pd.BaseModel" if tree.pydantic_base else "object"
    other = "providers" if tree.provider_in == "deps" else "deps"
    files: Dict[str, str] = {"pyproject.toml": "[project]\nname = 'demo'\n"}
    files["cpv3/__init__.py"] = ""
    files["cpv3/core/__init__.py"] = ""
    files["cpv3/core/schemas.py"] = f"import pydantic as pd\n\n\nclass Schema({base}):\n    pass\n"
    files[f"cpv3/core/{tree.provider_in}.py"] = (
        "from sqlalchemy.ext.asyncio import AsyncSession\n\n\n"
        "async def get_db() -> AsyncSession:\n    raise NotImplementedError\n"
    )
    files[f"cpv3/core/{other}.py"] = "X = 1\n"
    files["cpv3/core/routing.py"] = (
        "from fastapi import APIRouter\n\n\nclass Router(APIRouter):\n    pass\n"
        if tree.router_base
        else "class Router:\n    pass\n"
    )
    files["cpv3/modules/api.py"] = (
        "from cpv3.core.routing import Router\n"
        "from cpv3.modules.users.router import router as users_router\n\n"
        "api = Router()\napi.include_router(users_router)\n"
        + ("" if tree.wiring else 'PREFIX = "/api"\n')
    )
    for module in ("users", orders):
        for name in SIX:
            files[f"cpv3/modules/{module}/{name}"] = ""
    files["cpv3/modules/users/__init__.py"] = (
        "from .repository import UserRepository\n\n__all__ = ['UserRepository']\n"
        if tree.reexport
        else ""
    )
    files["cpv3/modules/users/repository.py"] = (
        "class UserRepository:\n    async def get(self, user_id: int) -> int:\n"
        "        return user_id\n"
    )
    files["cpv3/modules/users/service.py"] = (
        f"from cpv3.modules.{orders} import schemas as order_schemas\n"
        + ("from cpv3.core import schemas as core_schemas\n" if tree.extra_import else "")
        + "\n\n"
        "class UserService:\n    async def get(self, user_id: int) -> int:\n"
        "        return user_id\n" + "# note\n" * tree.comments
    )
    files["cpv3/modules/users/router.py"] = (
        "from typing import Annotated\n\n"
        "from fastapi import APIRouter, Depends\n"
        "from sqlalchemy.ext.asyncio import AsyncSession\n\n"
        f"from cpv3.core.{tree.provider_in} import get_db\n"
        "from cpv3.core.schemas import Schema\n"
        "from cpv3.modules.users import UserRepository\n\n"
        'router = APIRouter(prefix="/users", tags=["users"])\n\n\n'
        "class UserOut(Schema):\n    id: int\n\n\n"
        '@router.get("/{user_id}")\n'
        "async def read(user_id: int, db: Annotated[AsyncSession, Depends(get_db)]) -> int:\n"
        "    return await UserRepository().get(user_id)\n"
    )
    files[f"cpv3/modules/{orders}/schemas.py"] = (
        "from cpv3.core.schemas import Schema\n\n\nclass OrderOut(Schema):\n    id: int\n"
    )
    if tree.orders_service:
        files[f"cpv3/modules/{orders}/service.py"] = (
            "from cpv3.modules.users.service import UserService\n" if tree.cycle else ""
        ) + "class OrderService:\n    pass\n"
    else:
        files.pop(f"cpv3/modules/{orders}/service.py")
    return files


EDITS = {
    "base": lambda t: replace(t, pydantic_base=not t.pydantic_base),
    "provider": lambda t: replace(
        t, provider_in="providers" if t.provider_in == "deps" else "deps"
    ),
    "delete": lambda t: replace(t, orders_service=not t.orders_service),
    "rename": lambda t: replace(
        t, orders_name="billing" if t.orders_name == "orders" else "orders"
    ),
    "cycle": lambda t: replace(t, cycle=not t.cycle),
    "reexport": lambda t: replace(t, reexport=not t.reexport),
    "comment": lambda t: replace(t, comments=t.comments + 1),
    "wiring": lambda t: replace(t, wiring=not t.wiring),
    "router-base": lambda t: replace(t, router_base=not t.router_base),
    "import": lambda t: replace(t, extra_import=not t.extra_import),
}


def write(root: Path, files: Dict[str, str], step: int) -> None:
    """The tree of step ``step``: only the files it changed get a newer modification time."""
    sync_tree(root, files, stamp=1_600_000_000 + step * 10)


def findings(root: Path, cached: bool) -> List[Tuple[object, ...]]:
    config = load_config(str(root), str(root / "pyproject.toml"))
    options = RunOptions(cache_dir=str(root / ".cache") if cached else None)
    result = run(config, [str(root)], options)
    return [_plain(v) for v in result.violations]


def _plain(violation: Violation) -> Tuple[object, ...]:
    return (
        violation.path,
        violation.location,
        violation.code,
        violation.message,
        violation.statement_line,
        violation.fingerprint_text,
    )


def test_the_generated_tree_has_cross_file_findings(tmp_path: Path) -> None:
    """The property below is only worth something if the edits change findings in other files."""
    write(tmp_path, render(Tree()), 0)
    before = {(f[0], f[2]) for f in findings(tmp_path, cached=False)}
    assert ("cpv3/modules/users/router.py", "CNF110") in before  # UserOut(Schema) in a router
    write(tmp_path, render(Tree(pydantic_base=False)), 1)
    after = {(f[0], f[2]) for f in findings(tmp_path, cached=False)}
    assert ("cpv3/modules/users/router.py", "CNF110") not in after
    write(tmp_path, render(Tree(cycle=True)), 2)
    cycle = {(f[0], f[2]) for f in findings(tmp_path, cached=False)}
    assert ("cpv3/modules/users/service.py", "CNF206") in cycle  # orders -> users -> orders
    write(tmp_path, render(Tree(orders_service=False)), 3)
    missing = {(f[0], f[2]) for f in findings(tmp_path, cached=False)}
    assert ("cpv3/modules/orders/__init__.py", "CNF101") in missing  # reported at __init__.py
    assert ("cpv3/modules/api.py", "CNF105") not in missing  # router wiring
    write(tmp_path, render(Tree(router_base=False)), 4)
    stray = {(f[0], f[2]) for f in findings(tmp_path, cached=False)}
    assert ("cpv3/modules/api.py", "CNF105") in stray  # Router is no APIRouter: api is a value


@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,  # a fixed sequence of examples: CI time stays small and failures repeat
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(edits=st.lists(st.sampled_from(sorted(EDITS)), min_size=1, max_size=6))
def test_a_warm_run_equals_a_cold_run_after_every_edit(tmp_path: Path, edits: List[str]) -> None:
    root = tmp_path / "tree"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir()
    tree = Tree()
    write(root, render(tree), 0)
    assert findings(root, cached=True) == findings(root, cached=False)
    for step, edit in enumerate(edits, start=1):
        tree = EDITS[edit](tree)
        write(root, render(tree), step)
        warm = findings(root, cached=True)
        assert warm == findings(root, cached=False), f"after {edits[:step]}"
        assert findings(root, cached=True) == warm, "a second warm run"


def test_an_import_that_changes_no_cycle_decides_only_its_file_again(tmp_path: Path) -> None:
    """An edited import changes the import graph, which every cycle verdict read; the cycles
    computed again are the same, so the other files' verdicts stand (early cutoff), and the
    findings are still those of a cold run."""
    from conformance.engine import EngineState

    write(tmp_path, render(Tree(cycle=True)), 0)
    config = load_config(str(tmp_path), str(tmp_path / "pyproject.toml"))
    state = EngineState()
    options = RunOptions(state=state)
    run(config, [str(tmp_path)], options)
    write(tmp_path, render(Tree(cycle=True, extra_import=True)), 1)
    warm = run(config, [str(tmp_path)], options)
    assert [_plain(v) for v in warm.violations] == findings(tmp_path, cached=False)
    assert "cpv3/modules/users/service.py" in {v.path for v in warm.violations}  # the cycle
    # decided again: the edited file and those that read its bindings; not the files that
    # only read the cycles (the router, the repository, the other modules' routers)
    assert "cpv3/modules/users/service.py" in state.redone
    untouched = {"cpv3/modules/users/router.py", "cpv3/modules/users/repository.py"}
    assert not untouched & state.redone, state.redone


# -- the in-memory engine of a long-lived process ---------------------------------------------


def test_a_workspace_follows_unsaved_texts_and_the_disk(tmp_path: Path) -> None:
    from conformance.workspace import Workspace

    write(tmp_path, render(Tree()), 0)
    config = load_config(str(tmp_path), str(tmp_path / "pyproject.toml"))
    workspace = Workspace(config)
    router = "cpv3/modules/users/router.py"
    assert "CNF110" in {v.code for v in workspace.findings(router)}
    # an unsaved buffer of another file changes what a name in the router is
    plain = render(Tree(pydantic_base=False))["cpv3/core/schemas.py"]
    workspace.set_source(str(tmp_path / "cpv3/core/schemas.py"), plain)
    assert "CNF110" not in {v.code for v in workspace.findings(router)}
    workspace.set_source("cpv3/core/schemas.py", None)  # the buffer is closed unsaved
    assert "CNF110" in {v.code for v in workspace.findings(router)}
    # the same edit saved to disk; then a module package renamed on disk
    write(tmp_path, render(Tree(pydantic_base=False)), 1)
    assert [_plain(v) for v in workspace.findings()] == findings(tmp_path, cached=False)
    write(tmp_path, render(Tree(pydantic_base=False, orders_name="billing")), 2)
    assert [_plain(v) for v in workspace.findings()] == findings(tmp_path, cached=False)
    assert workspace.check().parsed == 0, "nothing changed: nothing parsed again"


def test_a_project_finding_judged_on_facts_follows_them(tmp_path: Path) -> None:
    """CNF105 spares a file that only wires routers (``ProjectRule.stands``): a warm run decides
    that again when the file changes and when the class its router is made of changes."""
    stray = ("cpv3/modules/api.py", "CNF105")
    # CNF105 alone: no other verdict of the file reads the router class and redoes the file
    only = {"pyproject.toml": "[tool.conformance]\nselect = ['CNF105']\n"}
    write(tmp_path, {**render(Tree()), **only}, 0)
    assert stray not in {(f[0], f[2]) for f in findings(tmp_path, cached=True)}
    for step, tree in enumerate(
        (Tree(router_base=False), Tree(), Tree(wiring=False), Tree()), start=1
    ):
        write(tmp_path, {**render(tree), **only}, step)
        warm = findings(tmp_path, cached=True)
        assert warm == findings(tmp_path, cached=False), f"after {tree}"
        assert (stray in {(f[0], f[2]) for f in warm}) == (not tree.router_base or not tree.wiring)


def test_a_passed_on_session_follows_its_callee(tmp_path: Path) -> None:
    """CNF512 reports a ``Session`` handed to an awaited ``async def`` when that callee (in
    another file, through a second hop) runs it on the event loop: a warm run decides the caller
    again when the last callee of the chain changes."""
    finding = ("cpv3/modules/users/service.py", "CNF512")
    store = (
        "from asyncer import asyncify\nfrom sqlalchemy.orm import Session\n\n\n"
        "async def save(session: Session) -> None:\n    {body}\n"
    )
    files = {
        "pyproject.toml": "[tool.conformance]\nselect = ['CNF512']\n",
        "cpv3/__init__.py": "",
        "cpv3/core/__init__.py": "",
        "cpv3/core/audit.py": (
            "from sqlalchemy.orm import Session\n\nfrom cpv3.core import store\n\n\n"
            "async def record(db: Session) -> None:\n    await store.save(session=db)\n"
        ),
        "cpv3/modules/users/__init__.py": "",
        "cpv3/modules/users/service.py": (
            "from sqlalchemy.orm import Session\n\nfrom cpv3.core.audit import record\n\n\n"
            "async def login(db: Session) -> None:\n    await record(db)\n"
        ),
    }
    bodies = ("session.commit()", "await asyncify(Session.commit)(session)", "session.commit()")
    for step, body in enumerate(bodies):
        write(tmp_path, {**files, "cpv3/core/store.py": store.format(body=body)}, step)
        warm = findings(tmp_path, cached=True)
        assert warm == findings(tmp_path, cached=False), f"after {body}"
        assert (finding in {(f[0], f[2]) for f in warm}) == (step != 1)

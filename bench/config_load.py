"""What a run pays before its file pass: the configuration with the source roots the tree shows,
and the whole project's layout. Times it in-process on a tree of ``generate.py``::

    python bench/config_load.py --modules 1000 [--under server] [--repeat 5] [--keep]

``--under DIR`` writes the tree below ``DIR/`` (``server/cpv3/...``, polar's layout), so that the
import root of its package is not a default one and must be found from the imports. The row is the
median of ``--repeat`` passes of what ``conformance check`` does before the file pass: load the
configuration, find the source roots, discover the whole project (again, unless the layout the
roots were found with is reused); the files read by the source-root scan are counted.

It measures the ``conformance`` package this interpreter imports: run it as
``PYTHONPATH=. python bench/config_load.py`` in a checkout (earlier versions, without
``discovery.config_and_layout``, discover twice).
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any, List, Optional, Sequence, Tuple

HERE = Path(__file__).resolve().parent


def load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "conformance_bench_generate", HERE / "generate.py"
    )
    if spec is None or spec.loader is None:
        raise SystemExit("cannot load bench/generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve their module through sys.modules
    spec.loader.exec_module(module)
    return module


def one_pass(root: Path) -> Tuple[float, int, Any]:
    """(seconds, files read by the source-root scan, source roots) of one configuration load."""
    from conformance import discovery
    from conformance.config import load_config

    reads = [0]
    original = discovery.read_source

    def counting(*args: Any, **kwargs: Any) -> Any:
        reads[0] += 1
        return original(*args, **kwargs)

    discovery.read_source = counting  # type: ignore[assignment]
    try:
        start = time.perf_counter()
        config = load_config(str(root), str(root / "pyproject.toml"))
        both = getattr(discovery, "config_and_layout", None)
        if both is not None:
            config, layout = both(config)
        else:
            config, layout = discovery.with_found_source_roots(config), None
        if layout is None:
            layout = discovery.discover(config, [str(root)])
        elapsed = time.perf_counter() - start
    finally:
        discovery.read_source = original  # type: ignore[assignment]
    return elapsed, reads[0], config.src


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--modules", type=int, default=1000)
    parser.add_argument("--under", default="", help="write the tree below this folder")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the generated tree")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="conformance-config-load-"))
    try:
        root = work / "tree"
        tree = root / args.under if args.under else root
        summary = load_generator().generate(tree, args.modules)
        if args.under:  # the configuration at the root, its modules glob below the folder
            text = (tree / "pyproject.toml").read_text(encoding="utf-8")
            (tree / "pyproject.toml").unlink()
            glob = f'modules = ["{args.under}/cpv3/modules/*"]'
            text = text.replace("[tool.conformance]", f"[tool.conformance]\n{glob}")
            (root / "pyproject.toml").write_text(text, encoding="utf-8")
        one_pass(root)  # the files in the OS page cache, the imports done
        times: List[float] = []
        reads = 0
        src: Any = ()
        for _ in range(max(1, args.repeat)):
            elapsed, reads, src = one_pass(root)
            times.append(elapsed)
        print(
            f"{args.modules} modules, {summary.files} files"
            f"{f' under {args.under}/' if args.under else ''}: median"
            f" {statistics.median(times) * 1000:.0f} ms (min {min(times) * 1000:.0f}, max"
            f" {max(times) * 1000:.0f}) over {len(times)} passes; {reads} files read for the"
            f" source-root scan; src = {list(src)}"
        )
        if args.keep:
            print(f"tree kept: {root}", file=sys.stderr)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

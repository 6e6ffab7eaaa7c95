"""``conformance new NAME``: write a module package that conforms, then print (or, with
``--register``, add) the lines that mount its router on the app.

Exit codes: 0 written; 2 usage or configuration error, or something in the way (one line on
stderr; nothing is written then).
"""

from __future__ import annotations

import argparse
import keyword
import os
import re
from typing import Any, Dict, List, TextIO

EXIT_OK = 0
EXIT_ERROR = 2

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def add_parser(sub: Any) -> None:
    """Register ``new`` on the ``conformance`` subcommand parsers."""
    parser = sub.add_parser(
        "new", help="write a new module package that conforms (router, service, repository, ...)"
    )
    parser.add_argument("name", metavar="NAME", help="the module package, e.g. order_items")
    parser.add_argument(
        "--fields",
        metavar="SPEC",
        default=None,
        help='the entity\'s fields, e.g. "name:str,price:Decimal,note:str?" (default: name:str)',
    )
    parser.add_argument(
        "--no-orm",
        action="store_true",
        help="no models file and no database: the repository keeps the items in memory",
    )
    parser.add_argument(
        "--register",
        action="store_true",
        help="add the include_router line to the app (when its include_router calls are found"
        " unambiguously)",
    )
    parser.add_argument(
        "--config", metavar="FILE", help="pyproject.toml or conformance.toml to use"
    )


def render_files(conventions: Any, name: str, fields: Any, orm: bool) -> Dict[str, str]:
    """file name -> text of every file of the new package (required files included)."""
    from conformance.scaffold import templates

    plan = templates.Plan(
        name=name,
        package=conventions.package,
        first_party=conventions.first_party,
        files=conventions.files,
        fields=fields,
        relative=conventions.relative,
        orm=orm,
        base=conventions.base,
        session_alias=conventions.session_alias,
        session_provider=conventions.session_provider,
        not_found=conventions.not_found,
        schema_base=conventions.schema_base,
        prefix=conventions.prefix,
        tags=conventions.tags,
        union=conventions.union,
    )
    out: Dict[str, str] = {"__init__.py": templates.package_init(plan)}
    for role, file_name in conventions.files.items():
        out[file_name] = templates.RENDERERS[role](plan)
    for file_name in conventions.required:
        if file_name not in out and file_name.endswith(".py"):
            out[file_name] = templates.placeholder(plan, file_name)
    return out


def _write_new(path: str, text: str) -> None:
    """Create ``path``; never replace an existing file (O_EXCL)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)


def _replace(path: str, text: str) -> None:
    """Atomic rewrite of an existing file (same folder temporary file, mode kept)."""
    import tempfile

    folder = os.path.dirname(path)
    mode = os.stat(path).st_mode & 0o7777
    descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=".conformance-", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from conformance.scaffold.conventions import ConventionError, read
    from conformance.scaffold.fields import DEFAULT_FIELDS, FieldsError, parse_fields
    from conformance.scaffold.register import RegisterError, apply, plan
    from conformance.snapshot import SnapshotError, load_config, take

    name = args.name
    if not _NAME.match(name) or keyword.iskeyword(name):
        stderr.write(
            f"error: {name!r} is not a module name: lower-case letters, digits and underscores,"
            " starting with a letter\n"
        )
        return EXIT_ERROR
    try:
        fields = parse_fields(DEFAULT_FIELDS if args.fields is None else args.fields)
    except FieldsError as error:
        stderr.write(f"error: --fields {error}\n")
        return EXIT_ERROR
    try:
        config = load_config(["."], args.config)
        snapshot = take(config)
        conventions = read(snapshot, name, orm=not args.no_orm)
    except SnapshotError as error:
        for problem in error.problems:
            stderr.write(f"error: {problem}\n")
        return EXIT_ERROR
    except ConventionError as error:
        stderr.write(f"error: {error}\n")
        return EXIT_ERROR

    folder = os.path.join(config.root, conventions.folder)
    if os.path.lexists(folder):
        stderr.write(f"error: {conventions.folder} already exists: nothing written\n")
        return EXIT_ERROR
    files = render_files(conventions, name, fields, orm=not args.no_orm)
    registration = plan(
        snapshot, conventions.package, conventions.files["router"][: -len(".py")], name
    )
    app_edit = None
    if args.register:
        try:
            app_edit = apply(snapshot, registration)
        except RegisterError as error:
            stderr.write(f"error: {error}\n")
            return EXIT_ERROR

    written: List[str] = []
    try:
        os.makedirs(folder)
        for file_name in sorted(files, key=lambda f: (f != "__init__.py", f)):
            _write_new(os.path.join(folder, file_name), files[file_name])
            written.append(file_name)
        if app_edit is not None:
            _replace(*app_edit)
    except OSError as error:
        stderr.write(f"error: cannot write {conventions.folder}: {error.strerror or error}\n")
        return EXIT_ERROR

    stdout.write(f"created {conventions.folder}/: {', '.join(written)}\n")
    if app_edit is not None:
        stdout.write(f"registered the router in {registration.path}:\n")
    else:
        where = f" ({registration.path})" if registration.path else ""
        stdout.write(f"mount its router on the app{where}:\n")
    stdout.write(f"    {registration.import_line}\n    {registration.call_line}\n")
    return EXIT_OK

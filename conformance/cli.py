"""The command line. The only module that touches argv, the environment, streams and exit codes.

Exit codes: 0 no findings, 1 findings, 2 usage, configuration or internal error (one line per
problem on stderr; a traceback only with ``--debug``).
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Optional, Sequence, TextIO, Tuple

from conformance.version import __version__

if TYPE_CHECKING:
    from conformance.prestart import Prestarted

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2


def _split_codes(values: Optional[Sequence[str]]) -> List[str]:
    out: List[str] = []
    for value in values or ():
        out.extend(part.strip() for part in value.split(",") if part.strip())
    return out


def _parser(commands: bool = True) -> argparse.ArgumentParser:
    """The argument parser; without ``commands`` the subcommands of their own modules are left
    out (``conformance check`` does not import the language server to parse its flags)."""
    from conformance.reporters import FORMATS

    parser = argparse.ArgumentParser(
        prog="conformance",
        description="Static conformance checker for FastAPI feature-module backends.",
    )
    parser.add_argument("--version", action="version", version=f"conformance {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = sub.add_parser("check", help="check files and module packages (default command)")
    check.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: .)")
    check.add_argument(
        "--select",
        action="append",
        metavar="CODES",
        help="rules to apply: codes, prefixes (CNF2), names or ALL; comma-separated",
    )
    check.add_argument(
        "--extend-select",
        action="append",
        metavar="CODES",
        help="rules to apply on top of the configured selection (opt-in rules)",
    )
    check.add_argument("--ignore", action="append", metavar="CODES", help="rules to skip")
    check.add_argument(
        "--format",
        choices=FORMATS,
        default=None,
        help="output format (default: text; CONFORMANCE_FORMAT)",
    )
    check.add_argument("--output-file", metavar="FILE", help="write the report to FILE")
    check.add_argument(
        "--config",
        metavar="FILE",
        help="pyproject.toml or conformance.toml to use instead of discovery",
    )
    check.add_argument(
        "--statistics",
        action="store_true",
        help="print only a count of findings per rule (a JSON array with --format json)",
    )
    check.add_argument(
        "--stdin-filename",
        metavar="PATH",
        help="check the text on standard input as if it were the file PATH (with the project's"
        " index); give `-` or no path",
    )
    check.add_argument(
        "--watch",
        action="store_true",
        help="check again whenever a file of the project changes (needs the `watch` extra)",
    )
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even with findings")
    check.add_argument(
        "--show-files",
        action="store_true",
        help="list the files and module packages that would be checked, and exit",
    )
    check.add_argument(
        "--show-settings", action="store_true", help="print the effective configuration, and exit"
    )
    check.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    check.add_argument(
        "--jobs",
        "-j",
        type=int,
        metavar="N",
        help="worker processes (default: the available cores; 1: in-process)",
    )
    check.add_argument(
        "-q", "--quiet", action="store_true", help="print findings only: no summary, no warnings"
    )
    check.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    check.add_argument(
        "--baseline",
        metavar="FILE",
        help="hide the findings recorded in FILE (default: the `baseline` key); report new ones",
    )
    check.add_argument(
        "--update-baseline",
        action="store_true",
        help="record the current findings in the baseline file (--baseline, the `baseline` key,"
        " or .conformance-baseline.json) and exit 0",
    )

    # -- fixes (conformance/fixes.py) --
    check.add_argument(
        "--fix",
        action="store_true",
        help="apply the safe fixes (and the unsafe ones with --unsafe-fixes), then report what"
        " remains",
    )
    check.add_argument(
        "--unsafe-fixes",
        action="store_true",
        help="with --fix or --diff, apply unsafe fixes too; alone, mark them fixable in the report",
    )
    check.add_argument(
        "--diff",
        action="store_true",
        help="print the fixes as unified diffs instead of writing them; exit 1 if any file would"
        " change",
    )
    # -- end fixes --

    rules = sub.add_parser("rules", help="list every rule")
    rules.add_argument("--format", choices=("text", "json"), default="text")

    explain = sub.add_parser(
        "explain", help="print a rule's documentation (a code prefix lists that family)"
    )
    explain.add_argument("rule", metavar="CODE|NAME|PREFIX")
    explain.add_argument("--format", choices=("text", "json"), default="text")

    from conformance.commands import COMMANDS

    for command in COMMANDS.values() if commands else ():
        command.add_parser(sub)
    return parser


def main(
    argv: Optional[Sequence[str]] = None, stdout: TextIO = sys.stdout, stderr: TextIO = sys.stderr
) -> int:
    from conformance.commands import COMMANDS

    args_list = list(sys.argv[1:] if argv is None else argv)
    if (
        args_list
        and args_list[0] not in ("check", "rules", "explain", *COMMANDS)
        and not args_list[0].startswith("-")
    ):
        args_list.insert(0, "check")
    if not args_list or (
        args_list[0].startswith("-") and args_list[0] not in ("--version", "-h", "--help")
    ):
        args_list.insert(0, "check")
    # Started before the arguments are parsed (parsing imports the reporters): a worker that
    # needs a quarter of a second to import libcst is then ready that much sooner.
    early = _early_worker(args_list)
    try:
        parser = _parser(commands=args_list[0] not in ("check", "rules", "explain"))
        args = parser.parse_args(args_list)
    except BaseException:  # --help, a usage error: argparse exits
        if early is not None:
            early.close()
        raise
    debug = bool(getattr(args, "debug", False))
    if early is not None and (args.command != "check" or args.watch):
        early.close()
        early = None
    try:
        if args.command == "rules":
            return _rules(args, stdout)
        if args.command == "explain":
            return _explain(args, stdout, stderr)
        if args.command in COMMANDS:
            return COMMANDS[args.command].run(args, stdout, stderr)
        if args.watch:
            from conformance.commands.watch import watch

            return watch(lambda: _check(args, stdout, stderr), args, stdout, stderr)
        return _check(args, stdout, stderr, early)
    except KeyboardInterrupt:
        stderr.write("error: interrupted\n")
        return EXIT_ERROR
    except Exception as error:
        if debug:
            raise
        stderr.write(
            f"error: internal error: {type(error).__name__}: {error} (run with --debug for details)\n"
        )
        return EXIT_ERROR


def _jobs(value: Optional[int]) -> int:
    if value is not None:
        return max(1, value)
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)  # macOS, Windows


def _use_color(stream: TextIO, to_file: bool) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    if to_file:
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _configs(args: argparse.Namespace, paths: Sequence[str]) -> List[Tuple[Any, List[str], Any]]:
    """(configuration, absolute paths, whole-project layout or None) of every project the run
    covers: ``--config`` applies one configuration to every path; otherwise each path belongs to
    the closest configured folder above it (conformance/projects.py). The layout is the one the
    source roots were found with, for the run to reuse. Raises ConfigError listing every problem
    of every project. The search for nested projects and each discovery start from the snapshot
    of the last one in the project's cache."""
    from conformance.cache import Stores

    writes = not (args.show_settings or args.show_files)  # these only show, never write
    with Stores(lambda root: _cache_dir(args, root) if writes else None) as stores:
        return _configs_with(args, paths, stores)


def _configs_with(
    args: argparse.Namespace, paths: Sequence[str], stores: Any
) -> List[Tuple[Any, List[str], Any]]:
    from dataclasses import replace

    from conformance.config import ConfigError, load_config, with_overrides
    from conformance.discovery import config_and_layout
    from conformance.projects import PlannedProject, plan

    if args.config is not None:
        config_file = os.path.abspath(args.config)
        planned = [
            PlannedProject(
                os.path.dirname(config_file), config_file, tuple(os.path.abspath(p) for p in paths)
            )
        ]
    else:
        planned = plan(paths, stores.of)
    out: List[Tuple[Any, List[str], Any]] = []
    problems: List[str] = []
    for project in planned:
        try:
            config = load_config(project.root, project.config_file)
            if args.config is not None:
                config = replace(config, subprojects=False)
            overrides: Dict[str, Any] = {}
            if args.select:
                overrides["select"] = tuple(_split_codes(args.select))
            if args.extend_select:
                overrides["extend_select"] = config.extend_select + tuple(
                    _split_codes(args.extend_select)
                )
            if args.ignore:
                overrides["ignore"] = config.ignore + tuple(_split_codes(args.ignore))
            if overrides:
                config = with_overrides(config, **overrides)
        except ConfigError as error:
            problems.extend(p for p in error.problems if p not in problems)
            continue
        config, layout = config_and_layout(config, stores.of(config.root))
        out.append((config, list(project.paths), layout))
    if problems:
        raise ConfigError(problems)
    return out


def _cache_dir(args: argparse.Namespace, root: str) -> Optional[str]:
    """The cache folder of a project (by its root); None with ``--no-cache``."""
    if args.no_cache:
        return None
    return os.environ.get("CONFORMANCE_CACHE_DIR") or os.path.join(root, ".conformance_cache")


def _check_selection_flags(args: argparse.Namespace) -> None:
    """An empty --select/--extend-select/--ignore is an error: an unset CI variable
    (``--select "$RULES"``) must not silently check nothing."""
    from conformance.config import ConfigError

    for flag in ("select", "extend_select", "ignore"):
        if any(not value.strip(" ,") for value in getattr(args, flag) or ()):
            name = "--" + flag.replace("_", "-")
            raise ConfigError([f"{name}: empty rule selection (name codes, prefixes or ALL)"])


def _check(
    args: argparse.Namespace,
    stdout: TextIO,
    stderr: TextIO,
    early: Optional[Prestarted] = None,
) -> int:
    prestarted = _prestart(args, early)
    try:
        return _check_with(args, stdout, stderr, prestarted)
    finally:
        if prestarted is not None:
            prestarted.close()


def _early_worker(argv: Sequence[str]) -> Optional[Prestarted]:
    """The worker of :func:`_prestart`, started from the raw arguments of a ``check`` before
    they are parsed (``prestart.may_want``); :func:`_prestart` keeps or stops it."""
    if not argv or argv[0] != "check" or "conformance.filepass" in sys.modules:
        return None
    from conformance import prestart

    if not prestart.may_want(argv) or not prestart.worthwhile(_jobs(None)):
        return None
    return prestart.start()


def _prestart(args: argparse.Namespace, early: Optional[Prestarted] = None) -> Optional[Prestarted]:
    """A file-pass worker started ahead (``prestart.py``) for a cached check, where it pays: not
    with --jobs 1, one usable core, --fix/--diff (their analysis keeps the parsed modules) or
    once this process has the file pass imported (``--watch`` after its first run). ``early``,
    the worker :func:`_early_worker` started, is used if the parsed flags want one, else
    stopped."""
    from conformance import prestart

    wanted = (
        not (args.no_cache or args.fix or args.diff or args.show_settings or args.show_files)
        and (early is not None or "conformance.filepass" not in sys.modules)
        and prestart.worthwhile(_jobs(args.jobs))
    )
    return prestart.settle(early, wanted)


def _check_with(
    args: argparse.Namespace, stdout: TextIO, stderr: TextIO, prestarted: Optional[Prestarted]
) -> int:
    from dataclasses import replace

    from conformance.config import ConfigError
    from conformance.discovery import DiscoveryError
    from conformance.paths import display_path, rebase, report_base
    from conformance.reporters import printable

    paths = args.paths or ["."]
    stdin_data: Optional[bytes] = None
    if args.stdin_filename is not None:
        if args.paths not in ([], ["-"]):
            stderr.write("error: --stdin-filename checks standard input: give `-` or no path\n")
            return EXIT_ERROR
        if not os.path.isfile(args.stdin_filename):
            stderr.write(
                f"error: --stdin-filename {args.stdin_filename}: no such file (the text is"
                " checked as that project file)\n"
            )
            return EXIT_ERROR
        paths = [args.stdin_filename]
        stdin_data = sys.stdin.buffer.read()
    elif "-" in paths:
        stderr.write("error: `-` reads standard input: give --stdin-filename PATH as well\n")
        return EXIT_ERROR
    for path in paths:
        if not os.path.exists(path):
            stderr.write(f"error: {path}: no such file or folder\n")
            return EXIT_ERROR
    if args.config is not None and not os.path.isfile(args.config):
        stderr.write(f"error: --config {args.config}: no such file\n")
        return EXIT_ERROR
    try:
        _check_selection_flags(args)
        projects = _configs(args, paths)
    except ConfigError as error:
        for problem in error.problems:
            stderr.write(f"error: {problem}\n")
        return EXIT_ERROR
    cwd = os.getcwd()

    if args.show_settings:
        for number, (config, _, _) in enumerate(projects):
            if number:
                stdout.write("\n")
            _show_settings(config, stdout, cwd)
        return EXIT_CLEAN

    from conformance.engine import RunOptions, run

    if args.show_files:
        from conformance.discovery import discover

        for config, absolute, _ in projects:
            try:
                layout = discover(config, absolute)
            except DiscoveryError as error:
                stderr.write(f"error: {error}\n")
                return EXIT_ERROR
            for file in layout.files:
                role = f"  [{', '.join(file.roles)}]" if file.roles else ""
                shown = printable(display_path(os.path.join(config.root, file.path), cwd))
                stdout.write(f"{shown}{role}\n")
            for package in layout.packages:
                where = printable(display_path(os.path.join(config.root, package.path), cwd))
                stdout.write(f"module package: {where}\n")
        return EXIT_CLEAN

    fmt = args.format or os.environ.get("CONFORMANCE_FORMAT") or "text"
    from conformance.reporters import FORMATS, ReportContext, render

    if fmt not in FORMATS:
        stderr.write(
            f"error: CONFORMANCE_FORMAT={fmt}: unknown format (one of {', '.join(FORMATS)})\n"
        )
        return EXIT_ERROR
    # Every project's paths are printed relative to one base (the cwd; the repository root for
    # SARIF and GitLab), so that a monorepo run points at files that exist.
    base = report_base(fmt, projects[0][0].root if len(projects) == 1 else cwd, cwd)

    violations: List[Any] = []
    fixes: Dict[Any, Any] = {}
    sources: Dict[str, str] = {}
    notes: List[str] = []
    headlines: List[str] = []  # said first: at the top of a text report, else on stderr
    fix_applied = 0
    files_checked = 0
    diff_changes: List[Any] = []
    for config, absolute, layout in projects:
        where = ""
        if len(projects) > 1:
            where = f"{display_path(config.root, cwd)}: "
        cache_dir = _cache_dir(args, config.root)
        options = RunOptions(
            jobs=_jobs(args.jobs), cache_dir=cache_dir, layout=layout, prestarted=prestarted
        )
        stdin_path: Optional[str] = None
        if stdin_data is not None:
            from conformance.discovery import relative

            stdin_path = relative(config.root, absolute[0])
            options = replace(options, sources={stdin_path: stdin_data})
        # -- baseline (conformance/baseline.py) --
        from conformance.baseline import BaselineError

        options = replace(
            options, baseline_file=args.baseline, use_baseline=not args.update_baseline
        )
        # -- end baseline --
        # -- fixes (conformance/fixes.py) --
        if args.fix or args.diff:
            from conformance.fixes import fix_paths

            try:
                outcome = fix_paths(
                    config,
                    absolute,
                    options,
                    unsafe=args.unsafe_fixes,
                    write=not args.diff and stdin_data is None,
                )
            except (DiscoveryError, BaselineError) as error:
                stderr.write(f"error: {error}\n")
                return EXIT_ERROR
            for problem in outcome.problems:
                stderr.write(f"warning: {where}{printable(problem)}\n")
            if args.diff:
                for change in outcome.changes:
                    shown = display_path(os.path.join(config.root, change.path), cwd)
                    diff_changes.append(replace(change, path=shown))
                fix_applied += outcome.fixed
                continue
            fix_applied += outcome.fixed
            if stdin_path is not None and stdin_data is not None:
                return _fix_stdin(
                    args, config, absolute, options, outcome, stdin_path, stdin_data, stdout, stderr
                )
        # -- end fixes --
        # -- progress (conformance/progress.py): a bar on a terminal for long cold runs --
        from conformance.progress import ProgressBar, wants_progress

        bar = ProgressBar(stderr) if wants_progress(stderr, os.environ, args.quiet) else None
        if bar is not None:
            options = replace(options, progress=bar)
        # -- end progress --
        try:
            result = run(config, absolute, options)
        except (DiscoveryError, BaselineError) as error:
            stderr.write(f"error: {error}\n")
            return EXIT_ERROR
        finally:
            if bar is not None:
                bar.close()

        # -- baseline (conformance/baseline.py) --
        if args.update_baseline:
            try:
                notes.append(where + _update_baseline(config, absolute, result, options))
            except BaselineError as error:
                stderr.write(f"error: {error}\n")
                return EXIT_ERROR
            except OSError as error:
                stderr.write(f"error: cannot write the baseline: {error.strerror or error}\n")
                return EXIT_ERROR
        elif result.baselined:
            noun = "finding" if result.baselined == 1 else "findings"
            notes.append(f"note: {where}{result.baselined} {noun} hidden by the baseline")
        # -- end baseline --
        from conformance.project_notes import layout_problems, layout_warnings

        mistakes = layout_problems(config, result.project_layout)
        if mistakes:
            for mistake in mistakes:
                stderr.write(f"error: {where}{mistake}\n")
            return EXIT_ERROR
        for warning in layout_warnings(config, result.project_layout):
            headlines.append(f"warning: {where}{warning}")
        rebased = rebase(result.violations, config.root, base)
        violations.extend(rebased)
        files_checked += result.files_checked
        # -- agent output: fix edits (json) and code frames (text), keyed by the shown finding --
        unsaved: Dict[str, bytes] = dict(options.sources or {})
        if fmt == "json" and not args.statistics:
            found = _finding_fixes(config, absolute, result, unsaved, cache_dir)
            for original, moved in zip(result.violations, rebased):
                if original in found:
                    fixes[moved] = found[original]
        if fmt == "text" and not args.quiet and not args.statistics:
            texts = _sources(config.root, result.violations, unsaved)
            for original, moved in zip(result.violations, rebased):
                if original.path in texts:
                    sources[moved.path] = texts[original.path]
        # -- end agent output --

    if args.diff:
        stdout.write("".join(change.diff() for change in diff_changes))
        if not args.quiet:
            stderr.write(_would_fix(fix_applied, len(diff_changes)))
        return EXIT_FINDINGS if diff_changes else EXIT_CLEAN

    from conformance.diagnostics import Violation

    violations.sort(key=Violation.sort_key)
    context = ReportContext(
        tool_version=__version__,
        rules=_rule_infos(),
        files_checked=files_checked,
        color=fmt == "text" and _use_color(stdout, args.output_file is not None),
        fix_applied=fix_applied,
        unsafe_fixes_enabled=args.unsafe_fixes,
        base=base,
        warnings=tuple(n for n in [*headlines, *notes] if n.startswith("warning: ")),
        fixes=fixes,
        sources=sources,
    )
    if args.statistics:
        from conformance.reporters import json as json_report
        from conformance.reporters import text as text_report

        if fmt == "json":
            report = json_report.render_statistics(violations, context)
        else:
            report = text_report.render_statistics(violations, context)
    elif args.quiet and fmt == "text":
        report = render("concise", violations, context)
    else:
        report = render(fmt, violations, context)
        if fmt == "text" and headlines:
            report = "".join(line + "\n" for line in headlines) + report
            headlines = []
    notes = headlines + notes
    if args.output_file:
        try:
            with open(args.output_file, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(report)
        except OSError as error:
            stderr.write(f"error: --output-file {args.output_file}: {error.strerror}\n")
            return EXIT_ERROR
    else:
        stdout.write(report)
    if not args.quiet:
        for note in notes:
            stderr.write(printable(note) + "\n")
    if violations and not args.exit_zero:
        return EXIT_FINDINGS
    return EXIT_CLEAN


def _finding_fixes(
    config: Any, paths: List[str], result: Any, sources: Dict[str, bytes], cache_dir: Optional[str]
) -> Any:
    from conformance.fix_edits import finding_fixes

    return finding_fixes(config, paths, result, sources, cache_dir)


def _sources(root: str, violations: Sequence[Any], overrides: Dict[str, bytes]) -> Dict[str, str]:
    """The text of each file with a located finding, for the code frames (unreadable or
    undecodable files get no frame)."""
    from conformance.source import decode_source

    out: Dict[str, str] = {}
    for path in sorted({v.path for v in violations if v.location.line is not None}):
        data = overrides.get(path)
        try:
            if data is None:
                with open(os.path.join(root, path), "rb") as handle:
                    data = handle.read()
            out[path] = decode_source(data)[0]
        except (OSError, ValueError, LookupError, UnicodeDecodeError):
            continue
    return out


def _fix_stdin(
    args: argparse.Namespace,
    config: Any,
    paths: List[str],
    options: Any,
    outcome: Any,
    path: str,
    data: bytes,
    stdout: TextIO,
    stderr: TextIO,
) -> int:
    """``--fix --stdin-filename``: the fixed text on stdout (the file is not written), what is
    left on stderr, one concise line per finding."""
    from dataclasses import replace

    from conformance.engine import run
    from conformance.reporters import ReportContext, render

    fixed = next((c.fixed for c in outcome.changes if c.path == path), data)
    stdout.flush()
    binary = getattr(stdout, "buffer", None)
    if binary is not None:
        binary.write(fixed)
        binary.flush()
    else:
        stdout.write(fixed.decode(outcome_encoding(outcome, path), errors="replace"))
    result = run(config, paths, replace(options, sources={path: fixed}))
    context = ReportContext(tool_version=__version__, unsafe_fixes_enabled=args.unsafe_fixes)
    stderr.write(render("concise", result.violations, context))
    if result.violations and not args.exit_zero:
        return EXIT_FINDINGS
    return EXIT_CLEAN


def outcome_encoding(outcome: Any, path: str) -> str:
    return next((c.encoding for c in outcome.changes if c.path == path), "utf-8")


def _update_baseline(config: Any, paths: List[str], result: Any, options: Any) -> str:
    """--update-baseline: rewrite the baseline with every current finding (entries under paths
    this run did not check are kept) and clear the report. Returns the note for stderr."""
    from conformance import baseline
    from conformance.confinement import inside_project
    from conformance.engine import baseline_path, selected_rules

    path = baseline_path(config, options)
    if path is None:
        path = os.path.join(config.root, baseline.BASELINE_FILE)
    if not inside_project(config.root, path):
        raise baseline.BaselineError(
            f"baseline {baseline.display_path(path, config.root)}: outside the project root;"
            " not written (a baseline belongs to the project it records)"
        )
    previous = baseline.load(path, config.root) if os.path.exists(path) else None
    codes = {r.code for r in selected_rules(config)[0]}
    scope = baseline.scope_of(result.layout, paths, codes)
    entries = baseline.updated(previous, result.violations, scope)
    changed = baseline.write(path, entries)
    recorded = sum(entry.count for entry in entries)
    result.violations = []
    shown = baseline.display_path(path, config.root)
    state = "updated" if changed else "unchanged"
    entry_noun = "entry" if len(entries) == 1 else "entries"
    finding_noun = "finding" if recorded == 1 else "findings"
    note = f"baseline {shown} {state}: {len(entries)} {entry_noun}, {recorded} {finding_noun}"
    if not options.baseline_file and not config.baseline:
        note += f' (set `baseline = "{shown}"` in [tool.conformance] so that every run reads it)'
    return note


def _would_fix(fixes: int, files: int) -> str:
    """The --diff summary line (stderr, so that stdout is a patch)."""
    if not files:
        return "No fixes available.\n"
    finding = "finding" if fixes == 1 else "findings"
    file = "file" if files == 1 else "files"
    return f"Would fix {fixes} {finding} in {files} {file}.\n"


def _rule_infos() -> Mapping[str, Any]:
    from conformance.docs import RuleInfos

    return RuleInfos()


def _show_settings(config: Any, stdout: TextIO, cwd: str) -> int:
    """The effective configuration as a ``[tool.conformance]`` table (valid TOML)."""
    import json
    from dataclasses import fields

    from conformance.paths import display_path

    def value(item: Any) -> str:
        if isinstance(item, (tuple, list)):
            return "[" + ", ".join(value(v) for v in item) + "]"
        if isinstance(item, bool):
            return "true" if item else "false"
        return json.dumps(item)

    config_file = config.config_file
    if config_file:
        config_file = display_path(config_file, cwd)
    stdout.write(f"# project root: {display_path(config.root, cwd)}\n")
    stdout.write(f"# configuration file: {config_file or '(none: defaults)'}\n")
    stdout.write("[tool.conformance]\n")
    tables: List[str] = []
    for f in fields(config):
        name = f.name.replace("_", "-")
        item = getattr(config, f.name)
        if f.name in (
            "root",
            "config_file",
            "subprojects",
            "configured_roles",
            "src_set",
            "source_warnings",
        ):
            continue
        if f.name in ("roles", "layers", "per_file_ignores"):
            body = "".join(f"{json.dumps(key)} = {value(items)}\n" for key, items in item)
            tables.append(f"\n[tool.conformance.{name}]\n{body}")
        elif f.name == "options":
            from conformance.config import family_options

            for spec in family_options():
                stdout.write(f"{spec.key} = {value(config.option(spec.key))}\n")
        elif item is not None:
            stdout.write(f"{name} = {value(item)}\n")
    stdout.write("".join(tables))
    from conformance.engine import architecture_off
    from conformance.rules import by_code

    off = architecture_off(config)
    if off:
        stdout.write("\n# rules off: their premise needs a role this configuration removes\n")
        table = by_code()
        for code, missing in sorted(off.items()):
            roles = " and ".join(missing)
            stdout.write(f"# {code} {table[code].name}: no {roles} role\n")
    return EXIT_CLEAN


def _rules(args: argparse.Namespace, stdout: TextIO) -> int:
    from conformance.docs import rules_json, rules_table

    stdout.write(rules_json() if args.format == "json" else rules_table())
    return EXIT_CLEAN


def _explain(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """One rule's documentation, or a family's list for a code prefix (``CNF2``)."""
    import json

    from conformance.docs import explain, explain_family, family, rule_json
    from conformance.rules import lookup

    try:
        rule = lookup(args.rule)
    except KeyError:
        rules = family(args.rule)
        if not rules:
            stderr.write(f"error: unknown rule '{args.rule}' (see `conformance rules`)\n")
            return EXIT_ERROR
        if args.format == "json":
            payload = [rule_json(r) for r in rules]
            stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
        else:
            stdout.write(explain_family(args.rule, rules))
        return EXIT_CLEAN
    if args.format == "json":
        stdout.write(json.dumps(rule_json(rule), indent=2, ensure_ascii=False) + "\n")
    else:
        stdout.write(explain(rule))
    return EXIT_CLEAN

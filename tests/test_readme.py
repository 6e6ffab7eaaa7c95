"""The README documents every command-line flag and every configuration key."""

from __future__ import annotations

import re
from pathlib import Path

from conformance.cli import _parser
from conformance.config import core_keys
from conformance.rules import all_options

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_every_check_flag_is_documented() -> None:
    parser = _parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    check = sub.choices["check"]  # type: ignore[union-attr]
    flags = [o for action in check._actions for o in action.option_strings if o.startswith("--")]
    missing = [flag for flag in flags if flag != "--help" and f"`{flag}" not in README]
    assert missing == []


def test_every_config_key_is_documented() -> None:
    keys = list(core_keys()) + [option.key for option in all_options()]
    missing = [key for key in keys if not re.search(rf"`{re.escape(key)}`", README)]
    assert missing == []

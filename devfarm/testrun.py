"""What scripts/test decides and reports about the CentralAuth the farm runs (one test command, issue 17).

* :func:`centralauth_dir` — the extension to load: ``$BANBOT_CENTRALAUTH_DIR``, else CentralAuth REL1_39 lying
  beside the project in ``../shared/vendor`` (as in CI), else none (the stand-in, the double).
* :func:`backend` — the last lines of a test run: which CentralAuth ran, and whether that is a failure (the
  extension was there to load and the farm runs the stand-in).

``python -m devfarm.testrun dir`` prints the directory (or nothing); ``python -m devfarm.testrun backend
[--report FILE]`` prints the report and exits 1 when the real extension should have run and did not: about the
farm the tests used (FILE, written by tests/conftest.py at the end of the session), or without FILE about the
farm as it is now (.wikifarm/farm.json).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VENDORED = ("shared", "vendor", "CentralAuth-REL1_39")


def centralauth_dir(env: Mapping[str, str], root: Path = ROOT) -> str | None:
    """The CentralAuth extension the farm should load, if any."""
    if env.get("BANBOT_CENTRALAUTH_DIR"):
        return env["BANBOT_CENTRALAUTH_DIR"]
    vendored = root.parent.joinpath(*VENDORED)
    return str(vendored) if (vendored / "extension.json").is_file() else None


def backend(farm: Mapping[str, Any] | None, wanted: str | None) -> tuple[str, bool]:
    """The report on which CentralAuth ran and whether the run may pass: (text, ok). ``farm``: farm.json, None
    when no farm was used; ``wanted``: the extension that should have loaded."""
    if farm is None:
        return "CentralAuth backend: none (no test used the farm)", True
    kind = (farm.get("centralauth") or {}).get("kind")
    if kind == "real":
        return f"CentralAuth backend: real (CentralAuth REL1_39 from {wanted or 'the farm as it was made'})", True
    if wanted:
        return (f"CentralAuth backend: stand-in, but the real extension in {wanted} should have loaded and did not: "
                "FAILED (see scripts/wikifarm start's output; `scripts/wikifarm reset` makes the farm anew)"), False
    return ("CentralAuth backend: stand-in (devfarm/doubles/centralauth_double.py; the real-extension tests were "
            "skipped: set BANBOT_CENTRALAUTH_DIR, or put CentralAuth REL1_39 in ../shared/vendor)"), True


def _read(path: Path) -> dict[str, Any] | None:
    try:
        return dict(json.loads(path.read_text()))
    except (OSError, ValueError):
        return None


def main(argv: list[str]) -> int:
    wanted = centralauth_dir(os.environ)
    if argv == ["dir"]:
        print(wanted or "")
        return 0
    if argv[:1] == ["backend"] and len(argv) in (1, 3):
        if len(argv) == 3:  # --report FILE: the farm the tests used, if any
            farm = (_read(Path(argv[2])) or {}).get("farm")
        else:
            farm = _read(Path(os.environ.get("BANBOT_FARM_DIR", ROOT / ".wikifarm")).resolve() / "farm.json")
        text, ok = backend(farm, wanted)
        print(f"scripts/test: {text}")
        return 0 if ok else 1
    print("usage: python -m devfarm.testrun dir | backend [--report FILE]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The pure core imports no network code; only banbot.wiki imports pywikibot, and only when a farm is opened."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "banbot"
PURE = ["banbot.names", "banbot.dates", "banbot.banlist", "banbot.plan", "banbot.state", "banbot.config",
        "banbot.actions", "banbot.crosscheck", "banbot.safety", "banbot.notices", "banbot.review", "banbot.results",
        "banbot.exits", "banbot.checks", "banbot.journal", "banbot.enforce", "banbot.render", "banbot.wiki.gateway",
        "banbot.observe", "banbot.approval", "banbot.plandiff", "banbot.links"]


def test_the_pure_core_loads_no_network_module() -> None:
    code = ("import sys\n" + "".join(f"import {m}\n" for m in PURE) +
            "bad = [m for m in ('pywikibot', 'requests', 'urllib3', 'http.client') if m in sys.modules]\n"
            "print(','.join(bad))")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert res.stdout.strip() == ""


def test_only_the_wiki_package_imports_pywikibot() -> None:
    offenders = []
    for path in SRC.rglob("*.py"):
        if "wiki" in path.relative_to(SRC).parts[:1]:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            if any(n.split(".")[0] == "pywikibot" for n in names):
                offenders.append(str(path))
    assert offenders == []

"""banbot.toml.example documents every key banbot accepts, each with its real default.

The convention (stated at the top of the example): a live ``key = value`` line shows the default itself; a
commented ``# key = value`` line (``# `` at the start of the line) is a key whose default follows other settings,
showing what it comes to in the example. Only the required keys (no default) are live with example values.
The accepted keys come from ``banbot.config.SCHEMA``, the table the unknown-key check reads, so the example,
the check and this test cannot drift apart.
"""

from __future__ import annotations

import copy
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from banbot.config import DEFAULT_NOTICES, SCHEMA, Config, parse_config
from banbot.errors import ConfigError

EXAMPLE = Path(__file__).resolve().parent.parent / "banbot.toml.example"
COMMENTED_FIELD = re.compile(r"^# ([A-Za-z_][A-Za-z0-9_]*) = ", re.MULTILINE)
REQUIRED = {"list.page", "wikis.*.api"}  # no default: live, with an example value
FOLLOWS = {"list.wiki", "farm.central", "enforce.block", "journal.path"}  # default derived from other settings


def accepted() -> set[str]:
    """The keys of the tables the example shows live ([[sources]] is shown as an alternative to [list])."""
    return {f"{table}.{key}" for table, keys in SCHEMA.items() if table and table != "sources.*" for key in keys}


def sources_block(text: str) -> dict[str, Any]:
    """The example's commented [[sources]] tables (lines starting ``##``), as TOML."""
    return tomllib.loads("\n".join(line[2:] for line in text.splitlines() if line.startswith("##")))


def dotted(doc: dict[str, Any]) -> dict[str, Any]:
    """Every documented key, as ``table.key`` (each [wikis.<dbname>] table as ``wikis.*``) → its value."""
    out: dict[str, Any] = {}
    for table, body in doc.items():
        if table == "wikis":
            for wiki in body.values():
                out.update({f"wikis.*.{k}": v for k, v in wiki.items()})
        elif isinstance(body, dict):
            out.update({f"{table}.{k}": v for k, v in body.items()})
        else:
            out[table] = body
    return out


def without(doc: dict[str, Any], key: str) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    table, name = key.rsplit(".", 1)
    for body in (doc["wikis"].values() if table == "wikis.*" else [doc[table]]):
        body.pop(name, None)
    return doc


def parse(doc: dict[str, Any]) -> Config | str:
    try:
        return parse_config(doc, EXAMPLE)
    except ConfigError as e:
        return f"ConfigError: {e}"


def example_problems(text: str) -> list[str]:
    """What is wrong with an example config text, by the convention above; [] when nothing is."""
    try:
        live = tomllib.loads(text)
        full = tomllib.loads(COMMENTED_FIELD.sub(r"\1 = ", text))  # every field, commented or not
    except tomllib.TOMLDecodeError as e:
        return [f"not valid TOML once its commented fields are uncommented (a key shown twice?): {e}"]
    problems = []
    if set(full) != set(SCHEMA[""]) - {"sources"}:
        problems.append(f"top-level tables {sorted(full)} are not banbot's {sorted(set(SCHEMA['']) - {'sources'})}")
    for wiki, body in full.get("wikis", {}).items():
        if set(body) != set(SCHEMA["wikis.*"]):
            problems.append(f"[wikis.{wiki}] documents {sorted(body)}, not every key {sorted(SCHEMA['wikis.*'])}")
        problems += [f"wikis.*.{k} is commented out in [wikis.{wiki}], but its default is a value: show it live"
                     for k in sorted(set(body) - set(live.get("wikis", {}).get(wiki, {})))]
    documented, shown_live = dotted(full), dotted(live)
    problems += [f"{k} is not documented" for k in sorted(accepted() - set(documented))]
    problems += [f"{k} is documented but banbot does not accept it" for k in sorted(set(documented) - accepted())]
    for key in sorted(documented.keys() & accepted()):
        if key in FOLLOWS and key in shown_live:
            problems.append(f"{key}: its default follows other settings; show it commented out "
                            f"(# {key.split('.')[-1]} = …)")
        if key not in FOLLOWS and key not in shown_live:
            problems.append(f"{key} is commented out, but its default is a value: show it live")
    if problems:
        return problems
    everything = parse(full)
    if isinstance(everything, str):
        return [f"the example with every field uncommented does not load: {everything}"]
    for key in sorted(documented.keys() - REQUIRED):
        if parse(without(full, key)) != everything:
            problems.append(f"{key} = {documented[key]!r} is not its default: the config differs without it")
    if full["enforce"].get("notices") != DEFAULT_NOTICES:
        problems.append("[enforce.notices] must show exactly the default notices (every language, as in the code)")
    if parse(live) != everything:
        problems.append("the example as written differs from the example with its commented fields uncommented")
    return problems


@pytest.fixture(autouse=True)
def _default_state_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XDG_STATE_HOME", raising=False)  # the journal's default, as the example shows it


def test_the_example_documents_every_key_banbot_accepts_each_with_its_real_default() -> None:
    assert example_problems(EXAMPLE.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("edit, problem", [
    (('link_prefix = ""', 'link_prefix = "m:"'), "list.link_prefix = 'm:' is not its default"),
    (("max_actions = 100", "max_actions = 50"), "safety.max_actions = 50 is not its default"),
    (('noemail = true', 'noemail = false'), "enforce.noemail = False is not its default"),
    (('noemail = true', ''), "enforce.noemail is not documented"),
    (('exempt_users = []', 'exempt_users = []\n# exempt_user = []'), "enforce.exempt_user is documented but banbot"),
    (('lock_file = ""', '# lock_file = ""'), "safety.lock_file is commented out"),
    (('# central = "metawiki"', 'central = "metawiki"'), "farm.central: its default follows other settings"),
    (('# central = "metawiki"', '# central = "enwiki"'), "farm.central = 'enwiki' is not its default"),
    (('# block = false', '# block = true'), "enforce.block = True is not its default"),
    (('zh = ', 'zh-hans = '), "[enforce.notices] must show exactly the default notices"),
    (('lang = "en"                             # the language',
      '# lang = "en"                           # the language'), "wikis.*.lang is commented out"),
])
def test_the_example_check_finds_a_wrong_missing_or_unknown_field(edit: tuple[str, str], problem: str) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert edit[0] in text
    problems = example_problems(text.replace(edit[0], edit[1], 1))
    assert any(problem in p for p in problems), problems


def test_the_example_check_finds_a_field_shown_both_live_and_commented() -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace('notify = true', 'notify = true\n# notify = true', 1)
    assert "a key shown twice" in example_problems(text)[0]


def test_the_example_documents_every_sources_key_and_its_sources_load_in_place_of_list() -> None:
    text = EXAMPLE.read_text()
    block = sources_block(text)
    documented = {k for table in block["sources"] for k in table}
    assert documented == set(SCHEMA["sources.*"])
    doc = tomllib.loads(text)
    del doc["list"]
    cfg = parse_config({**doc, **block}, EXAMPLE)
    assert [(s.name, str(s.sanction)) for s in cfg.sources] == [("foundation", "ban"), ("rights-removals", "restrict")]
    with pytest.raises(ConfigError, match=r"both \[list\] and \[\[sources\]\]"):
        parse_config({**tomllib.loads(text), **block}, EXAMPLE)

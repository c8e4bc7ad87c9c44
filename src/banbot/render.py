"""Render ban lists, plans and reports for people (table, wikitext) and scripts (JSON).

Every renderer reads the same frozen object the executor uses; nothing here decides anything.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from banbot.actions import Plan
from banbot.banlist import BanList
from banbot.enforce import Report
from banbot.names import shown
from banbot.results import Results


def to_json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)


def write_json(data: Any, out: TextIO) -> None:
    """:func:`to_json` written in pieces, with its final newline (no whole-document string in memory)."""
    json.dump(data, out, indent=2, ensure_ascii=False)
    out.write("\n")


def width() -> int:
    """The terminal's width; off a terminal, wide enough that nothing needs folding."""
    return shutil.get_terminal_size((200, 24)).columns if sys.stdout.isatty() else 200


def table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A plain-text table, measured by rich (CJK and other wide characters take two columns); long cells
    fold onto further lines instead of being cut. Every cell goes through names.shown: an invisible
    character in a name must be visible to the reviewer."""
    t = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="", expand=False)
    for h in headers:
        t.add_column(h, overflow="fold")
    for r in rows:
        t.add_row(*(Text("" if c is None else shown(str(c))) for c in r))
    console = Console(width=width(), no_color=True, highlight=False, color_system=None, emoji=False)
    with console.capture() as cap:
        console.print(t)
    return "\n".join(line.rstrip() for line in cap.get().splitlines()).strip("\n")


def plural(n: int, word: str, words: str | None = None) -> str:
    return f"{n} {word if n == 1 else words or word + 's'}"


def _where(bans_or_plan: BanList | Plan) -> str:
    src = bans_or_plan.source
    if src.kind == "request":
        return f"a request by {src.location}"
    if src.kind == "wiki":
        return f"{src.location}:{src.title} revision {src.revid} by {src.user} at {src.timestamp}"
    return src.location


def banlist_table(bans: BanList) -> str:
    out = [f"ban list from {_where(bans)}" + (f", section {bans.section!r}" if bans.section else "")]
    if bans.entries:
        out.append(table(["line", "user", "since", "status"],
                         [(e.line, e.user, e.since.isoformat() if e.since else "?", "lifted" if e.lifted else "active")
                          for e in bans.entries]))
    if bans.problems:
        out.append("\nrows banbot cannot read (never acted on):")
        out.append(table(["line", "reason", "text"], [(p.line, p.reason, p.text.strip()) for p in bans.problems]))
    out.append(f"\n{plural(len(bans.entries), 'entry', 'entries')} ({len(bans.active)} active, "
               f"{len(bans.lifted)} lifted), {plural(len(bans.problems), 'problem')}")
    return "\n".join(out)


def plan_table(plan: Plan) -> str:
    out = [f"plan for {'' if plan.source.kind == 'request' else 'the list at '}{_where(plan)}"]
    if plan.actions:
        out.append(table(["#", "user", "wiki", "action"],
                         [(i + 1, a.user, a.wiki, a.describe()) for i, a in enumerate(plan.actions)]))
    if plan.holds:
        out.append("\nheld for a human (banbot will not act on these):")
        out.append(table(["user", "wiki", "why"], [(h.user, h.wiki or "*", h.reason) for h in plan.holds]))
    n = len(plan.actions)
    out.append(f"\n{n} action{'s' if n != 1 else ''} pending for {len({a.user for a in plan.actions})} of "
               f"{len(plan.users)} accounts, {len(plan.holds)} held; digest {plan.digest}")
    return "\n".join(out)


# Characters a name must not carry raw into wikitext: markup, template and table syntax, signatures. As numeric
# references they read the same, and MediaWiki decodes them in link targets, so {{user|1=…}} links the account.
_WIKI_SPECIAL = {c: f"&#{ord(c)};" for c in "&<>[]{}|=~'*#:;!"}


def wiki_escaped(text: str) -> str:
    """``text`` as literal wikitext, e.g. a template argument: ``A=B`` → ``A&#61;B``."""
    return "".join(_WIKI_SPECIAL.get(c, c) for c in text)


def nowiki(text: str) -> str:
    """``text`` inside <nowiki>: nothing in it can close the tag."""
    return f"<nowiki>{text.replace('<', '&lt;')}</nowiki>"


def user_link(name: str) -> str:
    return f"{{{{user|1={wiki_escaped(name)}}}}}"


def plan_wikitext(plan: Plan) -> str:
    """A sortable wikitable to post on-wiki for review. Accounts CentralAuth hides (and those this key cannot
    see, which may be hidden) are counted under the table, never named."""
    rev = plan.source.revid
    where = f"[[{plan.source.title}]]" if plan.source.kind == "wiki" else nowiki(str(plan.source.title))
    lines = [f"Plan {plan.digest[:12]} for {where}" + (f" ([[Special:PermanentLink/{rev}|rev {rev}]])" if rev else ""),
             '{| class="wikitable sortable"', "! # !! User !! Wiki !! Action"]
    shown_actions = [a for a in plan.actions if not a.hidden]
    for i, a in enumerate(shown_actions):
        lines += ["|-", f"| {i + 1} || {user_link(a.user)} || {a.wiki} || {nowiki(shown(a.describe()))}"]
    for h in plan.holds:
        if not h.unnamed:
            lines += ["|-", f"| – || {user_link(h.user)} || {h.wiki or '*'} || ''held:'' {nowiki(shown(h.reason))}"]
    lines.append("|}")
    hidden = {a.user for a in plan.actions if a.hidden}
    hidden_held = {h.user for h in plan.holds if h.hidden} - hidden
    unseen = {h.user for h in plan.holds if h.unnamed and not h.hidden}
    if hidden:
        n = len(plan.actions) - len(shown_actions)
        lines.append(f"\n{plural(len(hidden), 'hidden account')} (never named here): {plural(n, 'action')}.")
    if hidden_held:
        lines.append(f"\n{plural(len(hidden_held), 'hidden account')} (never named here): held for a human.")
    if unseen:
        lines.append(f"\n{plural(len(unseen), 'account')} not visible to this key (hidden, or no such account; "
                     "never named here): held.")
    return "\n".join(lines)


def report_table(report: Report) -> str:
    out = []
    if report.settled_from_crash:
        out.append("settled from an interrupted run: " + "; ".join(report.settled_from_crash))
    if report.outcomes:
        out.append(table(["user", "wiki", "action", "outcome"],
                         [(o.action.user, o.action.wiki, o.action.describe(),
                           o.status + (f" ({o.code}: {o.info})" if o.code else "")) for o in report.outcomes]))
    out.append(report.line())
    return "\n".join(out)


def blockers_text(blockers: Sequence[Any]) -> str:
    lines = ["\napply is held back by:"]
    for b in blockers:
        lines.append(f"  [{b.rule}] {b.message}" + ("" if b.overridable else " (cannot be overridden)"))
    if any(b.overridable for b in blockers):
        lines.append("  after review, `banbot apply --force` overrides the rules that can be overridden")
    return "\n".join(lines)


def results_table(res: Results) -> str:
    """The report on a terminal: every row, hidden accounts named and marked (the operator's key sees them)."""
    if not res.rows:
        return "report: the journal records no action yet"
    out = [table(["account", "wiki", "action", "outcome", "when", "run"],
                 [(r.user + (" (hidden)" if r.hidden else ""), r.wiki, r.what,
                   r.outcome + (f": {r.code}" if r.code else ""), r.when, r.run) for r in res.rows])]
    out.append(f"\nthe last {plural(len(res.rows), 'action')} of {res.total} in the journal")
    return "\n".join(out)


def results_wikitext(res: Results, centralauth: bool) -> str:
    """The report to publish: a sortable wikitable; hidden accounts are counted below it, never named."""
    from banbot import __version__

    lines = [f"Results of banbot runs (last {res.limit} actions), from its journal (banbot {__version__}).", "",
             '{| class="wikitable sortable"', "! Account !! Wiki !! Action !! Outcome !! When !! Run"]
    for r in res.named:
        name = wiki_escaped(r.user)
        who = f"[[Special:CentralAuth/{name}|{name}]]" if centralauth else f"[[User:{name}|{name}]]"
        outcome = r.outcome + (f": <code>{wiki_escaped(r.code)}</code>" if r.code else "")
        lines += ["|-", f"| {who} || {r.wiki} || {wiki_escaped(r.what)} || {outcome} || {r.when} || {r.run}"]
    lines.append("|}")
    counts = res.hidden_counts()
    if counts:
        lines += ["", "Hidden accounts are counted, never named:"] + [f"* {c}" for c in counts]
    return "\n".join(lines)

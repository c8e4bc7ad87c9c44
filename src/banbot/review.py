"""What `audit` and `lifted` show, built from observed state and the plan (pure)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from banbot.actions import ActionKind, Plan, Scope
from banbot.banlist import BanList
from banbot.state import AccountState


def audit_rows(wanted: Sequence[str], listed: Collection[str], states: Mapping[str, AccountState],
               plan: Plan) -> tuple[list[dict[str, Any]], set[str]]:
    """One row per account and wiki: what the list requires, the state found, and whether it is in place;
    and the accounts out of place (an action pending, or held back while the list requires it)."""
    rows: list[dict[str, Any]] = []
    out_of_place: set[str] = set()
    for name in wanted:
        st = states[name]
        pending = [a for a in plan.actions if a.user == name]
        held = [h for h in plan.holds if h.user == name and not h.missing]
        if pending or held:
            out_of_place.add(name)
        required = "banned" if name in listed else "not listed"
        if not st.exists:
            rows.append({"user": name, "wiki": "*", "required": required, "state": "no such account", "ok": True})
            continue
        if st.locked is not None:
            rows.append({"user": name, "wiki": "(global)", "required": required,
                         "state": ("locked" if st.locked else "not locked") + (
                             f"; groups {','.join(st.global_groups)}" if st.global_groups else ""),
                         "ok": not any(a.scope == Scope.GLOBAL for a in pending)})
        for acct in st.local:
            state = ", ".join(filter(None, [
                "groups " + ",".join(acct.groups) if acct.groups else "",
                ("partially blocked" if acct.block_partial else "blocked") if acct.blocked else "",
                "" if acct.attached else "unattached"])) or "no groups, not blocked"
            ok = not any(a.wiki == acct.wiki and a.scope == Scope.LOCAL for a in pending) and \
                not any(h.wiki == acct.wiki for h in held)
            rows.append({"user": name, "wiki": acct.wiki, "required": required, "state": state, "ok": ok})
        for a in pending:
            if a.kind != ActionKind.NOTIFY:
                continue
            row = next((r for r in rows if r["user"] == name and r["wiki"] == a.wiki), None)
            if row is None:
                rows.append({"user": name, "wiki": a.wiki, "required": required, "state": "no notice", "ok": False})
            else:
                row.update(state=f"{row['state']}, no notice", ok=False)
        for h in held:
            if h.wiki is None:
                rows.append({"user": name, "wiki": "*", "required": required, "state": h.reason, "ok": False})
    return rows, out_of_place


def lifted_rows(last_active: Sequence[str], bans: BanList, states: Mapping[str, AccountState]) -> list[dict[str, str]]:
    """Accounts active at the last applied revision and not now: how they left, and their state today."""
    active = {e.user for e in bans.active}
    struck = {e.user: e for e in bans.lifted}
    rows = []
    for name in (u for u in last_active if u not in active):
        how = f"struck on line {struck[name].line}" if name in struck else "no longer on the list"
        st = states[name]
        now = (["locked"] if st.locked else []) + [f"blocked on {a.wiki}" for a in st.local if a.blocked]
        rows.append({"user": name, "change": how, "state": ", ".join(now) or "not locked or blocked"})
    return rows

"""What `audit` and `lifted` show, built from observed state and the plan (pure)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from banbot.actions import ACTION_TYPES, Plan, Scope
from banbot.banlist import BanList
from banbot.journal import Dismissal, Sanction
from banbot.state import AccountState


def audit_rows(wanted: Sequence[str], listed: Collection[str], states: Mapping[str, AccountState],
               plan: Plan, requires: str = "banned") -> tuple[list[dict[str, Any]], set[str]]:
    """One row per account and wiki: what the list requires (``requires``: its sanction, as a word), the
    state found, and whether it is in place; and the accounts out of place (an action pending, or held back
    while the list requires it)."""
    rows: list[dict[str, Any]] = []
    out_of_place: set[str] = set()
    for name in wanted:
        st = states[name]
        pending = [a for a in plan.actions if a.user == name]
        held = [h for h in plan.holds if h.user == name and not h.missing]
        if pending or held:
            out_of_place.add(name)
        required = requires if name in listed else "not listed"
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
            if a.lasting:
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


def lifted_rows(sanctions: Sequence[Sanction], bans: BanList, states: Mapping[str, AccountState],
                dismissed: Mapping[str, Dismissal]) -> list[dict[str, Any]]:
    """Every account banbot sanctioned that is no longer an active entry and whose sanction is still in place on
    the wiki: how it left the list, what is still in place, and when banbot placed it. An account leaves this
    view only when a human lifts the sanction on the wiki (no longer locked, nor blocked where banbot blocked it;
    for an account banbot only took groups from: the groups are back) or dismisses it after review
    (``banbot lifted --dismiss``) later than banbot's last sanction of it."""
    active = {e.user for e in bans.active}
    struck = {e.user: e for e in bans.lifted}
    by_user: dict[str, list[Sanction]] = {}
    for s in sanctions:
        by_user.setdefault(s.user, []).append(s)
    rows: list[dict[str, Any]] = []
    for name, placed in by_user.items():
        last = max(s.at for s in placed)
        if name in active or (name in dismissed and dismissed[name].at >= last):
            continue
        st = states.get(name)
        if st is None:
            continue
        still = in_place(placed, st)
        if not still:
            continue
        if name in struck:
            how = f"struck on line {struck[name].line}"
        elif all(s.command == "enforce" for s in placed):
            asked = sorted({s.requested_by for s in placed if s.requested_by})
            how = "enforced on request" + (f" by {', '.join(asked)}" if asked else "") + ", not on the list"
        else:
            how = "no longer on the list"
        rows.append({"user": name, "change": how, "state": ", ".join(still), "sanctioned": last})
    return sorted(rows, key=lambda r: r["user"])


def in_place(placed: Sequence[Sanction], st: AccountState) -> list[str]:
    """What of banbot's sanctions the account still carries, as read now. An account this login cannot see
    (a hidden one, to a key without centralauth-suppress) is kept in view: nothing says it was lifted."""
    if st.problem == "unseen":
        return ["not visible to this key (hidden accounts need centralauth-suppress)"]
    if not st.exists:
        return []
    # a lock or block stops the account: only those are reported; banbot took only groups: each removal in place
    protective = [s for s in placed if ACTION_TYPES[s.kind].protective]
    looked = sorted(protective, key=lambda s: ACTION_TYPES[s.kind].order) if protective else placed
    still = [text for s in looked
             if (text := ACTION_TYPES[s.kind].in_place({"wiki": s.wiki, "groups": list(s.groups)}, st))]
    return list(dict.fromkeys(still))

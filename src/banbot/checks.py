"""What `banbot check` checks and how it words the result (pure: the command gathers the facts).

One :class:`Check` per row: the bot's login and rights on each wiki against what each sanction the config may
apply needs, the list page, the kill switch, the report page and the journal. A failing check carries one line
that says what to do (terraform's ``validate``, ``kubectl auth can-i``). A check that holds but costs something
the operator can fix is a warning: one line too, and no failure (the exit code stays 0).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from banbot.config import Config, FarmMode


@dataclass(frozen=True)
class Check:
    check: str  # "password", "login", "rights", "verify-logs", "list", "kill-switch", "report-page", "alert-page",
    # "alert-email", "journal"
    target: str  # a wiki, a page, a path
    ok: bool
    detail: str
    fix: str = ""  # what to do, when not ok (or when a warning)
    warning: bool = False  # holds (ok), but at a cost the fix removes

    def data(self) -> dict[str, Any]:
        return {"check": self.check, "target": self.target, "ok": self.ok, "warning": self.warning,
                "detail": self.detail, "fix": self.fix}

    def problem(self) -> str:
        return f"{self.check} ({self.target}): {self.detail}" + (f"; {self.fix}" if self.fix else "")


def needed_rights(cfg: Config) -> dict[str, dict[str, str]]:
    """Per configured wiki: each right enforcement needs there, and what for."""
    enf = cfg.enforce
    groups = bool(enf.remove_groups)
    out: dict[str, dict[str, str]] = {db: {} for db in cfg.wikis}
    if cfg.mode == FarmMode.CENTRALAUTH:
        central = out[cfg.central]
        central["centralauth-lock"] = "lock the global account (setglobalaccountstatus)"
        central["centralauth-suppress"] = "see hidden and suppressed accounts"
        if groups:
            central["globalgroupmembership"] = "remove global groups"
            central["userrights-interwiki"] = "remove local groups on every attached wiki"
    for db, rights in out.items():
        if enf.block and db not in enf.no_block_wikis:
            rights["block"] = "block the account"
        if groups and cfg.mode == FarmMode.PLAIN:
            rights["userrights"] = "remove its groups"
        notices_here = cfg.mode == FarmMode.CENTRALAUTH or enf.notify_all_wikis or db == cfg.central
        if enf.notify and notices_here and db not in enf.no_notice_wikis:
            rights["edit"] = "post the notice"
            rights["createtalk"] = "create the talk page for the notice"
    if cfg.alerts.page:
        out[cfg.central].setdefault("edit", "append to the alert page")
    if cfg.alerts.email:
        out[cfg.central]["sendemail"] = "mail the operators in alerts.email (action=emailuser)"
    return out


KEY_FIX = ("fix the login in user-password.py (a new BotPassword at Special:BotPasswords), then run `banbot check` "
           "again")


def login_check(db: str, bot: str | None, user: Mapping[str, Any] | None, error: str | None,
                fix: str = KEY_FIX) -> Check:
    """The login's row; ``error``: why there is none (``fix``: what to do, when the error does not say it)."""
    if error is not None:
        return Check("login", db, False, error, fix)
    assert user is not None
    if not user.get("id"):
        return Check("login", db, False, "the wiki answers as an anonymous user", "check usernames in user-config.py "
                     "and the BotPassword in user-password.py")
    name = user.get("name")
    if bot and name != bot:
        return Check("login", db, False, f"logged in as {name!r}, not {bot!r}", "fix usernames in user-config.py")
    groups = [g for g in user.get("groups", []) if g not in ("*", "user", "autoconfirmed")]
    return Check("login", db, True, f"logged in as {name}" + (f" (groups {', '.join(groups)})" if groups else ""))


def rights_check(db: str, needed: Mapping[str, str], rights: Collection[str]) -> Check:
    """``kubectl auth can-i`` for each right enforcement needs on this wiki."""
    if not needed:
        return Check("rights", db, True, "nothing to enforce on this wiki")
    missing = [r for r in needed if r not in rights]
    if not missing:
        return Check("rights", db, True, "has " + ", ".join(needed))
    what = "; ".join(f"{r} ({needed[r]})" for r in missing)
    return Check("rights", db, False, f"this key lacks {what}",
                 "give the bot's account the groups that carry these rights (a global steward on CentralAuth farms) "
                 "and its BotPassword or OAuth consumer the grants that carry them (see user-config.py.sample)")


SUPPRESSIONLOG_FIX = ("give a group the bot has on {central} the right suppressionlog (a global group such as "
                      "steward, which has it on Wikimedia), and the bot's BotPassword or OAuth consumer the grant "
                      "viewrestrictedlogs")


def verify_logs_check(cfg: Config, central_rights: Collection[str]) -> Check | None:
    """CentralAuth: whether a due verification may read the logs (banbot.drift) with this key's rights on the
    central wiki. Without ``suppressionlog`` it cannot see the suppression log, where CentralAuth records a lock
    made while suppressing, so every verification falls back to a full re-read: correct, but it reads every
    listed account again. A warning, not a failure. None: not a CentralAuth farm."""
    if cfg.mode != FarmMode.CENTRALAUTH:
        return None
    if cfg.verify_every_hours <= 0 or cfg.full_verify_every_days <= 0:
        return Check("verify-logs", cfg.central, True, "not used: every verification re-reads every account "
                     "(run.verify_every_hours or run.full_verify_every_days is 0)")
    if "suppressionlog" in central_rights:
        return Check("verify-logs", cfg.central, True, "may read the suppression log (suppressionlog): a due "
                     "verification reads the logs and re-reads only the accounts they name")
    return Check("verify-logs", cfg.central, True,
                 "this key lacks suppressionlog, so it cannot read the suppression log (where CentralAuth records a "
                 "lock made while suppressing) and every due verification (run.verify_every_hours) re-reads every "
                 "listed account instead of only those the logs name (REL1_39, N = 100: about 105 requests instead "
                 "of 7)", SUPPRESSIONLOG_FIX.format(central=cfg.central), warning=True)


def journal_check(path: str, *, exists: bool, writable: bool, version: int | None, current: int,
                  error: str | None = None) -> Check:
    if not exists:
        return Check("journal", path, False, "does not exist", "on a first run: `banbot plan --out plan.json`, review "
                     "it, then `banbot apply --plan plan.json --init-journal`; if it was lost, restore it from a "
                     "backup")
    if error is not None:
        return Check("journal", path, False, error, "move it aside and restore it from a backup")
    if not writable:
        return Check("journal", path, False, "is not writable by this user (the file or its folder)",
                     "run banbot as the journal's owner, or fix the permissions of the file and its folder")
    if version is None or version > current:
        return Check("journal", path, False, f"has schema version {version}, newer than this banbot knows ({current})",
                     "upgrade banbot")
    if version < current:
        return Check("journal", path, False, f"has schema version {version}, not {current}",
                     "run `banbot report` (or the next run) with this banbot: it upgrades the journal in place")
    return Check("journal", path, True, f"writable, schema version {version}")


def summary(checks: Sequence[Check]) -> tuple[bool, list[str]]:
    """Whether every check holds, and one line per problem."""
    bad = [c for c in checks if not c.ok]
    return not bad, [c.problem() for c in bad]


def warnings(checks: Sequence[Check]) -> list[str]:
    """One line per check that holds at a cost (a warning: no failure)."""
    return [c.problem() for c in checks if c.ok and c.warning]

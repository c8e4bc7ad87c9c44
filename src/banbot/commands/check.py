"""`banbot check`: does this config's key work, and does everything enforcement needs hold?

Logs in on each wiki the config names and compares the bot's rights (as its grants narrow them) with what each
sanction the config may apply needs; reads the list, the kill switch, the report page and the journal. One row
per check; exit 0 only when all hold, else 1 with one line per problem saying what to do. A warning (a check
that holds at a cost: a CentralAuth key that cannot read the suppression log) is one line too, and exit 0.
Writes nothing.
"""

from __future__ import annotations

import argparse
import functools
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

from banbot import app, checks, render, terminal
from banbot.checks import Check
from banbot.config import Config, Source
from banbot.errors import BanbotError, ConfigError
from banbot.exits import Exit
from banbot.journal import SCHEMA_VERSION
from banbot.safety import PROTECTION_ORDER, protection_level


def run(args: argparse.Namespace) -> int:
    cfg = terminal.config(args)
    found = gather(cfg)
    ok, problems = checks.summary(found)
    warned = checks.warnings(found)
    if terminal.output(args) == "json":
        print(render.to_json({"ok": ok, "checks": [c.data() for c in found], "problems": problems,
                              "warnings": warned}))
    else:
        print(render.table(["check", "target", "ok", "detail"],
                           [(c.check, c.target, ("WARN" if c.warning else "ok") if c.ok else "FAIL", c.detail)
                            for c in found]))
        for line in problems:
            print(f"check: {line}")
        for line in warned:
            print(f"check: warning: {line}")
        print(f"\ncheck: {len(found)} checks, {len(problems)} failed"
              + (f", {len(warned)} warning{'s' if len(warned) > 1 else ''}" if warned else ""))
    return int(Exit.OK if ok else Exit.PENDING)


def _guarded(name: str, target: str, fix: str, fn: Callable[[], Check | list[Check]]) -> list[Check]:
    """One check; an error of banbot's own (a wiki that does not answer, a config pywikibot refuses) is that
    check failing, never a traceback."""
    try:
        got = fn()
    except BanbotError as e:
        return [Check(name, target, False, str(e), fix)]
    return got if isinstance(got, list) else [got]


def gather(cfg: Config) -> list[Check]:
    found: list[Check] = []
    try:
        reader = app.connect(cfg, None, login=False, simulate=True)  # the pages, as anyone reads them
        bot = app.connect(cfg, None, login=True, simulate=True)  # the key: one session per wiki
    except BanbotError as e:
        found.append(Check("pywikibot", str(cfg.pywikibot_dir or "(default)"), False, str(e),
                           ""))
        return found + [journal(cfg)]
    found += _guarded("password", cfg.central, "see user-config.py.sample", lambda: password(cfg, bot))
    if found[-1].ok:
        found += logins(cfg, bot)
    for source in cfg.sources:  # every list, read in its own sanction's shape
        found += _guarded("list", f"{source.wiki}:{source.page}", "", functools.partial(ban_list, cfg, reader, source))
    if cfg.safety.kill_switch:
        found += _guarded("kill-switch", cfg.safety.kill_switch, "",
                          lambda: kill_switch(cfg, reader))
    else:
        found.append(Check("kill-switch", "(none)", True, "turned off (safety.kill_switch is empty)"))
    logged_in = any(c.check == "login" and c.target == cfg.central and c.ok for c in found)
    if cfg.report_page and logged_in:  # without a login, the login's row already says what to fix
        page = cfg.report_page
        found += _guarded("report-page", page, "", lambda: report_page(cfg, bot, page))
    alert_page = cfg.alerts.page
    if alert_page and logged_in:
        found += _guarded("alert-page", alert_page, "", lambda: report_page(cfg, bot, alert_page, "alert-page"))
    if cfg.approval.enabled and logged_in:
        found += _guarded("approval-page", cfg.approval.page, "", lambda: approval_page(cfg, bot))
    if cfg.alerts.email and logged_in:
        found += _guarded("alert-email", ", ".join(cfg.alerts.email), "", lambda: operators(cfg, bot))
    found.append(journal(cfg))
    return found


def password(cfg: Config, bot: app.App) -> Check:
    """The key itself, tried in a login of its own: saved cookies that still make a session hide neither a
    deleted user-password.py nor a password the wiki no longer accepts."""
    folder = str(cfg.pywikibot_dir or "pywikibot's folder")
    if bot.signs_with_oauth():
        return Check("password", folder, True, "an OAuth consumer signs the requests (user-config.py authenticate)")
    why = bot.refused_password()
    if why:
        return Check("password", folder, False, why, checks.KEY_FIX if " refuses " in why else "")
    return Check("password", folder, True, f"{cfg.central} accepts the password user-password.py has for "
                 f"{bot.bot_name()}")


def logins(cfg: Config, bot: app.App) -> list[Check]:
    out: list[Check] = []
    needed = checks.needed_rights(cfg)
    name = bot.bot_name()
    for db in [cfg.central, *(w for w in cfg.wikis if w != cfg.central)]:
        try:
            user = bot.whoami(db)
        except ConfigError as e:  # the key itself: the other wikis read the same user-password.py
            others = len(cfg.wikis) - 1
            out.append(checks.login_check(db, name, None, str(e) + (
                f" (the {others} other wikis were not tried: they use the same key)" if others else "")))
            break
        except BanbotError as e:  # the wiki: down, refusing, answering garbage (the message says which)
            out.append(checks.login_check(db, name, None, str(e), fix=""))
            continue
        login = checks.login_check(db, name, user, None)
        out.append(login)
        if login.ok:
            out.append(checks.rights_check(db, needed[db], user["rights"]))
            logs = checks.verify_logs_check(cfg, user["rights"]) if db == cfg.central else None
            out += [logs] if logs else []
    return out


def ban_list(cfg: Config, reader: app.App, source: Source) -> Check:
    bans = reader.for_source(source).read_list()
    src = bans.source
    level = cfg.safety.require_protection
    what = f"revision {src.revid} by {src.user}: {len(bans.active)} active entries, {len(bans.problems)} problem rows"
    if level and protection_level(src.protection) < PROTECTION_ORDER[level]:
        return Check("list", f"{src.location}:{src.title}", False, f"{what}; not edit-protected at {level}",
                     f"protect the page at {level} (edit), or no run applies it")
    return Check("list", f"{src.location}:{src.title}", True, what)


def kill_switch(cfg: Config, reader: app.App) -> Check:
    blocker = reader.kill_switch()
    page = cfg.safety.kill_switch
    if blocker is not None:
        message = blocker.message.removesuffix("; nothing is written")
        if "could not be read" in message or "does not exist" in message:  # the message says what to do
            return Check("kill-switch", page, False, message)
        return Check("kill-switch", page, False, message,
                     f"protect it at {cfg.safety.require_protection or 'any level'}, and have a trusted editor "
                     f"(safety.trusted_groups) write {cfg.safety.kill_switch_word!r} on it")
    return Check("kill-switch", page, True, f"says {cfg.safety.kill_switch_word!r}, protected, last changed by a "
                 "trusted editor")


def report_page(cfg: Config, bot: app.App, page: str, kind: str = "report-page") -> Check:
    exists, editable = bot.can_edit(page)
    where = f"{cfg.central}:{page}"
    if not editable:
        return Check(kind, where, False, "this key may not edit it",
                     "give the key the grant to edit pages (editpage; editprotected if the page is protected), or "
                     "unprotect the page")
    return Check(kind, where, True, "editable" if exists else "does not exist yet; the bot may create it")


def approval_page(cfg: Config, bot: app.App) -> Check:
    """The page plans wait on: the bot may post there, and an approval only counts on a page protected at
    safety.require_protection (anyone could approve on an open page)."""
    page, level = cfg.approval.page, cfg.safety.require_protection
    posted = report_page(cfg, bot, page, "approval-page")
    if not posted.ok or not level:
        return posted
    if protection_level(bot.page_protection(cfg.list_wiki, page)) < PROTECTION_ORDER[level]:
        return Check("approval-page", f"{cfg.list_wiki}:{page}", False, f"not edit-protected at {level}, so no "
                     "approval written there counts", f"protect the page at {level} (edit)")
    return Check("approval-page", f"{cfg.list_wiki}:{page}", True, f"{posted.detail}; protected at {level}")


def operators(cfg: Config, bot: app.App) -> list[Check]:
    """Each operator in alerts.email: an account the wiki will mail (a confirmed address, mail from users on)."""
    me = bot.bot_name()
    names = [*cfg.alerts.email, *([me] if me and me not in cfg.alerts.email else [])]
    out = []
    for u in bot.emailable(names):
        where = f"{cfg.central}:User:{u.get('name')}"
        if u.get("name") == me and me not in cfg.alerts.email:
            out.append(Check("alert-email", where, bool(u.get("emailable")), "the bot may send mail"
                             if u.get("emailable") else "the bot has no confirmed e-mail address, so the wiki "
                             "sends no mail from it", "" if u.get("emailable") else
                             "confirm an e-mail address for the bot account (Special:ChangeEmail)"))
        elif u.get("missing") or u.get("invalid"):
            out.append(Check("alert-email", where, False, "no such account", "fix the name in alerts.email"))
        elif not u.get("emailable"):
            out.append(Check("alert-email", where, False, "the wiki will not mail this account",
                             "the operator confirms an e-mail address and allows mail from other users "
                             "(Special:Preferences)"))
        else:
            out.append(Check("alert-email", where, True, "may be mailed"))
    return out


def journal(cfg: Config) -> Check:
    path = Path(cfg.journal)
    if not path.exists():
        return checks.journal_check(str(path), exists=False, writable=False, version=None, current=SCHEMA_VERSION)
    writable = os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            check = db.execute("PRAGMA quick_check").fetchone()
            version = int(db.execute("PRAGMA user_version").fetchone()[0])
        finally:
            db.close()
    except sqlite3.Error as e:
        return checks.journal_check(str(path), exists=True, writable=writable, version=None, current=SCHEMA_VERSION,
                                    error=f"unreadable: {e}")
    if not check or check[0] != "ok":
        return checks.journal_check(str(path), exists=True, writable=writable, version=version,
                                    current=SCHEMA_VERSION, error=f"failed its integrity check ({check})")
    return checks.journal_check(str(path), exists=True, writable=writable, version=version, current=SCHEMA_VERSION)

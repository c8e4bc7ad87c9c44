"""After each `run` and `watch` pass: turn what the pass found into alerts and send the new and resolved ones
(:mod:`banbot.alerts` decides, this module reads the journal and the farm and writes).

The open alerts and the lines still to send live in the journal, so each condition alerts once and a line that
could not be sent (the farm down, mail refused) goes out with a later pass. Alerting never ends a pass: any
failure here is one log line. The hourly login check lives here too: the password in user-password.py is tried
in a login of its own (:func:`banbot.wiki.identity.refused_password`) at most once an hour, on each configured
wiki, whether or not the list changed.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Sequence

from banbot import alerts, app
from banbot.actions import Plan
from banbot.alerts import Condition, Family, PassOutcome
from banbot.banlist import BanList
from banbot.config import Config
from banbot.enforce import Report
from banbot.errors import (
    AwaitingApproval,
    BanbotError,
    ConfigError,
    InputError,
    JournalError,
    RunInProgress,
    UnsafeRun,
    WikiError,
)
from banbot.exits import Exit
from banbot.journal import Journal, now
from banbot.runlock import RunLock
from banbot.safety import Blocker

log = logging.getLogger(__name__)

Sender = Callable[[Config, Journal, dict[str, list[tuple[int, str]]]], list[int]]
LOGIN_EVERY_S = 3600.0
LOGIN_CHECKED = "alerts:login-checked"  # meta: when the password was last tried (epoch seconds)
FAILING = "alerts:failing"  # meta: key → [since (epoch seconds), text] of what is unusable now


def outcome(seen: tuple[BanList, Plan] | None, blockers: Sequence[Blocker], report: Report | None = None,
            error: BanbotError | None = None, unchanged: bool = False) -> PassOutcome | None:
    """What a pass found, and which families it can speak for; None: nothing to say (another run held the
    lock, or the pass was interrupted)."""
    bans, plan = seen if seen else (None, None)
    interrupted = report is not None and report.exit_code == Exit.INTERRUPTED
    if isinstance(error, (RunInProgress, JournalError)) or interrupted:
        return None
    if error is None:  # the pass ran to the end; an unchanged one read neither the rails nor the kill switch
        looked = set(Family) - ({Family.KILL_SWITCH} if unchanged else set())
        return PassOutcome(bans, plan, tuple(blockers), report, looked_at=frozenset(looked))
    if isinstance(error, UnsafeRun):
        waiting = str(error).splitlines()[0] if isinstance(error, AwaitingApproval) else None
        return PassOutcome(bans, plan, tuple(blockers), waiting=waiting, looked_at=frozenset(
            {Family.HELD, Family.KILL_SWITCH, Family.ERROR, Family.APPROVAL}))  # nothing of lifted bans
    unreachable = isinstance(error, WikiError)
    text = f"{error.code} on {error.wiki}" if isinstance(error, WikiError) and error.wiki else (
        error.code if isinstance(error, WikiError) else str(error).splitlines()[0] if str(error) else "")
    if not unreachable and not isinstance(error, (InputError, ConfigError)):
        text = f"{type(error).__name__} (see the bot's log)"  # a journal or lock error may name the host's files
    return PassOutcome(bans, plan, error=text, error_kind=type(error).__name__, unreachable=unreachable,
                       looked_at=frozenset({Family.ERROR}))


def idle() -> PassOutcome:
    """A poll of `watch` that ran no pass: it speaks only for the farm answering and the hourly login check."""
    return PassOutcome()


def login_problems(cfg: Config) -> dict[str, str]:
    """Each configured wiki whose password the wiki refuses (or pywikibot lacks): wiki → why (2 requests a
    wiki: a login token and the login)."""
    from banbot.wiki.identity import refused_password
    from banbot.wiki.session import open_farm

    farm = open_farm(cfg, login=False, simulate=True)
    out = {}
    for db, w in cfg.wikis.items():
        why = refused_password(farm[db], w.api, cfg.user_agent)
        if why is not None:
            out[db] = why
    return out


def _failing(cfg: Config, j: Journal, o: PassOutcome, clock: float,
             check_login: Callable[[Config], dict[str, str]]) -> list[Condition]:
    """The farm and key conditions due now; remembers since when each has been failing."""
    before: dict[str, list[object]] = json.loads(j.recall(FAILING) or "{}")
    failing = {"unusable:farm": f"the farm cannot be used: {o.error}"} if o.unreachable else {}
    last = j.recall(LOGIN_CHECKED)
    if last is None or not 0 <= clock - float(last) < LOGIN_EVERY_S:  # never tried, an hour ago, or the clock moved
        refused = check_login(cfg)
        j.remember(LOGIN_CHECKED, repr(clock))
        for why in refused.values():
            log.warning("alerts: login check: %s", why)
        unanswered = [db for db, why in refused.items() if why.startswith("could not try the password")]
        if unanswered and not o.unreachable:  # the wiki did not answer: the farm, not the key
            failing["unusable:farm"] = f"the farm does not answer ({', '.join(unanswered)})"
        refused = {db: why for db, why in refused.items() if db not in unanswered}
        # the reason may name files on the bot's host: the alert says only where, and where to look
        failing |= {f"key:{db}": f"the bot's password for {db} is refused or missing (`banbot check` on the bot's "
                                 "host says why)" for db in refused}
    else:  # not tried this pass: what failed at the last try still fails
        failing |= {k: str(v[1]) for k, v in before.items() if k.startswith("key:")}
    since = {k: float(str(v[0])) for k, v in before.items()}
    got = alerts.unusable_conditions(failing, since, clock, cfg.alerts.unusable_after_minutes * 60)
    j.remember(FAILING, json.dumps({k: [got.since[k], failing[k]] for k in failing}))
    return list(got.conditions)


def _lifted(j: Journal, o: PassOutcome, scoped: bool = False) -> list[Condition]:
    """Accounts banbot sanctioned for this pass's list that it no longer lists (``scoped``: with several
    sources, each source's alerts are its own)."""
    if o.bans is None:
        return []
    src = o.bans.source
    sanctions = j.sanctions(src.location, src.title) if scoped else j.sanctions()
    last = {s.user: s.at for s in sanctions}
    dismissed = {u for u, d in j.dismissals().items() if u in last and d.at >= last[u]}
    hidden = {r.user for r in j.history(sorted(last)) if r.data.get("hidden")} if last else set()
    return alerts.lifted_conditions(last, {e.user for e in o.bans.active}, dismissed, hidden,
                                    scope=f"{src.location}:{src.title}" if scoped else "")


def after_pass(cfg: Config, o: PassOutcome | None, stopping: threading.Event | None = None, *,
               clock: Callable[[], float] = time.time,
               check_login: Callable[[Config], dict[str, str]] = login_problems,
               send: Sender | None = None) -> None:
    """Record what this pass found, open and close alerts, and send what is unsent. Never raises."""
    after_passes(cfg, [o], stopping, clock=clock, check_login=check_login, send=send)


def after_passes(cfg: Config, outcomes: Sequence[PassOutcome | None], stopping: threading.Event | None = None, *,
                 clock: Callable[[], float] = time.time,
                 check_login: Callable[[Config], dict[str, str]] = login_problems,
                 send: Sender | None = None) -> None:
    """:func:`after_pass` for a pass over several sources, one outcome each: an alert is resolved only when
    every source's pass looked at its kind of condition, so one source cut short resolves nothing of another's."""
    try:
        if stopping is not None and stopping.is_set():
            return  # SIGTERM: stop now; what this pass found is found again by the next one
        found = [o for o in outcomes if o is not None]
        if not found or not cfg.alerts.enabled or not cfg.journal.exists():
            return  # no channel: nobody to tell (the pass's own line and exit code still say it)
        with RunLock(cfg.lock_file):  # another run holds it: it alerts, or this process does next pass
            _after_pass(cfg, found, clock, check_login, send or deliver)
    except RunInProgress:
        log.info("alerts: another run holds the lock; its pass, or the next one here, sends the alerts")
    except Exception as e:  # noqa: BLE001 - an alert that cannot be sent must never end the pass
        log.warning("alerts: not sent, tried again next pass: %s: %s", type(e).__name__, str(e).splitlines()[0]
                    if str(e) else "")


def _after_pass(cfg: Config, found: Sequence[PassOutcome], clock: Callable[[], float],
                check_login: Callable[[Config], dict[str, str]], send: Sender) -> None:
    j = Journal(cfg.journal)
    try:
        current = [c for o in found for c in alerts.pass_conditions(o)]
        current += _failing(cfg, j, found[0], clock(), check_login)
        looked_at = set.intersection(*(set(o.looked_at) for o in found)) | {Family.UNUSABLE, Family.KEY}
        if Family.LIFTED in looked_at:
            scoped = len(cfg.sources) > 1
            current += [c for o in found for c in _lifted(j, o, scoped)]
        d = alerts.diff(j.open_alerts(), current, {str(f) for f in looked_at})
        at = now()
        lines = [alerts.line("alert", c, at) for c in d.new] + [alerts.line("resolved", c, at) for c in d.resolved]
        for text in lines:
            log.warning("alerts: %s", text)
        channels = (["page"] if cfg.alerts.page else []) + [f"mail:{u}" for u in cfg.alerts.email]
        if d.new or d.resolved:
            j.record_alerts([(c.key, c.text) for c in d.new], [c.key for c in d.resolved], lines, channels)
        unsent = {ch: rows for ch, rows in j.unsent_alerts().items() if ch in channels}
        if unsent:
            j.alerts_sent(send(cfg, j, unsent))
    finally:
        j.close()


def subject(lines: list[str]) -> str:
    """The mail's subject: the first line without its time, cut at a word, and how many more follow."""
    first = lines[0].split(" ", 1)[1]
    if len(first) > 80:
        first = first[:80].rsplit(" ", 1)[0] + " …"
    return f"banbot: {first}" + (f" (+{len(lines) - 1} more)" if len(lines) > 1 else "")


def deliver(cfg: Config, j: Journal, unsent: dict[str, list[tuple[int, str]]]) -> list[int]:
    """Append the page's lines in one edit and mail each operator theirs; the ids sent. A channel that fails
    is logged and left for the next pass. Journaled as a run of its own (command ``alerts``) that records
    each channel's outcome. The kill switch stops enforcement, not alerts: it is what an alert reports."""
    from banbot.render import nowiki
    from banbot.wiki.session import open_farm

    client = open_farm(cfg, login=True, simulate=False, only=[cfg.central]).central
    sent: list[int] = []
    with app.journaled_run(j, "alerts", why=f"alert lines to {', '.join(unsent)}") as outcome:
        for channel, rows in unsent.items():
            lines = [line for _, line in rows]
            try:
                if channel == "page" and cfg.alerts.page:
                    text = "".join(f"\n* {nowiki(line)}" for line in lines)
                    client.call({"action": "edit", "title": cfg.alerts.page, "appendtext": text, "bot": 1,
                                 "summary": f"banbot: {len(lines)} alert line{'s' if len(lines) != 1 else ''}",
                                 "watchlist": "nochange", "token": client.token("csrf")}, write=True)
                elif channel.startswith("mail:"):
                    client.call({"action": "emailuser", "target": channel.removeprefix("mail:"),
                                 "subject": subject(lines),
                                 "text": "\n".join(lines) + "\n\n-- banbot (alerts.email in its config)\n",
                                 "token": client.token("csrf")}, write=True)
                else:
                    continue
            except Exception as e:  # noqa: BLE001 - one channel failing does not stop the others
                log.warning("alerts: %s not sent, tried again next pass: %s: %s", channel, type(e).__name__, e)
                outcome[channel] = f"failed: {type(e).__name__}"
                continue
            outcome[channel] = f"sent {len(rows)}"
            sent += [i for i, _ in rows]
    return sent

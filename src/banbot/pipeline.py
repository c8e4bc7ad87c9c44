"""The steps every command shares: read the list, observe the farm, make the plan.

Thin glue between the pure core (banlist, plan) and the adapters (wiki); the CLI calls these.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any

from banbot.banlist import BanList, ListSource, parse
from banbot.config import Config
from banbot.errors import PlanRejected, SourceUnreadable
from banbot.journal import Journal
from banbot.plan import Plan, PlanSettings, make_plan, plan_from_json
from banbot.safety import Blocker, kill_switch_blocker, trust_blockers

_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)

log = logging.getLogger(__name__)


def read_text_file(path: str | Path) -> str:
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as e:
        raise SourceUnreadable(f"cannot read {p}: {e.strerror}") from None
    if b"\x00" in raw:
        raise SourceUnreadable(f"{p} is binary, not wikitext (it contains NUL bytes)")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise SourceUnreadable(f"{p} is not UTF-8 text (byte {e.start}); save it as UTF-8") from None


def list_from_file(path: str | Path, section: str | None, user_column: str | None = None) -> BanList:
    return parse(read_text_file(path), section=section, source=ListSource("file", str(path)), user_column=user_column)


def list_from_wiki(farm: Any, config: Config, page: str | None = None, section: str | None = None) -> BanList:
    import time

    from banbot.wiki.pages import read_ban_page

    client = farm[config.list_wiki]
    switch = config.safety.kill_switch
    also = (switch,) if switch and config.list_wiki == config.central and switch != (page or config.list_page) else ()
    text, source, extras = read_ban_page(client, page or config.list_page, also)
    for title, body in extras.items():
        farm.prefetched[(config.list_wiki, title)] = (time.monotonic(), body)
    log.info("list: read %s revision %s by %s", source.title, source.revid, source.user)
    case_sensitive = client.siteinfo().get("case") == "case-sensitive"
    return parse(text, section=section if section is not None else config.list_section, source=source,
                 case_sensitive=case_sensitive, user_column=config.user_column)


def settings(config: Config, farm: Any) -> PlanSettings:
    try:
        bot = farm.central.site.username()
    except Exception:  # a site without a configured user: no bot name to exempt beyond the config
        bot = None
    return PlanSettings(mode=config.mode, central=config.central, wikis=tuple(config.wikis),
                        langs={db: w.lang for db, w in config.wikis.items()}, enforce=config.enforce,
                        list_link=config.list_link, bot_name=str(bot) if bot else None,
                        permalink_prefix=config.permalink_prefix)


def build_plan(farm: Any, config: Config, bans: BanList, journal: Journal | None,
               only: list[str] | None = None, states: dict[str, Any] | None = None) -> Plan:
    from banbot.observe import observe
    from banbot.wiki.accounts import CentralAuthAccounts, accounts_for

    s = settings(config, farm)
    names = [e.user for e in bans.active if only is None or e.user in only]
    settled = journal.settled_users() if journal else set()
    key = f"has-globalusers:{config.central}"  # whether the batch lock read exists: asked once a day
    known = journal.recall(key, max_age_s=86400) if journal else None
    accounts = accounts_for(farm, batch=None if known is None else known == "yes")
    observed = states if states is not None else observe(farm, names, s, settled, accounts)
    if journal is not None and known is None and isinstance(accounts, CentralAuthAccounts) and names:
        journal.remember(key, "yes" if accounts.has_batch() else "no")
    completed = journal.completed() if journal else {}
    return make_plan(bans, observed, s, only=only, completed=completed)


def kill_switch(farm: Any, config: Config, max_age_s: float = 60.0) -> Blocker | None:
    """The on-wiki kill switch (read with the list when it lives on the same wiki, and again once it is
    more than ``max_age_s`` old); fail closed on any error."""
    import time

    from banbot.errors import WikiError
    from banbot.wiki.pages import page_text

    if not config.safety.kill_switch:
        return None
    key = (config.central, config.safety.kill_switch)
    cached = farm.prefetched.get(key)
    if cached is not None and time.monotonic() - cached[0] <= max_age_s:
        text = cached[1]
    else:
        try:
            text = page_text(farm.central, config.safety.kill_switch)
        except WikiError as e:
            return kill_switch_blocker(config.safety, None, error=f"{e.code}: {e.info}")
        farm.prefetched[key] = (time.monotonic(), text)
    return kill_switch_blocker(config.safety, None if text is None else _COMMENT.sub("", text))


def rails(farm: Any, config: Config, bans: BanList, plan: Plan, journal: Journal | None) -> list[Blocker]:
    """Every rule that holds this plan back, the kill switch first."""
    from banbot.wiki.users import user_groups

    groups = None
    trusted_key = (f"trusted-editor:{bans.source.location}:{bans.source.title}:"
                   f"{','.join(sorted(config.safety.trusted_groups))}")
    if bans.source.kind == "wiki" and bans.source.user:
        if journal is not None and journal.recall(trusted_key) == str(bans.source.revid):
            groups = list(config.safety.trusted_groups)  # this revision's editor was checked on an earlier run
        else:
            groups = user_groups(farm[config.list_wiki], bans.source.user)
            if journal is not None and groups and set(groups) & set(config.safety.trusted_groups):
                journal.remember(trusted_key, str(bans.source.revid))
    last = journal.last_applied() if journal else None
    found = trust_blockers(bans, plan, config.safety, editor_groups=groups, last_applied=last[1] if last else None)
    switch = kill_switch(farm, config)
    return ([switch] if switch else []) + found


def load_plan_file(path: str | Path) -> Plan:
    """A plan file, checked against its own digest: edited, truncated or foreign files are refused."""
    text = read_text_file(path)
    try:
        data = json.loads(text)
        claimed = data["digest"]
        plan = plan_from_json(data)
    except (ValueError, KeyError, TypeError) as e:
        raise PlanRejected(f"{path} is not a banbot plan ({type(e).__name__}: {e}); make one with "
                           "`banbot plan --out PLAN.json`") from None
    if plan.digest != claimed:
        raise PlanRejected(f"{path} does not match its digest (it was edited or truncated); re-plan and review again")
    return plan


def check_same(reviewed: Plan, fresh: Plan) -> None:
    if reviewed.source.revid != fresh.source.revid or reviewed.source.title != fresh.source.title:
        raise PlanRejected(f"the ban list changed since the plan was made (revision {reviewed.source.revid} → "
                           f"{fresh.source.revid}); re-plan and review again")
    if reviewed.digest != fresh.digest:
        raise PlanRejected("the farm changed since the plan was made (a fresh plan has digest "
                           f"{fresh.digest[:12]}…, the reviewed one {reviewed.digest[:12]}…); re-plan and review again")

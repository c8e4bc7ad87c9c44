"""The talk-page notice: a new section appended as a whole-page edit against the observed revision, so a
retried or repeated edit meets an edit conflict instead of posting the notice twice."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any, ClassVar

from banbot.config import FarmMode, Nobots
from banbot.errors import WikiError
from banbot.holds import Hold, Why
from banbot.notices import NOTICE_MARKER
from banbot.sanctions.base import Action, Basis, Port, Scope, Settings, Status, fill
from banbot.state import AccountState, TalkPage


@dataclass(frozen=True)
class Notify(Action):
    kind: ClassVar[str] = "notify"
    label: ClassVar[str] = "notified"
    scope: ClassVar[Scope] = Scope.NOTICE
    order: ClassVar[int] = 4
    lasting: ClassVar[bool] = False
    title: str = ""
    section_title: str = ""
    text: str = ""
    base_revid: int | None = None  # None: the page did not exist (the edit must create it)
    base_text: str | None = field(default=None, compare=False, repr=False)
    base_timestamp: str | None = field(default=None, compare=False)
    start_timestamp: str | None = field(default=None, compare=False)

    def fields(self) -> dict[str, Any]:
        return {"title": self.title, "section_title": self.section_title, "text": self.text,
                "base_revid": self.base_revid}

    def describe(self) -> str:
        return f"post a notice on {self.title} on {self.wiki}"

    def perform(self, port: Port) -> Status:
        try:
            edit = port.post_notice(
                self.wiki, title=self.title, section_title=self.section_title, text=self.text, summary=self.reason,
                base_revid=self.base_revid, base_text=self.base_text, base_timestamp=self.base_timestamp,
                start_timestamp=self.start_timestamp)
        except WikiError as e:
            # the page moved on since it was read: maybe our own earlier attempt landed; never post twice
            if e.code in ("editconflict", "articleexists", "missingtitle") and port.notice_posted(self.wiki,
                                                                                                  self.title):
                return Status.ALREADY
            raise
        # a repeat of an edit that already landed changes nothing: MediaWiki answers "nochange"
        if edit.get("nochange"):
            return Status.ALREADY
        return Status.RESTORED if self._restore_intervening_edit(port, edit) else Status.DONE

    def _restore_intervening_edit(self, port: Port, edit: dict[str, Any]) -> bool:
        """MediaWiki detects edit conflicts by timestamp, to the second: an edit saved in the same second as
        our read can be overwritten without a conflict. The response's ``oldrevid`` tells: if it is not the
        revision we based on, put that revision's text back, with the notice appended."""
        old, new = edit.get("oldrevid"), edit.get("newrevid")
        if self.base_revid is None or not isinstance(old, int) or not isinstance(new, int) or old == self.base_revid:
            return False
        kept = port.revision_text(self.wiki, old)
        port.post_notice(self.wiki, title=self.title, section_title=self.section_title, text=self.text,
                         summary=self.reason + " (keeping an edit made meanwhile)", base_revid=new, base_text=kept,
                         base_timestamp=str(edit.get("newtimestamp")), start_timestamp=None)
        return True


ACTIONS = (Notify,)


def notice_wikis(state: AccountState, s: Settings) -> list[str]:
    """Where the talk-page notice goes: the home wiki (CentralAuth); on a plain farm, whose accounts are
    separate on every wiki, each wiki where the account exists (``notify_all_wikis = false``: only the
    central wiki, or the first wiki with an account)."""
    if not s.enforce.notify or not state.exists or state.hidden or state.local_only:
        return []
    have = [a.wiki for a in s.local_in_order(state) if a.wiki not in s.enforce.no_notice_wikis]
    if s.mode == FarmMode.CENTRALAUTH:
        have = [w for w in have if (acct := state.on(w)) is not None and acct.attached]  # never someone else's
        home = state.home if state.home in have else (s.central if s.central in have else None)
        return [home] if home else have[:1]
    if s.enforce.notify_all_wikis is not False:
        return have
    return [s.central] if s.central in have else have[:1]


def notice_hold(page: TalkPage, s: Settings, ours_posted: bool) -> tuple[Why, str] | None:
    """Why no notice may go on this talk page, if there is a reason."""
    if page.has_notice:
        if ours_posted:
            return None
        return Why.FOREIGN_MARKER, (
            f"{page.title} carries banbot's notice marker, but the journal records no notice posted there "
            "(someone else wrote it, or the journal was restored from an older backup); check the page by hand")
    if page.exists and page.redirect:
        return Why.NOT_WIKITEXT, (f"{page.title} is a redirect; a notice there would be invisible: post it by hand "
                                  "where it belongs")
    if page.exists and page.content_model != "wikitext":
        return Why.NOT_WIKITEXT, f"{page.title} has the content model {page.content_model!r}, not wikitext; notice " \
                                 "not posted"
    if page.nobots and s.enforce.nobots == Nobots.SKIP:
        return Why.OPTED_OUT, (f"{page.title} opts out of bot messages with {{{{nobots}}}}; notice not posted "
                               "(enforce.nobots = skip)")
    if page.protection:
        return Why.PROTECTED, f"{page.title} is protected ({page.protection}); notice not posted"
    return None


def _notice(b: Basis, s: Settings, page: TalkPage, wiki: str) -> Notify:
    name = b.state.name
    lang = s.langs.get(wiki) or page.lang or "en"
    template = s.enforce.notices.get(lang) or s.enforce.notices["en"]
    text = fill(template, user=name, marker=NOTICE_MARKER, **b.links)
    if NOTICE_MARKER not in text:
        text += f" <!-- {NOTICE_MARKER} -->"
    return Notify(name, wiki, b.reason, title=page.title, section_title=s.enforce.notice_title, text=text,
                  base_revid=page.revid if page.exists else None, base_text=page.text if page.exists else None,
                  base_timestamp=page.timestamp, start_timestamp=page.read_at)


def plan_notices(b: Basis, s: Settings, skip: Collection[str | None] = ()) -> tuple[list[Action], list[Hold]]:
    """One notice per account (per wiki on plain farms), unless it is there already or the page says no;
    ``skip``: wikis where another rule holds the account (registered after the listing)."""
    state, actions, holds = b.state, list[Action](), list[Hold]()
    if state.hidden and s.enforce.notify and s.mode == FarmMode.CENTRALAUTH and not state.locked:
        holds.append(Hold(state.name, "a hidden account (CentralAuth hides its name): no talk-page notice, which "
                                      "would publish it", state.home, why=Why.HIDDEN))
    for wiki in notice_wikis(state, s):
        page = state.talk_on(wiki)
        if page is None or wiki in skip:
            continue
        hold = notice_hold(page, s, ours_posted=f"notify|{state.name}|{wiki}" in b.ours)
        if hold:
            holds.append(Hold(state.name, hold[1], wiki, why=hold[0]))
        elif not page.has_notice:
            actions.append(_notice(b, s, page, wiki))
    return actions, holds

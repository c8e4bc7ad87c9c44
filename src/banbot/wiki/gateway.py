"""Carry out one planned action on the farm, and check whether its effect is in place.

The executor (:mod:`banbot.enforce`) only ever calls :meth:`WikiGateway.perform`; everything about which
API module does what, and how each one reports "already done", lives here.
"""

from __future__ import annotations

from banbot.actions import Action, Block, Lock, Notify, RemoveGlobalGroups, RemoveLocalGroups
from banbot.errors import WikiError
from banbot.journal import Status
from banbot.wiki import centralauth, pages, users
from banbot.wiki.session import Farm


class WikiGateway:
    def __init__(self, farm: Farm) -> None:
        self.farm = farm

    def perform(self, action: Action) -> Status:
        """Send the action; returns done, already or restored (done, and an edit made in the same second was
        put back), or raises WikiError."""
        central = self.farm.central
        if isinstance(action, Lock):
            return self._lock(action)
        if isinstance(action, RemoveGlobalGroups):
            removed = centralauth.remove_global_groups(central, action.user, action.groups, action.reason)
            return self._check_removed(action, removed)
        if isinstance(action, RemoveLocalGroups):
            if action.via_central:
                removed = centralauth.remove_interwiki_groups(central, action.user, action.wiki, action.groups,
                                                              action.reason)
            else:
                removed = users.remove_groups(self.farm[action.wiki], action.user, action.groups, action.reason)
            return self._check_removed(action, removed)
        if isinstance(action, Block):
            return users.block(self.farm[action.wiki], action.user, action.reason, noemail=action.noemail,
                               reblock=action.reblock)
        if isinstance(action, Notify):
            client = self.farm[action.wiki]
            try:
                edit = pages.post_notice(
                    client, title=action.title, section_title=action.section_title, text=action.text,
                    summary=action.reason, base_revid=action.base_revid, base_text=action.base_text,
                    base_timestamp=action.base_timestamp, start_timestamp=action.start_timestamp)
            except WikiError as e:
                # the page moved on since it was read: maybe our own earlier attempt landed; never post twice
                if e.code in ("editconflict", "articleexists", "missingtitle") and \
                        pages.notice_check(client, action.title)[0]:
                    return Status.ALREADY
                raise
            # a repeat of an edit that already landed changes nothing: MediaWiki answers "nochange"
            if edit.get("nochange"):
                return Status.ALREADY
            return Status.RESTORED if self._restore_intervening_edit(action, edit) else Status.DONE
        raise TypeError(f"unknown action {action!r}")

    def _lock(self, action: Lock) -> Status:
        central = self.farm.central
        try:
            return centralauth.lock(central, action.user, action.reason, action.statecheck)
        except WikiError as e:
            if e.code != "editconflict":
                raise
            # statecheck failed: the account changed since it was observed, or it is hidden at the level we
            # did not guess (the hash covers the hidden *level*, which no read reveals). Locked meanwhile is fine.
            state, _ = centralauth.global_account(central, action.user)
            if state.locked:
                return Status.ALREADY
            if not state.hidden or action.statecheck not in state.lock_checks:
                raise  # a real change since the plan: re-plan
            for check in state.lock_checks:  # same account, same id, still unlocked: the other hidden level
                if check == action.statecheck:
                    continue
                try:
                    return centralauth.lock(central, action.user, action.reason, check)
                except WikiError as again:
                    if again.code != "editconflict":
                        raise
            raise

    def _restore_intervening_edit(self, action: Notify, edit: dict[str, object]) -> bool:
        """MediaWiki detects edit conflicts by timestamp, to the second: an edit saved in the same second as
        our read can be overwritten without a conflict. The response's ``oldrevid`` tells: if it is not the
        revision we based on, put that revision's text back, with the notice appended."""
        old, new = edit.get("oldrevid"), edit.get("newrevid")
        if action.base_revid is None or not isinstance(old, int) or not isinstance(new, int) or \
                old == action.base_revid:
            return False
        wiki = self.farm[action.wiki]
        kept = pages.revision_text(wiki, old)
        pages.post_notice(wiki, title=action.title, section_title=action.section_title, text=action.text,
                          summary=action.reason + " (keeping an edit made meanwhile)", base_revid=new,
                          base_text=kept, base_timestamp=str(edit.get("newtimestamp")), start_timestamp=None)
        return True

    def _check_removed(self, action: RemoveGlobalGroups | RemoveLocalGroups, removed: list[str]) -> Status:
        """userrights silently drops what it cannot do: compare with what was asked, then look again."""
        if set(action.groups) <= set(removed):
            return Status.DONE
        still = set(self.current_groups(action)) & set(action.groups)
        if not still:
            return Status.DONE if removed else Status.ALREADY
        raise WikiError.from_code(
            "groups-not-removed",
            f"the wiki kept {', '.join(sorted(still))}: the bot may lack the right to remove them (check its "
            "user rights and its BotPassword/OAuth grants)", wiki=action.wiki)

    def current_groups(self, action: RemoveGlobalGroups | RemoveLocalGroups) -> tuple[str, ...]:
        if isinstance(action, RemoveGlobalGroups):
            state, _ = centralauth.global_account(self.farm.central, action.user)
            return state.global_groups
        if action.via_central:  # no session on that wiki: CentralAuth reports its groups
            state, _ = centralauth.global_account(self.farm.central, action.user)
            found = state.on(action.wiki)
            return found.groups if found else ()
        acct = users.local_accounts(self.farm[action.wiki], [action.user]).get(action.user)
        return acct.groups if acct else ()

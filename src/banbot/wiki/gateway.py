"""The port actions are performed through (:class:`banbot.sanctions.base.Port`): one method per API call.

The executor (:mod:`banbot.enforce`) only ever calls :meth:`WikiGateway.perform`, which asks the action's own
kind (:mod:`banbot.sanctions`) how it is done; this module only knows which API module does what.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from banbot.sanctions.base import Action, Status
from banbot.state import AccountState, LocalAccount
from banbot.wiki import centralauth, pages, users
from banbot.wiki.session import Farm


class WikiGateway:
    def __init__(self, farm: Farm) -> None:
        self.farm = farm

    def perform(self, action: Action) -> Status:
        """Send the action; returns done, already or restored (done, and an edit made in the same second was
        put back), or raises WikiError."""
        return action.perform(self)

    def lock(self, user: str, reason: str, statecheck: str | None) -> Status:
        return centralauth.lock(self.farm.central, user, reason, statecheck)

    def global_account(self, user: str) -> AccountState:
        return centralauth.global_account(self.farm.central, user)[0]

    def remove_global_groups(self, user: str, groups: Sequence[str], reason: str) -> list[str]:
        return centralauth.remove_global_groups(self.farm.central, user, tuple(groups), reason)

    def remove_local_groups(self, user: str, wiki: str, groups: Sequence[str], reason: str,
                            via_central: bool) -> list[str]:
        if via_central:
            return centralauth.remove_interwiki_groups(self.farm.central, user, wiki, tuple(groups), reason)
        return users.remove_groups(self.farm[wiki], user, tuple(groups), reason)

    def local_account(self, user: str, wiki: str) -> LocalAccount | None:
        return users.local_accounts(self.farm[wiki], [user]).get(user)

    def block(self, user: str, wiki: str, reason: str, noemail: bool, reblock: bool) -> Status:
        return users.block(self.farm[wiki], user, reason, noemail=noemail, reblock=reblock)

    def post_notice(self, wiki: str, *, title: str, section_title: str, text: str, summary: str,
                    base_revid: int | None, base_text: str | None, base_timestamp: str | None,
                    start_timestamp: str | None) -> dict[str, Any]:
        return pages.post_notice(self.farm[wiki], title=title, section_title=section_title, text=text,
                                 summary=summary, base_revid=base_revid, base_text=base_text,
                                 base_timestamp=base_timestamp, start_timestamp=start_timestamp)

    def notice_posted(self, wiki: str, title: str) -> bool:
        return bool(pages.notice_check(self.farm[wiki], title)[0])

    def revision_text(self, wiki: str, revid: int) -> str | None:
        return pages.revision_text(self.farm[wiki], revid)

"""Talk-page notices (pure): banbot's marker, and whether a page opts out of bot messages."""

from __future__ import annotations

import re

NOTICE_MARKER = "banbot:global-ban-notice"
_NOBOTS = re.compile(r"\{\{\s*(nobots\s*(\|[^}]*)?|bots\s*\|\s*deny\s*=\s*([^}]*))\}\}", re.IGNORECASE)


def opts_out(text: str, bot_name: str | None) -> bool:
    """The documented {{nobots}} rule: {{nobots}} or {{bots|deny=all}} (or naming the bot) opts out."""
    for m in _NOBOTS.finditer(text):
        if m.group(1).lower().startswith("nobots"):
            return True
        denied = {d.strip().casefold() for d in (m.group(3) or "").split(",")}
        if "all" in denied or (bot_name and bot_name.casefold() in denied):
            return True
    return False

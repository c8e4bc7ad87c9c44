"""Who the bot is on a wiki and what it may do (`banbot check`): its rights and groups as the wiki grants them
to this login (a BotPassword's or OAuth consumer's grants already narrow them), whether pywikibot has a
password for it, and whether it may edit a page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from banbot.wiki.client import WikiClient, tolerant


@tolerant
def whoami(client: WikiClient) -> dict[str, Any]:
    """``meta=userinfo&uiprop=rights|groups`` as the bot (logging in if the cookies are no session). On a
    CentralAuth wiki the rights include those of the account's global groups."""
    data = client.call({"action": "query", "meta": "userinfo", "uiprop": "rights|groups"})
    user = data["query"]["userinfo"]
    return {"name": user.get("name"), "id": int(user.get("id") or 0), "rights": list(user.get("rights") or []),
            "groups": list(user.get("groups") or [])}


def _manager(client: WikiClient) -> Any:
    """pywikibot's login manager for the bot on this wiki (it reads user-password.py), or why there is none."""
    from pywikibot import exceptions as pwbexc
    from pywikibot import login as pwblogin

    site = client.site
    if not site.username():
        return "no bot name for this wiki: add it to usernames in user-config.py (see user-config.py.sample)"
    try:
        manager = pwblogin.ClientLoginManager(site=site, user=site.username())
    except FileNotFoundError:
        from pywikibot import config as pwbconfig

        path = Path(pwbconfig.base_dir, pwbconfig.password_file or "user-password.py")
        return f"{path} does not exist; create it next to user-config.py, mode 600 (see user-config.py.sample)"
    except (ValueError, pwbexc.NoUsernameError) as e:
        return f"{str(e).splitlines()[0]} (see user-config.py.sample)"
    except SyntaxError as e:
        return f"user-password.py line {e.lineno}: {e.msg}; fix the file (it is Python, read by pywikibot)"
    if not manager.password:
        return f"no password for {site.username()} in user-password.py; add its BotPassword line"
    return manager


def oauth(api: str) -> bool:
    """Whether pywikibot signs requests to this API with an OAuth consumer (user-config.py ``authenticate``)."""
    from pywikibot.comms.http import get_authentication

    return bool(get_authentication(api))


def password_problem(client: WikiClient) -> str | None:
    """Why pywikibot has no password for the bot on this wiki (None: it has one). Local: no request; so a
    deleted user-password.py is found even while saved cookies still make a session."""
    got = _manager(client)
    return got if isinstance(got, str) else None


def refused_password(client: WikiClient, api: str, user_agent: str) -> str | None:
    """Why the wiki refuses the password in user-password.py (None: it accepts it). A login of its own, in a
    session of its own (``action=login``, 2 requests), so saved cookies that still make a session cannot hide
    a password that no longer works; the bot's saved session is left as it is."""
    import requests

    manager = _manager(client)
    if isinstance(manager, str):
        return manager
    s = requests.Session()
    s.headers["User-Agent"] = user_agent or "banbot-check"
    try:
        params: dict[str, str | int] = {"action": "query", "meta": "tokens", "type": "login", "format": "json",
                                        "formatversion": 2}
        tok = s.get(api, params=params, timeout=30).json()["query"]["tokens"]["logintoken"]
        answer = s.post(api, data={"action": "login", "lgname": manager.login_name, "lgpassword": manager.password,
                                   "lgtoken": tok, "format": "json", "formatversion": 2}, timeout=30).json()
    except (requests.RequestException, ValueError, KeyError, TypeError) as e:
        return f"could not try the password at {api}: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
    result = answer.get("login", {}) if isinstance(answer, dict) else {}
    if result.get("result") == "Success":
        return None
    reason = result.get("reason") or result.get("result") or (answer.get("error") or {}).get("info") or "no reason"
    return f"{client.dbname} refuses the password in user-password.py for {manager.login_name}: {reason}"


@tolerant
def can_edit(client: WikiClient, title: str) -> tuple[bool, bool]:
    """Whether the page exists, and whether this login may edit (or create) it (``intestactions=edit``)."""
    data = client.call({"action": "query", "prop": "info", "titles": title, "intestactions": "edit"})
    page = data["query"]["pages"][0]
    return not page.get("missing", False), bool(page.get("actions", {}).get("edit"))

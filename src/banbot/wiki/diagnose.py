"""Why a wiki cannot be reached, in words an operator can act on.

pywikibot reports a wiki that is down, refusing, answering an error page or an HTML page where api.php should
be as the same "Maximum retries attempted without success". After such a failure banbot asks once more itself,
plainly and with a bounded wait, and says which of those it is.
"""

from __future__ import annotations

import urllib.parse

import requests

TIMEOUT_S = (5.0, 10.0)  # connect, read


def why_unreachable(api: str, user_agent: str = "banbot (diagnosis)") -> str:
    """One line: what ``api`` answers to a plain siteinfo request (or that it answers fine)."""
    where = urllib.parse.urlsplit(api)
    try:
        r = requests.get(api, params={"action": "query", "meta": "siteinfo", "format": "json"},
                         headers={"User-Agent": user_agent}, timeout=TIMEOUT_S, allow_redirects=False)
    except requests.exceptions.ConnectTimeout:
        return f"no connection to {where.netloc} within {TIMEOUT_S[0]:.0f} s; is the wiki up, and the address right?"
    except requests.exceptions.ReadTimeout:
        return f"{where.netloc} accepted the connection but sent no answer within {TIMEOUT_S[1]:.0f} s (a hang)"
    except requests.exceptions.ConnectionError as e:
        text = str(e)
        if "refused" in text.lower():
            return f"connection refused: nothing listens at {where.netloc}; is the wiki up?"
        if "Name or service not known" in text or "nodename nor servname" in text or "resolve" in text.lower():
            return f"the host {where.hostname} cannot be resolved; check the address"
        return f"cannot connect to {where.netloc} ({type(e).__name__})"
    if r.status_code >= 500:
        return f"{api} answered HTTP {r.status_code}: the wiki's server fails; try again later"
    if r.is_redirect:
        return f"{api} redirects to {r.headers.get('Location')}; put the address it redirects to in the config"
    if r.status_code >= 400:
        return f"{api} answered HTTP {r.status_code}; check that the address is the wiki's api.php"
    try:
        r.json()
    except ValueError:
        kind = r.headers.get("Content-Type", "?").split(";")[0]
        return f"{api} answered a {kind} page, not the API's JSON: the address is not the wiki's api.php"
    return f"{api} answers now; it failed a moment ago (a passing fault?)"

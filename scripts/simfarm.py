#!/usr/bin/env python3
"""simfarm — a simulated CentralAuth farm of many wikis on one port, for scripts/bench. NOT MediaWiki.

A thousand real wikis do not fit on a 2-core machine, so the benchmark talks to this instead: one HTTP
server on 127.0.0.1 that answers, for every simulated wiki at ``/<dbname>/api.php``, the requests pywikibot
makes when it opens a site (served from responses recorded from the real farm, tests/fixtures/sim/) and the
API modules banbot uses, in the shapes recorded from MediaWiki 1.39 and CentralAuth (tests/fixtures/api/):
``prop=revisions|info``, ``list=users``, ``meta=globaluserinfo``, ``list=globalusers``, ``action=
setglobalaccountstatus``, ``globaluserrights``, ``userrights`` (``Name@dbname`` from the central wiki),
``block``, ``edit``, ``parse`` (the list, rendered) and ``list=logevents`` (what banbot's writes and new
accounts logged). State is generated from a seed: accounts with home
wikis drawn from a Zipf-like distribution, local groups, global groups, talk pages. Every request can be
delayed (``--latency-ms``), and is counted by wiki and module (logins by wiki too). Control: GET
/_sim/counters, POST /_sim/reset, POST /_sim/grow?n=5. ``--no-globalusers`` answers as CentralAuth REL1_39
(no batch lock-state read). Standard library only.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import random
import re
import sys
import threading
import time
import urllib.parse
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
REC = ROOT / "tests" / "fixtures" / "sim"
sys.path.insert(0, str(ROOT / "devfarm" / "doubles"))
from http_service import QuietHandler  # noqa: E402  (shared with the test doubles)

# session set-up, not banbot's work: banbot's session layer (src/banbot/wiki/client.py) asks siteinfo, who it is
# with the tokens, and logs in; pywikibot asks nothing of its own any more (before issue 13 it also sent
# bare userinfo and paraminfo requests; those two modules are now only banbot's rights check and its
# list=globalusers probe, which are work)
SESSION = {"login", "query+tokens", "query+siteinfo", "query+siteinfo+userinfo", "query+siteinfo+tokens+userinfo",
           "query+tokens+userinfo"}


def rec(name: str) -> dict[str, Any]:
    return dict(json.loads((REC / f"{name}.json").read_text()))


def now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


class Sim:
    def __init__(self, wikis: int, accounts: int, seed: int, latency: float, port: int,
                 globalusers: bool = True) -> None:
        self.globalusers = globalusers  # False: CentralAuth before list=globalusers (REL1_39): no batch read
        self.rng = random.Random(seed)
        self.port = port
        self.latency = latency
        self.lock = threading.Lock()
        self.wikis = ["metawiki"] + [f"wiki{i:04d}" for i in range(1, wikis)]
        self.weights = [0.5] + [1 / (i ** 1.1) for i in range(1, wikis)]
        self.accounts: dict[str, dict[str, Any]] = {}
        self.pages: dict[tuple[str, str], dict[str, Any]] = {}
        self.history: dict[tuple[str, str], list[dict[str, Any]]] = {}  # every revision of a page, oldest first
        self.next_rev = 1
        self.counters: Counter[str] = Counter()
        self.writes = 0
        self.listed: list[str] = []
        self.users_local: dict[tuple[str, str], dict[str, Any]] = {("metawiki", "Admin"): {"groups": ["sysop"]}}
        self.log: list[dict[str, Any]] = []  # every wiki's log entries (list=logevents), oldest first
        for i in range(accounts):
            self._new_account(f"Banned User {i:05d}")
        self._save("metawiki", "Project:Banbot/Run", "run", "Admin", protected=True)
        self._publish()

    # --- generated state ------------------------------------------------------------------------
    def _pick(self) -> str:
        return self.rng.choices(self.wikis, self.weights)[0]

    def _new_account(self, name: str) -> None:
        self.listed.append(name)
        if self.rng.random() < 0.03:
            return  # listed but never registered: banbot must report it, not act
        home = self._pick()
        wikis = {home} | {self._pick() for _ in range(min(int(self.rng.expovariate(0.5)), 8))}
        local = {w: {"groups": [], "blocked": False} for w in sorted(wikis)}
        if self.rng.random() < 0.2:
            for w in self.rng.sample(sorted(wikis), k=min(len(wikis), self.rng.randint(1, 2))):
                local[w]["groups"] = [self.rng.choice(["rollbacker", "sysop", "autopatrolled"])]
        self.accounts[name] = {"id": len(self.accounts) + 10, "home": home, "locked": False, "local": local,
                               "groups": ["global-rollbacker"] if self.rng.random() < 0.05 else []}
        for w in local:
            self._log(w, "newusers", "create" if w == home else "autocreate", f"User:{name}", name)
        if self.rng.random() < 0.3:
            self._save(home, f"User talk:{name}", "Welcome to the wiki!", "Admin")

    def _log(self, db: str, type_: str, action: str, title: str, user: str, params: dict[str, Any] | None = None
             ) -> None:
        self.log.append({"logid": len(self.log) + 1, "wiki": db, "type": type_, "action": action, "ns": 2,
                         "title": title, "timestamp": now(), "user": user, "params": params or {}})

    def logevents(self, db: str, params: dict[str, str]) -> tuple[list[dict[str, Any]], dict[str, str] | None]:
        """``list=logevents&ledir=newer&lestart=…``, continued by log id (as MediaWiki: timestamp|id)."""
        start, after = params.get("lestart", ""), int(params.get("lecontinue", "0|0").split("|")[-1])
        limit = 5000 if params.get("lelimit") == "max" else int(params.get("lelimit", "10"))
        rows = [{k: v for k, v in e.items() if k != "wiki"} for e in self.log
                if e["wiki"] == db and e["timestamp"] >= start and e["logid"] > after]
        more = {"lecontinue": f"{rows[limit]['timestamp']}|{rows[limit - 1]['logid']}", "continue": "-||"} \
            if len(rows) > limit else None
        return rows[:limit], more

    def _publish(self) -> None:
        rows = [f"* [[m:Special:CentralAuth/{n}|{n}]], since 5 March 2026" for n in self.listed]
        self._save("metawiki", "Global bans/List", "{{div col}}\n" + "\n".join(rows) + "\n{{div col end}}", "Admin",
                   protected=True)

    def grow(self, n: int) -> list[str]:
        start = len(self.listed)
        for i in range(n):
            self._new_account(f"Newly Banned {start + i:05d}")
        self._publish()
        return self.listed[-n:]

    def _save(self, db: str, title: str, text: str, user: str, protected: bool = False) -> dict[str, Any]:
        old = self.pages.get((db, title))
        page = {"text": text, "revid": self.next_rev, "timestamp": now(), "user": user,
                "pageid": old["pageid"] if old else self.next_rev, "parentid": old["revid"] if old else 0,
                "sha1": hashlib.sha1(text.encode()).hexdigest(),
                "protected": protected or bool(old and old["protected"])}
        page["parentid"] = old["revid"] if old else 0
        self.next_rev += 1
        self.pages[(db, title)] = page
        self.history.setdefault((db, title), []).append(page)
        return page

    # --- reads --------------------------------------------------------------------------------------
    def page_entry(self, db: str, title: str, params: dict[str, str]) -> dict[str, Any]:
        page = self.pages.get((db, title))
        ns = 3 if title.startswith("User talk:") else 4 if title.startswith("Project:") else 0
        if page is None:
            return {"ns": ns, "title": title, "missing": True, "protection": [], "restrictiontypes": ["create"]}
        entry: dict[str, Any] = {"pageid": page["pageid"], "ns": ns, "title": title, "contentmodel": "wikitext",
                                 "lastrevid": page["revid"], "length": len(page["text"]),
                                 "protection": [{"type": "edit", "level": "sysop", "expiry": "infinity"}]
                                 if page["protected"] else [], "restrictiontypes": ["edit", "move"]}
        if "revisions" in params.get("prop", ""):
            revs = [page]
            if params.get("revids"):
                wanted = {int(r) for r in params["revids"].split("|")}
                revs = [r for r in self.history[(db, title)] if r["revid"] in wanted]
            elif params.get("rvstartid") or params.get("rvlimit"):  # history, newest first
                top = int(params.get("rvstartid") or page["revid"])
                end = int(params.get("rvendid") or 0)
                revs = [r for r in reversed(self.history[(db, title)]) if end <= r["revid"] <= top]
                limit = params.get("rvlimit", "1")
                revs = revs[:500 if limit == "max" else int(limit)]
            entry["revisions"] = [{"revid": r["revid"], "parentid": r["parentid"], "user": r["user"],
                                   "timestamp": r["timestamp"], "comment": "",
                                   "sha1": hashlib.sha1(r["text"].encode()).hexdigest(), "slots": {"main": {
                                       "contentmodel": "wikitext", "contentformat": "text/x-wiki",
                                       "content": r["text"]}}} for r in revs]
        return entry

    def revision(self, r: dict[str, Any], props: set[str]) -> dict[str, Any]:
        out: dict[str, Any] = {"revid": r["revid"], "parentid": r["parentid"], "user": r["user"],
                               "timestamp": r["timestamp"], "sha1": r["sha1"], "comment": ""}
        if "content" in props:
            out["slots"] = {"main": {"contentmodel": "wikitext", "contentformat": "text/x-wiki",
                                     "content": r["text"]}}
        return out

    def users_row(self, db: str, name: str, props: set[str]) -> dict[str, Any]:
        acc = self.accounts.get(name)
        local = acc["local"].get(db) if acc else self.users_local.get((db, name))
        if local is None:
            return {"name": name, "missing": True}
        row: dict[str, Any] = {"userid": (acc or {"id": 2})["id"], "name": name}
        if "groupmemberships" in props:
            row["groupmemberships"] = [{"group": g, "expiry": "infinity"} for g in local["groups"]]
        if "groups" in props:
            row["groups"] = list(local["groups"]) + ["*", "user", "autoconfirmed"]
        if "blockinfo" in props and local.get("blocked"):
            row.update(blockid=local["blocked"], blockedby="BanBot", blockedbyid=3, blockreason="ban",
                       blockedtimestamp=now(), blockexpiry="infinite", blockpartial=False, blocknocreate=True,
                       blockanononly=False)
        return row

    def globaluserinfo(self, name: str, props: set[str]) -> dict[str, Any]:
        acc = self.accounts.get(name)
        if acc is None:
            return {"missing": True, "unattached": []}
        info: dict[str, Any] = {"home": acc["home"], "id": acc["id"], "registration": "2020-01-01T00:00:00Z",
                                "name": name}
        if acc["locked"]:
            info["locked"] = True
        info["groups"] = list(acc["groups"])
        merged = []
        for w, local in acc["local"].items():
            m: dict[str, Any] = {"wiki": w, "url": f"http://127.0.0.1:{self.port}", "timestamp": "2020-01-01T00:00:00Z",
                                 "method": "primary" if w == acc["home"] else "login", "editcount": 3,
                                 "registration": "2020-01-01T00:00:00Z"}
            if local["groups"]:
                m["groups"] = list(local["groups"])
            if local["blocked"]:
                m["blocked"] = {"expiry": "infinity", "reason": "ban"}
            merged.append(m)
        if "merged" in props:
            info["merged"] = merged
        if "unattached" in props:
            info["unattached"] = []
        return info

    # --- the API ------------------------------------------------------------------------------------
    def api(self, db: str, params: dict[str, str], logged_in: bool) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        action = params.get("action", "")
        if action == "query":
            return self.query(db, params, logged_in), []
        if action == "paraminfo":
            return self.paraminfo(params), []
        if action == "parse":
            return self.parse(db, params), []
        if action == "login":
            return rec("login-success"), [("Set-Cookie", f"simfarm_{db}=1; path=/")]
        writes = {"setglobalaccountstatus": self.w_lock, "globaluserrights": self.w_globalrights,
                  "userrights": self.w_userrights, "block": self.w_block, "edit": self.w_edit}
        if action in writes:
            with self.lock:
                self.writes += 1
                return writes[action](db, params), []
        return {"error": {"code": "badvalue", "info": f"Unrecognized value for parameter \"action\": {action}."}}, []

    def parse(self, db: str, params: dict[str, str]) -> dict[str, Any]:
        """``action=parse&oldid``: the list rendered as MediaWiki would, one ``<li>`` and link a row."""
        rev = int(params.get("oldid") or 0)
        found = [(t, p) for (w, t), p in self.pages.items() if w == db and p["revid"] == rev]
        if not found:
            return self._err("nosuchrevid", f"There is no revision with ID {rev}.")
        title, page = found[0]
        items = []
        for line in page["text"].splitlines():
            m = re.match(r"\* \[\[m:([^|\]]+)\|([^\]]+)\]\](.*)", line)
            if m:
                href = "/" + db + "/index.php?title=" + urllib.parse.quote(m.group(1).replace(" ", "_"))
                items.append(f'<li><a href="{href}" title="{html.escape(m.group(1))}">{html.escape(m.group(2))}</a>'
                             f"{html.escape(m.group(3))}</li>")
        text = '<div class="mw-parser-output"><ul>' + "\n".join(items) + "</ul></div>"
        return {"parse": {"title": title, "pageid": page["pageid"], "revid": rev, "text": text}}

    def paraminfo(self, params: dict[str, str]) -> dict[str, Any]:
        modules = params.get("modules", "").split("|")
        if modules == ["query+tokens"]:
            body = rec("paraminfo-tokens")
            for p in body["paraminfo"]["modules"][0]["parameters"]:
                if p["name"] == "type":
                    p["type"] = sorted(set(p["type"]) | {"setglobalaccountstatus"})
            return body
        body = rec("paraminfo-main")
        body["paraminfo"]["modules"] = [m for m in body["paraminfo"]["modules"] if m.get("name") in modules]
        for m in body["paraminfo"]["modules"]:
            for p in m.get("parameters", []):
                if (self.globalusers and m["name"] == "query" and p["name"] == "list"
                        and isinstance(p["type"], list)):
                    p["type"] = sorted(set(p["type"]) | {"globalusers"})
        return body

    def _lists(self, db: str, params: dict[str, str], lists: list[str], out: dict[str, Any]) -> dict[str, Any] | None:
        """The ``list=`` modules of a query (an error response, or None when answered into ``out``)."""
        q = out["query"]
        if "globalusers" in lists:
            if not self.globalusers:
                return self._err("badvalue", "Unrecognized value for parameter \"list\": globalusers.")
            rows = []
            for n in params.get("gususers", "").split("|"):
                acc = self.accounts.get(n)
                rows.append({"name": n, "missing": True} if acc is None else
                            {"centralid": acc["id"], "name": n, "locked": acc["locked"], "groups": list(acc["groups"])})
            q["globalusers"] = rows
        if "logevents" in lists:
            q["logevents"], more = self.logevents(db, params)
            if more:
                out["continue"] = more
        if "users" in lists:
            props = set(params.get("usprop", "").split("|"))
            q["users"] = [self.users_row(db, n, props) for n in params.get("ususers", "").split("|") if n]
        return None

    def query(self, db: str, params: dict[str, str], logged_in: bool) -> dict[str, Any]:
        out: dict[str, Any] = {"batchcomplete": True, "query": {}}
        q = out["query"]
        metas = params.get("meta", "").split("|")
        lists = params.get("list", "").split("|")
        if "siteinfo" in metas:
            site = rec("siteinfo")["query"]
            g = site["general"]
            g.update(wikiid=db, sitename=f"Sim {db}", server=f"http://127.0.0.1:{self.port}", scriptpath=f"/{db}",
                     script=f"/{db}/index.php", articlepath=f"/{db}/index.php/$1",
                     base=f"http://127.0.0.1:{self.port}/{db}/index.php/Main_Page",
                     # as CentralAuth sets them wherever it is loaded (the recording is of a wiki without it)
                     centralidlookupprovider="CentralAuth", allcentralidlookupproviders=["local", "CentralAuth"])
            for prop in params.get("siprop", "general").split("|"):
                if prop in site:
                    q[prop] = site[prop]
                elif prop == "extensions":
                    q[prop] = [{"type": "other", "name": "CentralAuth", "version": "simulated"}]
                else:
                    q[prop] = []
        if "userinfo" in metas:  # as MediaWiki: the optional props only when uiprop asks for them
            info = rec("userinfo-bot" if logged_in else "userinfo-anon")["query"]["userinfo"]
            asked = set(params.get("uiprop", "").split("|"))
            q["userinfo"] = {k: v for k, v in info.items() if k in ("id", "name", "anon") or k in asked
                             or (k == "messages" and "hasmsg" in asked)}
            if logged_in and "rights" in asked:  # the bot is a steward's: it reads the suppression log
                q["userinfo"]["rights"] = sorted(set(q["userinfo"].get("rights", [])) | {"suppressionlog"})
        if "tokens" in metas:
            types = params.get("type", "csrf").split("|")
            token = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678+\\" if logged_in else "+\\"
            q["tokens"] = {f"{t}token": ("f" * 40 + "+\\" if t == "login" else token) for t in types}
        if "globaluserinfo" in metas:
            props = set(params.get("guiprop", "").split("|"))
            q["globaluserinfo"] = self.globaluserinfo(params.get("guiuser", ""), props)
        err = self._lists(db, params, lists, out)
        if err is not None:
            return err
        if params.get("titles") or params.get("revids"):
            if params.get("revids"):
                wanted = {int(r) for r in params["revids"].split("|")}
                titles = [t for (w, t), h in self.history.items() if w == db and any(r["revid"] in wanted for r in h)]
            else:
                titles = params["titles"].split("|")
            q["pages"] = [self.page_entry(db, t, params) for t in titles]
        if params.get("curtimestamp"):
            out["curtimestamp"] = now()
        return out

    def _err(self, code: str, info: str) -> dict[str, Any]:
        return {"error": {"code": code, "info": info}}

    def w_lock(self, db: str, p: dict[str, str]) -> dict[str, Any]:
        acc = self.accounts.get(p.get("user", ""))
        if acc is None:
            return self._err("nosuchuser", f"There is no user by the name \"{p.get('user')}\". Check your spelling.")
        was, acc["locked"] = acc["locked"], p.get("locked") == "lock"
        if was != acc["locked"]:
            self._log("metawiki", "globalauth", "setstatus", f"User:{p['user']}@global", "BanBot",
                      {"added": ["locked"], "removed": []} if acc["locked"] else {"added": [], "removed": ["locked"]})
        return {"setglobalaccountstatus": {"user": p["user"], "locked": acc["locked"], "hidden": "",
                                           "reason": p.get("reason", "")}}

    def w_globalrights(self, db: str, p: dict[str, str]) -> dict[str, Any]:
        acc = self.accounts.get(p.get("user", ""))
        if acc is None:
            return self._err("nosuchuser", f"There is no user by the name \"{p.get('user')}\". Check your spelling.")
        removed = [g for g in p.get("remove", "").split("|") if g in acc["groups"]]
        old = list(acc["groups"])
        acc["groups"] = [g for g in acc["groups"] if g not in removed]
        self._log("metawiki", "gblrights", "usergroups", f"User:{p['user']}", "BanBot",
                  {"oldGroups": old, "newGroups": list(acc["groups"])})
        return {"globaluserrights": {"user": p["user"], "userid": acc["id"], "added": [], "removed": removed}}

    def w_userrights(self, db: str, p: dict[str, str]) -> dict[str, Any]:
        name, _, target = p.get("user", "").partition("@")
        target = target or db
        acc = self.accounts.get(name)
        local = acc["local"].get(target) if acc else None
        if local is None:
            return self._err("nosuchuser", f"There is no user by the name \"{p.get('user')}\". Check your spelling.")
        removed = [g for g in p.get("remove", "").split("|") if g in local["groups"]]
        old = list(local["groups"])
        local["groups"] = [g for g in local["groups"] if g not in removed]
        self._log(db, "rights", "rights", f"User:{p['user']}", "BanBot",
                  {"oldgroups": old, "newgroups": list(local["groups"])})
        return {"userrights": {"user": p["user"], "userid": acc["id"], "added": [], "removed": removed}}

    def w_block(self, db: str, p: dict[str, str]) -> dict[str, Any]:
        acc = self.accounts.get(p.get("user", ""))
        local = acc["local"].get(db) if acc else None
        if local is None:
            return self._err("nosuchuser", f"There is no user by the name \"{p.get('user')}\". Check your spelling.")
        if local["blocked"] and not p.get("reblock"):
            return self._err("alreadyblocked", f"\"{p['user']}\" is already blocked.")
        local["blocked"] = self.next_rev
        self.next_rev += 1
        self._log(db, "block", "reblock" if p.get("reblock") else "block", f"User:{p['user']}", "BanBot")
        return {"block": {"user": p["user"], "userID": acc["id"], "expiry": "infinite", "id": local["blocked"]}}

    def w_edit(self, db: str, p: dict[str, str]) -> dict[str, Any]:
        title = p.get("title", "")
        old = self.pages.get((db, title))
        if old and p.get("createonly"):
            return self._err("articleexists", "The article you tried to create has been created already.")
        if not old and p.get("nocreate"):
            return self._err("missingtitle", "The page you specified doesn't exist.")
        if old and p.get("baserevid") and int(p["baserevid"]) != old["revid"] and old["user"] != "BanBot":
            return self._err("editconflict", "Edit conflict.")
        text = p.get("text", "")
        if old and old["text"] == text:
            return {"edit": {"result": "Success", "pageid": old["pageid"], "title": title, "contentmodel": "wikitext",
                             "nochange": True}}
        page = self._save(db, title, text, "BanBot")
        return {"edit": {"result": "Success", "pageid": page["pageid"], "title": title, "contentmodel": "wikitext",
                         "oldrevid": old["revid"] if old else 0, "newrevid": page["revid"],
                         "newtimestamp": page["timestamp"], **({} if old else {"new": True})}}


def module_of(params: dict[str, str]) -> str:
    if params.get("action") == "query":
        mods = [params[k] for k in ("meta", "list", "prop") if params.get(k)]
        return "query+" + "+".join(sorted("|".join(mods).split("|")))
    return params.get("action", "?")


def make_handler(sim: Sim) -> type[BaseHTTPRequestHandler]:
    class Handler(QuietHandler):
        def _send(self, body: dict[str, Any], headers: list[tuple[str, str]] = ()) -> None:
            extra = [("MediaWiki-API-Error", body["error"]["code"])] if "error" in body else []
            self.send_raw(200, json.dumps(body).encode(), [*headers, *extra], "application/json; charset=utf-8")

        def handle_request(self, method: str, raw: bytes) -> None:
            body = raw.decode()
            split = urllib.parse.urlsplit(self.path)
            if split.path.startswith("/_sim/"):
                return self._control(split)
            params = dict(urllib.parse.parse_qsl(split.query, keep_blank_values=True))
            params.update(urllib.parse.parse_qsl(body, keep_blank_values=True))
            db = split.path.strip("/").split("/")[0]
            if db not in sim.wikis:
                return self._send({"error": {"code": "nosuchwiki", "info": db}})
            if sim.latency:
                time.sleep(sim.latency)
            module = module_of(params)
            with sim.lock:
                sim.counters[f"{'session' if module in SESSION else 'work'}:{module}"] += 1
                sim.counters[f"wiki:{db}"] += 1
                if params.get("action") == "login":
                    sim.counters[f"login-wiki:{db}"] += 1
            logged_in = f"simfarm_{db}=1" in (self.headers.get("Cookie") or "")
            result, headers = sim.api(db, params, logged_in or params.get("action") not in ("query", "paraminfo"))
            self._send(result, headers)

        def _control(self, split: urllib.parse.SplitResult) -> None:
            q = dict(urllib.parse.parse_qsl(split.query))
            with sim.lock:
                if split.path == "/_sim/reset":
                    sim.counters.clear()
                    sim.writes = 0
                elif split.path == "/_sim/grow":
                    sim.grow(int(q.get("n", 5)))
            wikis_touched = sum(1 for k in sim.counters if k.startswith("wiki:"))
            logged_in = sorted(k.split(":", 1)[1] for k in sim.counters if k.startswith("login-wiki:"))
            modules = {k: v for k, v in sim.counters.items() if not k.startswith(("wiki:", "login-wiki:"))}
            self._send({"modules": modules, "writes": sim.writes, "wikis_touched": wikis_touched,
                        "wikis_logged_in": logged_in,
                        "accounts": len(sim.accounts), "listed": len(sim.listed)})

    return Handler


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=8090)
    ap.add_argument("--wikis", type=int, default=1000)
    ap.add_argument("--accounts", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--latency-ms", type=float, default=0.0)
    ap.add_argument("--no-globalusers", action="store_true",
                    help="answer as CentralAuth REL1_39 does: no list=globalusers (one globaluserinfo per account)")
    args = ap.parse_args()
    sim = Sim(args.wikis, args.accounts, args.seed, args.latency_ms / 1000, args.port, not args.no_globalusers)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(sim))
    server.daemon_threads = True
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()

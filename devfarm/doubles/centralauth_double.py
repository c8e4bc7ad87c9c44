#!/usr/bin/env python3
"""A test double for CentralAuth — it is NOT CentralAuth.

CentralAuth cannot be installed here (no Debian or PyPI package carries it), so banbot's tests and demo
talk to this small HTTP service instead. It stands in front of the farm's *real* central wiki and:

* answers CentralAuth's modules — ``meta=globaluserinfo``, ``action=setglobalaccountstatus`` (with its own
  ``setglobalaccountstatus`` token type and ``statecheck``), ``action=globaluserrights`` — with exactly the
  request/response shapes, quirks and error codes recorded from the real extension (REL1_39) in
  ``tests/fixtures/api/centralauth-*.json`` (error bodies are those files, with the user name put in);
* keeps what CentralAuth keeps centrally — global accounts, lock state, global groups — in a JSON file;
* takes every local fact (accounts, explicit groups, blocks, edit counts) from the real farm wikis;
* forwards every other request, cookies included, to the real central wiki: logins, tokens, rights
  checks, and ``action=userrights&user=Name@dbname``, which MediaWiki core performs on the target wiki.

Permission checks ask the real wiki whether the caller's session holds CentralAuth's rights
(``centralauth-lock``, ``globalgroupmembership``), so bot-password grants apply as they would for real.
Where it once differed from the real extension it now follows the recordings in
``tests/fixtures/api/centralauth-real/`` (checked in tests/test_contract_centralauth.py): local accounts
without a global account (``"local_only"`` in its state), ``baduser`` for an invalid name, hidden accounts
missing to callers without ``centralauth-suppress``, the hidden *level* in ``statecheck``, and the session
cookie of a first request passed on. It is used only where the real extension cannot run: machines without
BANBOT_CENTRALAUTH_DIR, and ``list=globalusers``.
``list=globalusers`` (added to CentralAuth in May 2026, after REL1_39) is off unless ``--globalusers`` is
given or a test turns it on (``{"features": {"globalusers": true}}``); its shape then follows CentralAuth's
ApiQueryGlobalUsers source, not a recording (no recording exists).
Standard library only. Test hooks: GET/POST ``/_double/state``, POST ``/_double/reset``,
POST ``/_double/counters`` (zero the per-module request counters).
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import re
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

from http_service import QuietHandler

FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "api"  # recorded real answers
GLOBAL_GROUPS = {
    "steward": ["centralauth-lock", "centralauth-suppress", "centralauth-unmerge", "globalgroupmembership",
                "globalgrouppermissions", "userrights", "userrights-interwiki"],
    "global-rollbacker": ["rollback"],
    "global-sysop": ["block", "delete", "protect"],
    "staff": ["centralauth-lock", "userrights"],
}


def recorded_error(name: str, **subst: str) -> dict[str, Any]:
    """An error body exactly as the real extension sent it, with names substituted."""
    body = json.loads((FIXTURES / name).read_text())
    for old, new in subst.items():
        body["error"]["info"] = body["error"]["info"].replace(old, new)
    return body


def canonical(name: str) -> str:
    name = " ".join(name.replace("_", " ").split())
    return name[:1].upper() + name[1:]


class Double:
    def __init__(self, farm: dict[str, Any], state_path: Path, globalusers: bool) -> None:
        self.wikis: dict[str, str] = {db: w["api"] for db, w in farm["wikis"].items()}
        self.central = farm.get("central", "metawiki")
        self.upstream = urllib.parse.urlsplit(self.wikis[self.central])
        self.state_path = state_path
        self.lock = threading.RLock()
        self.state = self._load()
        features = self.state.setdefault("features", {})
        features["globalusers"] = globalusers or features.get("globalusers", False)

    @property
    def batch_enabled(self) -> bool:
        return bool(self.state.get("features", {}).get("globalusers"))

    # --- central state ----------------------------------------------------------------------
    def _load(self) -> dict[str, Any]:
        if self.state_path.exists():
            return json.loads(self.state_path.read_text())
        return {"next_id": 1, "accounts": {}, "counters": {}}

    def save(self) -> None:
        tmp = self.state_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.state, indent=1, ensure_ascii=False))
        tmp.replace(self.state_path)

    def count(self, key: str) -> None:
        with self.lock:
            self.state.setdefault("counters", {})
            self.state["counters"][key] = self.state["counters"].get(key, 0) + 1

    def local_rows(self, names: list[str]) -> dict[str, dict[str, dict[str, Any]]]:
        """name -> {dbname -> list=users row} for accounts that exist locally (read from the real wikis)."""
        out: dict[str, dict[str, dict[str, Any]]] = {n: {} for n in names}
        for db, api in self.wikis.items():
            for i in range(0, len(names), 50):
                q = {"action": "query", "list": "users", "ususers": "|".join(names[i:i + 50]), "format": "json",
                     "formatversion": "2", "usprop": "groupmemberships|blockinfo|editcount|registration"}
                data = http_json(api + "?" + urllib.parse.urlencode(q))
                for row in data.get("query", {}).get("users", []):
                    if "missing" not in row and "invalid" not in row:
                        out[row["name"]][db] = row
        return out

    def account(self, name: str, local: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
        """The global account for ``name``; like SUL, one is made when a local account first exists."""
        with self.lock:
            acc = self.state["accounts"].get(name)
            if acc is None and local:
                order = list(self.wikis)
                home = min(local, key=lambda db: (local[db].get("registration") or "", order.index(db)))
                acc = {"id": self.state["next_id"], "home": home, "locked": False, "hidden": "",
                       "groups": ["steward"] if name == "BanBot" else [], "unattached": [],
                       "registration": local[home].get("registration") or now()}
                self.state["next_id"] += 1
                self.state["accounts"][name] = acc
                self.save()
            return acc

    # --- modules ---------------------------------------------------------------------------
    def globaluserinfo(self, params: dict[str, str], sees_hidden: Any = lambda: True) -> dict[str, Any]:
        """``sees_hidden()``: whether the caller holds centralauth-suppress (asked only for a hidden account)."""
        name = canonical(params.get("guiuser", ""))
        props = set(filter(None, params.get("guiprop", "").split("|")))
        local = self.local_rows([name])[name] if name else {}
        acc = self.account(name, local) if name else None
        if acc is not None and acc.get("hidden") and not sees_hidden():
            acc = None  # recorded (gui-Hidey-as-botro.json): hidden accounts look missing, unattached: []
            local = {}
        if acc is None or acc.get("local_only"):
            # recorded (gui-orphan-localonly.json): no global account, but the local ones, as unattached
            info: dict[str, Any] = {"missing": True}
            if "unattached" in props:
                info["unattached"] = [self._unattached_row(db, local[db]) for db in sorted(local)]
            return info
        info = {"home": acc["home"], "id": acc["id"], "registration": acc["registration"], "name": name}
        if acc["locked"]:
            info["locked"] = True
        if acc.get("hidden"):
            info["hidden"] = True
        if "groups" in props:
            info["groups"] = list(acc["groups"])
        if "rights" in props:
            info["rights"] = sorted({r for g in acc["groups"] for r in GLOBAL_GROUPS.get(g, [])})
        merged, unattached = [], []
        for db in sorted(local):
            row = local[db]
            groups = sorted(m["group"] for m in row.get("groupmemberships", []))
            entry: dict[str, Any] = {"wiki": db}
            if db in acc["unattached"]:
                entry.update(editcount=str(row.get("editcount", 0)), registration=row.get("registration"))
            else:
                entry.update(url=self.wikis[db].rsplit("/", 1)[0], timestamp=acc["registration"],
                             method="primary" if db == acc["home"] else "login", editcount=row.get("editcount", 0),
                             registration=row.get("registration"))
            if groups:
                entry["groups"] = groups
            if "blockid" in row:
                entry["blocked"] = {"expiry": row.get("blockexpiry"), "reason": row.get("blockreason", "")}
            (unattached if db in acc["unattached"] else merged).append(entry)
        if "merged" in props:
            info["merged"] = merged
        if "editcount" in props:
            info["editcount"] = sum(int(m["editcount"]) for m in merged)
        if "unattached" in props:
            info["unattached"] = unattached
        return info

    @staticmethod
    def _unattached_row(db: str, row: dict[str, Any]) -> dict[str, Any]:
        entry: dict[str, Any] = {"wiki": db, "editcount": str(row.get("editcount", 0)),
                                 "registration": row.get("registration")}
        groups = sorted(m["group"] for m in row.get("groupmemberships", []))
        if groups:
            entry["groups"] = groups
        return entry

    def answer_globalusers(self, params: dict[str, str]) -> list[dict[str, Any]]:
        names = [canonical(n) for n in params.get("gususers", "").split("|") if n]
        props = set(params.get("gusprop", "").split("|"))
        local = self.local_rows(names)
        out = []
        for name in names:
            acc = self.account(name, local[name])
            if acc is None or acc.get("local_only"):
                out.append({"name": name, "missing": True})
                continue
            row: dict[str, Any] = {"centralid": acc["id"], "name": name}
            if "locked" in props:
                row["locked"] = bool(acc["locked"])
            if "groups" in props:
                row["groups"] = list(acc["groups"])
            out.append(row)
        return out

    def setglobalaccountstatus(self, params: dict[str, str], caller: dict[str, Any]) -> dict[str, Any]:
        if "centralauth-lock" not in caller.get("rights", []):
            return recorded_error("centralauth-setglobalaccountstatus-permissiondenied.json")
        locked = params.get("locked", "")
        if not locked and not params.get("hidden"):
            return {"error": {"code": "missingparam", "info": "At least one of the parameters \"locked\" and "
                                                              "\"hidden\" is required."}}
        name = canonical(params.get("user", ""))
        acc = self.account(name, self.local_rows([name])[name])
        if acc is None or acc.get("local_only"):
            return recorded_error("centralauth-setglobalaccountstatus-nosuchuser.json", **{"No Such User 123": name})
        with self.lock:
            check = params.get("statecheck")
            current = f"{acc['id']}:{name}:{acc.get('hidden', '')}:{1 if acc['locked'] else 0}"
            if check and check != hashlib.md5(current.encode()).hexdigest():
                return {"error": {"code": "editconflict", "info": "Edit conflict detected, Aborting."}}
            if locked in ("lock", "unlock"):
                changed = acc["locked"] != (locked == "lock")
                acc["locked"] = locked == "lock"
                if changed:
                    self.state.setdefault("log", []).append(
                        {"action": "setstatus", "title": f"User:{name}@global", "locked": acc["locked"],
                         "by": caller.get("name"), "reason": params.get("reason", ""), "timestamp": now()})
                self.save()
        return {"setglobalaccountstatus": {"user": name, "locked": acc["locked"], "hidden": acc.get("hidden", ""),
                                           "reason": params.get("reason", "")}}

    def globaluserrights(self, params: dict[str, str], caller: dict[str, Any]) -> dict[str, Any]:
        name = canonical(params.get("user", ""))
        acc = self.account(name, self.local_rows([name])[name])
        if acc is None or acc.get("local_only"):
            return recorded_error("centralauth-globaluserrights-nosuchuser.json", **{"No Such User 123": name})
        add = [g for g in params.get("add", "").split("|") if g]
        remove = [g for g in params.get("remove", "").split("|") if g]
        unknown = [g for g in add + remove if g not in GLOBAL_GROUPS]
        body: dict[str, Any] = {}
        if unknown:
            which = "add" if unknown[0] in add else "remove"
            body["warnings"] = {"globaluserrights": {"warnings": f"Unrecognized value for parameter \"{which}\": "
                                                                 f"{unknown[0]}"}}
        added: list[str] = []
        removed: list[str] = []
        if "globalgroupmembership" in caller.get("rights", []):  # else: a silent no-op, as recorded
            with self.lock:
                for g in add:
                    if g in GLOBAL_GROUPS:
                        added.append(g)  # recorded: re-adding a held group still reports it as added
                        if g not in acc["groups"]:
                            acc["groups"].append(g)
                for g in remove:
                    if g in acc["groups"]:
                        acc["groups"].remove(g)
                        removed.append(g)
                self.save()
        body["globaluserrights"] = {"user": name, "userid": acc["id"], "added": added, "removed": removed}
        return body


def bad_user_name(name: str) -> bool:
    """What MediaWiki refuses as a user name in a user parameter (a %-escape, or a character no title has)."""
    return bool(re.search(r"%[0-9A-Fa-f]{2}|[#<>\[\]|{}\x00-\x1f\x7f]", name))


def now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def http_json(url: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        conn.request("GET", parts.path + "?" + parts.query, headers=headers or {})
        return json.loads(conn.getresponse().read())
    finally:
        conn.close()


def sgas_token(csrf: str) -> str:
    """The double's setglobalaccountstatus token: the caller's csrf token, reversed. It is bound to the
    session like a real token, and a csrf token sent in its place fails, as with real CentralAuth."""
    return csrf[:-2][::-1] + csrf[-2:]


class Handler(QuietHandler):
    """The double's HTTP face: CentralAuth's modules answered from :class:`Double`, the rest forwarded to the real
    central wiki. :func:`make_handler` binds it to one double; requests are dispatched by the tables below."""

    double: ClassVar[Double]

    @property
    def up(self) -> urllib.parse.SplitResult:
        return self.double.upstream

    def _send(self, status: int, body: bytes, headers: Iterable[tuple[str, str]] = (), ctype: str = "") -> None:
        self.send_raw(status, body, headers, ctype)

    def _json(self, data: dict[str, Any], fv: str = "2", extra: list[tuple[str, str]] | None = None) -> None:
        if fv != "2":
            data = to_fv1(data)
        code = data.get("error", {}).get("code") if isinstance(data.get("error"), dict) else None
        headers = ([("MediaWiki-API-Error", code)] if code else []) + (extra or [])
        self._send(200, json.dumps(data, ensure_ascii=False).encode(), headers, "application/json; charset=utf-8")

    def _upstream(self, method: str, path_qs: str, body: bytes | None,
                  form: bool = False) -> tuple[int, list[tuple[str, str]], bytes]:
        conn = http.client.HTTPConnection(self.up.hostname, self.up.port, timeout=60)
        headers = {k: v for k, v in self.headers.items()
                   if k.lower() in ("cookie", "content-type", "user-agent", "accept", "authorization")}
        if form:
            headers = {k: v for k, v in headers.items() if k.lower() != "content-type"}
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path_qs, body=body, headers=headers)
            resp = conn.getresponse()
            return resp.status, resp.getheaders(), resp.read()
        finally:
            conn.close()

    def _ask(self, params: dict[str, str]) -> dict[str, Any]:
        """A read on the real central wiki as the caller (their cookies)."""
        q = urllib.parse.urlencode({**params, "format": "json", "formatversion": "2"})
        _, _, raw = self._upstream("GET", f"{self.up.path}?{q}", None)
        return json.loads(raw)

    def _caller(self) -> dict[str, Any]:
        return self._ask({"action": "query", "meta": "userinfo", "uiprop": "rights|groups"})["query"]["userinfo"]

    def _forward(self, method: str, body: bytes | None) -> None:
        path = self.path if self.path.startswith(self.up.path) else self.up.path
        status, headers, raw = self._upstream(method, path, body)
        self._send(status, raw, headers)

    # --- routing -------------------------------------------------------------------------
    def handle_request(self, method: str, body: bytes) -> None:
        try:
            self._route(method, body)
        except Exception as e:  # a bug in the double: answer as MediaWiki would, not by hanging up
            err = {"error": {"code": f"internal_api_error_{type(e).__name__}", "info": str(e)}}
            self._send(500, json.dumps(err).encode(), ctype="application/json")

    def _route(self, method: str, body: bytes) -> None:
        split = urllib.parse.urlsplit(self.path)
        if split.path.startswith("/_double/"):
            return self._admin(split.path, body)
        if not split.path.endswith("api.php"):
            status, headers, raw = self._upstream(method, self.path, body or None)
            return self._send(status, raw, headers)
        params = dict(urllib.parse.parse_qsl(split.query, keep_blank_values=True))
        ctype = self.headers.get("Content-Type", "")
        if method == "POST" and "multipart/form-data" not in ctype:
            params.update(urllib.parse.parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        action = params.get("action", "")
        self.double.count(f"{action}:{params.get('meta') or params.get('list') or ''}".rstrip(":"))
        module = ACTIONS.get(action)
        if module is None:
            return self._forward(method, body or None)
        return module(self, Request(method, body, action, params, params.get("formatversion", "1")))

    # --- CentralAuth's write modules -----------------------------------------------------
    def _write(self, r: Request) -> None:
        if r.method != "POST":
            return self._json({"error": {"code": "mustbeposted",
                                         "info": f"The \"{r.action}\" module requires a POST request."}}, r.fv)
        if r.params.get("assert") == "user" and self._caller().get("anon"):
            return self._json({"error": {"code": "assertuserfailed",
                                         "info": "You are no longer logged in, so the action could not be "
                                                 "completed."}}, r.fv)
        token = r.params.get("token", "")
        if not token:
            return self._json({"error": {"code": "missingparam", "info": "The \"token\" parameter must be set."}},
                              r.fv)
        if r.action == "setglobalaccountstatus":
            kind, token = "csrf", sgas_token(token)  # reversing is its own inverse
        else:
            kind = "userrights"
        check = self._ask({"action": "checktoken", "type": kind, "token": token})
        if check.get("checktoken", {}).get("result") != "valid":
            return self._json(recorded_error("centralauth-setglobalaccountstatus-badtoken.json"), r.fv)
        caller = self._caller()
        if r.action == "setglobalaccountstatus":
            return self._json(self.double.setglobalaccountstatus(r.params, caller), r.fv)
        return self._json(self.double.globaluserrights(r.params, caller), r.fv)

    # --- action=query: CentralAuth's parts answered here, the rest by the real wiki ------
    def _query(self, r: Request) -> None:
        q = QueryParts.of(r.params, self.double.batch_enabled)
        if not (q.ours_meta or q.ours_list or q.wants_sgas):
            return self._forward(r.method, r.body or None)
        if q.ours_meta and bad_user_name(r.params.get("guiuser", "")):
            # recorded (gui-pct.json): one invalid name fails the whole request
            return self._json({"error": {"code": "baduser", "info": f"Invalid value \"{r.params['guiuser']}\" "
                                                                    "for user parameter \"guiuser\"."}}, r.fv)
        data, cookies = self._query_upstream(q.rest(r.params))
        if "error" in data:
            return self._json(data, r.fv, cookies)
        query = data.setdefault("query", {})
        if q.ours_meta:
            query["globaluserinfo"] = self.double.globaluserinfo(
                r.params, lambda: "centralauth-suppress" in self._caller().get("rights", []))
        if q.ours_list:
            query["globalusers"] = self.double.answer_globalusers(r.params)
        if q.wants_sgas and "tokens" in query:
            query["tokens"]["setglobalaccountstatustoken"] = sgas_token(query["tokens"]["csrftoken"])
            if "csrf" not in q.types and "*" not in q.types:
                query["tokens"].pop("csrftoken", None)
        self._json(data, r.fv, cookies)

    def _query_upstream(self, rest: dict[str, str]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        """What the real wiki answers to the rest of the query (nothing to ask: an empty query), and the cookies
        it sets."""
        if not any(k in rest for k in ("meta", "list", "prop", "titles", "generator", "pageids", "revids")):
            return {"batchcomplete": True, "query": {}}, []
        _, headers, raw = self._upstream("POST", self.up.path, urllib.parse.urlencode(rest).encode(), form=True)
        # a first request makes the session: its cookie must reach the caller (it was lost before)
        return json.loads(raw), [(k, v) for k, v in headers if k.lower() == "set-cookie"]

    def _paraminfo(self, r: Request) -> None:
        """The real wiki's paraminfo, taught the modules and token type CentralAuth adds."""
        status, headers, raw = self._upstream(r.method, self.path, r.body or None)
        try:
            data = json.loads(raw)
        except ValueError:
            return self._send(status, raw, headers)
        for mod in data.get("paraminfo", {}).get("modules", []):
            if mod.get("path") == "query" and self.double.batch_enabled:
                _teach(mod, "list", "globalusers")
            if mod.get("path") == "query+tokens":
                _teach(mod, "type", "setglobalaccountstatus")
        self._send(status, json.dumps(data).encode(), headers)

    # --- test hooks ----------------------------------------------------------------------
    def _admin(self, path: str, body: bytes) -> None:
        double = self.double
        with double.lock:
            hook = ADMIN.get(path)
            if hook is not None:
                hook(double, body)
            double.save()
            self._send(200, json.dumps(double.state).encode(), ctype="application/json")


@dataclass(frozen=True)
class Request:
    """One api.php request, its POST form merged into its query string."""

    method: str
    body: bytes
    action: str
    params: dict[str, str]
    fv: str  # formatversion, as asked ("1" when not)


@dataclass(frozen=True)
class QueryParts:
    """Which parts of an action=query request are CentralAuth's (answered by the double)."""

    metas: list[str]
    lists: list[str]
    types: list[str]
    ours_meta: bool  # meta=globaluserinfo
    ours_list: bool  # list=globalusers, when the double answers it
    wants_sgas: bool  # meta=tokens with the setglobalaccountstatus type

    @classmethod
    def of(cls, params: dict[str, str], batch_enabled: bool) -> QueryParts:
        metas = [m for m in params.get("meta", "").split("|") if m]
        lists = [m for m in params.get("list", "").split("|") if m]
        types = [t for t in params.get("type", "").split("|") if t]
        return cls(metas, lists, types, "globaluserinfo" in metas, batch_enabled and "globalusers" in lists,
                   "tokens" in metas and ("setglobalaccountstatus" in types or "*" in types))

    def rest(self, params: dict[str, str]) -> dict[str, str]:
        """The request the real wiki gets: without CentralAuth's modules and their parameters."""
        rest = dict(params)
        rest["meta"] = "|".join(m for m in self.metas if m != "globaluserinfo")
        rest["list"] = "|".join(m for m in self.lists if not (self.ours_list and m == "globalusers"))
        if self.wants_sgas:
            rest["type"] = "|".join(sorted({t for t in self.types if t != "setglobalaccountstatus"} | {"csrf"}))
        rest = {k: v for k, v in rest.items() if (v != "" or k not in ("meta", "list"))
                and not (self.ours_meta and k.startswith("gui")) and not (self.ours_list and k.startswith("gus"))}
        rest["formatversion"] = "2"
        return rest


def _teach(module: dict[str, Any], param: str, value: str) -> None:
    """Add ``value`` to the choices paraminfo lists for one parameter of a module."""
    for p in module.get("parameters", []):
        if p.get("name") == param and isinstance(p.get("type"), list):
            p["type"] = sorted(set(p["type"]) | {value})


def _reset(double: Double, body: bytes) -> None:
    double.state = {"next_id": 1, "accounts": {}, "counters": {}, "features": {}}


def _patch_state(double: Double, body: bytes) -> None:
    if not body:
        return  # a GET (or an empty POST): the state as it is
    patch = json.loads(body)
    double.state.setdefault("features", {}).update(patch.get("features", {}))
    for name, acc in patch.get("accounts", {}).items():
        local = double.local_rows([name])[name]
        current = double.account(name, local) or {
            "id": double.state["next_id"], "home": double.central, "locked": False, "hidden": "",
            "groups": [], "unattached": [], "registration": now()}
        current.update(acc)
        double.state["accounts"][name] = current


def _zero_counters(double: Double, body: bytes) -> None:
    double.state["counters"] = {}


# The modules the double answers itself (every other action goes to the real central wiki), and its test hooks.
ACTIONS: dict[str, Callable[[Handler, Request], None]] = {
    "setglobalaccountstatus": Handler._write,
    "globaluserrights": Handler._write,
    "query": Handler._query,
    "paraminfo": Handler._paraminfo,
}
ADMIN: dict[str, Callable[[Double, bytes], None]] = {
    "/_double/reset": _reset,
    "/_double/state": _patch_state,
    "/_double/counters": _zero_counters,
}


def make_handler(double: Double) -> type[BaseHTTPRequestHandler]:
    """A handler class bound to ``double`` (one per server)."""
    return type("Handler", (Handler,), {"double": double})


def to_fv1(data: Any) -> Any:
    """formatversion=1: true becomes "", false keys vanish (ApiResult's BC transformations)."""
    if isinstance(data, dict):
        return {k: ("" if v is True else to_fv1(v)) for k, v in data.items() if v is not False}
    if isinstance(data, list):
        return [to_fv1(v) for v in data]
    return data


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--farm", type=Path, required=True, help="farm.json written by scripts/wikifarm")
    ap.add_argument("--state", type=Path, required=True)
    ap.add_argument("--globalusers", action="store_true", help="also answer list=globalusers (CA ≥ May 2026)")
    args = ap.parse_args()
    for _ in range(100):
        if args.farm.exists():
            break
        time.sleep(0.1)
    double = Double(json.loads(args.farm.read_text()), args.state, args.globalusers)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(double))
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main()

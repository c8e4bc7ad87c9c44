#!/usr/bin/env python3
"""peer_script — the careful, batched pywikibot script an operator would write instead of banbot.

    .venv/bin/python scripts/peer_script.py --config banbot.toml [--notify/--no-notify]

It reads the same banbot config (list page, wikis, farm mode, pywikibot_dir) so that scripts/bench can run it in
the same scenarios and print banbot ÷ peer. What it does, with no journal and no rails:

* read the list page once and take every linked, not struck-out user name;
* plain farms: on every wiki, ``list=users`` 50 names a request (groups, blockinfo); block each existing
  account not yet blocked, remove its explicit groups, and leave a talk-page notice where it just blocked;
* CentralAuth farms: per account one ``meta=globaluserinfo`` (groups, merged); lock it if unlocked, remove
  global groups, remove local groups (interwiki ``userrights`` from the central wiki), and leave a notice on
  its home wiki when it just locked it.

Prints one JSON line: {"reads": …, "writes": …, "accounts": …, "actions": {kind: n}}.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tomllib
from collections import Counter
from pathlib import Path
from typing import Any

IMPLICIT = {"*", "user", "autoconfirmed"}
LINK = re.compile(r"\[\[(?:[a-z]+:)?(?:User:|Special:CentralAuth/)([^|\]#]+)", re.I)
REASON = "Globally banned: see the global ban list"


def names_in(text: str) -> list[str]:
    out: list[str] = []
    for line in text.splitlines():
        if "<s>" in line or "<del>" in line:
            continue
        for m in LINK.finditer(line):
            n = m.group(1).strip().replace("_", " ")
            n = n[:1].upper() + n[1:]
            if n and n not in out:
                out.append(n)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", required=True, type=Path)
    ap.add_argument("--notify", action=argparse.BooleanOptionalAction, default=None)
    args = ap.parse_args()
    cfg = tomllib.loads(args.config.read_text())
    base = args.config.parent
    pwb_dir = (base / cfg["farm"]["pywikibot_dir"]).resolve()
    os.environ["PYWIKIBOT_DIR"] = str(pwb_dir)
    import pywikibot

    pywikibot.config.put_throttle = 0
    wikis: dict[str, str] = {db: t["api"] for db, t in cfg["wikis"].items()}
    for db, api in wikis.items():
        pywikibot.config.family_files[db] = api
    sites: dict[str, Any] = {}
    stats: Counter[str] = Counter()

    def site(db: str) -> Any:
        if db not in sites:
            s = pywikibot.Site(db, db)
            s.login()
            sites[db] = s
        return sites[db]

    def call(db: str, write: bool = False, token: str = "csrf", **params: Any) -> dict[str, Any]:
        s = site(db)
        if write:
            params["token"] = s.tokens[token]
            stats[f"write:{params['action']}"] += 1
        else:
            stats["reads"] += 1
        params.setdefault("formatversion", 2)
        return dict(pywikibot.data.api.Request(site=s, parameters=params).submit())

    mode = cfg["farm"].get("mode", "plain")
    notify = cfg.get("enforce", {}).get("notify", True) if args.notify is None else args.notify
    lst = cfg["list"]
    page = call(lst["wiki"], action="query", prop="revisions", titles=lst["page"], rvprop="content",
                rvslots="main")["query"]["pages"][0]
    names = names_in(page["revisions"][0]["slots"]["main"]["content"]) if "revisions" in page else []

    def notice(db: str, user: str) -> None:
        call(db, True, action="edit", title=f"User talk:{user}", appendtext="\n\n== Global ban ==\n" + REASON
             + " ~~~~", summary="Global ban notice", bot=1)

    if mode == "plain":
        for db in wikis:
            for i in range(0, len(names), 50):
                rows = call(db, action="query", list="users", ususers="|".join(names[i:i + 50]),
                            usprop="groups|blockinfo")["query"]["users"]
                for row in rows:
                    if row.get("missing") or row.get("invalid"):
                        continue
                    user = row["name"]
                    if "blockid" not in row:
                        call(db, True, action="block", user=user, expiry="infinite", reason=REASON, nocreate=1,
                             autoblock=1)
                        if notify:
                            notice(db, user)
                    extra = [g for g in row.get("groups", []) if g not in IMPLICIT]
                    if extra:
                        call(db, True, "userrights", action="userrights", user=user, remove="|".join(extra),
                             reason=REASON)
    else:
        central = cfg["farm"]["central"]
        for user in names:
            info = call(central, action="query", meta="globaluserinfo", guiuser=user,
                        guiprop="groups|merged")["query"]["globaluserinfo"]
            if info.get("missing"):
                continue
            if not info.get("locked"):
                call(central, True, "setglobalaccountstatus", action="setglobalaccountstatus", user=user,
                     locked="lock", reason=REASON)
                if notify and info.get("home") in wikis:
                    notice(info["home"], user)
            if info.get("groups"):
                call(central, True, action="globaluserrights", user=user, remove="|".join(info["groups"]),
                     reason=REASON)
            for m in info.get("merged", []):
                if m.get("groups"):
                    target = user if m["wiki"] == central else f"{user}@{m['wiki']}"
                    call(central, True, "userrights", action="userrights", user=target, remove="|".join(m["groups"]),
                         reason=REASON)
    writes = sum(v for k, v in stats.items() if k.startswith("write:"))
    print(json.dumps({"reads": stats["reads"], "writes": writes, "accounts": len(names),
                      "actions": {k[6:]: v for k, v in stats.items() if k.startswith("write:")}}))
    sys.stdout.flush()


if __name__ == "__main__":
    main()

"""Every link to the list that banbot posts on another wiki leads to the list's revision on the list's wiki
(issue 17): the talk-page notice, parsed by that wiki, and the block or lock reason in its log."""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Callable
from pathlib import Path

import pytest
import requests
from devfarm.farm import FarmHandle

from integration.conftest import LISTED, banbot, baseline

pytestmark = pytest.mark.integration


def lands_on(url: str) -> tuple[str, str, int]:
    """Where a reader who follows ``url`` lands: the wiki's address, the page, its revision (MediaWiki's own
    ``wgPageName`` and ``wgRevisionId``)."""
    r = requests.get(url, timeout=30, headers={"User-Agent": "banbot-tests (mailto:banbot@localhost)"})
    assert r.status_code == 200, (url, r.status_code)
    page = re.search(r'"wgPageName":"([^"]*)"', r.text)
    rev = re.search(r'"wgRevisionId":(\d+)', r.text)
    assert page and rev, url
    split = urllib.parse.urlsplit(r.url)
    return f"{split.scheme}://{split.netloc}", page.group(1).encode().decode("unicode_escape"), int(rev.group(1))


@pytest.mark.parametrize("mode", ["plain", "centralauth"])
def test_every_link_in_a_notice_on_another_wiki_leads_to_the_list_revision_on_the_list_wiki(
        farm: FarmHandle, configure: Callable[..., Path], uniq: str, mode: str) -> None:
    name = f"{uniq} Linked"
    for db in ("enwiki", "zhwiki", "metawiki"):  # home wiki enwiki (CentralAuth: the first it was made on)
        farm.make_users(db, [{"name": name}])
    page = f"Bans/{uniq} Linked"
    cfg = configure(mode, page)
    baseline(farm, cfg, page)
    revid = farm.edit("metawiki", page, f"* [[User:{name}]], since {LISTED}")
    code, report, err = banbot("run", "--config", str(cfg), "--format", "json")
    assert code == 0, err
    meta = farm.get("metawiki", action="query", meta="siteinfo")["query"]["general"]["server"]
    wanted = {(meta, page.replace(" ", "_"), revid)}  # the list's revision, on the list's wiki
    other_wikis = ("enwiki", "zhwiki") if mode == "plain" else ("enwiki",)
    for db in other_wikis:
        parsed = farm.get(db, action="parse", page=f"User talk:{name}", prop="links|externallinks|iwlinks")["parse"]
        local = [x["title"] for x in parsed["links"] if not x["title"].endswith(":BanBot")]  # but the signature
        assert parsed["iwlinks"] == [] and local == [], (db, local)  # nothing that would be this wiki's page
        permalinks = [u for u in parsed["externallinks"] if "PermanentLink" in u]
        assert len(permalinks) == 1 and {lands_on(u) for u in permalinks} == wanted, (db, parsed["externallinks"])
        listed = [u for u in parsed["externallinks"] if u not in permalinks]
        assert len(listed) == 1 and lands_on(listed[0])[:2] == (meta, page.replace(" ", "_")), listed
    if mode == "plain":  # the block on enwiki; the lock on the central wiki (the extension's log or the double's)
        entries = farm.get("enwiki", action="query", list="logevents", letype="block", lelimit=50)["query"]
        reason = next(e["comment"] for e in entries["logevents"] if name in e["title"])
    else:
        reason = next(e.get("comment", e.get("reason", "")) for e in farm.lock_log(name))
    urls = re.findall(r"https?://\S+?(?=[\s\]])", reason)
    assert urls and {lands_on(u) for u in urls if "PermanentLink" in u} == wanted, reason

"""Links to the list in reasons and notices work on every wiki of the farm, not only on the list's own
(issue 17): by the list wiki's address, or by an interwiki prefix the farm's interwiki table confirms."""

from __future__ import annotations

from typing import Any

import pytest

from banbot.app import App
from banbot.config import parse_config
from banbot.errors import ConfigError
from banbot.links import ListLink, article_url, leads_to
from banbot.plan import Notify, make_plan
from banbot.state import LocalAccount
from banbot.wiki.session import Farm
from test_plan import account, bans, talk

META = {"server": "http://127.0.0.1:8181", "articlepath": "/index.php/$1", "script": "/index.php",
        "wikiid": "metawiki"}
IW = [{"prefix": "m", "url": "http://127.0.0.1:8181/index.php/$1"},
      {"prefix": "w", "url": "https://en.wikipedia.org/wiki/$1"}]


class Wiki:
    """A wiki as App reads it: its siteinfo, its interwiki table, the bot's name."""

    def __init__(self, general: dict[str, Any], interwiki: list[dict[str, Any]]) -> None:
        self.general, self.interwiki, self.asked = general, interwiki, 0
        self.dbname = general["wikiid"]

    def siteinfo(self) -> dict[str, Any]:
        return self.general

    def username(self) -> str:
        return "BanBot"

    def call(self, params: dict[str, Any], **_: Any) -> dict[str, Any]:
        assert params["siprop"] == "interwikimap"
        self.asked += 1
        return {"query": {"interwikimap": self.interwiki}}


def app(prefix: str = "", interwiki: list[dict[str, Any]] = IW, general: dict[str, Any] = META) -> tuple[App, Wiki]:
    cfg = parse_config({"list": {"wiki": "metawiki", "page": "Global bans/List", "link_prefix": prefix},
                        "farm": {"mode": "centralauth", "central": "metawiki"},
                        "wikis": {"metawiki": {"api": "http://127.0.0.1:8181/api.php"},
                                  "zhwiki": {"api": "http://127.0.0.1:8183/api.php", "lang": "zh"}}})
    wiki = Wiki(general, interwiki)
    return App(cfg, Farm(cfg, {"metawiki": wiki}), None), wiki  # type: ignore[dict-item]


def test_by_default_reasons_and_notices_link_the_list_wiki_by_its_address() -> None:
    a, wiki = app()
    v = account("V", home="zhwiki", local=(LocalAccount("zhwiki", ("sysop",)),), talk=(talk("zhwiki", "V"),))
    plan = make_plan(bans("V"), {"V": v}, a.settings())
    page = "http://127.0.0.1:8181/index.php/Global_bans/List"
    revision = "http://127.0.0.1:8181/index.php/Special:PermanentLink/42"
    assert plan.actions[0].reason == f"Global ban enforcement: see [{page} Global bans/List] ([{revision} revision 42])"
    notice = next(x for x in plan.actions if isinstance(x, Notify))
    assert notice.wiki == "zhwiki" and f"[{page} Global bans/List]（[{revision} 列表版本42]）" in notice.text
    assert "[[" not in notice.text and wiki.asked == 0  # the address costs no request


def test_an_interwiki_prefix_is_checked_against_the_farms_interwiki_table() -> None:
    a, wiki = app("m:")
    plan = make_plan(bans("V"), {"V": account("V")}, a.settings())
    assert "[[m:Global bans/List]] ([[m:Special:PermanentLink/42|revision 42]])" in plan.actions[0].reason
    a.settings()
    assert wiki.asked == 1  # once a run
    with pytest.raises(ConfigError, match=r"list.link_prefix = 'w:' does not lead to metawiki on metawiki: its "
                                          r"interwiki table sends it to https://en.wikipedia.org/wiki/\$1"):
        app("w:")[0].settings()
    with pytest.raises(ConfigError, match="not in the interwiki table"):
        app("meta:")[0].settings()


def test_a_wiki_that_gives_no_address_for_its_pages_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="set list.link_prefix"):
        app(general={"wikiid": "metawiki", "server": "", "articlepath": "/wiki/$1"})[0].settings()


@pytest.mark.parametrize("general, expected", [
    ({"server": "https://meta.example.org", "articlepath": "/wiki/$1"}, "https://meta.example.org/wiki/$1"),
    ({"server": "//meta.example.org", "articlepath": "/wiki/$1"}, "//meta.example.org/wiki/$1"),
    ({"server": "https://x.org", "articlepath": "/view/$1/now", "script": "/w/index.php"},
     "https://x.org/w/index.php?title=$1"),
    ({"server": "ftp://x.org", "articlepath": "/wiki/$1"}, None),
])
def test_the_address_of_a_page_comes_from_siteinfo(general: dict[str, Any], expected: str | None) -> None:
    assert article_url(general) == expected


def test_an_interwiki_address_matches_whatever_its_scheme() -> None:
    meta = "https://meta.example.org/wiki/$1"
    assert leads_to([{"prefix": "m", "url": "//meta.example.org/wiki/$1"}], "m:", meta) is None
    assert leads_to([{"prefix": "M", "url": meta}], "m", meta.replace("https:", "http:")) is None


def test_a_title_in_a_link_is_escaped_and_braces_in_it_are_not_fields() -> None:
    link = ListLink("Bans {x}/List & more", article="https://m.org/wiki/$1")
    assert link.list_link == "https://m.org/wiki/Bans_%7Bx%7D/List_%26_more"
    assert link.template("see [[{list_link}]]").format(list_link=link.list_link) == \
        "see [https://m.org/wiki/Bans_%7Bx%7D/List_%26_more Bans {x}/List & more]"

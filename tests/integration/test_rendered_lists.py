"""Property on the real farm: no generated list page ever yields an entry that MediaWiki would not link.

Each example is a table whose rows hide their account in every way the issue names (nowiki, includeonly,
pre, comments, display:none, CSS strike-through, template output) or spell it in tricky ways (soft hyphens,
references without semicolons, percent forms, underscores, lower case). banbot reads the page as the
application layer does (wikitext, then the rendered revision and MediaWiki's name resolution); the oracle is
MediaWiki's own link table for that revision (``action=parse&prop=links``), read independently here.
"""

from __future__ import annotations

import dataclasses
import os
from typing import Any

import pytest
from devfarm.farm import FarmHandle
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.integration
EXAMPLES = int(os.environ.get("BANBOT_FARM_HYPOTHESIS_EXAMPLES", "25"))

BASE = st.sampled_from(["Gull", "Wren", "Heron", "Tern", "Ibis"])
SPELLING = st.sampled_from(["{}", "{}_Two", "{} two", "{}\u00adx", "{}&ampY", "{}&amp;Y", "{}%20Z", "{}\ufeff",
                            "{}&#32;Sp"])
WRAP = st.sampled_from([
    "[[User:{n}]]", "[[User:{n}|label]]", "<nowiki>[[User:{n}]]</nowiki>",
    "<includeonly>[[User:{n}]]</includeonly>", "<pre>[[User:{n}]]</pre>", "<!-- [[User:{n}]] -->",
    '<span style="display:none">[[User:{n}]]</span>', '<span style="text-decoration:line-through">[[User:{n}]]</span>',
    "{{{{Banned user|{n}}}}}", "<s>[[User:{n}]]</s>",
])  # User: links only: the oracle, MediaWiki's link table, does not hold links to Special pages


@st.composite
def page(draw: st.DrawFn) -> str:
    rows = []
    for i in range(draw(st.integers(1, 6))):
        name = draw(SPELLING).format(f"{draw(BASE)}{i}")
        rows += ["|-", f"| {draw(WRAP).format(n=name)} || 2026-03-05"]
    return "\n".join(['{| class="wikitable"', "! Username !! Date", *rows, "|}"])


def linked_users(farm: FarmHandle, revid: int) -> set[str]:
    """MediaWiki's own answer: the User pages this revision links, from its link table."""
    data = farm.get("metawiki", action="parse", oldid=revid, prop="links", formatversion=2)
    return {link["title"].split(":", 1)[1] for link in data["parse"]["links"] if link["ns"] == 2}


@pytest.fixture(scope="module")
def reader(farm: FarmHandle, plain_config: Any) -> Any:
    from banbot.app import App
    from banbot.wiki.session import open_farm

    wiki = open_farm(plain_config, login=False)

    def read(title: str) -> Any:
        config = wiki.config
        return App(config, wiki, None, dataclasses.replace(config.sources[0], page=title)).read_list()

    return read


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=page())
def test_no_generated_page_yields_an_entry_mediawiki_would_not_link(farm: FarmHandle, reader: Any,
                                                                   text: str) -> None:
    title = "Bans/Generated"
    farm.edit("metawiki", title, text)  # the same text twice is a null edit: the page keeps its revision
    bans = reader(title)
    assert bans.source.revid is not None
    linked = linked_users(farm, bans.source.revid)
    for entry in bans.active:
        assert entry.user in linked, (entry, linked, text)

from pathlib import Path

import pytest

from banbot.config import load_config, parse_config
from banbot.errors import ConfigError

MINIMAL = {"list": {"page": "Global bans/List"}, "farm": {"mode": "plain"},
           "wikis": {"metawiki": {"api": "http://127.0.0.1:8081/api.php"}}}


def test_minimal_config_fills_defaults() -> None:
    c = parse_config(MINIMAL)
    assert c.central == "metawiki" and c.list_wiki == "metawiki"
    assert c.enforce.remove_groups == ("*",)
    assert "steward" in c.enforce.exempt_groups
    assert c.enforce.notices["en"]


@pytest.mark.parametrize("patch, words", [
    ({"farm": {"mode": "global"}}, "farm.mode"),
    ({"wikis": {"metawiki": {"api": "http://127.0.0.1:8081/"}}}, "wikis.metawiki.api"),
    ({"wikis": {}}, "[wikis]"),
    ({"list": {}}, "list.page"),
    ({"list": {"page": "X", "wiki": "dewiki"}}, "list.wiki"),
    ({"enforce": {"notify": "yes"}}, "enforce.notify must be a bool"),
    ({"enforce": {"no_block_wikis": ["dewiki"]}}, "enforce.no_block_wikis"),
    ({"enforce": {"nobots": "maybe"}}, "enforce.nobots"),
    ({"farm": {"mode": "plain", "user_agent": "banbot"}}, "contact"),
    ({"extra": {}}, "unknown config table"),
])
def test_invalid_config_names_the_field(patch: dict, words: str) -> None:
    with pytest.raises(ConfigError) as e:
        parse_config({**MINIMAL, **patch})
    assert words in str(e.value)


def test_paths_are_relative_to_the_config_file(tmp_path: Path) -> None:
    (tmp_path / "banbot.toml").write_text('[list]\npage = "L"\n[farm]\npywikibot_dir = "pwb"\n'
                                          '[journal]\npath = "j.sqlite"\n[wikis.a]\napi = "http://h/api.php"\n')
    c = load_config(tmp_path / "banbot.toml")
    assert c.pywikibot_dir == tmp_path / "pwb"
    assert c.journal == tmp_path / "j.sqlite"


def test_unreadable_and_malformed_files_are_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "missing.toml")
    (tmp_path / "bad.toml").write_text("[list\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(tmp_path / "bad.toml")


def test_the_sample_config_in_the_repository_is_valid() -> None:
    c = load_config(Path(__file__).resolve().parent.parent / "banbot.toml.example")
    assert c.list_page == "WMF Global Ban Policy/List"

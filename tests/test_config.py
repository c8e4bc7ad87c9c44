from pathlib import Path
from typing import Any

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


def config(**tables: dict) -> dict:
    """MINIMAL with some tables replaced."""
    return {**MINIMAL, **tables}


def error(data: dict) -> str:
    with pytest.raises(ConfigError) as e:
        parse_config(data)
    return str(e.value)


@pytest.mark.parametrize("data, message", [
    (config(enforce={"exempt_user": ["Steward"]}), "unknown key enforce.exempt_user; did you mean exempt_users?"),
    (config(safety={"max_action": 1}), "unknown key safety.max_action; did you mean max_actions?"),
    (config(farm={"mdoe": "plain"}), "unknown key farm.mdoe; did you mean mode?"),
    (config(list={"page": "L", "linkprefix": "m:"}), "unknown key list.linkprefix; did you mean link_prefix?"),
    (config(wikis={"metawiki": {"api": "http://h/api.php", "lnag": "de"}}),
     "unknown key wikis.metawiki.lnag; did you mean lang?"),
    (config(report={"pgae": "User:BanBot/Status"}), "unknown key report.pgae; did you mean page?"),
    (config(journal={"paht": "j.sqlite"}), "unknown key journal.paht; did you mean path?"),
    (config(safety={"killswitch": ""}), "unknown key safety.killswitch; did you mean kill_switch?"),
    (config(lsit={}), "unknown config table [lsit]; did you mean [list]?"),
])
def test_a_typo_in_a_key_is_an_error_that_names_the_closest_key(data: dict, message: str) -> None:
    assert error(data) == message


def test_an_unknown_key_with_no_close_match_lists_the_valid_keys() -> None:
    assert error(config(report={"colour": "red"})) == "unknown key report.colour; valid keys: page"


def test_a_key_above_every_table_header_is_an_error_that_names_its_table() -> None:
    message = error({**MINIMAL, "max_actions": 5})
    assert message.startswith("unknown top-level key max_actions; it belongs in [safety]")


def test_a_boolean_is_not_an_integer() -> None:
    assert error(config(safety={"max_actions": True})) == \
        "safety.max_actions must be an integer, not a boolean (true)"


@pytest.mark.parametrize("data, message", [
    (config(enforce={"notify": 1}), "enforce.notify must be a bool (true or false), not an integer (1)"),
    (config(enforce={"block": "no"}), 'enforce.block must be a bool (true or false), not a string ("no")'),
    (config(safety={"max_new_entries": 2.5}), "safety.max_new_entries must be an integer, not a float (2.5)"),
    (config(safety={"max_actions": "100"}), 'safety.max_actions must be an integer, not a string ("100")'),
    (config(safety={"trusted_groups": "sysop"}), 'safety.trusted_groups must be a list of strings, not a string'),
    (config(enforce={"exempt_users": ["Steward", 42]}),
     "enforce.exempt_users must be a list of strings; item 2 is an integer (42)"),
    (config(enforce={"notices": "Banned."}), 'enforce.notices must be a table, not a string ("Banned.")'),
    (config(wikis={"metawiki": {"api": "http://h/api.php", "lang": 1}}),
     "wikis.metawiki.lang must be a string, not an integer (1)"),
    (config(report={"page": ["User:BanBot/Status"]}), "report.page must be a string, not a list"),
    ({**MINIMAL, "safety": 1}, "safety must be a table, not an integer (1)"),
])
def test_a_value_of_the_wrong_type_is_an_error_that_names_the_field_and_both_types(data: dict, message: str) -> None:
    assert error(data).startswith(message)


@pytest.mark.parametrize("notices, message", [
    ({"en_US": "x"}, 'enforce.notices has the key "en_US", which is not a language code'),
    ({"": "x"}, 'enforce.notices has the key "", which is not a language code'),
    ({"de": 3}, "enforce.notices.de must be a string, not an integer (3)"),
])
def test_a_notice_language_must_be_a_language_code_and_its_text_a_string(notices: dict, message: str) -> None:
    assert error(config(enforce={"notices": notices})).startswith(message)


def test_notices_in_more_languages_are_accepted_and_keep_the_defaults() -> None:
    c = parse_config(config(enforce={"notices": {"zh-hans": "封禁 {user} <!-- {marker} -->", "de": "Gesperrt."}}))
    assert set(c.enforce.notices) == {"en", "zh", "zh-hans", "de"}


@pytest.mark.parametrize("enforce, message", [
    ({"reason": "Banned: {reasn}"},
     "enforce.reason uses {reasn}, which banbot does not fill; use {user}, {list_link}, {permalink} or {revid}"),
    ({"reason": "Banned <!-- {marker} -->"},  # the marker belongs in notices only
     "enforce.reason uses {marker}, which banbot does not fill; use {user}, {list_link}, {permalink} or {revid}"),
    ({"notices": {"de": "Gesperrt, {username}"}},
     "enforce.notices.de uses {username}, which banbot does not fill; "
     "use {user}, {list_link}, {permalink}, {revid} or {marker}"),
])
def test_a_template_field_banbot_does_not_fill_is_an_error_that_lists_the_fields(enforce: dict, message: str) -> None:
    assert error(config(enforce=enforce)) == message


@pytest.mark.parametrize("reason, words", [
    ("see {0}", "uses the positional field {0}; banbot fills named fields only"),
    ("see {}", "uses the positional field {}"),
    ("a lone { brace", "is not a valid template"),
    ("a lone } brace", "is not a valid template"),
    ("revision {revid:d}", "uses {revid:d}, which fails"),
    ("{user!x}", "uses {user!x}, which fails"),
    ("{user[0]}", "uses {user[0]}; banbot fills {user} as a whole"),
    ("{user.title}", "uses {user.title}; banbot fills {user} as a whole"),
    ("{user:{revid}}", "a field inside a format spec"),
    ("{{user}}", "has {{user}}, which banbot writes as the literal text {user}; write {user}"),
    ("see {{Global ban}}", "for the wiki template {{Global ban}} write {{{{Global ban}}}}"),
])
def test_a_template_that_would_fail_or_come_out_wrong_is_an_error_at_load(reason: str, words: str) -> None:
    message = error(config(enforce={"reason": reason}))
    assert message.startswith("enforce.reason") and words in message


@pytest.mark.parametrize("reason", [
    "{user}: {list_link} {permalink} {revid}",
    "see {{{{Global ban}}}} for {user}",  # the wiki template {{Global ban}}
    "{{| class=wikitable\n| {user}\n|}}",  # a wiki table: single braces in the text
    "{user!s:>5}",
])
def test_a_template_banbot_can_always_fill_is_accepted(reason: str) -> None:
    assert parse_config(config(enforce={"reason": reason})).enforce.reason == reason


def test_the_notice_title_is_used_as_written_so_a_field_in_it_is_an_error() -> None:
    assert error(config(enforce={"notice_title": "Ban of {user}"})) == \
        "enforce.notice_title is used as written, banbot fills no fields in it: remove {user}"
    assert parse_config(config(enforce={"notice_title": "{{Ban}} {"})).enforce.notice_title == "{{Ban}} {"


def test_every_template_field_the_config_allows_is_filled_by_the_plan() -> None:
    from banbot.banlist import ListSource
    from banbot.config import NOTICE_FIELDS, REASON_FIELDS
    from banbot.plan import PlanSettings, plan_account
    from banbot.state import AccountState, LocalAccount, TalkPage

    c = parse_config(config(enforce={"reason": " ".join("{" + f + "}" for f in REASON_FIELDS),
                                     "notices": {"en": " ".join("{" + f + "}" for f in NOTICE_FIELDS)}}))
    s = PlanSettings(mode="plain", central="metawiki", wikis=("metawiki",), langs={"metawiki": "en"},
                     enforce=c.enforce, list_link=c.list_page, bot_name="BanBot")
    state = AccountState("Vandal", exists=True, local=(LocalAccount("metawiki"),),
                         talk=(TalkPage("metawiki", "User talk:Vandal", exists=False),))
    source = ListSource("wiki", "metawiki", "Global bans/List", 42, "2026-03-05T00:00:00Z", "Admin")
    actions, _ = plan_account(state, source, s)
    texts = [a.reason for a in actions] + [getattr(a, "text", "") for a in actions]
    assert {a.kind for a in actions} == {"block", "notify"}
    assert all("{" not in t and "}" not in t for t in texts), texts


@pytest.mark.parametrize("key", ["max_actions", "max_new_entries"])
def test_a_limit_below_minus_one_is_an_error(key: str) -> None:
    assert error(config(safety={key: -5})) == \
        f"safety.{key} = -5: use a count (0 or more), or -1 to turn the limit off"
    assert getattr(parse_config(config(safety={key: -1})).safety, key) == -1


def test_an_empty_journal_path_is_an_error() -> None:
    assert error(config(journal={"path": ""})).startswith("journal.path is empty; remove it to use the default")


def test_block_follows_the_farm_mode_unless_set() -> None:
    assert parse_config(MINIMAL).enforce.block is True
    assert parse_config(config(farm={"mode": "centralauth"})).enforce.block is False
    assert parse_config(config(farm={"mode": "centralauth"}, enforce={"block": True})).enforce.block is True
    assert parse_config(MINIMAL).enforce.notify_all_wikis is True


def test_a_tilde_in_lock_file_is_the_home_directory(tmp_path: Path) -> None:
    c = parse_config(config(safety={"lock_file": "~/banbot.lock"}), tmp_path / "banbot.toml")
    assert c.lock_file == Path.home().resolve() / "banbot.lock"


# A value for each key banbot accepts that differs from its default: every key must change the config.
NON_DEFAULT = {
    "list.wiki": "enwiki", "list.page": "Other/List", "list.section": "Active", "list.link_prefix": "m:",
    "list.user_column": "Account name", "farm.mode": "centralauth", "farm.central": "enwiki",
    "farm.pywikibot_dir": "pwb", "farm.user_agent": "banbot (ops@example.org)",
    "wikis.*.api": "http://other/api.php", "wikis.*.lang": "de",
    "enforce.remove_groups": ["sysop"], "enforce.exempt_groups": [], "enforce.exempt_users": ["Steward"],
    "enforce.block": False, "enforce.no_block_wikis": ["enwiki"], "enforce.notify": False,
    "enforce.no_notice_wikis": ["enwiki"], "enforce.notify_all_wikis": False, "enforce.noemail": False,
    "enforce.nobots": "ignore", "enforce.reason": "Banned: {user}", "enforce.notice_title": "Ban",
    "enforce.notices": {"de": "Gesperrt."}, "safety.require_protection": "", "safety.trusted_groups": [],
    "safety.max_new_entries": -1, "safety.max_actions": 5, "safety.kill_switch": "", "safety.kill_switch_word": "go",
    "safety.lock_file": "x.lock", "report.page": "User:BanBot/Status", "journal.path": "other.sqlite",
    "run.verify_every_hours": 6, "run.full_verify_every_days": 0, "farm.ignore_centralauth": True,
    "alerts.page": "User:BanBot/Alerts",
    "alerts.email": ["Alice"], "alerts.unusable_after_minutes": 5,
    "approval.page": "Project:Other", "approval.above_actions": 3, "approval.first_run": True,
    "approval.enforce_unlisted": True, "approval.expires_hours": 2, "approval.allow_interactive": False,
    "sources.*.name": "other", "sources.*.wiki": "enwiki", "sources.*.page": "Other/List",
    "sources.*.sanction": "restrict", "sources.*.section": "Active", "sources.*.link_prefix": "m:",
    "sources.*.user_column": "Account name", "sources.*.trusted_groups": ["steward"], "sources.*.notify": False,
    "sources.*.reason": "Removed: {user}", "sources.*.notice_title": "Removed",
    "sources.*.notices": {"en": "Removed. <!-- {marker} -->"},
}
ONE_SOURCE = {"name": "foundation", "page": "Global bans/List"}
TWO_WIKIS = config(wikis={"metawiki": {"api": "http://h/api.php"}, "enwiki": {"api": "http://e/api.php"}})


def test_every_key_banbot_accepts_has_an_effect() -> None:
    from banbot.config import SCHEMA

    assert set(NON_DEFAULT) == {f"{t}.{k}" for t, keys in SCHEMA.items() if t for k in keys}
    base = parse_config(TWO_WIKIS, Path("/srv/banbot.toml"))
    sourced = {**{t: v for t, v in TWO_WIKIS.items() if t != "list"}, "sources": [ONE_SOURCE]}
    sourced_base = parse_config(sourced, Path("/srv/banbot.toml"))
    for key, value in NON_DEFAULT.items():
        table, name = key.rsplit(".", 1)
        data = {t: dict(v) for t, v in TWO_WIKIS.items()}
        if table == "sources.*":
            changed = {**sourced, "sources": [{**ONE_SOURCE, name: value}]}
            assert parse_config(changed, Path("/srv/banbot.toml")) != sourced_base, f"{key} = {value!r} changed nothing"
            continue
        if table == "wikis.*":
            data["wikis"] = {db: {**w, name: value} for db, w in TWO_WIKIS["wikis"].items()}
        else:
            data[table] = {**data.get(table, {}), name: value}
        assert parse_config(data, Path("/srv/banbot.toml")) != base, f"{key} = {value!r} changed nothing"


def test_the_old_list_table_is_one_ban_source_named_list() -> None:
    from banbot.config import SanctionKind as Sanction

    c = parse_config(MINIMAL)
    assert [(s.name, s.sanction, s.page) for s in c.sources] == [("list", Sanction.BAN, "Global bans/List")]


def test_sources_name_their_sanction_and_each_setting_of_their_own() -> None:
    from banbot.config import SanctionKind as Sanction

    data = {**{t: v for t, v in MINIMAL.items() if t != "list"}, "sources": [
        {"name": "foundation", "page": "WMF Global Ban Policy/List", "sanction": "ban"},
        {"name": "rights-removals", "page": "Office actions/Rights removals", "sanction": "restrict",
         "trusted_groups": ["steward"], "notify": True}]}
    c = parse_config(data)
    assert [s.sanction for s in c.sources] == [Sanction.BAN, Sanction.RESTRICT]
    assert c.source("rights-removals").trusted_groups == ("steward",) and c.source(None).name == "foundation"
    assert c.sources[1].notify is True and c.sources[0].notify is None


@pytest.mark.parametrize(("sources", "words"), [
    ([{"name": "a", "page": "P", "sanction": "globalblock"}], "sources[0].sanction = 'globalblock': use one of ban"),
    ([{"page": "P"}], "sources[0].name is missing"),
    ([{"name": "a b", "page": "P"}], "sources[0].name = 'a b': use letters"),
    ([{"name": "a", "page": "P"}, {"name": "a", "page": "Q"}], "two sources share a name (a)"),
    ([{"name": "a", "page": "P"}, {"name": "b", "page": "P"}], "two sources read the same list"),
    ([{"name": "a", "page": "P", "wiki": "xwiki"}], "sources[0].wiki = 'xwiki' is not one of the [wikis]"),
    ([{"name": "a", "page": "P", "colour": "red"}], "unknown"),
    ([], "[[sources]] is empty"),
])
def test_a_bad_source_is_one_clear_error(sources: list[dict[str, Any]], words: str) -> None:
    data = {**{t: v for t, v in MINIMAL.items() if t != "list"}, "sources": sources}
    with pytest.raises(ConfigError) as e:
        parse_config(data)
    assert words in str(e.value)


def test_an_unknown_source_name_lists_the_configured_ones() -> None:
    data = {**{t: v for t, v in MINIMAL.items() if t != "list"}, "sources": [{"name": "foundation", "page": "P"}]}
    with pytest.raises(ConfigError, match="no source is called 'x'; the config has foundation"):
        parse_config(data).source("x")

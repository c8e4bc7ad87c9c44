"""banbot's configuration: one TOML file, loaded once into frozen values, validated with messages
that name the field and the fix. Secrets never live here: logins come from pywikibot's own files.

The configuration is strict: banbot runs unattended, so a mistyped key, a value of the wrong type or a
template field banbot does not fill is an error at load, never a setting silently ignored. ``SCHEMA`` is the
one list of the keys each table accepts; the unknown-key check and the test of ``banbot.toml.example`` both
read it.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import os
import re
import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Final

from banbot.errors import ConfigError

# {list_link}: the list page; {permalink}: that very revision of it (Special:PermanentLink); {revid}; {user}
DEFAULT_REASON = "Global ban enforcement: see [[{list_link}]] ([[{permalink}|revision {revid}]])"
DEFAULT_NOTICE_TITLE = "Global ban"
DEFAULT_NOTICES = {
    "en": ("Your account is subject to a global ban, listed at [[{list_link}]] "
           "([[{permalink}|list revision {revid}]]). Access has been restricted on the wikis of this farm. "
           "<!-- {marker} --> ~~~~"),
    "zh": ("您的账户已被全域禁制，见[[{list_link}]]（[[{permalink}|列表版本{revid}]]）。本站群各维基上的权限已被限制。"
           "<!-- {marker} --> ~~~~"),
}
# The fields banbot.plan fills in (its _fill calls): the reason and, with {marker}, the notices.
REASON_FIELDS: Final = ("user", "list_link", "permalink", "revid")
NOTICE_FIELDS: Final = (*REASON_FIELDS, "marker")

# What each table's values must be.
STRING: Final = "a string"
BOOL: Final = "a bool (true or false)"
INTEGER: Final = "an integer"
STRINGS: Final = "a list of strings"
TABLE: Final = "a table"

# Every key banbot accepts, table by table ("" is the top level; "wikis.*" is each [wikis.<dbname>] table;
# [wikis] itself holds one table per wiki, [enforce.notices] one string per language code).
SCHEMA: Final[Mapping[str, Mapping[str, str]]] = {
    "": {"list": TABLE, "farm": TABLE, "wikis": TABLE, "enforce": TABLE, "safety": TABLE, "report": TABLE,
         "journal": TABLE, "run": TABLE, "alerts": TABLE, "approval": TABLE},
    "list": {"wiki": STRING, "page": STRING, "section": STRING, "link_prefix": STRING, "user_column": STRING},
    "farm": {"mode": STRING, "central": STRING, "pywikibot_dir": STRING, "user_agent": STRING,
             "ignore_centralauth": BOOL},
    "wikis.*": {"api": STRING, "lang": STRING},
    "enforce": {"remove_groups": STRINGS, "exempt_groups": STRINGS, "exempt_users": STRINGS, "block": BOOL,
                "no_block_wikis": STRINGS, "notify": BOOL, "no_notice_wikis": STRINGS, "notify_all_wikis": BOOL,
                "noemail": BOOL, "nobots": STRING, "reason": STRING, "notice_title": STRING, "notices": TABLE},
    "safety": {"require_protection": STRING, "trusted_groups": STRINGS, "max_new_entries": INTEGER,
               "max_actions": INTEGER, "kill_switch": STRING, "kill_switch_word": STRING, "lock_file": STRING},
    "report": {"page": STRING},
    "journal": {"path": STRING},
    "run": {"verify_every_hours": INTEGER},
    "alerts": {"page": STRING, "email": STRINGS, "unusable_after_minutes": INTEGER},
    "approval": {"page": STRING, "above_actions": INTEGER, "first_run": BOOL, "enforce_unlisted": BOOL,
                 "expires_hours": INTEGER, "allow_interactive": BOOL},
}
_LANGUAGE_CODE = re.compile(r"[A-Za-z-]+")


class FarmMode(StrEnum):
    CENTRALAUTH = "centralauth"  # global accounts: lock, global groups, interwiki group removal
    PLAIN = "plain"  # separate accounts on each wiki: local blocks


class Nobots(StrEnum):
    SKIP = "skip"  # respect {{nobots}}: no notice, shown as held
    IGNORE = "ignore"


@dataclass(frozen=True)
class WikiConfig:
    dbname: str
    api: str
    lang: str = "en"


@dataclass(frozen=True)
class EnforceConfig:
    remove_groups: tuple[str, ...] = ("*",)  # "*" = every explicit group
    exempt_groups: tuple[str, ...] = ("steward", "staff")
    exempt_users: tuple[str, ...] = ()
    block: bool | None = None  # None: block only on farms without global locks (parse_config resolves it)
    no_block_wikis: tuple[str, ...] = ()
    notify: bool = True
    no_notice_wikis: tuple[str, ...] = ()
    notify_all_wikis: bool = True  # plain farms: a notice on every wiki with an account (False: one)
    noemail: bool = True
    nobots: Nobots = Nobots.SKIP  # what a {{nobots}} talk page means
    reason: str = DEFAULT_REASON
    notice_title: str = DEFAULT_NOTICE_TITLE
    notices: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_NOTICES))


@dataclass(frozen=True)
class SafetyConfig:
    require_protection: str = "sysop"  # "" to turn off; the list's edit protection must be at least this
    trusted_groups: tuple[str, ...] = ("sysop", "steward", "staff")  # () to turn off
    max_new_entries: int = 10  # -1 to turn off
    max_actions: int = 100  # -1 to turn off
    kill_switch: str = "Project:Banbot/Run"  # a page on the central wiki; "" to turn off
    kill_switch_word: str = "run"
    lock_file: Path | None = None  # default: the journal's path + ".lock"


@dataclass(frozen=True)
class AlertsConfig:
    """Where `run` and `watch` tell a human what holds them back (:mod:`banbot.alerts`): a page on the central
    wiki and/or operator accounts mailed through the wiki (``action=emailuser``)."""

    page: str | None = None
    email: tuple[str, ...] = ()
    unusable_after_minutes: int = 60  # the farm or the key unusable this long before it is an alert

    @property
    def enabled(self) -> bool:
        return bool(self.page or self.email)


@dataclass(frozen=True)
class ApprovalConfig:
    """The two-person rule (banbot.approval): which plans wait for a second trusted person's approval."""

    page: str = "Project:Banbot/Approvals"  # on the list's wiki, protected like the list
    above_actions: int = -1  # a plan with more actions waits; -1 to turn off
    first_run: bool = False  # the first applied revision of a list waits
    enforce_unlisted: bool = False  # `banbot enforce` of an account not on the list waits
    expires_hours: int = 24  # an approval older than this no longer counts
    allow_interactive: bool = True  # a steward confirming at a terminal may still act alone

    @property
    def enabled(self) -> bool:
        return self.above_actions >= 0 or self.first_run or self.enforce_unlisted


@dataclass(frozen=True)
class Config:
    path: Path | None
    list_wiki: str
    list_page: str
    list_section: str | None
    mode: FarmMode
    central: str
    wikis: Mapping[str, WikiConfig]
    pywikibot_dir: Path | None
    user_agent: str
    journal: Path
    enforce: EnforceConfig
    link_prefix: str = ""  # "": link the list by its wiki's address; else this interwiki prefix (banbot.links)
    safety: SafetyConfig = field(default_factory=SafetyConfig)
    report_page: str | None = None  # the status page `banbot report --publish` writes, on the central wiki
    user_column: str | None = None  # the header of a table's account column, when not User/Username/Account/Name
    # run/watch: an unchanged, fully applied list revision costs one request; every so often a full pass re-reads
    # every account anyway, to find drift (a group re-added by hand, a new wiki). 0: every run is a full pass.
    verify_every_hours: int = 24
    ignore_centralauth: bool = False  # plain mode on a farm that runs CentralAuth, on purpose
    alerts: AlertsConfig = field(default_factory=AlertsConfig)
    approval: ApprovalConfig = field(default_factory=ApprovalConfig)

    @property
    def lock_file(self) -> Path:
        return self.safety.lock_file or self.journal.with_name(self.journal.name + ".lock")


def default_journal() -> Path:
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "banbot" / "journal.sqlite"


# --- checking the shape: keys and types --------------------------------------------------------------------

def _toml_type(value: Any) -> str:
    """What a TOML value is, in TOML's words (a bool is no integer here, whatever Python thinks)."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a float"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, dt.date | dt.time):
        return "a date/time"
    return type(value).__name__


def _toml_repr(value: Any) -> str:
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, list):
        text = "[" + ", ".join(_toml_repr(v) for v in value) + "]"
    elif isinstance(value, dict):
        text = "{" + ", ".join(f"{k} = {_toml_repr(v)}" for k, v in value.items()) + "}"
    elif isinstance(value, dt.datetime | dt.date | dt.time):
        text = value.isoformat()
    else:
        text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _is(kind: str, value: Any) -> bool:
    if kind == STRING:
        return isinstance(value, str)
    if kind == BOOL:
        return isinstance(value, bool)
    if kind == INTEGER:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == STRINGS:
        return isinstance(value, list)  # the items are checked one by one, to name the bad one
    return isinstance(value, dict)


def _name(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _check_value(value: Any, kind: str, name: str) -> None:
    if not _is(kind, value):
        raise ConfigError(f"{name} must be {kind}, not {_toml_type(value)} ({_toml_repr(value)})")
    if kind == STRINGS:
        for i, item in enumerate(value, 1):
            if not isinstance(item, str):
                raise ConfigError(f"{name} must be {kind}; item {i} is {_toml_type(item)} ({_toml_repr(item)}): "
                                  "quote it")


def _unknown(key: str, where: str, valid: Mapping[str, str]) -> ConfigError:
    close = difflib.get_close_matches(key, list(valid), n=1)
    if not where:
        homes = [t for t, keys in SCHEMA.items() if t and key in keys]
        if homes:
            return ConfigError(f"unknown top-level key {key}; it belongs in [{homes[0]}]: move it below that header "
                               "(a key above every [table] header is top-level)")
        hint = f"did you mean [{close[0]}]?" if close else f"allowed: {', '.join(valid)}"
        return ConfigError(f"unknown config table [{key}]; {hint}")
    hint = f"did you mean {close[0]}?" if close else f"valid keys: {', '.join(valid)}"
    return ConfigError(f"unknown key {where}.{key}; {hint}")


def _check_table(table: Mapping[str, Any], where: str, schema: str) -> None:
    """Every key of ``table`` is one ``SCHEMA[schema]`` names, holding a value of the kind it names."""
    valid = SCHEMA[schema]
    for key, value in table.items():
        if key not in valid:
            raise _unknown(key, where, valid)
        _check_value(value, valid[key], _name(where, key))


def _check_shape(data: Mapping[str, Any]) -> None:
    _check_table(data, "", "")
    for table in ("list", "farm", "enforce", "safety", "report", "journal", "run", "alerts", "approval"):
        _check_table(data.get(table, {}), table, table)
    for db, w in data.get("wikis", {}).items():
        if not isinstance(w, dict):
            raise ConfigError(f"wikis.{db} must be a table with api = \"…/api.php\"")
        _check_table(w, f"wikis.{db}", "wikis.*")
    for lang, text in data.get("enforce", {}).get("notices", {}).items():
        if not _LANGUAGE_CODE.fullmatch(lang):
            raise ConfigError(f"enforce.notices has the key {json.dumps(lang, ensure_ascii=False)}, which is not a "
                              "language code; use the wikis' lang codes (letters and hyphens), e.g. en or zh-hans")
        _check_value(text, STRING, f"enforce.notices.{lang}")


# --- checking the templates ----------------------------------------------------------------------------------

def _field_text(name: str, spec: str | None, conversion: str | None) -> str:
    return "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"


def _one_of(fields: tuple[str, ...]) -> str:
    braced = ["{" + f + "}" for f in fields]
    return f"{', '.join(braced[:-1])} or {braced[-1]}"


_SINGLE_BRACED = re.compile(r"(?<!\{)\{([^{}|\0\n]+)\}(?!\})")


def _check_template(text: str, name: str, fields: tuple[str, ...]) -> None:
    """``text`` fills, with str.format_map as banbot.plan does, from ``fields`` alone, and can never fail."""
    use = f"use {_one_of(fields)}"
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as e:
        raise ConfigError(f"{name} is not a valid template ({e}): write {{{{ and }}}} for a literal brace, and "
                          f"fields as {_one_of(fields)}") from None
    rendered = ""
    for literal, field_name, spec, conversion in parsed:
        rendered += literal
        if field_name is None:
            continue
        rendered += "\0"
        shown = _field_text(field_name, spec, conversion)
        if field_name == "" or field_name.isdigit():
            raise ConfigError(f"{name} uses the positional field {shown}; banbot fills named fields only: {use}")
        base = re.split(r"[.\[]", field_name, maxsplit=1)[0]
        if base not in fields:
            raise ConfigError(f"{name} uses {shown}, which banbot does not fill; {use}")
        if base != field_name:
            raise ConfigError(f"{name} uses {shown}; banbot fills {{{base}}} as a whole: write {{{base}}}")
        if spec and "{" in spec:
            raise ConfigError(f"{name} uses {shown}, a field inside a format spec; write {{{base}}}")
        try:
            shown.format_map({f: "1" for f in fields})
        except (ValueError, TypeError) as e:
            raise ConfigError(f"{name} uses {shown}, which fails ({e}): banbot fills every field as text; "
                              f"write {{{base}}}") from None
    for m in _SINGLE_BRACED.finditer(rendered):
        inner = m.group(1)
        if inner in fields:
            raise ConfigError(f"{name} has {{{{{inner}}}}}, which banbot writes as the literal text {{{inner}}}; "
                              f"write {{{inner}}} to fill it in")
        raise ConfigError(f"{name} has {{{{{inner}}}}}, which banbot writes as {{{inner}}} (braces are doubled in "
                          f"templates); for the wiki template {{{{{inner}}}}} write {{{{{{{{{inner}}}}}}}}}")


def _check_verbatim(text: str, name: str) -> None:
    """``text`` is used as written: a {field} in it would reach the wiki unfilled."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:
        return  # a lone brace is just a brace here
    for _, field_name, spec, conversion in parsed:
        if field_name is not None:
            raise ConfigError(f"{name} is used as written, banbot fills no fields in it: remove "
                              f"{_field_text(field_name, spec, conversion)}")


# --- building the values -------------------------------------------------------------------------------------

def _get(table: Mapping[str, Any], key: str, where: str, default: Any = ...) -> Any:
    """A value whose type ``_check_shape`` has checked, or ``default``; no default: the key is required."""
    if key not in table:
        if default is ...:
            raise ConfigError(f"{where}.{key} is missing; add it to the config file")
        return default
    return table[key]


def _table(data: Mapping[str, Any], key: str, required: bool = False) -> Mapping[str, Any]:
    if key not in data and required:
        raise ConfigError(f"[{key}] is missing; add it to the config file")
    table: Mapping[str, Any] = data.get(key, {})
    return table


def _strings(table: Mapping[str, Any], key: str, default: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(table.get(key, default))


def _count(table: Mapping[str, Any], key: str, where: str, default: int) -> int:
    value: int = table.get(key, default)
    if value < -1:
        raise ConfigError(f"{where}.{key} = {value}: use a count (0 or more), or -1 to turn the limit off")
    return value


def parse_config(data: Mapping[str, Any], path: Path | None = None) -> Config:
    base = path.parent if path else Path.cwd()
    _check_shape(data)
    lst = _table(data, "list", required=True)
    farm = _table(data, "farm", required=True)
    wikis_t = _table(data, "wikis", required=True)
    if not wikis_t:
        raise ConfigError("[wikis] is empty; add at least one [wikis.<dbname>] table with api = \"…/api.php\"")
    wikis: dict[str, WikiConfig] = {}
    for db, w in wikis_t.items():
        api = _get(w, "api", f"wikis.{db}")
        if not api.startswith(("http://", "https://")) or not api.endswith("api.php"):
            raise ConfigError(f"wikis.{db}.api must be the full URL of api.php, e.g. https://wiki.example.org/w/api.php")
        wikis[db] = WikiConfig(db, api, _get(w, "lang", f"wikis.{db}", "en"))
    mode_name = _get(farm, "mode", "farm", "centralauth")
    if mode_name not in tuple(FarmMode):
        raise ConfigError(f"farm.mode must be \"centralauth\" or \"plain\", not {mode_name!r}")
    mode = FarmMode(mode_name)
    central = _get(farm, "central", "farm", next(iter(wikis)))
    list_wiki = _get(lst, "wiki", "list", central)
    for key, db in (("farm.central", central), ("list.wiki", list_wiki)):
        if db not in wikis:
            raise ConfigError(f"{key} = {db!r} is not one of the [wikis] tables ({', '.join(wikis)})")
    pwb = _get(farm, "pywikibot_dir", "farm", "")
    ua = _get(farm, "user_agent", "farm", "")
    if ua and ("@" not in ua and "http" not in ua):
        raise ConfigError("farm.user_agent must include contact details (a URL or an e-mail address), "
                          "as the Wikimedia User-Agent policy asks")
    enf = _table(data, "enforce")
    defaults = EnforceConfig()
    notices = dict(DEFAULT_NOTICES)
    notices.update(_get(enf, "notices", "enforce", {}))
    nobots_name = _get(enf, "nobots", "enforce", str(defaults.nobots))
    if nobots_name not in tuple(Nobots):
        raise ConfigError("enforce.nobots must be \"skip\" (respect {{nobots}}) or \"ignore\"")
    nobots = Nobots(nobots_name)
    reason = _get(enf, "reason", "enforce", defaults.reason)
    _check_template(reason, "enforce.reason", REASON_FIELDS)
    for lang, text in notices.items():
        _check_template(text, f"enforce.notices.{lang}", NOTICE_FIELDS)
    notice_title = _get(enf, "notice_title", "enforce", defaults.notice_title)
    _check_verbatim(notice_title, "enforce.notice_title")
    enforce = EnforceConfig(
        remove_groups=_strings(enf, "remove_groups", defaults.remove_groups),
        exempt_groups=_strings(enf, "exempt_groups", defaults.exempt_groups),
        exempt_users=_strings(enf, "exempt_users", defaults.exempt_users),
        block=_get(enf, "block", "enforce", mode == "plain"),  # no global locks: local blocks do the work
        no_block_wikis=_strings(enf, "no_block_wikis", defaults.no_block_wikis),
        notify=_get(enf, "notify", "enforce", defaults.notify),
        no_notice_wikis=_strings(enf, "no_notice_wikis", defaults.no_notice_wikis),
        notify_all_wikis=_get(enf, "notify_all_wikis", "enforce", defaults.notify_all_wikis),
        noemail=_get(enf, "noemail", "enforce", defaults.noemail),
        nobots=nobots,
        reason=reason,
        notice_title=notice_title,
        notices=notices,
    )
    for key in ("no_block_wikis", "no_notice_wikis"):
        stray = set(getattr(enforce, key)) - set(wikis)
        if stray:
            raise ConfigError(f"enforce.{key} names wikis not in [wikis]: {sorted(stray)}")
    saf = _table(data, "safety")
    sd = SafetyConfig()
    level = _get(saf, "require_protection", "safety", sd.require_protection)
    if level not in ("", "autoconfirmed", "extendedconfirmed", "templateeditor", "sysop"):
        raise ConfigError(f"safety.require_protection = {level!r}: use \"sysop\", \"autoconfirmed\" (or another "
                          "protection level), or \"\" to turn the rule off")
    lock = _get(saf, "lock_file", "safety", "")
    safety = SafetyConfig(
        require_protection=level,
        trusted_groups=_strings(saf, "trusted_groups", sd.trusted_groups),
        max_new_entries=_count(saf, "max_new_entries", "safety", sd.max_new_entries),
        max_actions=_count(saf, "max_actions", "safety", sd.max_actions),
        kill_switch=_get(saf, "kill_switch", "safety", sd.kill_switch),
        kill_switch_word=_get(saf, "kill_switch_word", "safety", sd.kill_switch_word),
        lock_file=(base / Path(lock).expanduser()).resolve() if lock else None,
    )
    rep = _table(data, "report")
    journal_t = _table(data, "journal")
    if journal_t.get("path") == "":
        raise ConfigError("journal.path is empty; remove it to use the default "
                          "(~/.local/state/banbot/journal.sqlite), or name a file")
    journal = Path(_get(journal_t, "path", "journal", str(default_journal()))).expanduser()
    verify_every = _get(_table(data, "run"), "verify_every_hours", "run", 24)
    if verify_every < 0:
        raise ConfigError(f"run.verify_every_hours = {verify_every}: use a number of hours, or 0 for a full pass on "
                          "every run")
    alt = _table(data, "alerts")
    unusable = _get(alt, "unusable_after_minutes", "alerts", AlertsConfig.unusable_after_minutes)
    if unusable < 0:
        raise ConfigError(f"alerts.unusable_after_minutes = {unusable}: use a number of minutes (0: at once)")
    alerts = AlertsConfig(page=_get(alt, "page", "alerts", "") or None, email=_strings(alt, "email", ()),
                          unusable_after_minutes=unusable)
    appr = _table(data, "approval")
    ad = ApprovalConfig()
    approval = ApprovalConfig(
        page=_get(appr, "page", "approval", ad.page),
        above_actions=_count(appr, "above_actions", "approval", ad.above_actions),
        first_run=_get(appr, "first_run", "approval", ad.first_run),
        enforce_unlisted=_get(appr, "enforce_unlisted", "approval", ad.enforce_unlisted),
        expires_hours=_get(appr, "expires_hours", "approval", ad.expires_hours),
        allow_interactive=_get(appr, "allow_interactive", "approval", ad.allow_interactive),
    )
    if approval.expires_hours <= 0:
        raise ConfigError(f"approval.expires_hours = {approval.expires_hours}: use a number of hours above 0")
    if not approval.page and approval.enabled:
        raise ConfigError("[approval] asks for a second person but approval.page is empty; name the page where "
                          "plans are posted for approval")
    return Config(
        path=path,
        list_wiki=list_wiki,
        list_page=_get(lst, "page", "list"),
        list_section=_get(lst, "section", "list", "") or None,
        mode=mode,
        central=central,
        wikis=wikis,
        pywikibot_dir=(base / pwb).resolve() if pwb else None,
        user_agent=ua,
        journal=journal if journal.is_absolute() else (base / journal).resolve(),
        enforce=enforce,
        link_prefix=_get(lst, "link_prefix", "list", ""),
        safety=safety,
        report_page=_get(rep, "page", "report", "") or None,
        user_column=_get(lst, "user_column", "list", "") or None,
        verify_every_hours=verify_every,
        ignore_centralauth=_get(farm, "ignore_centralauth", "farm", False),
        alerts=alerts,
        approval=approval,
    )


def load_config(path: str | os.PathLike[str]) -> Config:
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as e:
        raise ConfigError(f"cannot read config file {p}: {e.strerror}; pass --config PATH to a TOML file") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise ConfigError(f"config file {p} is not valid TOML: {e}") from None
    return parse_config(data, p.resolve())

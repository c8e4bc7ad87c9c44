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
# A restriction removes named groups only: its own default reason (a source's ``reason`` overrides it).
RESTRICT_REASON = "Rights removal: see [[{list_link}]] ([[{permalink}|revision {revid}]])"
NOTICE_FIELDS: Final = (*REASON_FIELDS, "marker")

# What each table's values must be.
STRING: Final = "a string"
BOOL: Final = "a bool (true or false)"
INTEGER: Final = "an integer"
STRINGS: Final = "a list of strings"
TABLE: Final = "a table"
TABLES: Final = "an array of tables (each one [[sources]])"

# Every key banbot accepts, table by table ("" is the top level; "wikis.*" is each [wikis.<dbname>] table;
# [wikis] itself holds one table per wiki, [enforce.notices] one string per language code).
SCHEMA: Final[Mapping[str, Mapping[str, str]]] = {
    "": {"list": TABLE, "sources": TABLES, "farm": TABLE, "wikis": TABLE, "enforce": TABLE, "safety": TABLE,
         "report": TABLE, "journal": TABLE, "run": TABLE, "alerts": TABLE, "approval": TABLE},
    "list": {"wiki": STRING, "page": STRING, "section": STRING, "link_prefix": STRING, "user_column": STRING},
    "sources.*": {"name": STRING, "wiki": STRING, "page": STRING, "sanction": STRING, "section": STRING,
                  "link_prefix": STRING, "user_column": STRING, "trusted_groups": STRINGS, "notify": BOOL,
                  "reason": STRING, "notice_title": STRING, "notices": TABLE},
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
    "run": {"verify_every_hours": INTEGER, "full_verify_every_days": INTEGER},
    "alerts": {"page": STRING, "email": STRINGS, "unusable_after_minutes": INTEGER},
    "approval": {"page": STRING, "above_actions": INTEGER, "first_run": BOOL, "enforce_unlisted": BOOL,
                 "expires_hours": INTEGER, "allow_interactive": BOOL},
}
_LANGUAGE_CODE = re.compile(r"[A-Za-z-]+")


class FarmMode(StrEnum):
    CENTRALAUTH = "centralauth"  # global accounts: lock, global groups, interwiki group removal
    PLAIN = "plain"  # separate accounts on each wiki: local blocks


class SanctionKind(StrEnum):
    """What a source's entries require (one module each under :mod:`banbot.sanctions`)."""

    BAN = "ban"  # lock (CentralAuth) or block (plain), strip groups, one talk-page notice
    RESTRICT = "restrict"  # remove only the named groups on the named wikis; no lock, no block


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


def page_title(title: str | None) -> str:
    """A title as MediaWiki writes it back (on first-letter wikis): ``wmf_Global ban`` → ``Wmf Global ban``."""
    t = (title or "").replace("_", " ").strip()
    return t[:1].upper() + t[1:]


@dataclass(frozen=True)
class Source:
    """One list banbot enforces, with its sanction. Its revision, trust and baseline are its own: a source held
    by a rail does not hold the others. ``None`` settings fall back to [enforce] and [safety]."""

    name: str  # a label shown in plans, the journal and reports
    wiki: str
    page: str
    sanction: SanctionKind = SanctionKind.BAN
    section: str | None = None
    user_column: str | None = None  # the header of a table's account column, when not User/Username/Account/Name
    link_prefix: str = ""  # "": link the list by its wiki's address; else this interwiki prefix (banbot.links)
    trusted_groups: tuple[str, ...] | None = None  # None: safety.trusted_groups
    notify: bool | None = None  # None: ban lists notify (enforce.notify), restrictions do not
    reason: str | None = None  # None: enforce.reason (ban) or RESTRICT_REASON (restrict)
    notice_title: str | None = None
    notices: Mapping[str, str] | None = None  # None: enforce.notices

    @property
    def title(self) -> str:
        """The page's title as the wiki spells it in the journal (spaces, not underscores; first letter upper)."""
        return page_title(self.page)

    @property
    def restricts(self) -> bool:
        return self.sanction == SanctionKind.RESTRICT


@dataclass(frozen=True)
class Config:
    path: Path | None
    sources: tuple[Source, ...]
    mode: FarmMode
    central: str
    wikis: Mapping[str, WikiConfig]
    pywikibot_dir: Path | None
    user_agent: str
    journal: Path
    enforce: EnforceConfig
    safety: SafetyConfig = field(default_factory=SafetyConfig)
    report_page: str | None = None  # the status page `banbot report --publish` writes, on the central wiki
    # run/watch: an unchanged, fully applied list revision costs one request; every so often a full pass re-reads
    # every account anyway, to find drift (a group re-added by hand, a new wiki). 0: every run is a full pass.
    verify_every_hours: int = 24
    # a verification reads the wikis' logs since the last one and re-reads only the accounts they name; every
    # this many days it re-reads every account instead (banbot.drift says what no log records). 0: always full.
    full_verify_every_days: int = 7
    ignore_centralauth: bool = False  # plain mode on a farm that runs CentralAuth, on purpose
    alerts: AlertsConfig = field(default_factory=AlertsConfig)
    approval: ApprovalConfig = field(default_factory=ApprovalConfig)

    @property
    def lock_file(self) -> Path:
        return self.safety.lock_file or self.journal.with_name(self.journal.name + ".lock")

    # The first source's settings, for the commands that read one list (bans, check, report, audit): with
    # several sources they take --source NAME (see :meth:`source`).
    @property
    def list_wiki(self) -> str:
        return self.sources[0].wiki

    @property
    def list_page(self) -> str:
        return self.sources[0].page

    @property
    def list_section(self) -> str | None:
        return self.sources[0].section

    @property
    def user_column(self) -> str | None:
        return self.sources[0].user_column

    @property
    def link_prefix(self) -> str:
        return self.sources[0].link_prefix

    def source(self, name: str | None) -> Source:
        """The source called ``name`` (None: the first); an unknown name is a usage error that lists them."""
        if name is None:
            return self.sources[0]
        found = next((s for s in self.sources if s.name == name), None)
        if found is None:
            raise ConfigError(f"no source is called {name!r}; the config has {', '.join(s.name for s in self.sources)}")
        return found

    def source_of(self, wiki: str, title: str | None) -> Source | None:
        """The configured source read from the page ``title`` on ``wiki`` (a plan file names its list that way,
        as the wiki spells the title: spaces for underscores, the first letter upper-case)."""
        return next((s for s in self.sources if s.wiki == wiki and s.title == page_title(title)), None)


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
    if kind == TABLES:
        return isinstance(value, list) and all(isinstance(v, dict) for v in value)
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
    for i, src in enumerate(data.get("sources", [])):
        if not isinstance(src, dict):
            raise ConfigError("sources must be an array of tables: write each list as a [[sources]] table")
        _check_table(src, f"sources[{i}]", "sources.*")
        _check_languages(src.get("notices", {}), f"sources[{i}].notices")
    for db, w in data.get("wikis", {}).items():
        if not isinstance(w, dict):
            raise ConfigError(f"wikis.{db} must be a table with api = \"…/api.php\"")
        _check_table(w, f"wikis.{db}", "wikis.*")
    _check_languages(data.get("enforce", {}).get("notices", {}), "enforce.notices")


def _check_languages(notices: Mapping[str, Any], where: str) -> None:
    for lang, text in notices.items():
        if not _LANGUAGE_CODE.fullmatch(lang):
            raise ConfigError(f"{where} has the key {json.dumps(lang, ensure_ascii=False)}, which is not a "
                              "language code; use the wikis' lang codes (letters and hyphens), e.g. en or zh-hans")
        _check_value(text, STRING, f"{where}.{lang}")


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


def _wikis(data: Mapping[str, Any]) -> dict[str, WikiConfig]:
    wikis_t = _table(data, "wikis", required=True)
    if not wikis_t:
        raise ConfigError("[wikis] is empty; add at least one [wikis.<dbname>] table with api = \"…/api.php\"")
    wikis: dict[str, WikiConfig] = {}
    for db, w in wikis_t.items():
        api = _get(w, "api", f"wikis.{db}")
        if not api.startswith(("http://", "https://")) or not api.endswith("api.php"):
            raise ConfigError(f"wikis.{db}.api must be the full URL of api.php, e.g. https://wiki.example.org/w/api.php")
        wikis[db] = WikiConfig(db, api, _get(w, "lang", f"wikis.{db}", "en"))
    return wikis


def _mode(farm: Mapping[str, Any]) -> FarmMode:
    mode_name = _get(farm, "mode", "farm", "centralauth")
    if mode_name not in tuple(FarmMode):
        raise ConfigError(f"farm.mode must be \"centralauth\" or \"plain\", not {mode_name!r}")
    return FarmMode(mode_name)


def _notices(table: Mapping[str, Any], where: str, base: Mapping[str, str]) -> dict[str, str]:
    notices = dict(base)
    notices.update(_get(table, "notices", where, {}))
    for lang, text in notices.items():
        _check_template(text, f"{where}.notices.{lang}", NOTICE_FIELDS)
    return notices


def _enforce(data: Mapping[str, Any], mode: FarmMode, wikis: Mapping[str, WikiConfig]) -> EnforceConfig:
    enf = _table(data, "enforce")
    defaults = EnforceConfig()
    nobots_name = _get(enf, "nobots", "enforce", str(defaults.nobots))
    if nobots_name not in tuple(Nobots):
        raise ConfigError("enforce.nobots must be \"skip\" (respect {{nobots}}) or \"ignore\"")
    reason = _get(enf, "reason", "enforce", defaults.reason)
    _check_template(reason, "enforce.reason", REASON_FIELDS)
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
        nobots=Nobots(nobots_name),
        reason=reason,
        notice_title=notice_title,
        notices=_notices(enf, "enforce", DEFAULT_NOTICES),
    )
    for key in ("no_block_wikis", "no_notice_wikis"):
        stray = set(getattr(enforce, key)) - set(wikis)
        if stray:
            raise ConfigError(f"enforce.{key} names wikis not in [wikis]: {sorted(stray)}")
    return enforce


def _safety(data: Mapping[str, Any], base: Path) -> SafetyConfig:
    saf = _table(data, "safety")
    sd = SafetyConfig()
    level = _get(saf, "require_protection", "safety", sd.require_protection)
    if level not in ("", "autoconfirmed", "extendedconfirmed", "templateeditor", "sysop"):
        raise ConfigError(f"safety.require_protection = {level!r}: use \"sysop\", \"autoconfirmed\" (or another "
                          "protection level), or \"\" to turn the rule off")
    lock = _get(saf, "lock_file", "safety", "")
    return SafetyConfig(
        require_protection=level,
        trusted_groups=_strings(saf, "trusted_groups", sd.trusted_groups),
        max_new_entries=_count(saf, "max_new_entries", "safety", sd.max_new_entries),
        max_actions=_count(saf, "max_actions", "safety", sd.max_actions),
        kill_switch=_get(saf, "kill_switch", "safety", sd.kill_switch),
        kill_switch_word=_get(saf, "kill_switch_word", "safety", sd.kill_switch_word),
        lock_file=(base / Path(lock).expanduser()).resolve() if lock else None,
    )


def _journal(data: Mapping[str, Any], base: Path) -> Path:
    journal_t = _table(data, "journal")
    if journal_t.get("path") == "":
        raise ConfigError("journal.path is empty; remove it to use the default "
                          "(~/.local/state/banbot/journal.sqlite), or name a file")
    journal = Path(_get(journal_t, "path", "journal", str(default_journal()))).expanduser()
    return journal if journal.is_absolute() else (base / journal).resolve()


def _alerts(data: Mapping[str, Any]) -> AlertsConfig:
    alt = _table(data, "alerts")
    unusable = _get(alt, "unusable_after_minutes", "alerts", AlertsConfig.unusable_after_minutes)
    if unusable < 0:
        raise ConfigError(f"alerts.unusable_after_minutes = {unusable}: use a number of minutes (0: at once)")
    return AlertsConfig(page=_get(alt, "page", "alerts", "") or None, email=_strings(alt, "email", ()),
                        unusable_after_minutes=unusable)


def _approval(data: Mapping[str, Any]) -> ApprovalConfig:
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
    return approval


def _source(table: Mapping[str, Any], where: str, central: str, name: str | None = None) -> Source:
    """One [[sources]] table (or the old [list] table, a ban list named ``list``)."""
    name = name or _get(table, "name", where)
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", name):
        raise ConfigError(f"{where}.name = {name!r}: use letters, digits, '.', '_' or '-' (it labels plans, the "
                          "journal and reports)")
    sanction_name = _get(table, "sanction", where, str(SanctionKind.BAN))
    if sanction_name not in tuple(SanctionKind):
        raise ConfigError(f"{where}.sanction = {sanction_name!r}: use one of {', '.join(map(str, SanctionKind))}")
    reason = _get(table, "reason", where, None)
    if reason is not None:
        _check_template(reason, f"{where}.reason", REASON_FIELDS)
    title = _get(table, "notice_title", where, None)
    if title is not None:
        _check_verbatim(title, f"{where}.notice_title")
    groups = _get(table, "trusted_groups", where, None)
    return Source(name=name, wiki=_get(table, "wiki", where, central), page=_get(table, "page", where),
                  sanction=SanctionKind(sanction_name), section=_get(table, "section", where, "") or None,
                  user_column=_get(table, "user_column", where, "") or None,
                  link_prefix=_get(table, "link_prefix", where, ""),
                  trusted_groups=tuple(groups) if groups is not None else None,
                  notify=_get(table, "notify", where, None), reason=reason, notice_title=title,
                  notices=_notices(table, where, {}) if "notices" in table else None)


def _sources(data: Mapping[str, Any], central: str, wikis: Mapping[str, WikiConfig]) -> tuple[Source, ...]:
    if "list" in data and "sources" in data:
        raise ConfigError("the config has both [list] and [[sources]]; move the [list] table into a [[sources]] "
                          "table (with name and sanction = \"ban\")")
    if "sources" in data:
        sources = tuple(_source(t, f"sources[{i}]", central) for i, t in enumerate(data["sources"]))
    else:
        sources = (_source(_table(data, "list", required=True), "list", central, name="list"),)
    if not sources:
        raise ConfigError("[[sources]] is empty; name at least one list")
    names = [s.name for s in sources]
    if len(set(names)) < len(names):
        raise ConfigError(f"two sources share a name ({', '.join(sorted({n for n in names if names.count(n) > 1}))}); "
                          "give each its own")
    pages = [(s.wiki, s.page, s.section) for s in sources]
    if len(set(pages)) < len(pages):
        raise ConfigError("two sources read the same list (wiki, page and section); keep one")
    for i, s in enumerate(sources):
        if s.wiki not in wikis:
            where = "list" if "sources" not in data else f"sources[{i}]"
            raise ConfigError(f"{where}.wiki = {s.wiki!r} is not one of the [wikis] tables ({', '.join(wikis)})")
    return sources


def parse_config(data: Mapping[str, Any], path: Path | None = None) -> Config:
    base = path.parent if path else Path.cwd()
    _check_shape(data)
    farm = _table(data, "farm", required=True)
    wikis = _wikis(data)
    mode = _mode(farm)
    central = _get(farm, "central", "farm", next(iter(wikis)))
    if central not in wikis:
        raise ConfigError(f"farm.central = {central!r} is not one of the [wikis] tables ({', '.join(wikis)})")
    sources = _sources(data, central, wikis)
    pwb = _get(farm, "pywikibot_dir", "farm", "")
    ua = _get(farm, "user_agent", "farm", "")
    if ua and ("@" not in ua and "http" not in ua):
        raise ConfigError("farm.user_agent must include contact details (a URL or an e-mail address), "
                          "as the Wikimedia User-Agent policy asks")
    verify_every = _get(_table(data, "run"), "verify_every_hours", "run", 24)
    if verify_every < 0:
        raise ConfigError(f"run.verify_every_hours = {verify_every}: use a number of hours, or 0 for a full pass on "
                          "every run")
    full_every = _get(_table(data, "run"), "full_verify_every_days", "run", 7)
    if full_every < 0:
        raise ConfigError(f"run.full_verify_every_days = {full_every}: use a number of days, or 0 for a full re-read "
                          "on every verification")
    return Config(
        path=path,
        sources=sources,
        mode=mode,
        central=central,
        wikis=wikis,
        pywikibot_dir=(base / pwb).resolve() if pwb else None,
        user_agent=ua,
        journal=_journal(data, base),
        enforce=_enforce(data, mode, wikis),
        safety=_safety(data, base),
        report_page=_get(_table(data, "report"), "page", "report", "") or None,
        verify_every_hours=verify_every,
        full_verify_every_days=full_every,
        ignore_centralauth=_get(farm, "ignore_centralauth", "farm", False),
        alerts=_alerts(data),
        approval=_approval(data),
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

"""banbot's configuration: one TOML file, loaded once into frozen values, validated with messages
that name the field and the fix. Secrets never live here: logins come from pywikibot's own files.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
    block: bool | None = None  # None: block only on farms without global locks
    no_block_wikis: tuple[str, ...] = ()
    notify: bool = True
    no_notice_wikis: tuple[str, ...] = ()
    notify_all_wikis: bool | None = None  # plain farms: a notice on every wiki with an account (None: yes)
    noemail: bool = True
    nobots: str = "skip"  # "skip" or "ignore": what a {{nobots}} talk page means
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
class Config:
    path: Path | None
    list_wiki: str
    list_page: str
    list_section: str | None
    mode: str  # "centralauth" or "plain"
    central: str
    wikis: Mapping[str, WikiConfig]
    pywikibot_dir: Path | None
    user_agent: str
    journal: Path
    enforce: EnforceConfig
    link_prefix: str = ""  # interwiki prefix for list links in reasons, e.g. "m:"
    safety: SafetyConfig = field(default_factory=SafetyConfig)
    report_page: str | None = None  # the status page `banbot report --publish` writes, on the central wiki
    user_column: str | None = None  # the header of a table's account column, when not User/Username/Account/Name

    @property
    def lock_file(self) -> Path:
        return self.safety.lock_file or self.journal.with_name(self.journal.name + ".lock")

    @property
    def list_link(self) -> str:
        return f"{self.link_prefix}{self.list_page}"

    @property
    def permalink_prefix(self) -> str:
        return f"{self.link_prefix}Special:PermanentLink/"


def default_journal() -> Path:
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "banbot" / "journal.sqlite"


def _get(table: Mapping[str, Any], key: str, kind: type | tuple[type, ...], where: str, default: Any = ...) -> Any:
    if key not in table:
        if default is ...:
            raise ConfigError(f"{where}.{key} is missing; add it to the config file")
        return default
    value = table[key]
    if not isinstance(value, kind):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise ConfigError(f"{where}.{key} must be a {names}, not {type(value).__name__} ({value!r})")
    return value


def _strings(table: Mapping[str, Any], key: str, where: str, default: tuple[str, ...]) -> tuple[str, ...]:
    value = _get(table, key, list, where, list(default))
    if not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}.{key} must be a list of strings")
    return tuple(value)


def parse_config(data: Mapping[str, Any], path: Path | None = None) -> Config:
    base = path.parent if path else Path.cwd()
    allowed = ("list", "farm", "wikis", "enforce", "safety", "report", "journal")
    unknown = set(data) - set(allowed)
    if unknown:
        raise ConfigError(f"unknown config table(s) {sorted(unknown)}; allowed: {', '.join(allowed)}")
    lst = _get(data, "list", dict, "config")
    farm = _get(data, "farm", dict, "config")
    wikis_t = _get(data, "wikis", dict, "config")
    if not wikis_t:
        raise ConfigError("[wikis] is empty; add at least one [wikis.<dbname>] table with api = \"…/api.php\"")
    wikis: dict[str, WikiConfig] = {}
    for db, w in wikis_t.items():
        if not isinstance(w, dict):
            raise ConfigError(f"wikis.{db} must be a table with api = \"…/api.php\"")
        api = _get(w, "api", str, f"wikis.{db}")
        if not api.startswith(("http://", "https://")) or not api.endswith("api.php"):
            raise ConfigError(f"wikis.{db}.api must be the full URL of api.php, e.g. https://wiki.example.org/w/api.php")
        wikis[db] = WikiConfig(db, api, _get(w, "lang", str, f"wikis.{db}", "en"))
    mode = _get(farm, "mode", str, "farm", "centralauth")
    if mode not in ("centralauth", "plain"):
        raise ConfigError(f"farm.mode must be \"centralauth\" or \"plain\", not {mode!r}")
    central = _get(farm, "central", str, "farm", next(iter(wikis)))
    list_wiki = _get(lst, "wiki", str, "list", central)
    for key, db in (("farm.central", central), ("list.wiki", list_wiki)):
        if db not in wikis:
            raise ConfigError(f"{key} = {db!r} is not one of the [wikis] tables ({', '.join(wikis)})")
    pwb = _get(farm, "pywikibot_dir", str, "farm", "")
    ua = _get(farm, "user_agent", str, "farm", "")
    if ua and ("@" not in ua and "http" not in ua):
        raise ConfigError("farm.user_agent must include contact details (a URL or an e-mail address), "
                          "as the Wikimedia User-Agent policy asks")
    enf = _get(data, "enforce", dict, "config", {})
    defaults = EnforceConfig()
    notices = dict(DEFAULT_NOTICES)
    notices.update(_get(enf, "notices", dict, "enforce", {}))
    nobots = _get(enf, "nobots", str, "enforce", "skip")
    if nobots not in ("skip", "ignore"):
        raise ConfigError("enforce.nobots must be \"skip\" (respect {{nobots}}) or \"ignore\"")
    block = _get(enf, "block", bool, "enforce", None) if "block" in enf else None
    enforce = EnforceConfig(
        remove_groups=_strings(enf, "remove_groups", "enforce", defaults.remove_groups),
        exempt_groups=_strings(enf, "exempt_groups", "enforce", defaults.exempt_groups),
        exempt_users=_strings(enf, "exempt_users", "enforce", ()),
        block=block,
        no_block_wikis=_strings(enf, "no_block_wikis", "enforce", ()),
        notify=_get(enf, "notify", bool, "enforce", True),
        no_notice_wikis=_strings(enf, "no_notice_wikis", "enforce", ()),
        notify_all_wikis=_get(enf, "notify_all_wikis", bool, "enforce", None),
        noemail=_get(enf, "noemail", bool, "enforce", True),
        nobots=nobots,
        reason=_get(enf, "reason", str, "enforce", DEFAULT_REASON),
        notice_title=_get(enf, "notice_title", str, "enforce", DEFAULT_NOTICE_TITLE),
        notices=notices,
    )
    for key in ("no_block_wikis", "no_notice_wikis"):
        stray = set(getattr(enforce, key)) - set(wikis)
        if stray:
            raise ConfigError(f"enforce.{key} names wikis not in [wikis]: {sorted(stray)}")
    saf = _get(data, "safety", dict, "config", {})
    sd = SafetyConfig()
    level = _get(saf, "require_protection", str, "safety", sd.require_protection)
    if level not in ("", "autoconfirmed", "extendedconfirmed", "templateeditor", "sysop"):
        raise ConfigError(f"safety.require_protection = {level!r}: use \"sysop\", \"autoconfirmed\" (or another "
                          "protection level), or \"\" to turn the rule off")
    lock = _get(saf, "lock_file", str, "safety", "")
    safety = SafetyConfig(
        require_protection=level,
        trusted_groups=_strings(saf, "trusted_groups", "safety", sd.trusted_groups),
        max_new_entries=_get(saf, "max_new_entries", int, "safety", sd.max_new_entries),
        max_actions=_get(saf, "max_actions", int, "safety", sd.max_actions),
        kill_switch=_get(saf, "kill_switch", str, "safety", sd.kill_switch),
        kill_switch_word=_get(saf, "kill_switch_word", str, "safety", sd.kill_switch_word),
        lock_file=(base / lock).resolve() if lock else None,
    )
    rep = _get(data, "report", dict, "config", {})
    journal_t = _get(data, "journal", dict, "config", {})
    journal = Path(_get(journal_t, "path", str, "journal", str(default_journal()))).expanduser()
    return Config(
        path=path,
        list_wiki=list_wiki,
        list_page=_get(lst, "page", str, "list"),
        list_section=_get(lst, "section", str, "list", "") or None,
        mode=mode,
        central=central,
        wikis=wikis,
        pywikibot_dir=(base / pwb).resolve() if pwb else None,
        user_agent=ua,
        journal=journal if journal.is_absolute() else (base / journal).resolve(),
        enforce=enforce,
        link_prefix=_get(lst, "link_prefix", str, "list", ""),
        safety=safety,
        report_page=_get(rep, "page", str, "report", "") or None,
        user_column=_get(lst, "user_column", str, "list", "") or None,
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

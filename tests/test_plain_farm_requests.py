"""A plain farm is asked nothing about CentralAuth: the mode check reads the central wiki's siteinfo (core,
answered without a warning), and only a CentralAuth config whose wiki does not list CentralAuth there asks
``meta=globaluserinfo``. A plain config against a CentralAuth farm is still refused (issue 20)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from banbot import app
from banbot.config import load_config
from banbot.errors import ConfigError
from banbot.wiki.session import Farm

CA_PARAMS = {"globaluserinfo", "guiuser", "guiprop", "globalusers", "gususers", "gusprop"}


class RecordingClient:
    """The central wiki: its live general siteinfo and every request banbot sends it."""

    dbname = "metawiki"

    def __init__(self, providers: list[str], answers_globaluserinfo: bool = False) -> None:
        self.providers = providers
        self.answers_globaluserinfo = answers_globaluserinfo
        self.sent: list[dict[str, Any]] = []

    def live_general(self) -> dict[str, Any]:
        self.sent.append({"action": "query", "meta": "siteinfo", "siprop": "general"})
        return {"wikiid": "metawiki", "allcentralidlookupproviders": self.providers}

    def call(self, params: dict[str, Any], **_: Any) -> dict[str, Any]:
        self.sent.append(dict(params))
        if params.get("meta") == "globaluserinfo":
            return {"query": {"globaluserinfo": {"name": params["guiuser"]}}} if self.answers_globaluserinfo else {
                "warnings": {"main": "Unrecognized parameter: guiuser."}, "query": {}}
        if params.get("list") == "users":
            return {"query": {"users": [{"name": n, "groups": ["sysop"]} for n in params["ususers"].split("|")]}}
        raise AssertionError(f"unexpected request {params}")

    def username(self) -> str:
        return "BanBot"

    def centralauth_params(self) -> list[dict[str, Any]]:
        return [p for p in self.sent if CA_PARAMS & ({str(k) for k in p} | set(str(p.get("meta", "")).split("|"))
                                                       | set(str(p.get("list", "")).split("|")))]


def make_app(tmp_path: Path, mode: str, client: RecordingClient) -> app.App:
    path = tmp_path / "banbot.toml"
    path.write_text(f'[list]\npage = "Global bans/List"\n[farm]\nmode = "{mode}"\n'
                    '[wikis.metawiki]\napi = "http://127.0.0.1:1/api.php"\n')
    config = load_config(str(path))
    return app.App(config, Farm(config, {"metawiki": client}), None)  # type: ignore[dict-item]


def test_plain_farm_mode_check_and_trust_check_send_no_centralauth_parameter(tmp_path: Path) -> None:
    client = RecordingClient(["local"])
    a = make_app(tmp_path, "plain", client)
    a.check_mode()
    a.check_mode()  # checked once a run
    assert a.trusted(["Admin"]) == frozenset({"Admin"})
    assert client.centralauth_params() == []
    assert [p.get("meta") or p.get("list") for p in client.sent] == ["siteinfo", "users"]


def test_plain_config_against_a_centralauth_farm_is_refused(tmp_path: Path) -> None:
    client = RecordingClient(["local", "CentralAuth"], answers_globaluserinfo=True)
    with pytest.raises(ConfigError, match='farm.mode = "centralauth"'):
        make_app(tmp_path, "plain", client).check_mode()
    assert client.centralauth_params() == []  # told by siteinfo alone


def test_centralauth_farm_listed_in_siteinfo_needs_no_probe(tmp_path: Path) -> None:
    client = RecordingClient(["local", "CentralAuth"], answers_globaluserinfo=True)
    make_app(tmp_path, "centralauth", client).check_mode()
    assert client.centralauth_params() == []


def test_centralauth_config_probes_a_wiki_whose_siteinfo_does_not_list_it(tmp_path: Path) -> None:
    stand_in = RecordingClient(["local"], answers_globaluserinfo=True)  # the test double answers, siteinfo does not
    make_app(tmp_path, "centralauth", stand_in).check_mode()
    assert [p.get("meta") for p in stand_in.centralauth_params()] == ["globaluserinfo"]
    plain_wiki = RecordingClient(["local"])
    with pytest.raises(ConfigError, match='farm.mode = "plain"'):
        make_app(tmp_path, "centralauth", plain_wiki).check_mode()

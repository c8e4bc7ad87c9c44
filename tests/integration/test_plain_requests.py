"""A plain farm is asked nothing about CentralAuth (issue 20): banbot's mode check reads the central wiki's
siteinfo, which core answers on every wiki without a warning, instead of CentralAuth's meta=globaluserinfo.
On a farm that runs the real extension, a plain config (without farm.ignore_centralauth) is still refused,
told by that siteinfo alone; on a farm without it, a plain run sends no CentralAuth parameter at all."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from devfarm.farm import FarmHandle

from integration.conftest import LISTED, banbot

pytestmark = pytest.mark.integration

# CentralAuth's query modules and their parameters. (The session asks for CentralAuth's token type only where
# the wiki's siteinfo lists the extension: a wiki that knows it answers without a warning.)
CA_WORDS = ("globaluserinfo", "guiuser", "guiprop", "globalusers", "gususers", "gusprop")


def api_lines(stderr: str) -> list[str]:
    """banbot's own record of every request it sent (``-v -v``: ``api: <wiki> GET|POST {params}``)."""
    return [line for line in stderr.splitlines() if "api: " in line]


def test_plain_config_sends_no_centralauth_parameter(farm: FarmHandle, configure: Callable[..., Path],
                                                      uniq: str) -> None:
    name = f"{uniq} Plain"
    farm.make_users("metawiki", [{"name": name, "groups": []}])
    page = f"Bans/{uniq}"
    farm.edit("metawiki", page, f"* [[User:{name}]], since {LISTED}")
    farm.protect("metawiki", page)
    cfg = configure("plain", page)
    cfg.write_text(cfg.read_text().replace("ignore_centralauth = true\n", ""))
    code, out, err = banbot("plan", "--config", str(cfg), "--format", "json", "-v", "-v")
    sent = api_lines(err)
    assert sent, err  # the requests were logged
    assert not [line for line in sent if any(w in line for w in CA_WORDS)], sent
    if farm.real_ca:  # every wiki runs CentralAuth: refused, from siteinfo alone
        assert code == 2 and 'farm.mode = "centralauth"' in err, err
    else:  # a plain farm: the plan runs, and nothing is warned about
        assert code in (0, 1), err
        assert "Unrecognized" not in err and "globaluserinfo" not in err, err


def test_a_whole_plain_plan_sends_no_centralauth_parameter(farm: FarmHandle, configure: Callable[..., Path],
                                                           uniq: str) -> None:
    """The farm's plain config (with farm.ignore_centralauth on a CentralAuth farm): reading the list, its
    history and editors, and every account on every wiki asks CentralAuth nothing."""
    name = f"{uniq} Plain"
    farm.make_users("metawiki", [{"name": name, "groups": []}])
    page = f"Bans/{uniq}"
    farm.edit("metawiki", page, f"* [[User:{name}]], since {LISTED}")
    farm.protect("metawiki", page)
    code, _, err = banbot("plan", "--config", str(configure("plain", page)), "--format", "json", "-v", "-v")
    assert code in (0, 1), err
    sent = api_lines(err)
    assert any("list': 'users'" in line for line in sent), sent  # the accounts were read
    assert not [line for line in sent if any(w in line for w in CA_WORDS)], sent

"""`banbot check` on the real farm, plain and CentralAuth: a healthy config passes; a read-only key, a missing
password file and an unprotected kill switch each fail with one line that says what to do; a CentralAuth key that
cannot read the suppression log is a warning (exit 0) that says what it costs and what to do."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from devfarm.farm import FarmHandle

from integration.conftest import banbot, baseline

pytestmark = pytest.mark.integration

MODES = ["plain", "centralauth"]


def healthy(farm: FarmHandle, configure: Callable[..., Path], uniq: str, mode: str) -> Path:
    """A config whose list page exists, is protected and was applied once (the journal exists)."""
    page = f"Bans/{uniq}"
    cfg = configure(mode, page)
    baseline(farm, cfg, page)
    return cfg


def rows(out: dict[str, Any], check: str) -> list[dict[str, Any]]:
    return [c for c in out["checks"] if c["check"] == check]


@pytest.mark.parametrize("mode", MODES)
def test_a_healthy_config_passes_every_check(farm: FarmHandle, configure: Callable[..., Path], uniq: str,
                                             mode: str) -> None:
    cfg = healthy(farm, configure, uniq, mode)
    code, out, err = banbot("check", "--config", str(cfg), "--format", "json")
    assert code == 0, (out, err)
    assert out["ok"] and out["problems"] == []
    assert {c["check"] for c in out["checks"]} == {"password", "login", "rights", "list", "kill-switch",
                                                   "report-page", "journal"} | (
        {"verify-logs"} if mode == "centralauth" else set())
    assert {c["target"] for c in rows(out, "login")} == {"metawiki", "enwiki", "zhwiki"}
    central = next(c for c in rows(out, "rights") if c["target"] == "metawiki")
    assert ("centralauth-lock" if mode == "centralauth" else "block") in central["detail"]
    code, table, _ = banbot("check", "--config", str(cfg), "--format", "table")
    assert code == 0 and "checks, 0 failed" in table


@pytest.mark.parametrize("mode", MODES)
def test_a_read_only_key_fails_the_rights_it_lacks(farm: FarmHandle, configure: Callable[..., Path], uniq: str,
                                                    mode: str, tmp_path: Path) -> None:
    cfg = farm.with_readonly_login(healthy(farm, configure, uniq, mode), tmp_path)
    code, out, err = banbot("check", "--config", str(cfg), "--format", "json")
    assert code == 1, err
    assert all(c["ok"] for c in rows(out, "login"))  # the key works; it may not do enough
    lacking = {c["target"]: c["detail"] for c in rows(out, "rights") if not c["ok"]}
    assert set(lacking) == {"metawiki", "enwiki", "zhwiki"}
    assert ("centralauth-lock" if mode == "centralauth" else "block (block the account)") in lacking["metawiki"]
    assert any(p.startswith("rights (metawiki): this key lacks") and "grants" in p for p in out["problems"])
    assert all(c["ok"] for c in out["checks"] if c["check"] in ("list", "kill-switch", "journal"))


def test_a_missing_password_file_is_one_failing_check(farm: FarmHandle, configure: Callable[..., Path], uniq: str,
                                                      tmp_path: Path) -> None:
    cfg = farm.with_readonly_login(healthy(farm, configure, uniq, "plain"), tmp_path)
    (tmp_path / "readonly-pywikibot" / "user-password.py").unlink()
    code, out, err = banbot("check", "--config", str(cfg), "--format", "table")
    assert code == 1 and "Traceback" not in err and "Traceback" not in out
    problems = [line for line in out.splitlines() if line.startswith("check: ") and "failed" not in line]
    assert len(problems) == 1, out
    assert problems[0].startswith("check: password") and "user-password.py does not exist" in problems[0]
    assert "create it next to user-config.py" in problems[0]


def test_a_dead_password_is_one_failing_login(farm: FarmHandle, configure: Callable[..., Path], uniq: str,
                                              tmp_path: Path) -> None:
    cfg = farm.with_readonly_login(healthy(farm, configure, uniq, "plain"), tmp_path)
    (tmp_path / "readonly-pywikibot" / "user-password.py").write_text(
        "('BanBot', BotPassword('readonly', 'not-the-password-at-all-0123456789'))\n")
    code, out, err = banbot("check", "--config", str(cfg), "--format", "json")
    assert code == 1 and "Traceback" not in err
    assert len(out["problems"]) == 1 and out["problems"][0].startswith("password (")
    assert "metawiki refuses the password in user-password.py for BanBot@readonly" in out["problems"][0]
    assert "Special:BotPasswords" in out["problems"][0] and not rows(out, "login")


def test_a_dead_password_is_found_while_saved_cookies_still_make_a_session(
        farm: FarmHandle, configure: Callable[..., Path], uniq: str, tmp_path: Path) -> None:
    cfg = farm.with_readonly_login(healthy(farm, configure, uniq, "plain"), tmp_path)
    assert banbot("check", "--config", str(cfg), "--format", "json")[1]["ok"] is False  # logs in: saves cookies
    (tmp_path / "readonly-pywikibot" / "user-password.py").write_text(
        "('BanBot', BotPassword('readonly', 'not-the-password-at-all-0123456789'))\n")
    code, out, _ = banbot("check", "--config", str(cfg), "--format", "json")
    assert code == 1 and rows(out, "password")[0]["ok"] is False


@pytest.mark.parametrize("mode", MODES)
def test_an_unprotected_kill_switch_fails_the_check(farm: FarmHandle, configure: Callable[..., Path], uniq: str,
                                                    mode: str) -> None:
    switch = f"Project:Banbot/Run {uniq}"
    farm.edit("metawiki", switch, "run")
    cfg = healthy(farm, configure, uniq, mode)
    cfg.write_text(cfg.read_text() + f'\n[safety]\nkill_switch = "{switch}"\n')
    code, out, err = banbot("check", "--config", str(cfg), "--format", "json")
    assert code == 1, err
    assert len(out["problems"]) == 1 and out["problems"][0].startswith(f"kill-switch ({switch}): ")
    assert "is not protected at sysop" in out["problems"][0] and "protect it at sysop" in out["problems"][0]
    farm.protect("metawiki", switch)
    assert banbot("check", "--config", str(cfg), "--format", "json")[0] == 0


def test_an_unprotected_approval_page_fails_the_check(farm: FarmHandle, configure: Callable[..., Path],
                                                      uniq: str) -> None:
    """An approval on a page anyone may edit counts for nothing: check says so before a plan waits there."""
    page = f"Project:Banbot/Approvals {uniq}"
    farm.edit("metawiki", page, "Plans waiting for a second person.")
    cfg = healthy(farm, configure, uniq, "plain")
    cfg.write_text(cfg.read_text() + f'\n[approval]\npage = "{page}"\nabove_actions = 5\n')
    code, out, err = banbot("check", "--config", str(cfg), "--format", "json")
    assert code == 1, err
    assert out["problems"] == [f"approval-page (metawiki:{page}): not edit-protected at sysop, so no approval "
                               "written there counts; protect the page at sysop (edit)"], out["problems"]
    farm.protect("metawiki", page)
    code, out, err = banbot("check", "--config", str(cfg), "--format", "json")
    assert code == 0 and rows(out, "approval-page")[0]["ok"], (out, err)


# The farm key's grants (scripts/wikifarm BOT_GRANTS) but viewrestrictedlogs, the grant that carries suppressionlog.
NO_SUPPRESSIONLOG = ["basic", "highvolume", "editpage", "editprotected", "createeditmovepage", "blockusers",
                     "userrights", "rollback", "delete", "protect", "patrol", "setglobalaccountstatus", "sendemail"]


def test_a_centralauth_key_that_cannot_read_the_suppression_log_is_a_warning(
        farm: FarmHandle, configure: Callable[..., Path], uniq: str, tmp_path: Path) -> None:
    """Every right enforcement needs, but not suppressionlog: every due verification would be a full re-read
    (banbot.drift). check holds (exit 0) and says so in one warning line with the cost and the fix; the farm's
    own key (a global steward, grant viewrestrictedlogs) has the right and gets no warning."""
    if not farm.real_ca:
        pytest.skip("needs the real CentralAuth (the double grants no global rights to read the logs with)")
    cfg = healthy(farm, configure, uniq, "centralauth")
    code, out, err = banbot("check", "--config", str(cfg), "--format", "json")
    assert code == 0 and out["warnings"] == [], (out, err)
    held = rows(out, "verify-logs")
    assert len(held) == 1 and held[0]["ok"] and not held[0]["warning"] and held[0]["target"] == "metawiki"
    assert "may read the suppression log" in held[0]["detail"]

    cfg = farm.with_bot_password(cfg, tmp_path, "nologs", NO_SUPPRESSIONLOG)
    code, out, err = banbot("check", "--config", str(cfg), "--format", "json")
    assert code == 0 and out["ok"] and out["problems"] == [], (out, err)  # a warning is no failure
    assert all(c["ok"] for c in rows(out, "rights"))  # it may do all enforcement needs
    assert len(out["warnings"]) == 1, out["warnings"]
    line = out["warnings"][0]
    assert line.startswith("verify-logs (metawiki): this key lacks suppressionlog"), line
    assert "re-reads every listed account" in line and "105 requests instead of 7" in line
    assert "suppressionlog" in line.split("; ", 1)[1] and "viewrestrictedlogs" in line
    code, table, _ = banbot("check", "--config", str(cfg), "--format", "table")
    assert code == 0 and "checks, 0 failed, 1 warning" in table
    assert f"check: warning: {line}" in table.splitlines()

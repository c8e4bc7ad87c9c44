"""Alerts: a pass's outcome as conditions, once per condition, resolved once (banbot.alerts), and the journal's
open alerts and outbox driven by banbot.alerting with a fake sender and a fake login check."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from banbot import alerting
from banbot.actions import Block, Plan
from banbot.alerts import Condition, Family, PassOutcome, diff, lifted_conditions, pass_conditions, unusable_conditions
from banbot.banlist import BanEntry, BanList, ListSource
from banbot.config import Config, parse_config
from banbot.enforce import Outcome, Report
from banbot.errors import AwaitingApproval, ConfigError, TransientWikiError, UnsafeRun
from banbot.journal import Journal, Status
from banbot.safety import Blocker, Rule

SRC = ListSource("wiki", "metawiki", "Global bans", 42, user="Vandal")
EVERYTHING = frozenset(Family)


def bans(*names: str, revid: int = 42) -> BanList:
    src = ListSource("wiki", "metawiki", "Global bans", revid, user="Vandal")
    return BanList(src, None, tuple(BanEntry(n, None, False, i) for i, n in enumerate(names)), ())


VANDAL = Blocker(Rule.EDITOR, "revision 42 (2026-12-02T05:00:00Z) by Vandal, who is not in safety.trusted_groups "
                              "(sysop), added Innocent; check it, then revert it or re-run with --force")


def held(revid: int = 42) -> PassOutcome:
    return PassOutcome(bans("Innocent", revid=revid), Plan(SRC, ()), (VANDAL,),
                       looked_at=frozenset({Family.HELD, Family.KILL_SWITCH, Family.ERROR}))


def test_a_held_pass_is_one_condition_naming_the_list_the_rule_and_the_editor() -> None:
    [c] = pass_conditions(held())
    assert c.family == "held"
    assert "metawiki:Global bans revision 42" in c.text and "[editor]" in c.text and "by Vandal" in c.text


def test_the_same_vandal_edit_keeps_its_key_when_a_later_revision_is_also_held() -> None:
    assert pass_conditions(held(42))[0].key == pass_conditions(held(43))[0].key


def test_diff_alerts_a_new_condition_once_and_then_stays_silent() -> None:
    [c] = pass_conditions(held())
    first = diff({}, [c], EVERYTHING)
    assert first.new == (c,) and first.resolved == ()
    for _ in range(10):
        again = diff({c.key: c.text}, [c], EVERYTHING)
        assert again.new == () and again.resolved == ()


def test_diff_resolves_an_open_alert_once_its_family_was_looked_at_and_not_found() -> None:
    [c] = pass_conditions(held())
    assert diff({c.key: c.text}, [], {"error"}).resolved == ()  # a pass that never reached the rails
    assert diff({c.key: c.text}, [], {"held"}).resolved == (Condition(c.key, c.text),)


def test_a_hidden_account_is_never_named() -> None:
    plan = Plan(SRC, (Block("Innocent", "enwiki", "r", hidden=True),))
    report = Report("d", (Outcome(plan.actions[0], Status.FAILED, "permissiondenied", "no"),))
    found = pass_conditions(PassOutcome(bans("Innocent"), plan, (VANDAL,), report, looked_at=EVERYTHING))
    assert len(found) == 2
    assert all("Innocent" not in c.text and "a hidden account" in c.text for c in found)
    assert "permissiondenied" in found[1].text and all("Innocent" not in c.ref for c in found)


def test_a_failed_action_and_a_fatal_stop_are_conditions() -> None:
    plan = Plan(SRC, (Block("Target", "enwiki", "r"),))
    report = Report("d", (Outcome(plan.actions[0], Status.FAILED, "blocked", "you are blocked"),),
                    stopped="blocked on enwiki")
    keys = [c.key for c in pass_conditions(PassOutcome(bans("Target"), plan, (), report, looked_at=EVERYTHING))]
    assert keys == ["failed:block|Target|enwiki", "failed:stopped"]


def test_the_kill_switch_is_one_condition_of_its_own() -> None:
    switch = Blocker(Rule.KILL_SWITCH, "the kill switch page 'Project:Banbot/Run' says 'stop'", overridable=False)
    assert [c.key for c in pass_conditions(PassOutcome(blockers=(switch,)))] == ["kill-switch"]


def test_unusable_only_after_the_configured_time_and_forgotten_once_it_answers() -> None:
    failing = {"unusable:farm": "the farm does not answer"}
    first = unusable_conditions(failing, {}, 1000.0, 3600)
    assert first.conditions == () and first.since == {"unusable:farm": 1000.0}
    later = unusable_conditions(failing, first.since, 1000.0 + 3600, 3600)
    assert [c.key for c in later.conditions] == ["unusable:farm"] and "60 minutes" in later.conditions[0].text
    assert unusable_conditions({}, later.since, 9999.0, 3600).since == {}


def test_a_sanctioned_account_no_longer_listed_is_a_condition_until_relisted_or_dismissed() -> None:
    found = lifted_conditions(["Gone", "Listed", "Dismissed", "Secret"], {"Listed"}, {"Dismissed"}, {"Secret"})
    assert [c.key for c in found] == ["lifted:Gone", "lifted:Secret"]
    assert "Gone" in found[0].text and "Secret" not in found[1].text


# --- banbot.alerting: the journal's open alerts and outbox -----------------------------------------------------

def cfg(tmp_path: Path, **alerts: Any) -> Config:
    Journal(tmp_path / "journal.sqlite").close()
    return parse_config({"list": {"page": "Global bans"}, "farm": {"mode": "plain"},
                         "wikis": {"metawiki": {"api": "http://127.0.0.1:9/api.php"}},
                         "journal": {"path": str(tmp_path / "journal.sqlite")},
                         "alerts": {"page": "User:BanBot/Alerts", "email": ["Alice"], **alerts}})


class Sender:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []
        self.fail = False

    def __call__(self, c: Config, j: Journal, unsent: dict[str, list[tuple[int, str]]]) -> list[int]:
        if self.fail:
            raise ConnectionError("the farm is down")
        self.sent += [(ch, line) for ch, rows in unsent.items() for _, line in rows]
        return [i for rows in unsent.values() for i, _ in rows]


def test_a_held_list_alerts_once_on_each_channel_over_ten_passes_and_resolves_once(tmp_path: Path) -> None:
    c, send, clock = cfg(tmp_path), Sender(), [1000.0]
    for _ in range(11):
        alerting.after_pass(c, held(), clock=lambda: clock[0], check_login=lambda _c: {}, send=send)
        clock[0] += 60
    assert [ch for ch, _ in send.sent] == ["page", "mail:Alice"] and " alert [" in send.sent[0][1]
    done = alerting.outcome((bans("Innocent", revid=44), Plan(SRC, ())), (), Report("d", ()))
    alerting.after_pass(c, done, clock=lambda: clock[0], check_login=lambda _c: {}, send=send)
    alerting.after_pass(c, done, clock=lambda: clock[0], check_login=lambda _c: {}, send=send)
    assert [ch for ch, _ in send.sent[2:]] == ["page", "mail:Alice"] and " resolved [" in send.sent[2][1]


def test_an_alert_that_could_not_be_sent_goes_out_with_the_next_pass_and_never_raises(tmp_path: Path) -> None:
    c, send = cfg(tmp_path), Sender()
    send.fail = True
    alerting.after_pass(c, held(), check_login=lambda _c: {}, send=send)
    assert send.sent == []
    send.fail = False
    alerting.after_pass(c, held(), check_login=lambda _c: {}, send=send)
    assert len(send.sent) == 2


def test_the_login_is_tried_at_most_hourly_and_a_refused_password_alerts(tmp_path: Path) -> None:
    c, send, clock, tries = cfg(tmp_path, unusable_after_minutes=0), Sender(), [0.0], []

    def check(_c: Config) -> dict[str, str]:
        tries.append(clock[0])
        return {"metawiki": "metawiki refuses the password in user-password.py for BanBot@farm: Failed"}

    for _ in range(7):  # 70 minutes of passes, ten minutes apart
        alerting.after_pass(c, alerting.idle(), clock=lambda: clock[0], check_login=check, send=send)
        clock[0] += 600
    assert tries == [0.0, 3600.0]
    [(_, line)] = [s for s in send.sent if s[0] == "page"]
    assert "password for metawiki is refused or missing" in line and "user-password.py" not in line


def test_the_farm_down_past_the_threshold_alerts_and_a_pass_that_answers_resolves_it(tmp_path: Path) -> None:
    c, send, clock = cfg(tmp_path, unusable_after_minutes=30), Sender(), [0.0]
    down = alerting.outcome(None, (), error=TransientWikiError("connection", "refused", wiki="metawiki"))
    for _ in range(4):
        alerting.after_pass(c, down, clock=lambda: clock[0], check_login=lambda _c: {}, send=send)
        clock[0] += 600
    assert [line for ch, line in send.sent if ch == "page"][0].count("cannot be used") == 1
    alerting.after_pass(c, alerting.idle(), clock=lambda: clock[0], check_login=lambda _c: {}, send=send)
    assert "resolved" in [line for ch, line in send.sent if ch == "page"][-1]


def test_no_channel_means_no_alerts_and_an_unsafe_run_looks_at_the_rails_only(tmp_path: Path) -> None:
    c = parse_config({"list": {"page": "L"}, "farm": {"mode": "plain"}, "wikis": {"metawiki": {"api": "http://h/api.php"}},
                      "journal": {"path": str(tmp_path / "j.sqlite")}})
    assert not c.alerts.enabled
    o = alerting.outcome((bans("X"), Plan(SRC, ())), (VANDAL,), error=UnsafeRun("held"))
    assert o is not None and Family.FAILED not in o.looked_at and Family.HELD in o.looked_at
    bad = alerting.outcome(None, (), error=ConfigError("list.page is missing"))
    assert bad is not None and [x.key for x in pass_conditions(bad)] == ["error:ConfigError"]


def test_a_sanction_whose_entry_was_struck_alerts_once_and_resolves_when_dismissed(tmp_path: Path) -> None:
    c, send = cfg(tmp_path), Sender()
    j = Journal(c.journal)
    run = j.start_run("run")
    j.record(j.intend(run, Block("Struck", "metawiki", "r")), Status.DONE)
    j.record(j.intend(run, Block("Secret", "metawiki", "r", hidden=True)), Status.DONE)
    j.close()
    passed = alerting.outcome((bans("Someone else"), Plan(SRC, ())), (), Report("d", ()))
    for _ in range(3):
        alerting.after_pass(c, passed, check_login=lambda _c: {}, send=send)
    page = [line for ch, line in send.sent if ch == "page"]
    assert len(page) == 2 and any("Struck, whom banbot sanctioned" in ln for ln in page)
    assert not any("Secret" in ln for ln in page) and any("a hidden account, whom" in ln for ln in page)
    j = Journal(c.journal)
    j.dismiss("Struck", "Steward", "stays")
    j.close()
    alerting.after_pass(c, passed, check_login=lambda _c: {}, send=send)
    page = [line for ch, line in send.sent if ch == "page"]
    assert len(page) == 3 and " resolved [" in page[2] and "Struck" in page[2]


def test_alerts_config_wants_a_count_of_minutes(tmp_path: Path) -> None:
    import pytest

    with pytest.raises(ConfigError, match="unusable_after_minutes"):
        cfg(tmp_path, unusable_after_minutes=-5)
    assert cfg(tmp_path).alerts.unusable_after_minutes == 60


def test_a_mail_subject_is_cut_at_a_word_and_counts_the_other_lines() -> None:
    long = "2026-12-02T05:00:00Z alert [abcd1234]: banbot is held back on metawiki:Bans/List revision 126: [editor] x"
    got = alerting.subject([long, "2026-12-02T05:00:00Z resolved [0]: y"])
    assert got.startswith("banbot: alert [abcd1234]: banbot is held back on metawiki:Bans/List") and "revision 1 " \
        not in got and got.endswith(" … (+1 more)")


def test_a_plan_waiting_for_a_second_person_is_alerted_once_and_resolved_when_a_pass_goes_through() -> None:
    waiting = alerting.outcome((bans("Listed"), Plan(SRC, ())), (), error=AwaitingApproval(
        "[approval] plan 0123abcd waits for a second trusted person on Project:Banbot/Approvals\nmore"))
    assert waiting is not None
    [c] = pass_conditions(waiting)
    assert c.family == Family.APPROVAL and "waits for a second person" in c.text and "\n" not in c.text
    opened = diff({}, [c], waiting.looked_at)
    assert opened.new == (c,) and diff({c.key: c.text}, [c], waiting.looked_at).new == ()
    done = alerting.outcome((bans("Listed"), Plan(SRC, ())), (), Report("d", ()))
    assert done is not None
    assert diff({c.key: c.text}, pass_conditions(done), done.looked_at).resolved == (c,)

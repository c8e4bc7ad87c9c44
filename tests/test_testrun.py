"""One test command (issue 17): scripts/test loads the real CentralAuth when it lies beside the project (as in
CI) or $BANBOT_CENTRALAUTH_DIR names it, says in its last line which CentralAuth ran, and fails — never skips —
when the real one was there to load and the farm runs the stand-in."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from devfarm.farm import FarmHandle
from devfarm.testrun import backend, centralauth_dir

from conftest import need_real_centralauth

ROOT = Path(__file__).resolve().parent.parent


def test_the_extension_beside_the_project_is_loaded_unless_the_variable_names_another(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    assert centralauth_dir({}, project) is None
    vendored = tmp_path / "shared" / "vendor" / "CentralAuth-REL1_39"
    vendored.mkdir(parents=True)
    assert centralauth_dir({}, project) is None  # a folder without the extension in it is not the extension
    (vendored / "extension.json").write_text("{}")
    assert centralauth_dir({}, project) == str(vendored)
    assert centralauth_dir({"BANBOT_CENTRALAUTH_DIR": "/elsewhere"}, project) == "/elsewhere"


def test_the_last_line_names_the_centralauth_that_ran_and_fails_when_the_real_one_did_not_load() -> None:
    real, double = {"centralauth": {"kind": "real"}}, {"centralauth": {"kind": "double"}}
    assert backend(real, "/v/CA") == ("CentralAuth backend: real (CentralAuth REL1_39 from /v/CA)", True)
    text, ok = backend(double, "/v/CA")
    assert not ok and text.startswith("CentralAuth backend: stand-in, but the real extension in /v/CA") \
        and "FAILED" in text
    text, ok = backend(double, None)
    assert ok and text.startswith("CentralAuth backend: stand-in (") and "skipped" in text
    assert backend(None, "/v/CA") == ("CentralAuth backend: none (no test used the farm)", True)


def test_the_report_of_a_run_on_the_stand_in_fails_the_run_when_the_extension_was_there(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    report.write_text(json.dumps({"farm": {"centralauth": {"kind": "double"}}}))
    env = {**os.environ, "BANBOT_CENTRALAUTH_DIR": str(tmp_path)}
    res = subprocess.run([sys.executable, "-m", "devfarm.testrun", "backend", "--report", str(report)],
                         capture_output=True, text=True, env=env, cwd=ROOT)
    assert res.returncode == 1 and res.stdout.startswith("scripts/test: CentralAuth backend: stand-in, but")


def test_a_test_of_the_real_centralauth_fails_instead_of_skipping_when_it_must_run(
        monkeypatch: pytest.MonkeyPatch) -> None:
    stand_in = FarmHandle({"centralauth": {"kind": "double"}})
    monkeypatch.delenv("BANBOT_REQUIRE_REAL_CENTRALAUTH", raising=False)
    with pytest.raises(pytest.skip.Exception):
        need_real_centralauth(stand_in)
    monkeypatch.setenv("BANBOT_REQUIRE_REAL_CENTRALAUTH", "1")
    with pytest.raises(pytest.fail.Exception, match="did not load"):
        need_real_centralauth(stand_in)
    need_real_centralauth(FarmHandle({"centralauth": {"kind": "real"}}))  # and runs on the real one


def test_ci_runs_the_one_test_command() -> None:
    ci = [ln for ln in (ROOT / ".ci" / "run").read_text().splitlines() if ln.strip() and not ln.startswith("#")]
    assert ci[-1] == "exec bash scripts/test" and not any("CENTRALAUTH" in ln for ln in ci)


@pytest.mark.parametrize("profile, examples", [("full", 200), ("fast", 20)])
def test_the_fast_profile_draws_fewer_examples_and_samples_the_crash_points(profile: str, examples: int) -> None:
    code = "import conftest, hypothesis; print(hypothesis.settings().max_examples, conftest.crash_points(16))"
    env = {k: v for k, v in os.environ.items() if k != "BANBOT_HYPOTHESIS_EXAMPLES"} | {"BANBOT_TEST_PROFILE": profile}
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT / "tests")
    assert res.returncode == 0, res.stderr
    drawn, points = res.stdout.split(" ", 1)
    assert int(drawn) == examples
    assert json.loads(points) == (list(range(1, 17)) if profile == "full" else [1, 8, 16])

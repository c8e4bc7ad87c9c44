"""Shared fixtures. Tests marked ``integration`` use the local farm (scripts/wikifarm), started once."""

from __future__ import annotations

import itertools
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from banbot.config import Config, load_config

TESTS = Path(__file__).resolve().parent
sys.path.insert(0, str(TESTS))
sys.path.insert(0, str(TESTS.parent))  # the repository: devfarm, the development farm's package

from devfarm.farm import FarmHandle, start  # noqa: E402

_counter = itertools.count()

# Test profiles (scripts/test --fast sets BANBOT_TEST_PROFILE=fast): how many hypothesis examples each property
# draws, and whether the crash test crashes after every write or after a sample (crash_points). Set before any
# test module is imported, so every @settings inherits it. BANBOT_HYPOTHESIS_EXAMPLES overrides both (nightly).
# scripts/mutation runs the fast tier once per mutant with the "mutation" profile: derandomized (the same examples
# for every mutant) and without an example database (a mutant's failures must not replay against the real code).
PROFILE = os.environ.get("BANBOT_TEST_PROFILE", "full")
if PROFILE not in ("full", "fast", "mutation"):
    raise pytest.UsageError(f"BANBOT_TEST_PROFILE={PROFILE!r}: use full (the default), fast or mutation")
_examples = os.environ.get("BANBOT_HYPOTHESIS_EXAMPLES")
for _name, _default in (("full", 200), ("fast", 20)):
    hypothesis_settings.register_profile(_name, max_examples=int(_examples or _default), deadline=None,
                                         suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.register_profile("mutation", max_examples=int(_examples or 20), deadline=None, derandomize=True,
                                     database=None, print_blob=False, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile(PROFILE)


def crash_points(writes: int, profile: str = PROFILE) -> list[int]:
    """After which writes the crash test kills banbot: every one (full), or the first, a middle and the last
    (fast): the full run takes minutes, the sample keeps each kind of crash point."""
    every = list(range(1, writes + 1))
    return every if profile == "full" else sorted({1, (writes + 1) // 2, writes})


def need_real_centralauth(farm: FarmHandle) -> None:
    """Skip a test that needs the real CentralAuth on a farm without it, unless this run must have it
    (scripts/test found the extension: BANBOT_REQUIRE_REAL_CENTRALAUTH): then the test fails, never skips."""
    if farm.real_ca:
        return
    if os.environ.get("BANBOT_REQUIRE_REAL_CENTRALAUTH"):
        pytest.fail(f"the real CentralAuth should run ({os.environ.get('BANBOT_CENTRALAUTH_DIR')}), but the farm "
                    "runs the stand-in: it did not load; see scripts/wikifarm start's output", pytrace=False)
    pytest.skip("needs the real CentralAuth: start the farm with BANBOT_CENTRALAUTH_DIR set")


_farm_used: list[dict[str, Any]] = []  # farm.json of the farm this session used, for scripts/test's last lines


@pytest.fixture(scope="session")
def farm() -> FarmHandle:
    """The running local farm (started if needed); its farm.json, and helpers that act as its Admin."""
    info = start()
    _farm_used.append(info)
    return FarmHandle(info)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """scripts/test reports which CentralAuth the tests ran against (devfarm.testrun): tell it."""
    report = os.environ.get("BANBOT_TEST_REPORT")
    if report:
        Path(report).write_text(json.dumps({"farm": _farm_used[0] if _farm_used else None}))


@pytest.fixture
def uniq(request: pytest.FixtureRequest) -> str:
    """A short prefix unique to this test run and test, for clean accounts on the shared farm."""
    return f"T{os.getpid() % 10000}x{int(time.time()) % 100000}x{next(_counter)}"


def write_config(farm: FarmHandle, mode: str, tmp_path: Path, page: str, extra: str = "") -> Path:
    """A banbot config for the farm; ``mode``: plain, centralauth (the real extension when the farm runs it,
    else the double) or centralauth-double (the double, explicitly)."""
    base = Path(farm.info["banbot_configs"][mode]).read_text()
    base = base.replace('page = "Global bans/List"', f"page = {json.dumps(page)}")
    base = base.replace(f'path = "journal-{mode}.sqlite"', f"path = {json.dumps(str(tmp_path / 'journal.sqlite'))}")
    base = base.replace('pywikibot_dir = "pywikibot"',
                        f"pywikibot_dir = {json.dumps(farm.info['pywikibot_dir'])}")
    path = tmp_path / f"banbot-{mode}.toml"
    path.write_text(base + "\n" + extra)
    return path


@pytest.fixture
def configure(farm: FarmHandle, tmp_path: Path) -> Callable[..., Path]:
    def make(mode: str, page: str, extra: str = "") -> Path:
        return write_config(farm, mode, tmp_path, page, extra)

    return make


@pytest.fixture(scope="session")
def plain_config(farm: FarmHandle, tmp_path_factory: pytest.TempPathFactory) -> Config:
    return load_config(write_config(farm, "plain", tmp_path_factory.mktemp("plain"), "Global bans/List"))


@pytest.fixture(scope="session")
def ca_config(farm: FarmHandle, tmp_path_factory: pytest.TempPathFactory) -> Config:
    return load_config(write_config(farm, "centralauth", tmp_path_factory.mktemp("ca"), "Global bans/List"))


@pytest.fixture(scope="session")
def ca_double_config(farm: FarmHandle, tmp_path_factory: pytest.TempPathFactory) -> Config:
    """The CentralAuth double, explicitly: for what the real REL1_39 lacks (list=globalusers)."""
    mode = "centralauth-double" if "centralauth-double" in farm.info["banbot_configs"] else "centralauth"
    return load_config(write_config(farm, mode, tmp_path_factory.mktemp("cad"), "Global bans/List"))


@pytest.fixture(scope="session")
def ca_double_farm(ca_double_config: Config) -> Any:
    from banbot.wiki.session import open_farm

    return open_farm(ca_double_config, login=True)


@pytest.fixture(scope="session")
def plain_farm(plain_config: Config) -> Any:
    from banbot.wiki.session import open_farm

    return open_farm(plain_config, login=True)


@pytest.fixture(scope="session")
def ca_farm(ca_config: Config) -> Any:
    from banbot.wiki.session import open_farm

    return open_farm(ca_config, login=True)

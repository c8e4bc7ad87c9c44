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
from hypothesis import settings

from banbot.config import Config, load_config

TESTS = Path(__file__).resolve().parent
sys.path.insert(0, str(TESTS))
sys.path.insert(0, str(TESTS.parent))  # the repository: devfarm, the development farm's package

from devfarm.farm import FarmHandle, start  # noqa: E402

_counter = itertools.count()

# scripts/mutation runs the fast tier once per mutant: properties there are derandomized (the same examples for
# every mutant), keep no example database (a mutant's failures must not replay against the real code) and run
# BANBOT_HYPOTHESIS_EXAMPLES examples, which the property tests read.
settings.register_profile("mutation", max_examples=20, derandomize=True, database=None, deadline=None,
                          print_blob=False)
if os.environ.get("BANBOT_HYPOTHESIS_PROFILE"):
    settings.load_profile(os.environ["BANBOT_HYPOTHESIS_PROFILE"])


@pytest.fixture(scope="session")
def farm() -> FarmHandle:
    """The running local farm (started if needed); its farm.json, and helpers that act as its Admin."""
    info = start()
    return FarmHandle(info)


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

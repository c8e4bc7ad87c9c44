"""Integration fixtures: per-test banbot configs on the shared local farm."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from banbot.config import Config, load_config
from farm import FarmHandle

pytestmark = pytest.mark.integration


def write_config(farm: FarmHandle, mode: str, tmp_path: Path, page: str, extra: str = "") -> Path:
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
def plain_farm(plain_config: Config) -> Any:
    from banbot.wiki.session import open_farm

    return open_farm(plain_config, login=True)


@pytest.fixture(scope="session")
def ca_farm(ca_config: Config) -> Any:
    from banbot.wiki.session import open_farm

    return open_farm(ca_config, login=True)


def banbot(*args: str, check: bool = False) -> tuple[int, Any, str]:
    """Run the real command line in a subprocess; JSON output is decoded."""
    res = subprocess.run([sys.executable, "-m", "banbot", *args], capture_output=True, text=True, timeout=300)
    try:
        out: Any = json.loads(res.stdout)
    except ValueError:
        out = res.stdout
    if check and res.returncode not in (0, 1):
        raise AssertionError(f"banbot {' '.join(args)} exited {res.returncode}:\n{res.stdout}\n{res.stderr}")
    return res.returncode, out, res.stderr

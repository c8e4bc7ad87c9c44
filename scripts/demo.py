"""The demo behind scripts/demo: the whole of banbot on the local farm, in plain and CentralAuth modes."""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from devfarm.farm import FARM_DIR, FarmHandle, start  # noqa: E402

PAGES = {"plain": "Global bans/List", "centralauth": "Global bans/CentralAuth list"}  # one list page per mode
RIGHTS = {"plain": "Office actions/Rights removals", "centralauth": "Office actions/CentralAuth rights removals"}


def banner(text: str) -> None:
    print(f"\n\033[1m=== {text}\033[0m" if sys.stdout.isatty() else f"\n=== {text}", flush=True)


def banbot(config: str, page: str, *args: str) -> int:
    cmd = [sys.executable, "-m", "banbot", *args, "--page", page, "--config", config, "-q"]
    print(f"$ banbot {' '.join(args)} --page {page!r}", flush=True)
    return subprocess.run(cmd).returncode


def publish(farm: FarmHandle, run: int, mode: str, page: str) -> dict[str, str]:
    """Demo accounts (fresh names each run) and a list naming them, in Meta's bulleted shape."""
    n = {k: f"{v} {mode[0].upper()}{run}" for k, v in {
        "vandal": "Harbor Gull", "sock": "Marsh Wren", "staff": "Quiet Staffer", "lifted": "Cinder Path",
        "missing": "Never Registered"}.items()}
    for db in ("metawiki", "enwiki", "zhwiki"):
        spec = [{"name": n["vandal"], "groups": ["sysop"] if db == "enwiki" else []},
                {"name": n["sock"], "groups": ["rollbacker"] if db != "metawiki" else []},
                {"name": n["lifted"], "groups": []}]
        if db == "metawiki":
            spec.append({"name": n["staff"], "groups": ["staff"]})
        farm.make_users(db, spec)
    if mode == "centralauth":
        farm.set_global({n["vandal"]: {"groups": ["global-rollbacker"]}})
    today = dt.datetime.now(dt.UTC).date()
    listed = f"{today.day} {today:%B %Y}"  # accounts registered after their listing date would be held
    text = "\n".join([
        "This page lists accounts banned from every wiki of the farm.", "", "{{div col|colwidth=20em}}",
        f"* [[m:Special:CentralAuth/{n['vandal']}|{n['vandal']}]], since {listed}",
        f"* [[m:Special:CentralAuth/{n['sock']}|{n['sock']}]], since {listed}",
        f"* [[m:Special:CentralAuth/{n['staff']}|{n['staff']}]], since {listed}",
        f"* [[m:Special:CentralAuth/{n['missing']}|{n['missing']}]], since {listed}",
        f"* <s>[[m:Special:CentralAuth/{n['lifted']}|{n['lifted']}]], since 1 January 2014</s> (lifted 2020)",
        f"* [[User:{n['vandal']} & friends]] and [[User:{n['sock']}]], since {listed}",
        "{{div col end}}"])
    farm.edit("metawiki", page, text, summary="demo: publish the ban list")
    farm.protect("metawiki", page)
    return n


def show(farm: FarmHandle, names: dict[str, str], mode: str) -> None:
    rows = []
    for key in ("vandal", "sock", "staff", "lifted"):
        name = names[key]
        for db in ("metawiki", "enwiki", "zhwiki"):
            row = farm.users(db, name).get(name, {})
            if row.get("missing") or not row:
                continue
            groups = ",".join(m["group"] for m in row.get("groupmemberships", [])) or "-"
            talk = farm.text(db, f"User talk:{name}") or ""
            rows.append((name, db, groups, "blocked" if "blockid" in row else "-",
                         "notice" if "banbot:global-ban-notice" in talk else "-"))
        if mode == "centralauth":
            info = farm.global_info(name)
            rows.append((name, "(global)", ",".join(info.get("groups", [])) or "-",
                         "locked" if info.get("locked") else "-", ""))
    rows.insert(0, ("account", "wiki", "groups", "block/lock", "talk"))
    width = [max(len(r[i]) for r in rows) for i in range(5)]
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, width, strict=True)).rstrip())


def sources_config(config: str, mode: str) -> str:
    """The demo's config with two sources instead of [list]: the ban list and a restrictions table (the
    Foundation's event banned some accounts and desysopped others). Same folder: the same journal."""
    text = Path(config).read_text()
    head, _, rest = text.partition("[list]\n")
    rest = rest[rest.index("\n[") + 1:]  # drop the [list] table's keys
    sources = (f'[[sources]]\nname = "foundation"\nwiki = "metawiki"\npage = "{PAGES[mode]}"\nsanction = "ban"\n\n'
               f'[[sources]]\nname = "rights-removals"\nwiki = "metawiki"\npage = "{RIGHTS[mode]}"\n'
               'sanction = "restrict"\n\n')
    path = Path(config).with_name(f"demo-sources-{mode}.toml")
    path.write_text(head + sources + rest)
    return str(path)


def restrictions(farm: FarmHandle, run: int, mode: str) -> dict[str, str]:
    """An admin to desysop on enwiki only, and a restrictions table naming it."""
    n = {"admin": f"Tide Keeper {mode[0].upper()}{run}"}
    farm.make_users("metawiki", [{"name": n["admin"], "groups": []}])
    farm.make_users("enwiki", [{"name": n["admin"], "groups": ["sysop", "bureaucrat"]}])
    farm.make_users("zhwiki", [{"name": n["admin"], "groups": ["sysop"]}])
    today = dt.datetime.now(dt.UTC).date()
    text = "\n".join(['{| class="wikitable"', "! User !! Groups !! Wikis !! Date", "|-",
                      f"| [[User:{n['admin']}]] || sysop || enwiki || {today.day} {today:%B %Y}", "|}"])
    farm.edit("metawiki", RIGHTS[mode], text, summary="demo: publish the rights removals")
    farm.protect("metawiki", RIGHTS[mode])
    return n


def two_lists(farm: FarmHandle, config: str, run: int, mode: str) -> None:
    """The second list: a restriction removes only the named group on the named wiki; then `run` goes over
    both lists, each on its own, and finds nothing left."""
    cfg = sources_config(config, mode)
    names = restrictions(farm, run, mode)
    banner(f"6. a second list, of rights removals (metawiki:{RIGHTS[mode]}): sanction = \"restrict\"")
    plan_file = str(FARM_DIR / f"demo-plan-rights-{mode}.json")
    for args in (["plan", "--source", "rights-removals", "--format", "table", "--out", plan_file],
                 ["apply", "--plan", plan_file, "--format", "table"]):
        print(f"$ banbot {' '.join(args)}", flush=True)
        subprocess.run([sys.executable, "-m", "banbot", *args, "--config", cfg, "-q"])
    name = names["admin"]
    for db in ("enwiki", "zhwiki"):
        groups = ",".join(m["group"] for m in farm.users(db, name)[name].get("groupmemberships", [])) or "-"
        print(f"  {name} on {db}: groups {groups}")
    banner("7. the scheduled job over both lists: one line a list, nothing left to do (exit 0)")
    print("$ banbot run", flush=True)
    rc = subprocess.run([sys.executable, "-m", "banbot", "run", "--config", cfg, "-q"]).returncode
    print(f"(exit {rc})")


def demo(mode: str) -> int:
    """One mode's walk-through; returns the exit code of the apply step (0: everything done)."""
    farm = FarmHandle.load()
    counter = FARM_DIR / f"demo-run-{mode}"
    run = int(counter.read_text()) + 1 if counter.exists() else 1
    counter.write_text(str(run))
    config = farm.info["banbot_configs"][mode]
    page = PAGES[mode]
    banner(f"{mode} farm: publishing a ban list on metawiki:{page}")
    names = publish(farm, run, mode, page)
    banner("1. read the list")
    banbot(config, page, "bans", "--format", "table")
    banner("2. preview: what enforcement still lacks (exit 1 = actions pending)")
    plan_file = str(FARM_DIR / f"demo-plan-{mode}.json")
    rc = banbot(config, page, "plan", "--format", "table", "--out", plan_file)
    print(f"(exit {rc})")
    banner("3. apply exactly the reviewed plan (the first run is a human's: --init-journal creates the journal)")
    applied = banbot(config, page, "apply", "--plan", plan_file, "--init-journal", "--format", "table")
    banner("4. the wikis now (read directly, not through banbot)")
    show(farm, names, mode)
    banner("5. a second preview finds nothing left to do (exit 0)")
    rc = banbot(config, page, "plan", "--format", "table")
    print(f"(exit {rc})")
    two_lists(farm, config, run, mode)
    return applied


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--mode", choices=["plain", "centralauth", "both"], default="both")
    args = ap.parse_args()
    banner("starting the local wiki farm (Debian's MediaWiki on 127.0.0.1; the first time takes a minute)")
    start()
    codes = [demo(mode) for mode in (["plain", "centralauth"] if args.mode == "both" else [args.mode])]
    banner("what to try next")
    cfg = FarmHandle.load().info["banbot_configs"]["plain"]
    print(f"  .venv/bin/banbot --help                           every command and exit code\n"
          f"  .venv/bin/banbot audit --config {cfg}   each account on each wiki\n"
          f"  .venv/bin/banbot run --config {cfg} --dry-run   the scheduled job, as a preview\n"
          f"  scripts/test                                      the whole test suite\n"
          f"  .venv/bin/python scripts/wikifarm stop            stop the farm (its files stay in .wikifarm/)")
    return max(codes)


if __name__ == "__main__":
    sys.exit(main())

"""A plan's observations, sealed for its apply: what lets a reviewed ``apply --plan`` re-read only what changed.

``banbot plan --out`` writes every account state it read into the plan file, with the time its reads began,
sealed with an HMAC-SHA256 key that only this installation holds (a file beside the journal, readable by its
owner alone). ``apply --plan`` takes those states as the starting point only when the seal verifies for the same
list revision, section and farm, and the reads are younger than ``run.verify_every_hours``; it then reads the
wikis' logs since they were made (:mod:`banbot.drift` says why the logs cannot miss a change the planner acts
on) and re-reads the listed accounts they name. Anything else — no seal, a seal that does not verify, another
revision, a log that cannot be read — and apply re-reads every account, as it always did.

Why a seal and not the plan's digest: a plan file is a document that reviewers read, pass around and may post;
its digest is a plain hash anyone can recompute. An action edited into a file is refused all the same (apply
plans afresh and compares), but a state edited into it would be trusted: an earlier registration date lifts the
hold on a name that may belong to someone else. Only a file made by this installation's ``plan`` carries states
apply will believe.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from banbot.state import AccountState, LocalAccount, TalkPage

VERSION = 1
KEY_BYTES = 32


class Unsealed(Exception):
    """The plan file's observations cannot be trusted: apply re-reads every account (the message says why)."""


def key_file(journal: Path) -> Path:
    """Where the key lives: beside the journal, whose folder is banbot's own and private."""
    return journal.with_name(journal.name + ".plan-key")


def load_key(journal: Path, *, create: bool) -> bytes | None:
    """This installation's key (None: there is none, and ``create`` is off or the folder is not writable).
    Created readable by its owner only; a key others may read is no key, nor is a file not holding a whole key."""
    path = key_file(journal)
    try:
        if path.stat().st_mode & 0o077:
            return None
        key = bytes.fromhex(path.read_text(encoding="ascii").strip())
        return key if len(key) == KEY_BYTES else None  # empty or cut short (a full disk): a key anyone can guess
    except FileNotFoundError:
        pass
    except (OSError, ValueError):
        return None
    if not create:
        return None
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError:
        return load_key(journal, create=False) if path.exists() else None
    key = secrets.token_bytes(KEY_BYTES)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(key.hex() + "\n")
    return key


def _fields(obj: Any) -> dict[str, Any]:
    """A frozen record's fields, those at their defaults left out (a long list's reads are large enough)."""
    return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj) if getattr(obj, f.name) != f.default}


def state_data(st: AccountState) -> dict[str, Any]:
    out = _fields(st)
    for key in ("local", "talk"):
        if key in out:
            out[key] = [_fields(x) for x in out[key]]
    return out


def state_from_data(d: Mapping[str, Any]) -> AccountState:
    fields = dict(d)
    fields["local"] = tuple(LocalAccount(**{**a, "groups": tuple(a.get("groups", ()))}) for a in d.get("local", ()))
    fields["talk"] = tuple(TalkPage(**t) for t in d.get("talk", ()))
    for key in ("global_groups", "lock_checks"):
        fields[key] = tuple(d.get(key, ()))
    return AccountState(**fields)


def _mac(key: bytes, body: Mapping[str, Any]) -> str:
    """Over the canonical JSON of ``body``, fed in pieces: ten thousand states never make one string."""
    mac = hmac.new(key, digestmod=hashlib.sha256)
    for chunk in json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":")).iterencode(body):
        mac.update(chunk.encode())
    return mac.hexdigest()


def seal(states: Mapping[str, AccountState], made_at: str, basis: Sequence[Any], key: bytes) -> dict[str, Any]:
    """The observations as the plan file carries them. ``basis``: what they are observations *for* (the list
    page, its revision and section, the farm's mode and central wiki); apply must present the same."""
    body = {"version": VERSION, "basis": list(basis), "made_at": made_at,
            "states": {name: state_data(st) for name, st in states.items()}}
    return body | {"mac": _mac(key, body)}


def unseal(doc: Any, basis: Sequence[Any], key: bytes | None) -> tuple[str, dict[str, AccountState]]:
    """The time the reads began and the states, when the seal verifies for ``basis``; else :class:`Unsealed`."""
    if not isinstance(doc, Mapping) or "mac" not in doc:
        raise Unsealed("the plan file carries no sealed observations (made by another banbot, or edited)")
    if key is None:
        raise Unsealed("this installation has no plan key beside the journal")
    body = {k: v for k, v in doc.items() if k != "mac"}
    if not hmac.compare_digest(str(doc["mac"]), _mac(key, body)):
        raise Unsealed("the seal on the plan file's observations does not verify (another installation's, or edited)")
    if body.get("version") != VERSION or body.get("basis") != list(basis):
        raise Unsealed("the observations were made for another list revision, section or farm")
    try:
        return str(body["made_at"]), {str(n): state_from_data(d) for n, d in body["states"].items()}
    except (KeyError, TypeError, AttributeError) as e:
        raise Unsealed(f"the observations cannot be read back ({type(e).__name__})") from None

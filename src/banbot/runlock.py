"""One run at a time: an exclusive, non-blocking lock on a file next to the journal.

The lock is held by the kernel (flock), so it is released when the process ends, even by SIGKILL: a
crashed run never leaves a stale lock behind. The file records who holds it, for the message.
"""

from __future__ import annotations

import errno
import fcntl
import os
import time
from pathlib import Path
from types import TracebackType

from banbot.errors import JournalError, RunInProgress


class RunLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd: int | None = None

    def __enter__(self) -> RunLock:
        from banbot.journal import ensure_folder, unwritable

        ensure_folder(self.path.parent, "safety.lock_file")
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as e:
            if e.errno in (errno.ENOSPC, errno.EDQUOT):
                raise unwritable(self.path, f"the disk is full ({e.strerror})") from None
            raise JournalError(f"cannot open the run lock {self.path}: {e.strerror}; check safety.lock_file") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 200).decode(errors="replace").strip() or "another process"
            os.close(fd)
            raise RunInProgress(f"another banbot run holds {self.path} ({holder}); this run did nothing. "
                                "If no banbot is running, the lock is free again: the kernel releases it") from None
        try:  # who holds it, for another run's message: the lock is the flock, this note only helps
            os.ftruncate(fd, 0)
            os.write(fd, f"pid {os.getpid()} since {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}".encode())
        except OSError:
            pass  # a full disk: the journal's first write says so, with what to do
        self.fd = fd
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None

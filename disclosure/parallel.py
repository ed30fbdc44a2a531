"""Work spread over the machine's cores, in forked processes.

A forked worker inherits what the build holds at that moment (records, pages, the renderer)
without copying or pickling it; only small arguments and the results cross between
processes. Each pool keeps what its workers need in ``SLOT``, filled once per process.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import multiprocessing
import signal
from concurrent.futures import ProcessPoolExecutor
from typing import Any

# Below this many pages (or records), starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 400
PR_SET_PDEATHSIG = 1  # from <sys/prctl.h>

# What a worker inherited at fork, for the functions it runs; one dict per process.
SLOT: dict[str, Any] = {}


def fork_pool(workers: int, **inherited: Any) -> ProcessPoolExecutor:
    """A pool of ``workers`` forked processes, each finding ``inherited`` in SLOT."""
    return_free_memory()
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                               initializer=_start, initargs=(inherited,))


def return_free_memory() -> None:
    """Give the memory malloc holds but no object uses back to the system: before forking
    (otherwise a worker shares it, and copies each page of it that it allocates into; after
    reading a province's changed community sheet, about 100 MB), and after work whose
    garbage would otherwise stay with a process that goes on waiting (glibc only)."""
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to give back this way
        _libc().malloc_trim(0)


def _start(inherited: dict[str, Any]) -> None:
    _die_with_parent()
    SLOT.update(inherited)


def _die_with_parent() -> None:
    """A killed build must not leave workers writing into its staging folder while the next
    build clears it away: on Linux, ask the kernel to kill this worker with its parent."""
    with contextlib.suppress(OSError, AttributeError):  # not Linux: workers end when their queue closes
        _libc().prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


@functools.cache
def _libc() -> ctypes.CDLL:
    """The C library, for what Python does not offer (prctl, malloc_trim)."""
    return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)

"""Process memory hygiene and readings, for long-lived processes that run partition after partition (demo, bench)."""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import os
from collections.abc import Callable
from pathlib import Path

MIB = 1024 * 1024


@functools.cache
def _glibc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    library = ctypes.CDLL(name) if name else None
    return library if library is not None and hasattr(library, "malloc_trim") else None


def release_freed_memory() -> None:
    """Hand the heap memory that a partition's batches freed back to the OS (glibc only; a no-op elsewhere).

    glibc keeps freed blocks (model activations, tokeniser buffers, Arrow and polars frames) in its arenas, so
    without this a process's RSS stays ~300 MiB above what it uses after a 20k-review partition's NLP step and
    creeps up from partition to partition. Called after each embedding pass and after each partition's run.
    """
    library = _glibc()
    if library is not None:
        library.malloc_trim(0)


# glibc's `struct mallinfo2`, field by field, every one a size_t.
_MALLINFO2_FIELDS = (
    "arena",
    "ordblks",
    "smblks",
    "hblks",
    "hblkhd",
    "usmblks",
    "fsmblks",
    "uordblks",
    "fordblks",
    "keepcost",
)


class _MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in _MALLINFO2_FIELDS]


@functools.cache
def _mallinfo2() -> Callable[[], _MallInfo2] | None:
    function = getattr(_glibc(), "mallinfo2", None)
    if function is not None:
        function.restype = _MallInfo2
    return function


def heap_in_use_bytes() -> int | None:
    """Bytes glibc's malloc has handed out and not had back (None without glibc 2.33's `mallinfo2`).

    Unlike RSS it ignores freed blocks the allocator keeps, so its growth from partition to partition is memory
    something still holds (a cache, a leak) rather than fragmentation. Small Python objects live in pymalloc's
    arenas and polars/Arrow buffers in their own allocators: this is mostly the C and C++ libraries' heap (torch,
    oneDNN, tokenizers, SQLite, libpq).
    """
    mallinfo2 = _mallinfo2()
    if mallinfo2 is None:
        return None
    info = mallinfo2()
    return int(info.uordblks + info.hblkhd)


def rss_mib() -> float:
    """Resident memory of this process now, in MiB."""
    try:
        import psutil

        return psutil.Process().memory_info().rss / MIB
    except ImportError:  # psutil comes with dagster; /proc is the fallback on Linux
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / MIB

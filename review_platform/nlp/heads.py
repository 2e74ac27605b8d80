"""The categoriser's trained heads: small linear models over the encoder's embeddings, learned from real reviews.

- Sentiment: a logistic regression trained on 1-2 star (negative) vs 4-5 star (positive) reviews only. Neutral is
  not a trained class (3-star reviews are a noisy mix): a review is neutral when its probability of being positive
  falls between two thresholds calibrated on held-out training reviews, 3-star ones included.
- Topics: one logistic regression per label that has enough labelled examples (multi-label: a review may talk
  about several things), each with its own calibrated threshold for `secondary_topics`. A taxonomy label without
  a head is scored by the taxonomy's prototypes instead (`categorise.py`).

An artefact is one `.npz` file: the arrays plus a JSON header (what encoder it was trained on, the data it saw, its
evaluation). Its `version` is a hash of all of it, so two artefacts with the same version are the same model.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

SENTIMENT_LABELS = ("negative", "neutral", "positive")


def _sigmoid(logits: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(logits, -30.0, 30.0)))


@dataclass(frozen=True)
class SentimentHead:
    coef: np.ndarray  # (dimension,)
    intercept: float
    negative_below: float  # P(positive) below this: negative
    positive_from: float  # P(positive) from this on: positive; in between: neutral

    def positive_probability(self, embeddings: np.ndarray) -> np.ndarray:
        return _sigmoid(embeddings @ self.coef + self.intercept)

    def label_of(self, positive_probability: np.ndarray) -> np.ndarray:
        """Index into `SENTIMENT_LABELS`: negative below the band, positive from its top, neutral inside it."""
        p = positive_probability
        return np.where(p < self.negative_below, 0, np.where(p >= self.positive_from, 2, 1))

    def predict(self, embeddings: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Label index into `SENTIMENT_LABELS` and its score: P(positive), P(negative), or for neutral how close
        the text is to undecided (1 at P = 0.5)."""
        p = self.positive_probability(embeddings)
        label = self.label_of(p)
        score = np.where(label == 2, p, np.where(label == 0, 1.0 - p, 1.0 - np.abs(2.0 * p - 1.0)))
        return label, score.astype(np.float32)


@dataclass(frozen=True)
class TopicHead:
    labels: tuple[str, ...]
    coef: np.ndarray  # (labels, dimension)
    intercept: np.ndarray  # (labels,)
    thresholds: np.ndarray  # (labels,): a label is among a review's topics from this probability on

    def probabilities(self, embeddings: np.ndarray) -> np.ndarray:
        return _sigmoid(embeddings @ self.coef.T + self.intercept)


@dataclass(frozen=True)
class Heads:
    encoder: str  # the embedding model's version the heads were trained on; other encoders cannot use them
    sentiment: SentimentHead
    topics: TopicHead
    provenance: dict[str, Any] = field(default_factory=dict)  # data, counts, seed, partitions used
    evaluation: dict[str, Any] = field(default_factory=dict)  # figures on the sealed test split

    @property
    def version(self) -> str:
        digest = hashlib.sha256()
        for array in self._arrays().values():
            digest.update(np.ascontiguousarray(array).tobytes())
        digest.update(json.dumps(self._header(), sort_keys=True, default=str).encode())
        return digest.hexdigest()[:12]

    @property
    def trained_days(self) -> list[str]:
        """Partitions of the platform's own reviews that trained the sentiment head (none for the shipped one)."""
        return list(self.provenance.get("platform_partitions", []))

    def _arrays(self) -> dict[str, np.ndarray]:
        return {
            "sentiment_coef": self.sentiment.coef.astype(np.float32),
            "sentiment_thresholds": np.array(
                [self.sentiment.intercept, self.sentiment.negative_below, self.sentiment.positive_from],
                dtype=np.float64,
            ),
            "topic_coef": self.topics.coef.astype(np.float32),
            "topic_intercept": self.topics.intercept.astype(np.float32),
            "topic_thresholds": self.topics.thresholds.astype(np.float32),
        }

    def _header(self) -> dict[str, Any]:
        return {
            "format": 1,
            "encoder": self.encoder,
            "topic_labels": list(self.topics.labels),
            "provenance": self.provenance,
            "evaluation": self.evaluation,
        }

    def save(self, path: Path) -> Path:
        """Written to a temporary name, then renamed: a reader never sees half an artefact."""
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.partial")
        with partial.open("wb") as stream:
            header = np.frombuffer(json.dumps(self._header(), sort_keys=True, default=str).encode(), np.uint8)
            np.savez(stream, header=header, **self._arrays())
        partial.replace(path)
        return path

    @classmethod
    def load(cls, path: Path) -> Heads:
        with np.load(path, allow_pickle=False) as stored:
            header = json.loads(stored["header"].tobytes().decode())
            if header.get("format") != 1:
                raise ValueError(f"{path} is not a heads artefact this version can read")
            intercept, negative_below, positive_from = (float(value) for value in stored["sentiment_thresholds"])
            return cls(
                encoder=header["encoder"],
                sentiment=SentimentHead(stored["sentiment_coef"], intercept, negative_below, positive_from),
                topics=TopicHead(
                    tuple(header["topic_labels"]),
                    stored["topic_coef"],
                    stored["topic_intercept"],
                    stored["topic_thresholds"],
                ),
                provenance=header["provenance"],
                evaluation=header["evaluation"],
            )


SHIPPED_HEADS = Path(__file__).resolve().parent / "models" / "heads.npz"
PROMOTED_NAME = "promoted.json"


def artefact_path(models_dir: Path, heads: Heads) -> Path:
    return models_dir / f"heads-{heads.version}.npz"


def promote(models_dir: Path, artefact: Path) -> None:
    """Make `artefact` (in `models_dir`) the heads every later categorisation uses; atomic."""
    pointer = models_dir / PROMOTED_NAME
    partial = pointer.with_name(f".{PROMOTED_NAME}.partial")
    partial.write_text(json.dumps({"heads": artefact.name}))
    partial.replace(pointer)


def heads_in_use(models_dir: Path | None) -> Path | None:
    """The promoted artefact of this state folder, else the one shipped with the package (None if neither)."""
    if models_dir is not None and (models_dir / PROMOTED_NAME).is_file():
        promoted = models_dir / json.loads((models_dir / PROMOTED_NAME).read_text())["heads"]
        if promoted.is_file():
            return promoted
    return SHIPPED_HEADS if SHIPPED_HEADS.is_file() else None

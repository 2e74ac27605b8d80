"""Topic and sentiment for each review, by nearest labelled phrase in embedding space.

Each taxonomy label is described by a sentence and a few example phrases in English and French
(`taxonomy.yaml`). A review takes the label of the phrase its embedding is closest to (cosine); the score is
that similarity. No training, so editing the YAML is enough to add or refine a label.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources as package_files
from pathlib import Path

import numpy as np
import polars as pl
import yaml

from review_platform.nlp.model import EmbeddingModel

OTHER_TOPIC = "other"


@dataclass(frozen=True)
class Taxonomy:
    topic_phrases: dict[str, list[str]]
    sentiment_phrases: dict[str, list[str]]
    min_topic_score: float

    @classmethod
    def load(cls, path: str | Path | None = None) -> Taxonomy:
        text = (
            Path(path).read_text()
            if path
            else package_files.files("review_platform.nlp").joinpath("taxonomy.yaml").read_text()
        )
        spec = yaml.safe_load(text)
        topics = {name: [entry["description"], *entry.get("examples", [])] for name, entry in spec["topics"].items()}
        return cls(
            topic_phrases=topics,
            sentiment_phrases={name: list(phrases) for name, phrases in spec["sentiment"].items()},
            min_topic_score=float(spec.get("min_topic_score", 0.0)),
        )


@dataclass
class _Anchors:
    labels: np.ndarray  # label per anchor phrase
    vectors: np.ndarray  # one normalised embedding per anchor phrase

    @classmethod
    def embed(cls, model: EmbeddingModel, phrases: dict[str, list[str]]) -> _Anchors:
        labels = [label for label, texts in phrases.items() for _ in texts]
        texts = [text for texts in phrases.values() for text in texts]
        return cls(labels=np.array(labels, dtype=object), vectors=model.embed(texts))

    def nearest(self, embeddings: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        similarity = embeddings @ self.vectors.T
        best = similarity.argmax(axis=1)
        return self.labels[best], similarity[np.arange(len(best)), best]


class ReviewCategoriser:
    """Adds topic, sentiment, their scores and the model's name and version to a frame of reviews."""

    def __init__(self, model: EmbeddingModel, taxonomy: Taxonomy) -> None:
        self.model = model
        self.taxonomy = taxonomy
        self._topics = _Anchors.embed(model, taxonomy.topic_phrases)
        self._sentiments = _Anchors.embed(model, taxonomy.sentiment_phrases)

    def categorise(self, frame: pl.DataFrame) -> pl.DataFrame:
        texts = frame.select(
            pl.concat_str(
                [pl.col("title").fill_null(""), pl.col("text").fill_null("")], separator=". "
            ).str.strip_chars(". ")
        ).to_series()
        embeddings = self.model.embed(texts.to_list())
        topics, topic_scores = self._topics.nearest(embeddings)
        sentiments, sentiment_scores = self._sentiments.nearest(embeddings)
        topics = np.where(topic_scores >= self.taxonomy.min_topic_score, topics, OTHER_TOPIC)
        return frame.with_columns(
            pl.Series("topic", topics.tolist(), dtype=pl.String),
            pl.Series("topic_score", topic_scores, dtype=pl.Float32),
            pl.Series("sentiment", sentiments.tolist(), dtype=pl.String),
            pl.Series("sentiment_score", sentiment_scores, dtype=pl.Float32),
            pl.lit(self.model.name).alias("model_name"),
            pl.lit(self.model.version).alias("model_version"),
        )

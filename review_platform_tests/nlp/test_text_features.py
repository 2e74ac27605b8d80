"""The model-free parts: cleaning and unscorable reasons, language, lexicon with negation, relevance, taxonomy."""

import math
from importlib import resources

import polars as pl
import pytest

from review_platform.nlp.cleaning import NlpError, model_text, nlp_error
from review_platform.nlp.language import language
from review_platform.nlp.lexicon import PolarityMatcher, folded, keyword_hits
from review_platform.nlp.relevance import relevance_components, relevance_score
from review_platform.nlp.taxonomy import OTHER_TOPIC, RelevanceWeights, Taxonomy

TAXONOMY = Taxonomy.load()
TAXONOMY_TEXT = resources.files("review_platform.nlp").joinpath("taxonomy.yaml").read_text(encoding="utf-8")


def _language(texts: list[str]) -> list[str]:
    return pl.DataFrame({"text": texts}).select(language(pl.col("text"))).to_series().to_list()


def test_language_detection_en_fr_other():
    english = ["The parcel arrived late and the box was crushed.", "Love it!", "Doesn't work, returned it"]
    french = ["Le colis est arrivé en retard.", "J'adore !", "Très déçu", "Produit conforme, merci"]
    other = [
        "Das Paket kam leider zu spät und war beschädigt.",
        "El producto llegó roto, muy mala calidad.",
        "Посылка пришла поздно",
        "",
        "12345 !!!",
    ]
    assert _language(english) == ["en"] * len(english)
    assert _language(french) == ["fr"] * len(french)
    assert _language(other) == ["other"] * len(other)


@pytest.mark.parametrize(
    ("title", "text", "reason"),
    [
        (None, None, NlpError.EMPTY_TEXT),
        ("  ", "\n\t ", NlpError.EMPTY_TEXT),
        (None, "<PERSON> <EMAIL>", NlpError.PLACEHOLDERS_ONLY),
        ("<PERSON>", "<PHONE>.", NlpError.PLACEHOLDERS_ONLY),
        (None, "😡😡😡 !!!", NlpError.NO_WORDS),
        (None, "\ufffd\ufffd\ufffd\ufffd ok", NlpError.ENCODING_ERROR),
        (None, "TrÃ¨s dÃ©Ã§u", NlpError.ENCODING_ERROR),
        (None, "Thanks <PERSON>, fast refund", None),
        ("Bad", None, None),
        (None, "Très bien, un seul caractère bizarre \ufffd dans un long avis parfaitement lisible", None),
    ],
)
def test_unscorable_reviews_are_flagged_with_a_reason(title, text, reason):
    frame = pl.DataFrame({"title": [title], "text": [text]}, schema={"title": pl.String, "text": pl.String})
    assert frame.select(nlp_error(pl.col("title"), pl.col("text"))).item() == (reason.value if reason else None)


def test_model_text_drops_placeholders_and_joins_the_title():
    frame = pl.DataFrame({"title": ["Late"], "text": ["Thanks <PERSON>,  call me on <PHONE>"]})
    assert frame.select(model_text(pl.col("title"), pl.col("text"))).item() == "Late. Thanks , call me on"


@pytest.mark.parametrize(
    ("lang", "text", "positive", "negative"),
    [
        ("en", "not good at all", 0, 1),
        ("en", "not bad, no complaints", 1, 0),
        ("en", "You can't go wrong, great value", 3, 0),  # the phrase, great, value
        ("en", "Really disappointed, waste of money", 0, 2),
        ("fr", "je ne suis pas satisfait", 0, 1),
        ("fr", "pas terrible", 0, 1),
        ("fr", "Pas cher et efficace", 2, 0),
        ("fr", "Je ne recommande pas", 0, 1),
        ("fr", "Très DÉÇU, à éviter", 0, 2),
    ],
)
def test_lexicon_counts_polarity_with_negation(lang, text, positive, negative):
    counts = PolarityMatcher(TAXONOMY.lexicons[lang]).counts(folded(pl.col("text")), cap=5)
    row = pl.DataFrame({"text": [text]}).select(**counts).row(0, named=True)
    assert (row["positive"], row["negative"]) == (positive, negative)


def test_keywords_match_whole_words_folded_with_wildcards():
    hits = keyword_hits(folded(pl.col("text")), ("livr*", "colis", "late"), cap=2)
    texts = ["LIVRAISON rapide", "Le Colis, le colis et le livreur", "chocolate", "it came late"]
    assert pl.DataFrame({"text": texts}).select(hits).to_series().to_list() == [1.0, 2.0, 0.0, 1.0]


def test_relevance_follows_the_documented_weights():
    weights = TAXONOMY.relevance
    frame = pl.DataFrame(
        {
            "words": [60, 0, 5],
            "rating": [1, None, 3],
            "image_count": [2, 0, None],
            "verified_buyer": [True, False, None],
            "topic_score": [0.9, 0.0, 0.5],
            "sentiment_score": [0.7, 0.0, 0.5],
        }
    )
    components = relevance_components(*(pl.col(c) for c in frame.columns), weights.informative_words)
    scores = frame.select(relevance_score(components, weights)).to_series().to_list()
    assert scores[0] == pytest.approx(
        weights.text_informativeness
        + weights.rating_extremity
        + weights.has_image
        + weights.verified_buyer
        + weights.model_confidence * 0.8
    )
    assert scores[1] == 0.0
    assert scores[2] == pytest.approx(
        weights.text_informativeness * math.log1p(5) / math.log1p(weights.informative_words)
        + weights.model_confidence * 0.5
    )


def test_taxonomy_has_the_required_labels_in_both_languages_and_validates():
    required = {"delivery", "product_quality", "defect_damage", "price_value", "size_fit", "packaging"}
    required |= {"customer_service", "usability", "authenticity", OTHER_TOPIC}
    assert required <= set(TAXONOMY.labels)
    assert set(TAXONOMY.lexicons) == {"en", "fr"}
    with pytest.raises(ValueError, match="sum to 1"):
        RelevanceWeights(0.5, 0.5, 0.5, 0.0, 0.0)
    without_other = TAXONOMY_TEXT.replace("\n  other:\n", "\n  misc:\n")
    with pytest.raises(ValueError, match="other"):
        Taxonomy.parse(without_other)
    assert Taxonomy.parse(TAXONOMY_TEXT).fingerprint == TAXONOMY.fingerprint
    assert TAXONOMY.with_scoring(secondary_topic_threshold=0.5).scoring.secondary_topic_threshold == 0.5

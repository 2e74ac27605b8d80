"""How useful a review is to a reader, in [0, 1], so front-ends can sort by it.

relevance = sum of weight x component, with the weights of `taxonomy.yaml` (`relevance.weights`, summing to 1):

| component              | value in [0, 1]                                                              |
|------------------------|------------------------------------------------------------------------------|
| text_informativeness   | log(1 + words) / log(1 + informative_words), capped at 1 (placeholders and   |
|                        | unscorable text count 0 words)                                               |
| rating_extremity       | abs(rating - 3) / 2; 0 when the rating is missing                            |
| has_image              | 1 when image_count > 0                                                       |
| verified_buyer         | 1 when the buyer ordered the product                                         |
| model_confidence       | (topic_score + sentiment_score) / 2; 0 for a review the model could not score |
"""

from __future__ import annotations

import math

import polars as pl

from review_platform.nlp.taxonomy import RelevanceWeights


def relevance_components(
    words: pl.Expr,
    rating: pl.Expr,
    image_count: pl.Expr,
    verified_buyer: pl.Expr,
    topic_score: pl.Expr,
    sentiment_score: pl.Expr,
    informative_words: int,
) -> dict[str, pl.Expr]:
    """Each component of the relevance score, in [0, 1], never null."""
    return {
        "text_informativeness": (words.cast(pl.Float64).log1p() / math.log1p(informative_words))
        .clip(0.0, 1.0)
        .fill_null(0.0),
        "rating_extremity": ((rating.cast(pl.Float64) - 3.0).abs() / 2.0).clip(0.0, 1.0).fill_null(0.0),
        "has_image": (image_count.fill_null(0) > 0).cast(pl.Float64),
        "verified_buyer": verified_buyer.fill_null(False).cast(pl.Float64),
        "model_confidence": ((topic_score + sentiment_score) / 2.0).clip(0.0, 1.0).fill_null(0.0),
    }


def relevance_score(components: dict[str, pl.Expr], weights: RelevanceWeights) -> pl.Expr:
    """The weighted sum of `components`, in [0, 1]."""
    return pl.sum_horizontal([getattr(weights, name) * expression for name, expression in components.items()]).clip(
        0.0, 1.0
    )

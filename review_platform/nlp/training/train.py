"""Training the heads (`nlp/heads.py`) from real reviews: stars for sentiment, the project's labels for topics.

Only the `train` split is ever read here; thresholds are calibrated on a fixed fifth of it (never on the sealed
test split, which only `evaluate.py` reads). Training is deterministic for a seed: the same data, encoder and seed
give the same artefact, byte for byte.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import polars as pl
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score

from review_platform.nlp.cleaning import model_texts
from review_platform.nlp.heads import Heads, SentimentHead, TopicHead
from review_platform.nlp.model import EmbeddingModel
from review_platform.nlp.training.data import sentiment_of_stars, training_rows

# A topic label needs this many labelled training reviews (as primary or secondary) to get a head of its own;
# with fewer, the taxonomy's prototypes score it.
MIN_TOPIC_EXAMPLES = 15
# Reviews per source for the sentiment head: a frozen e5 with a linear head trained on 3,000 clothing reviews
# reached 0.915 balanced accuracy in the measurements behind issue #17; more costs embedding time (the encoder
# reads ~20 real reviews/s on 2 cores in fp32).
SENTIMENT_REVIEWS_PER_SOURCE = 2_500
# Inverse regularisation strengths, chosen by 5-fold cross-validation on the train split only (sentiment balanced
# accuracy, C in 0.5-8: 8 best; topic macro-F1, C in 0.5-64: 16-32 best, 0.68 against 0.61 at C = 1).
SENTIMENT_C = 8.0
TOPIC_C = 16.0
CALIBRATION_SHARE = 0.2

Progress = Callable[[str, int, int], None]  # stage, done, total


@dataclass(frozen=True)
class TrainingSet:
    """What the heads learn from: `sentiment` (text, sentiment, source) and `topics` (text, primary, secondary)."""

    sentiment: pl.DataFrame
    topics: pl.DataFrame
    platform_partitions: tuple[str, ...] = ()


def sentiment_training_reviews(reviews: pl.DataFrame, per_source: int, seed: int) -> pl.DataFrame:
    """The train split's reviews with a sentiment from their stars, at most `per_source` per source, every negative
    one kept first (they are the rare class: the French books have ~390 in their train split)."""
    train = training_rows(reviews, reviews).with_columns(sentiment_of_stars(pl.col("stars")).alias("sentiment"))
    picked = []
    for _, group in train.group_by("source", maintain_order=True):
        shuffled = group.sample(fraction=1.0, shuffle=True, seed=seed)
        negatives = shuffled.filter(pl.col("sentiment") == "negative").head(per_source // 3)
        rest = shuffled.filter(pl.col("sentiment") != "negative").head(per_source - negatives.height)
        picked.append(pl.concat([negatives, rest]))
    return pl.concat(picked).select("source", "text", "sentiment").sort("source", "text")


def _calibration_mask(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    mask = np.zeros(n, dtype=bool)
    mask[rng.permutation(n)[: int(n * CALIBRATION_SHARE)]] = True
    return mask


def _logistic(features: np.ndarray, target: np.ndarray, seed: int, c: float) -> LogisticRegression:
    return LogisticRegression(C=c, class_weight="balanced", max_iter=5_000, random_state=seed, solver="lbfgs").fit(
        features, target
    )


def _neutral_band(positive_probability: np.ndarray, sentiment: np.ndarray) -> tuple[float, float]:
    """The (negative_below, positive_from) pair that best separates negative / neutral / positive reviews on the
    calibration reviews (macro-F1 over the three, 3-star reviews as the neutral ones)."""
    grid = np.round(np.arange(0.05, 0.96, 0.025), 3)
    best, best_score = (0.5, 0.5), -1.0
    for low in grid:
        for high in grid[grid >= low]:
            predicted = np.where(
                positive_probability < low, "negative", np.where(positive_probability >= high, "positive", "neutral")
            )
            score = f1_score(sentiment, predicted, average="macro", labels=["negative", "neutral", "positive"])
            if score > best_score + 1e-9:
                best, best_score = (float(low), float(high)), score
    return best


def _train_sentiment(embeddings: np.ndarray, sentiment: np.ndarray, seed: int) -> SentimentHead:
    polar = sentiment != "neutral"
    calibration = _calibration_mask(len(sentiment), seed)
    probe = _logistic(
        embeddings[polar & ~calibration], sentiment[polar & ~calibration] == "positive", seed, SENTIMENT_C
    )
    probability = probe.predict_proba(embeddings[calibration])[:, 1]
    negative_below, positive_from = _neutral_band(probability, sentiment[calibration])
    final = _logistic(embeddings[polar], sentiment[polar] == "positive", seed, SENTIMENT_C)
    return SentimentHead(
        coef=final.coef_[0].astype(np.float32),
        intercept=float(final.intercept_[0]),
        negative_below=negative_below,
        positive_from=positive_from,
    )


def _best_threshold(probability: np.ndarray, truth: np.ndarray) -> float:
    grid = np.round(np.arange(0.1, 0.91, 0.05), 3)
    scores = [f1_score(truth, probability >= threshold, zero_division=0.0) for threshold in grid]
    return float(grid[int(np.argmax(scores))])


def _train_topics(embeddings: np.ndarray, topics: pl.DataFrame, seed: int) -> tuple[TopicHead, dict[str, int]]:
    mentioned = [{primary, *secondary} for primary, secondary in topics.select("primary", "secondary").iter_rows()]
    counts = {label: sum(label in m for m in mentioned) for label in sorted({x for m in mentioned for x in m})}
    learned = [label for label, count in counts.items() if count >= MIN_TOPIC_EXAMPLES]
    calibration = _calibration_mask(len(mentioned), seed)
    coefs, intercepts, thresholds = [], [], []
    for label in learned:
        truth = np.array([label in m for m in mentioned])
        probe = _logistic(embeddings[~calibration], truth[~calibration], seed, TOPIC_C)
        thresholds.append(_best_threshold(probe.predict_proba(embeddings[calibration])[:, 1], truth[calibration]))
        final = _logistic(embeddings, truth, seed, TOPIC_C)
        coefs.append(final.coef_[0])
        intercepts.append(final.intercept_[0])
    head = TopicHead(
        labels=tuple(learned),
        coef=np.array(coefs, dtype=np.float32).reshape(len(learned), embeddings.shape[1]),
        intercept=np.array(intercepts, dtype=np.float32),
        thresholds=np.array(thresholds, dtype=np.float32),
    )
    return head, counts


def train_heads(model: EmbeddingModel, data: TrainingSet, seed: int = 0, progress: Progress = lambda *_: None) -> Heads:
    """Embed the training reviews once, fit both heads, and record what they were trained on."""
    sentiment_texts = data.sentiment["text"].to_list()
    topic_texts = data.topics["text"].to_list()
    progress("embedding", 0, len(sentiment_texts) + len(topic_texts))
    # Cleaned as `categorise` cleans what it scores (placeholders out, whitespace collapsed).
    embedded = model.embed(
        model_texts(sentiment_texts + topic_texts), progress=lambda done: progress("embedding", done, 0)
    )
    sentiment_embeddings, topic_embeddings = embedded[: len(sentiment_texts)], embedded[len(sentiment_texts) :]
    progress("fitting", 0, 2)
    sentiment = _train_sentiment(sentiment_embeddings, data.sentiment["sentiment"].to_numpy(), seed)
    progress("fitting", 1, 2)
    topics, topic_counts = _train_topics(topic_embeddings, data.topics, seed)
    progress("fitting", 2, 2)
    by_source = data.sentiment.group_by("source", "sentiment").len().sort("source", "sentiment")
    provenance = {
        "seed": seed,
        "scikit_learn": sklearn.__version__,
        "sentiment_reviews": {
            f"{source}/{sentiment}": int(count) for source, sentiment, count in by_source.iter_rows()
        },
        "topic_reviews": data.topics.height,
        "topic_examples": topic_counts,
        "platform_partitions": list(data.platform_partitions),
    }
    return Heads(encoder=model.version, sentiment=sentiment, topics=topics, provenance=provenance)

"""The taxonomy data file (`taxonomy.yaml`): topic labels, sentiment anchors and lexicons, scoring settings and
relevance weights, loaded and checked once so that a mistake in the file fails at load time, not mid-partition."""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from importlib import resources as package_files
from pathlib import Path

import yaml

OTHER_TOPIC = "other"
SENTIMENTS = ("negative", "neutral", "positive")
RELEVANCE_COMPONENTS = (
    "text_informativeness",
    "rating_extremity",
    "has_image",
    "verified_buyer",
    "model_confidence",
)


@dataclass(frozen=True)
class ScoringSettings:
    top_k: int
    keyword_weight: float
    max_keyword_hits: int
    topic_temperature: float
    min_topic_score: float
    secondary_topic_threshold: float
    lexicon_weight: float
    max_lexicon_hits: int
    sentiment_temperature: float
    clear_sentiment_score: float

    def __post_init__(self) -> None:
        if self.top_k < 1 or self.max_keyword_hits < 0 or self.max_lexicon_hits < 0:
            raise ValueError("top_k must be >= 1 and the max hits >= 0")
        if self.topic_temperature <= 0 or self.sentiment_temperature <= 0:
            raise ValueError("temperatures must be > 0")
        for name in ("secondary_topic_threshold", "clear_sentiment_score"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} is a probability: it must lie in [0, 1]")


@dataclass(frozen=True)
class RelevanceWeights:
    """Weights of the relevance score's components; they sum to 1 so the score stays in [0, 1]."""

    text_informativeness: float
    rating_extremity: float
    has_image: float
    verified_buyer: float
    model_confidence: float
    informative_words: int = 60  # a text this long (in words) counts as fully informative

    def __post_init__(self) -> None:
        weights = [getattr(self, name) for name in RELEVANCE_COMPONENTS]
        if min(weights) < 0 or abs(sum(weights) - 1.0) > 1e-6:
            raise ValueError(f"relevance weights must be >= 0 and sum to 1, not {sum(weights):.4f}")
        if self.informative_words < 1:
            raise ValueError("informative_words must be >= 1")


@dataclass(frozen=True)
class Topic:
    name: str
    description: str
    keywords: tuple[str, ...]
    examples: dict[str, tuple[str, ...]]  # polarity -> example phrases

    @property
    def phrases(self) -> list[str]:
        return [self.description, *(phrase for phrases in self.examples.values() for phrase in phrases)]


@dataclass(frozen=True)
class Lexicon:
    """Polarity words and phrases of one language, and the words that flip the polarity of what follows."""

    terms: dict[str, tuple[str, ...]]  # sentiment -> terms
    negators: tuple[str, ...]


@dataclass(frozen=True)
class Taxonomy:
    topics: dict[str, Topic]
    sentiment_anchors: dict[str, tuple[str, ...]]
    lexicons: dict[str, Lexicon]
    scoring: ScoringSettings
    relevance: RelevanceWeights
    fingerprint: str  # short hash of the file's content: part of every row's model_version

    @property
    def labels(self) -> list[str]:
        return list(self.topics)

    @classmethod
    def load(cls, path: str | Path | None = None) -> Taxonomy:
        """Read `path`, or the packaged `taxonomy.yaml` when None."""
        text = (
            Path(path).read_text(encoding="utf-8")
            if path
            else package_files.files("review_platform.nlp").joinpath("taxonomy.yaml").read_text(encoding="utf-8")
        )
        return cls.parse(text)

    @classmethod
    def parse(cls, text: str) -> Taxonomy:
        spec = yaml.safe_load(text)
        topics = {
            name: Topic(
                name=name,
                description=str(entry["description"]),
                keywords=tuple(str(k) for k in entry.get("keywords", [])),
                examples={
                    polarity: tuple(str(p) for p in entry.get("examples", {}).get(polarity, []) or [])
                    for polarity in SENTIMENTS
                },
            )
            for name, entry in spec["topics"].items()
        }
        if OTHER_TOPIC not in topics:
            raise ValueError(f"the taxonomy must define the fallback topic {OTHER_TOPIC!r}")
        unknown = {p for entry in spec["topics"].values() for p in entry.get("examples", {})} - set(SENTIMENTS)
        if unknown:
            raise ValueError(f"example polarities must be among {SENTIMENTS}, not {sorted(unknown)}")
        sentiment = spec["sentiment"]
        lexicons = {
            language: Lexicon(
                terms={s: tuple(str(t) for t in entry.get(s, [])) for s in SENTIMENTS},
                negators=tuple(str(t) for t in entry.get("negators", [])),
            )
            for language, entry in sentiment.get("lexicon", {}).items()
        }
        relevance = spec["relevance"]
        return cls(
            topics=topics,
            sentiment_anchors={s: tuple(sentiment["anchors"].get(s, [])) for s in SENTIMENTS},
            lexicons=lexicons,
            scoring=ScoringSettings(**spec["scoring"]),
            relevance=RelevanceWeights(
                **relevance["weights"], informative_words=int(relevance.get("informative_words", 60))
            ),
            fingerprint=hashlib.sha256(text.encode("utf-8")).hexdigest()[:8],
        )

    def with_scoring(self, **overrides: float | None) -> Taxonomy:
        """The same taxonomy with some scoring settings replaced (None values are ignored)."""
        values = {name: value for name, value in overrides.items() if value is not None}
        if not values:
            return self
        return dataclasses.replace(self, scoring=dataclasses.replace(self.scoring, **values))

"""An optional token-classification (NER) model for person names, loaded from a local folder, never downloaded.

`TransformersNameDetector(path)` is a detector like the others (`detect`, `detect_batch`), so it can be added to
`RedactionConfig.detectors` next to the rule-based name detector; overlaps between the two are merged as usual.
Any Hugging Face token-classification checkpoint with a fast tokenizer works if its labels name persons as
`PER` or `PERSON` (IOB2 `B-PER`/`I-PER`, BIOES, or plain `PER`).

How predictions become spans: the label of a word is that of its first sub-word piece; consecutive person words
form one entity (a `B-` label starts a new one); the entity runs from the first character of its first word to
the last character of its last word, using the tokenizer's offsets into the original text. Texts longer than
`max_length` tokens are read in overlapping windows (`stride`), whose entities are merged.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from review_platform.contract import PiiType
from review_platform.pii.entities import Entity, clean_text, merge_entities

PERSON_LABELS = frozenset({"PER", "PERSON"})


def _parse_label(label: str) -> tuple[bool, bool]:
    """(is a person label, starts a new entity) for labels such as B-PER, I-PER, S-PERSON, PER, O."""
    prefix, _, entity = label.upper().rpartition("-")
    if entity not in PERSON_LABELS:
        return False, False
    return True, prefix in ("B", "S")


class TransformersNameDetector:
    """Person names predicted by a local token-classification model (see the module docstring)."""

    name = "transformers_person"
    types = frozenset({PiiType.PERSON})
    prefilter: str | None = None  # a model reads every text

    def __init__(
        self,
        path: str | Path,
        *,
        batch_size: int = 32,
        max_length: int = 256,
        stride: int = 32,
        min_score: float = 0.5,
    ) -> None:
        import torch
        from transformers import AutoModelForTokenClassification, AutoTokenizer

        self._torch = torch
        self.tokenizer = AutoTokenizer.from_pretrained(str(path), local_files_only=True)
        if not self.tokenizer.is_fast:
            raise ValueError(f"{path}: a fast tokenizer is needed to map tokens back to character offsets")
        self.model = AutoModelForTokenClassification.from_pretrained(str(path), local_files_only=True).eval()
        self.batch_size, self.max_length, self.stride, self.min_score = batch_size, max_length, stride, min_score
        labels = self.model.config.id2label
        self._labels = [_parse_label(labels[i]) for i in range(len(labels))]
        if not any(person for person, _ in self._labels):
            raise ValueError(f"{path}: no PER/PERSON label among {sorted(labels.values())}")

    def detect(self, text: str) -> list[Entity]:
        return self.detect_batch([text])[0]

    def detect_batch(self, texts: Sequence[str]) -> list[list[Entity]]:
        cleaned = [clean_text(text) for text in texts]
        results: list[list[Entity]] = [[] for _ in cleaned]
        # Length-sorted batches: padding to the longest of similar lengths, not of the whole input.
        order = sorted((i for i, text in enumerate(cleaned) if text.strip()), key=lambda i: len(cleaned[i]))
        for first in range(0, len(order), self.batch_size):
            chunk = order[first : first + self.batch_size]
            for position, entities in self._predict([cleaned[i] for i in chunk]).items():
                results[chunk[position]] = entities
        return results

    def _predict(self, texts: list[str]) -> dict[int, list[Entity]]:
        encoding = self.tokenizer(
            texts,
            truncation=True,
            max_length=self.max_length,
            stride=self.stride,
            return_overflowing_tokens=True,
            return_offsets_mapping=True,
            padding=True,
            return_tensors="pt",
        )
        sample_of = encoding["overflow_to_sample_mapping"].tolist()
        offsets = encoding["offset_mapping"].tolist()
        inputs = {k: encoding[k] for k in ("input_ids", "attention_mask", "token_type_ids") if k in encoding}
        with self._torch.inference_mode():
            probabilities = self.model(**inputs).logits.softmax(-1)
        scores, label_ids = probabilities.max(-1)
        found: dict[int, list[Entity]] = {}
        for window, sample in enumerate(sample_of):
            found.setdefault(sample, []).extend(
                self._window_entities(
                    encoding.word_ids(window), offsets[window], label_ids[window].tolist(), scores[window].tolist()
                )
            )
        return {sample: merge_entities(entities) for sample, entities in found.items()}

    def _window_entities(
        self, word_ids: list[int | None], offsets: list[list[int]], labels: list[int], scores: list[float]
    ) -> list[Entity]:
        # Words in order: (start, end, label of the first piece, its score).
        words: list[list] = []
        previous = None
        for token, word in enumerate(word_ids):
            start, end = offsets[token]
            if word is None or end <= start:
                continue
            if word != previous:
                words.append([start, end, labels[token], scores[token]])
                previous = word
            else:
                words[-1][1] = max(words[-1][1], end)
        entities: list[Entity] = []
        current: list | None = None  # [start, end, score sum, word count]
        for start, end, label, score in words:
            is_person, begins = self._labels[label]
            if is_person and current is not None and not begins:
                current[1], current[2], current[3] = end, current[2] + score, current[3] + 1
                continue
            if current is not None:
                entities.append(self._entity(current))
                current = None
            if is_person:
                current = [start, end, score, 1]
        if current is not None:
            entities.append(self._entity(current))
        return [e for e in entities if e.score >= self.min_score]

    @staticmethod
    def _entity(span: list) -> Entity:
        return Entity(PiiType.PERSON, span[0], span[1], span[2] / span[3])

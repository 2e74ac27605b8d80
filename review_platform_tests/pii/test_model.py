"""The token-classification plumbing of `TransformersNameDetector`, on tiny BERT models built here (no download).

One model is forced to be deterministic: its prediction for a token depends only on the token id (the encoder
passes embeddings through, each word piece's embedding points along its label's axis), so the test knows which
pieces are B-PER, I-PER or O. Another is left random, for properties that hold whatever it predicts.
"""

import polars as pl
import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")
tokenizers = pytest.importorskip("tokenizers")

from review_platform.contract import PiiType  # noqa: E402
from review_platform.pii.model import TransformersNameDetector  # noqa: E402
from review_platform.pii.redact import RedactionConfig, detect, redact_texts  # noqa: E402

SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
WORDS = ["thanks", "the", "box", "was", "fine", "my", "wife", "loves", "it", "and", "mar", "##ie", "du", "##pont"]
WORDS += ["jean", "paul", "##o", "lee", ",", ".", "!", "a", "very", "long", "review"]
LABELS = {0: "O", 1: "B-PER", 2: "I-PER"}
# Pieces forced to a label; every other piece is O. "##ie" and "##pont" are O on purpose: a word takes the
# label of its first piece.
FORCED = {"mar": 1, "du": 2, "jean": 1, "paul": 2, "lee": 1}


def build_tokenizer(path):
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors
    from transformers import BertTokenizerFast

    vocab = {token: i for i, token in enumerate(SPECIAL + WORDS)}
    tokenizer = Tokenizer(models.WordPiece(vocab, unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=True)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", vocab["[CLS]"]), ("[SEP]", vocab["[SEP]"])]
    )
    fast = BertTokenizerFast(
        tokenizer_object=tokenizer,
        unk_token="[UNK]",
        pad_token="[PAD]",
        cls_token="[CLS]",
        sep_token="[SEP]",
        mask_token="[MASK]",
    )
    fast.save_pretrained(path)
    return vocab


def build_model(path, vocab, forced: bool):
    from transformers import BertConfig, BertForTokenClassification

    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=len(vocab),
        hidden_size=8,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=16,
        max_position_embeddings=64,
        id2label=LABELS,
        label2id={v: k for k, v in LABELS.items()},
    )
    model = BertForTokenClassification(config).eval()
    if forced:
        with torch.no_grad():
            embeddings = model.bert.embeddings
            embeddings.position_embeddings.weight.zero_()
            embeddings.token_type_embeddings.weight.zero_()
            for layer in model.bert.encoder.layer:  # residual connections pass the embeddings through
                layer.attention.output.dense.weight.zero_()
                layer.attention.output.dense.bias.zero_()
                layer.output.dense.weight.zero_()
                layer.output.dense.bias.zero_()
            words = embeddings.word_embeddings.weight
            words.zero_()
            words[:, 0] = 1.0  # O axis
            for token, label in FORCED.items():
                words[vocab[token]] = 0.0
                words[vocab[token], label] = 1.0
            model.classifier.weight.zero_()
            model.classifier.bias.zero_()
            for label in LABELS:
                model.classifier.weight[label, label] = 10.0
    model.save_pretrained(path)


@pytest.fixture(scope="module")
def model_dirs(tmp_path_factory):
    forced, random_ = tmp_path_factory.mktemp("forced_ner"), tmp_path_factory.mktemp("random_ner")
    for path, is_forced in ((forced, True), (random_, False)):
        vocab = build_tokenizer(path)
        build_model(path, vocab, is_forced)
    return forced, random_


def spans(detector, text):
    return [(text[e.start : e.end], e.type) for e in detector.detect(text)]


def test_sub_word_pieces_merge_into_word_spans_with_exact_offsets(model_dirs):
    detector = TransformersNameDetector(model_dirs[0])
    text = "Thanks, Marie Dupont! The box was fine."
    (entity,) = detector.detect(text)
    assert (entity.start, entity.end) == (8, 20) and text[8:20] == "Marie Dupont"
    assert entity.type is PiiType.PERSON and 0.5 < entity.score <= 1.0
    # B-PER starts a new entity; I-PER continues it; lower case and odd spacing keep offsets exact.
    text = "jean   PAUL and lee , the box"
    assert spans(detector, text) == [("jean   PAUL", PiiType.PERSON), ("lee", PiiType.PERSON)]
    assert detector.detect("") == [] and detector.detect("the box was fine") == []


def test_batches_give_what_one_by_one_gives(model_dirs):
    texts = ["Thanks, Marie Dupont!", "", "the box", "my wife Jean loves it . " * 5, "lee", "Marie"]
    for path in model_dirs:
        detector = TransformersNameDetector(path, batch_size=4)
        one_by_one = [detector.detect(text) for text in texts]
        assert detector.detect_batch(texts) == one_by_one
        detector.batch_size = 1
        assert detector.detect_batch(texts) == one_by_one


def test_random_model_spans_are_whole_words_inside_the_text(model_dirs):
    detector = TransformersNameDetector(model_dirs[1], min_score=0.0)
    text = "Thanks, Marie Dupont! My wife Jean loves it, and Lee. " * 3
    for entity in detector.detect(text):
        assert 0 <= entity.start < entity.end <= len(text)
        assert text[entity.start].isalnum() or text[entity.start] in ",.!"
        assert entity.start == 0 or not (text[entity.start - 1].isalnum() and text[entity.start].isalnum())
        assert entity.end == len(text) or not (text[entity.end - 1].isalnum() and text[entity.end].isalnum())


def test_long_texts_are_read_in_overlapping_windows(model_dirs):
    detector = TransformersNameDetector(model_dirs[0], max_length=16, stride=4)
    text = "a very long review . " * 20 + "Marie Dupont" + " the box was fine ." * 10
    (entity,) = detector.detect(text)
    assert text[entity.start : entity.end] == "Marie Dupont"


def test_plugs_into_detection_and_redaction(model_dirs):
    detector = TransformersNameDetector(model_dirs[0])
    text = "lee wrote to x@y.fr"
    assert [e.type for e in detect(text)] == [PiiType.EMAIL]
    assert [(e.type, text[e.start : e.end]) for e in detect(text, (*RedactionConfig().detectors, detector))] == [
        (PiiType.PERSON, "lee"),
        (PiiType.EMAIL, "x@y.fr"),
    ]
    config = RedactionConfig.from_options(name_model_path=str(model_dirs[0]))
    out = redact_texts(pl.DataFrame({"text": [text, None, "the box"] * 30}), ["text"], config)
    assert out["text"][:3].to_list() == ["<PERSON> wrote to <EMAIL>", None, "the box"]


def test_a_missing_model_is_an_error_not_a_download(tmp_path):
    with pytest.raises(OSError):
        TransformersNameDetector(tmp_path / "no-such-model")

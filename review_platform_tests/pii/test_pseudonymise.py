import polars as pl
import pytest

from review_platform.pii.pseudonymise import pseudonymise_column


def test_same_buyer_same_token_and_key_matters():
    frame = pl.DataFrame({"buyer_id": [7, 8, 7, None], "n": [1, 2, 3, 4]})
    out = pseudonymise_column(frame, "buyer_id", "buyer_hash", b"key-one")
    tokens = out["buyer_hash"].to_list()
    assert tokens[0] == tokens[2] != tokens[1]
    assert tokens[3] is None
    assert out["n"].to_list() == [1, 2, 3, 4], "row order is kept"
    assert "buyer_id" not in out.columns
    other = pseudonymise_column(frame, "buyer_id", "buyer_hash", b"key-two")["buyer_hash"].to_list()
    assert other[0] != tokens[0]
    assert "7" not in tokens[0]


def test_empty_key_is_refused():
    with pytest.raises(ValueError, match="key is empty"):
        pseudonymise_column(pl.DataFrame({"buyer_id": [1]}), "buyer_id", "buyer_hash", b"")

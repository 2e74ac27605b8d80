"""What every layer past the source asks before it writes: which buyers are erased, and (for the leak guards)
the day's buyers' own values. Both turn a refusal that a retry would meet again into a `dg.Failure` without
retry, saying what to do."""

from __future__ import annotations

import dagster as dg
import polars as pl

from review_platform.resources.lake import ErasureKeyMismatchError, LakeResource
from review_platform.resources.postgres import PostgresResource, SourceSchemaError
from review_platform.resources.privacy import PseudonymKeyResource


def erased_buyers(lake: LakeResource, pseudonym_key: PseudonymKeyResource) -> set[str]:
    """The erasure register, read afresh: each layer reads it just before writing, so a buyer erased while a run
    is in flight is still kept out of what the run writes next."""
    try:
        return lake.erased_pseudonyms(pseudonym_key.fingerprint())
    except ErasureKeyMismatchError as error:  # the same key would fail the same way: no retry
        raise dg.Failure(description=str(error), allow_retries=False) from None


def buyer_contacts(postgres: PostgresResource, buyer_ids: pl.Series) -> pl.DataFrame:
    """The names, e-mails and phones of `buyer_ids`, read with the guard's role, for an in-memory comparison."""
    try:
        return postgres.buyer_contacts(buyer_ids.drop_nulls().unique().sort().to_list())
    except SourceSchemaError as error:  # the guard's role lacks its grants: a retry would be refused the same way
        raise dg.Failure(description=str(error), allow_retries=False) from None

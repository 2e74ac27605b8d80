-- Warehouse tables, loaded one partition at a time (delete the partition, insert it whole, in one transaction).
-- Columns follow review_platform/contract.py. {string_list} is VARCHAR[] on DuckDB, ARRAY on Snowflake.
-- Statements are separated by semicolons; no semicolon inside a statement or a comment.
CREATE TABLE IF NOT EXISTS curated_reviews (
    review_id       BIGINT NOT NULL,
    buyer_hash      VARCHAR NOT NULL,
    p_id            BIGINT NOT NULL,
    product_name    VARCHAR,
    product_price   DOUBLE,
    category_id     BIGINT,
    category_name   VARCHAR,
    title           VARCHAR,
    text            VARCHAR,
    rating          INTEGER NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    verified_buyer  BOOLEAN,
    image_count     INTEGER,
    pii_redactions  INTEGER,
    partition_date  DATE NOT NULL,
    topic           VARCHAR,
    topic_score     FLOAT,
    secondary_topics {string_list},
    sentiment       VARCHAR,
    sentiment_score FLOAT,
    rating_mismatch BOOLEAN,
    language        VARCHAR,
    relevance_score FLOAT,
    nlp_error       VARCHAR,
    model_name      VARCHAR,
    model_version   VARCHAR
);

CREATE TABLE IF NOT EXISTS rejected_reviews (
    review_id      BIGINT NOT NULL,
    buyer_hash     VARCHAR,
    p_id           BIGINT,
    title          VARCHAR,
    text           VARCHAR,
    rating         INTEGER,
    created_at     TIMESTAMPTZ NOT NULL,
    reason         VARCHAR NOT NULL,
    reason_detail  VARCHAR,
    partition_date DATE NOT NULL
);

-- Analyst-facing views, in SQL that DuckDB and Snowflake read alike (count_if, window sums, CAST).
-- Statements are separated by semicolons; no semicolon inside a statement or a comment.
CREATE OR REPLACE VIEW vw_reviews_by_product AS
SELECT
    p_id,
    product_name,
    category_name,
    count(*) AS review_count,
    round(avg(rating), 2) AS avg_rating,
    count_if(sentiment = 'negative') AS negative_reviews,
    count_if(sentiment = 'positive') AS positive_reviews,
    count_if(topic = 'delivery') AS delivery_reviews,
    count_if(topic = 'defect_damage') AS defect_reviews,
    max(created_at) AS last_review_at
FROM curated_reviews
GROUP BY p_id, product_name, category_name;

CREATE OR REPLACE VIEW vw_reviews_by_category AS
SELECT
    category_name,
    topic,
    count(*) AS review_count,
    round(avg(rating), 2) AS avg_rating,
    count_if(sentiment = 'negative') AS negative_reviews,
    round(count_if(sentiment = 'negative') * 1.0 / count(*), 4) AS negative_share
FROM curated_reviews
GROUP BY category_name, topic;

CREATE OR REPLACE VIEW vw_data_quality AS
WITH outcomes AS (
    SELECT partition_date, 'accepted' AS status, CAST(NULL AS VARCHAR) AS reason, count(*) AS review_count
    FROM curated_reviews
    GROUP BY partition_date
    UNION ALL
    SELECT partition_date, 'rejected' AS status, reason, count(*) AS review_count
    FROM rejected_reviews
    GROUP BY partition_date, reason
)
SELECT
    partition_date,
    status,
    reason,
    review_count,
    round(review_count * 1.0 / sum(review_count) OVER (PARTITION BY partition_date), 4) AS share_of_day
FROM outcomes;

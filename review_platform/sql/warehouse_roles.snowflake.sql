-- Least privilege in the Snowflake warehouse (support documentation, section 2: analyse, ingestion, administration).
-- Run once as SECURITYADMIN; the names are the defaults of REVIEW_PLATFORM_SNOWFLAKE_DATABASE / _SCHEMA / _USER.
-- The platform logs in as review_loader: it creates and loads the two tables and (re)creates the three views.
-- Analysts read the three views only: no right on the tables, none on the lake or the source.
CREATE ROLE IF NOT EXISTS review_loader;
CREATE ROLE IF NOT EXISTS review_analyst;
CREATE ROLE IF NOT EXISTS review_admin;

GRANT USAGE ON DATABASE REVIEW_PLATFORM TO ROLE review_loader;
GRANT USAGE ON SCHEMA REVIEW_PLATFORM.SERVING TO ROLE review_loader;
GRANT CREATE TABLE, CREATE VIEW ON SCHEMA REVIEW_PLATFORM.SERVING TO ROLE review_loader;

GRANT USAGE ON DATABASE REVIEW_PLATFORM TO ROLE review_analyst;
GRANT USAGE ON SCHEMA REVIEW_PLATFORM.SERVING TO ROLE review_analyst;
GRANT SELECT ON VIEW REVIEW_PLATFORM.SERVING.VW_REVIEWS_BY_PRODUCT TO ROLE review_analyst;
GRANT SELECT ON VIEW REVIEW_PLATFORM.SERVING.VW_REVIEWS_BY_CATEGORY TO ROLE review_analyst;
GRANT SELECT ON VIEW REVIEW_PLATFORM.SERVING.VW_DATA_QUALITY TO ROLE review_analyst;

-- Administration holds both roles (schema changes, GDPR erasures, re-loads).
GRANT ALL ON SCHEMA REVIEW_PLATFORM.SERVING TO ROLE review_admin;
GRANT ROLE review_loader TO ROLE review_admin;
GRANT ROLE review_analyst TO ROLE review_admin;

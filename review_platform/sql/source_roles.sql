-- Least privilege on the source database (support documentation, section 2: analyse, ingestion, administration).
-- Group roles (NOLOGIN): grant them to login users, e.g. `GRANT review_ingestion TO dagster_worker;`.
-- The platform's extract also runs `SET ROLE review_ingestion`, so it holds only these rights while it reads.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'review_ingestion') THEN CREATE ROLE review_ingestion NOLOGIN; END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'review_analyst') THEN CREATE ROLE review_analyst NOLOGIN; END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'review_admin') THEN CREATE ROLE review_admin NOLOGIN; END IF;
END
$$;

-- Ingestion reads exactly what the extract selects; never the customer table (names, e-mails, phones).
REVOKE ALL ON category, product, customer, orders, review, review_images FROM PUBLIC;
REVOKE ALL ON category, product, customer, orders, review, review_images FROM review_ingestion, review_analyst;
GRANT USAGE ON SCHEMA public TO review_ingestion;
GRANT SELECT ON category, product, orders, review, review_images TO review_ingestion;

-- Analysts read the warehouse views, never the source: no right at all here.
REVOKE ALL ON SCHEMA public FROM review_analyst;

-- Administration: everything on the source tables (schema changes, seeding, GDPR requests at the source).
GRANT ALL ON category, product, customer, orders, review, review_images TO review_admin;

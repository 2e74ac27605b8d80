-- Least privilege on the source database (support documentation, section 2: analyse, ingestion, administration).
-- Group roles (NOLOGIN): grant them to login users, e.g. `GRANT review_ingestion TO dagster_worker;`.
-- The platform's extract also runs `SET ROLE review_ingestion`, so it holds only these rights while it reads.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'review_ingestion') THEN CREATE ROLE review_ingestion NOLOGIN; END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'review_analyst') THEN CREATE ROLE review_analyst NOLOGIN; END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'review_admin') THEN CREATE ROLE review_admin NOLOGIN; END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'review_guard') THEN CREATE ROLE review_guard NOLOGIN; END IF;
END
$$;

-- Nobody gets a right by default: PUBLIC (every role) loses the schema's and the tables' default rights.
REVOKE ALL ON SCHEMA public FROM PUBLIC;
REVOKE ALL ON category, product, customer, orders, review, review_images FROM PUBLIC;
REVOKE ALL ON category, product, customer, orders, review, review_images
    FROM review_ingestion, review_analyst, review_guard;

-- Ingestion reads exactly the columns the extract selects (resources/postgres.py, EXTRACT_QUERY); never the
-- customer table (names, e-mails, phones) nor the product descriptions.
GRANT USAGE ON SCHEMA public TO review_ingestion;
GRANT SELECT (review_id, buyer_id, p_id, title, r_desc, rating, created_at) ON review TO review_ingestion;
GRANT SELECT (p_id, p_name, price, category_id) ON product TO review_ingestion;
GRANT SELECT (category_id, name) ON category TO review_ingestion;
GRANT SELECT (buyer_id, p_id, order_date) ON orders TO review_ingestion;
GRANT SELECT (review_id) ON review_images TO review_ingestion;

-- The leak guard reads the day's buyers' own names, e-mails and phones, to look for them in the anonymised
-- texts in memory (pii/guard.py); nothing else, and it writes nothing anywhere.
GRANT USAGE ON SCHEMA public TO review_guard;
GRANT SELECT (buyer_id, fname, lname, email, phone) ON customer TO review_guard;

-- Analysts read the warehouse views, never the source: no right at all here.
REVOKE ALL ON SCHEMA public FROM review_analyst;

-- Administration: everything on the source tables (schema changes, seeding, GDPR requests at the source).
GRANT USAGE, CREATE ON SCHEMA public TO review_admin;
GRANT ALL ON category, product, customer, orders, review, review_images TO review_admin;

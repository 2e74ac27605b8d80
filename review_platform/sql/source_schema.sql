-- The operational review database, modelled on the system this platform was built for.
-- Like many operational databases it has no foreign key from review to product or buyer and no CHECK on
-- rating: the platform's validation (review_platform/quality) is what rejects such rows, with a reason.
CREATE TABLE IF NOT EXISTS category (
    category_id integer PRIMARY KEY,
    name        text NOT NULL
);

CREATE TABLE IF NOT EXISTS product (
    p_id        bigint PRIMARY KEY,
    p_name      text NOT NULL,
    p_desc      text,
    price       numeric(10, 2),
    category_id integer REFERENCES category (category_id)
);

CREATE TABLE IF NOT EXISTS customer (
    buyer_id bigint PRIMARY KEY,
    fname    text,
    lname    text,
    email    text,
    phone    text
);

CREATE TABLE IF NOT EXISTS orders (
    order_id   bigint PRIMARY KEY,
    buyer_id   bigint NOT NULL REFERENCES customer (buyer_id),
    p_id       bigint NOT NULL REFERENCES product (p_id),
    order_date timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS review (
    review_id  bigint PRIMARY KEY,
    buyer_id   bigint,
    p_id       bigint,
    title      text,
    r_desc     text,
    rating     integer,
    created_at timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS review_images (
    review_id bigint NOT NULL REFERENCES review (review_id),
    url       text NOT NULL
);

CREATE INDEX IF NOT EXISTS review_created_at_idx ON review (created_at);
CREATE INDEX IF NOT EXISTS orders_buyer_product_idx ON orders (buyer_id, p_id);
CREATE INDEX IF NOT EXISTS review_images_review_idx ON review_images (review_id);

\set ON_ERROR_STOP 1
BEGIN;

CREATE TABLE artist (
    id SERIAL,
    name VARCHAR NOT NULL,
    comment VARCHAR(255)
);

CREATE TABLE label (
    id SERIAL
);

COMMIT;

\set ON_ERROR_STOP 1
BEGIN;

CREATE TABLE artist (
    id SERIAL,
    name VARCHAR NOT NULL,
    comment VARCHAR(255),
    edits_pending INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE label (
    id SERIAL
);

CREATE TABLE area (
    id SERIAL
);

COMMIT;

\set ON_ERROR_STOP 1
BEGIN;

CREATE TABLE artist (
    id SERIAL,
    name VARCHAR NOT NULL,
    edits_pending INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE area (
    id SERIAL
);

COMMIT;

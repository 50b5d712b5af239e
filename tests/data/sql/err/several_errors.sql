-- Three mistakes; the good statements between them still parse.
CREATE TABLE ok_one (id int);

CREATE TABEL users (
    id int
);

COMMENT ON TABLE ok_one IS 'Grüße aus Köln — naïve café';
SELECT 'ünïcödé' AS straße, 1 +;

CREATE TABLE ok_two (id int);
CREATE INDEX ON ok_two (id) WHERE;

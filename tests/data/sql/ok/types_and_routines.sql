-- Types, routines and the objects that hang off them.
CREATE SCHEMA geo;

CREATE TYPE geo.point3 AS (x float8, y float8, z float8);
CREATE TYPE geo.mood AS ENUM ('sad', 'ok', 'happy');
ALTER TYPE geo.mood ADD VALUE 'ecstatic' AFTER 'happy';
CREATE TYPE geo.float_range AS RANGE (subtype = float8, subtype_diff = float8mi);
CREATE DOMAIN geo.positive AS numeric(12, 2) NOT NULL CHECK (VALUE > 0);
CREATE COLLATION geo.german (provider = icu, locale = 'de-DE');

CREATE FUNCTION geo.add3(a geo.point3, b geo.point3) RETURNS geo.point3
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT ROW(a.x + b.x, a.y + b.y, a.z + b.z)::geo.point3 $$;

CREATE OPERATOR geo.+ (LEFTARG = geo.point3, RIGHTARG = geo.point3, FUNCTION = geo.add3);

CREATE AGGREGATE geo.sum3(geo.point3) (SFUNC = geo.add3, STYPE = geo.point3);

CREATE FUNCTION geo.mood_of(text) RETURNS geo.mood LANGUAGE sql AS $$ SELECT $1::geo.mood $$;
CREATE CAST (text AS geo.mood) WITH FUNCTION geo.mood_of(text);

CREATE PROCEDURE geo.reset_all(IN really boolean DEFAULT false)
    LANGUAGE plpgsql
    AS $proc$
BEGIN
    IF really THEN
        TRUNCATE geo.places;  -- a semicolon inside a dollar quote does not end anything
    END IF;
END
$proc$;

CREATE TABLE geo.places (
    id int PRIMARY KEY,
    position geo.point3,
    feeling geo.mood DEFAULT 'ok',
    price geo.positive,
    owner text NOT NULL DEFAULT current_user
) PARTITION BY RANGE (id);

CREATE TABLE geo.places_low PARTITION OF geo.places FOR VALUES FROM (0) TO (1000);
CREATE TABLE geo.places_high (LIKE geo.places INCLUDING DEFAULTS);
ALTER TABLE ONLY geo.places ATTACH PARTITION geo.places_high FOR VALUES FROM (1000) TO (MAXVALUE);

ALTER TABLE geo.places ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_places ON geo.places USING (owner = current_user);

CREATE MATERIALIZED VIEW geo.place_counts AS
    SELECT feeling, count(*) AS n FROM geo.places GROUP BY feeling
    WITH NO DATA;

CREATE RULE no_delete AS ON DELETE TO geo.places_low DO INSTEAD NOTHING;

CREATE FUNCTION geo.log_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN END $$;
CREATE EVENT TRIGGER geo_ddl ON ddl_command_end EXECUTE FUNCTION geo.log_ddl();

COMMENT ON AGGREGATE geo.sum3(geo.point3) IS 'Component-wise sum.';
COMMENT ON OPERATOR geo.+ (geo.point3, geo.point3) IS 'Adds two points.';
ALTER FUNCTION geo.add3(geo.point3, geo.point3) OWNER TO geo_owner;

\set ON_ERROR_STOP 1
-- Accounts module: hand-written desired state, loaded with psql -f.

BEGIN;

CREATE SCHEMA IF NOT EXISTS accounts;
CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA public;

SET search_path = accounts, public;

CREATE TYPE account_state AS ENUM (
    'pending',
    'active',
    'closed'
);

CREATE DOMAIN email_address AS citext
    CHECK (VALUE ~ '^[^@]+@[^@]+$');

CREATE TABLE organisations (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- People who can log in.
CREATE TABLE users (
    id              bigserial PRIMARY KEY,
    organisation_id bigint NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    email           email_address NOT NULL,
    state           account_state NOT NULL DEFAULT 'pending',
    display_name    varchar(200),
    settings        jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz,
    CONSTRAINT users_email_unique UNIQUE (organisation_id, email),
    CHECK (updated_at IS NULL OR updated_at >= created_at)
);

CREATE INDEX users_state_idx ON users (state) WHERE state <> 'closed';
CREATE UNIQUE INDEX ON users (lower(display_name));

CREATE OR REPLACE FUNCTION touch_updated_at() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    NEW.updated_at := now();  -- keep the audit column current; see \docs
    RETURN NEW;
END;
$$;

CREATE TRIGGER users_touch
    BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

CREATE FUNCTION active_user_count(org bigint) RETURNS bigint
    LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT count(*) FROM accounts.users WHERE organisation_id = org AND state = 'active';
END;

CREATE VIEW active_users AS
    SELECT u.id, u.email, o.name AS organisation
    FROM users u
    JOIN organisations o ON o.id = u.organisation_id
    WHERE u.state = 'active';

COMMENT ON TABLE users IS 'People who can log in; one row per organisation and email.';
COMMENT ON COLUMN users.email IS 'Case-insensitive login name.';

GRANT SELECT ON active_users TO reporting;
GRANT USAGE ON SCHEMA accounts TO reporting;

COMMIT;

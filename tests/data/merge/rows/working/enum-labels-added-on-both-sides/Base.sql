CREATE TYPE public.status AS ENUM (
    'draft',
    'published'
);

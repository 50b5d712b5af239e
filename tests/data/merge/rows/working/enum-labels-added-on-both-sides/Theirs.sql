CREATE TYPE public.status AS ENUM (
    'draft',
    'review',
    'published'
);

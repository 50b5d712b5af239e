-- users of the site
create table users (
    id serial not null primary key,
    -- how we reach them
    email text not null, -- unique, see below
    name text not null
);

CREATE TABLE public.a (id integer);

CREATE TABLE public.old_name (id integer);

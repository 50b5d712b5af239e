CREATE TABLE public.a (id integer);

CREATE TABLE public.name_two (id integer);

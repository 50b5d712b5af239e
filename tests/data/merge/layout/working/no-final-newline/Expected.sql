CREATE TABLE a (id bigint);

CREATE TABLE b (id integer);

CREATE TABLE c (id integer);
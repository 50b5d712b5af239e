GRANT SELECT,UPDATE ON TABLE public.users TO reporting;

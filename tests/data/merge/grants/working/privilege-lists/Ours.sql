GRANT SELECT,INSERT ON TABLE public.users TO reporting;

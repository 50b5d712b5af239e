GRANT SELECT ON TABLE public.users TO reporting;
GRANT SELECT,INSERT ON TABLE public.users TO app;

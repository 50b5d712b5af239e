GRANT SELECT ON TABLE public.users TO reporting;
GRANT SELECT ON TABLE public.users TO auditor;
GRANT SELECT,INSERT ON TABLE public.users TO app;

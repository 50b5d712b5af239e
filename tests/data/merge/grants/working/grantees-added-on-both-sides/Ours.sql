GRANT SELECT ON TABLE public.users TO reporting;
GRANT SELECT ON TABLE public.users TO auditor;

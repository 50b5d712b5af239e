GRANT SELECT ON TABLE public.users TO reporting, auditor;

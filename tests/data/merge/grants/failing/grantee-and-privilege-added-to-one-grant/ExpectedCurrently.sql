GRANT SELECT ON TABLE public.users TO reporting, auditor;
<<<<<<< ours
=======
GRANT SELECT,INSERT ON TABLE public.users TO reporting;
>>>>>>> theirs

CREATE FUNCTION public.touch() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  NEW.updated_at := clock_timestamp();
  NEW.version := NEW.version + 1;
  NEW.touched := true;
  RETURN NEW;
END;
$$;

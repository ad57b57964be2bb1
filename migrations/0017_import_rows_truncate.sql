-- Truncating import_jobs (the dataset reset does) empties import_rows too, as the foreign key dropped in 0016 made
-- TRUNCATE include it; the delete trigger of 0016 does not fire on TRUNCATE.
CREATE FUNCTION import_jobs_truncate_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM import_rows;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER import_jobs_truncate_rows AFTER TRUNCATE ON import_jobs
  FOR EACH STATEMENT EXECUTE FUNCTION import_jobs_truncate_rows();

-- The change log is append-only: nothing, not even the application role, may
-- rewrite or remove history. (TRUNCATE by the owner stays possible for
-- reloading a demo dataset.)
CREATE OR REPLACE FUNCTION change_log_refuse_edit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'change_log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS change_log_append_only ON change_log;
--> statement-breakpoint
CREATE TRIGGER change_log_append_only BEFORE UPDATE OR DELETE ON change_log
  FOR EACH ROW EXECUTE FUNCTION change_log_refuse_edit();

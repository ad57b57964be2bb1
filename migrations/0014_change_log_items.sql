CREATE TABLE "change_log_items" (
	"id" bigint PRIMARY KEY DEFAULT nextval('change_log_id_seq') NOT NULL,
	"change_id" bigint NOT NULL,
	"object_type" text NOT NULL,
	"object_id" text NOT NULL,
	"before" jsonb,
	"after" jsonb,
	"geom" geometry(Geometry, 4326)
);
--> statement-breakpoint
CREATE INDEX "change_log_items_object_idx" ON "change_log_items" USING btree ("object_type","object_id");--> statement-breakpoint
-- Append-only like change_log (same refusal function, migration 0001).
CREATE TRIGGER change_log_items_append_only BEFORE UPDATE OR DELETE ON change_log_items
  FOR EACH ROW EXECUTE FUNCTION change_log_refuse_edit();

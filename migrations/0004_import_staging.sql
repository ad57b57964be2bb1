CREATE TABLE "import_rows" (
	"job_id" uuid NOT NULL,
	"row_no" integer NOT NULL,
	"code" text,
	"carrier_code" text,
	"carrier_id" integer,
	"data" jsonb NOT NULL,
	"geom" geometry(Geometry, 4326),
	"errors" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"action" text,
	"target_id" integer,
	CONSTRAINT "import_rows_job_id_row_no_pk" PRIMARY KEY("job_id","row_no")
);
--> statement-breakpoint
ALTER TABLE "import_jobs" ADD COLUMN "operation_id" uuid;--> statement-breakpoint
ALTER TABLE "import_jobs" ADD COLUMN "default_carrier_id" integer;--> statement-breakpoint
ALTER TABLE "import_rows" ADD CONSTRAINT "import_rows_job_id_import_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."import_jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_jobs" ADD CONSTRAINT "import_jobs_default_carrier_id_carriers_id_fk" FOREIGN KEY ("default_carrier_id") REFERENCES "public"."carriers"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "import_jobs_user_idx" ON "import_jobs" USING btree ("user_id","created_at");--> statement-breakpoint
-- Staging rows are scratch data loaded by COPY: skip the WAL (a crash loses only unfinished imports).
ALTER TABLE "import_rows" SET UNLOGGED;

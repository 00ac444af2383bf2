CREATE TABLE "recordings" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"call_uuid" text NOT NULL,
	"kind" text NOT NULL,
	"path" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"duration_ms" integer,
	"size_bytes" bigint,
	"sample_rate" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "flow_id" text;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "ivr_path" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "client_id" bigint;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "language" text;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "routed_to" text;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "route_result" text;--> statement-breakpoint
CREATE INDEX "recordings_call_idx" ON "recordings" USING btree ("call_uuid");--> statement-breakpoint
CREATE INDEX "recordings_started_idx" ON "recordings" USING btree ("started_at");--> statement-breakpoint
CREATE INDEX "calls_client_idx" ON "calls" USING btree ("client_id");
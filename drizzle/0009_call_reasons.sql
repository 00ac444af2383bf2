CREATE TABLE "call_reasons" (
	"code" text PRIMARY KEY NOT NULL,
	"labels" jsonb NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"sort_order" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "call_reasons_code_check" CHECK ("call_reasons"."code" ~ '^[a-z0-9][a-z0-9_-]{0,39}$')
);
--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "reason" text GENERATED ALWAYS AS ((details -> 'disposition' ->> 'reason')) STORED;--> statement-breakpoint
ALTER TABLE "attempts" ADD COLUMN "reason" text;--> statement-breakpoint
CREATE INDEX "calls_reason_idx" ON "calls" USING btree ("reason","started_at");
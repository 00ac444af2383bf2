ALTER TABLE "calls" ADD COLUMN "queue" text;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "queue_entered_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "queue_wait_ms" integer;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "queue_outcome" text;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "answered_by" text;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "queue_offers" jsonb DEFAULT '[]'::jsonb NOT NULL;
ALTER TABLE "calls" ADD COLUMN "campaign_id" bigint;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "contact_id" bigint;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "attempt_id" bigint;--> statement-breakpoint
ALTER TABLE "attempts" ADD COLUMN "dialed_at" timestamp with time zone;
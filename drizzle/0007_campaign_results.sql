ALTER TABLE "contact_lists" ADD COLUMN "encoding" text;--> statement-breakpoint
ALTER TABLE "contact_lists" ADD COLUMN "notes" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "callback_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "callback_agent_id" text;
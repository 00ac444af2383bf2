ALTER TABLE "agents" ADD COLUMN "sip_secret" text;--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "line_mode" text DEFAULT 'ringing' NOT NULL;
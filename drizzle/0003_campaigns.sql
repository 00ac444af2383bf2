CREATE TABLE "attempts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"campaign_id" bigint NOT NULL,
	"contact_id" bigint NOT NULL,
	"number" integer NOT NULL,
	"call_uuid" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"answered_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"outcome" text,
	"cause" text,
	"disposition" text,
	"agent_id" text
);
--> statement-breakpoint
CREATE TABLE "campaigns" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "contact_lists" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"campaign_id" bigint NOT NULL,
	"name" text NOT NULL,
	"status" text DEFAULT 'loading' NOT NULL,
	"rows_read" integer DEFAULT 0 NOT NULL,
	"accepted" integer DEFAULT 0 NOT NULL,
	"rejected" integer DEFAULT 0 NOT NULL,
	"duplicates" integer DEFAULT 0 NOT NULL,
	"do_not_call" integer DEFAULT 0 NOT NULL,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "contacts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"campaign_id" bigint NOT NULL,
	"list_id" bigint,
	"phone" text NOT NULL,
	"name" text DEFAULT '' NOT NULL,
	"language" text,
	"timezone" text NOT NULL,
	"client_id" bigint,
	"consent" boolean,
	"fields" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone,
	"last_outcome" text,
	"disposition" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "do_not_call" (
	"phone" text NOT NULL,
	"campaign_id" bigint DEFAULT 0 NOT NULL,
	"reason" text DEFAULT '' NOT NULL,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "do_not_call_phone_campaign_id_pk" PRIMARY KEY("phone","campaign_id")
);
--> statement-breakpoint
CREATE TABLE "list_rejections" (
	"list_id" bigint NOT NULL,
	"line" integer NOT NULL,
	"reason" text NOT NULL,
	"excerpt" text DEFAULT '' NOT NULL,
	CONSTRAINT "list_rejections_list_id_line_pk" PRIMARY KEY("list_id","line")
);
--> statement-breakpoint
CREATE TABLE "survey_answers" (
	"campaign_id" bigint NOT NULL,
	"contact_id" bigint NOT NULL,
	"question" text NOT NULL,
	"answer" text NOT NULL,
	"answered_at" timestamp with time zone NOT NULL,
	CONSTRAINT "survey_answers_contact_id_question_pk" PRIMARY KEY("contact_id","question")
);
--> statement-breakpoint
ALTER TABLE "contact_lists" ADD CONSTRAINT "contact_lists_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contacts" ADD CONSTRAINT "contacts_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contacts" ADD CONSTRAINT "contacts_list_id_contact_lists_id_fk" FOREIGN KEY ("list_id") REFERENCES "public"."contact_lists"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "list_rejections" ADD CONSTRAINT "list_rejections_list_id_contact_lists_id_fk" FOREIGN KEY ("list_id") REFERENCES "public"."contact_lists"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "attempts_contact_number_idx" ON "attempts" USING btree ("contact_id","number");--> statement-breakpoint
CREATE INDEX "attempts_campaign_idx" ON "attempts" USING btree ("campaign_id","started_at");--> statement-breakpoint
CREATE UNIQUE INDEX "contacts_campaign_phone_idx" ON "contacts" USING btree ("campaign_id","phone");--> statement-breakpoint
CREATE INDEX "contacts_due_idx" ON "contacts" USING btree ("campaign_id","status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "survey_answers_campaign_idx" ON "survey_answers" USING btree ("campaign_id");
create table "person" ("id" integer not null primary key, "email" text, "deleted_at" timestamp);

create unique index "ix_person_email_lower" on "person" ((lower(email)));

create index "ix_person_live" on "person" ("email") where deleted_at is null and email <> 'nobody';

create index "ix_person_tmp" on "person" ("deleted_at");

drop index "ix_person_tmp";


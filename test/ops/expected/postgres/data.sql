create table "entry" ("id" integer not null primary key, "label" text, "active" boolean, "ratio" double precision, "day" date, "at" timestamp, "doc" jsonb, "bytes" bytea);

insert into "entry" ("id", "label", "active", "ratio", "day", "at", "doc", "bytes") values (1, 'it''s a \ path', true, 0.5, '2024-02-29', '2024-02-29T13:14:15.250Z', '{"a":[1,"x"]}', '\x00ff'), (2, null, false, -0.001, null, null, null, null);

insert into entry (id, label) values (3, 'raw string');

update "entry" set "label" = 'via Kysely' where "id" = 2;

delete from "entry" where "id" = 3;


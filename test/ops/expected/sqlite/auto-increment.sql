create table "ticket" ("id" integer not null primary key, "label" text);

insert into "ticket" ("id", "label") values (1, 'one'), (2, 'two');

savepoint retort_batch;

pragma defer_foreign_keys = on;

create table "_retort_batch_ticket" as select * from "ticket";

drop table "ticket";

create table "ticket" ("id" integer not null primary key autoincrement, "label" text);

insert into "ticket" ("id", "label") select "id" as "id", "label" as "label" from "_retort_batch_ticket";

drop table "_retort_batch_ticket";

release retort_batch;

insert into "ticket" ("label") values ('three');

savepoint retort_batch;

pragma defer_foreign_keys = on;

create table "_retort_batch_ticket" as select * from "ticket";

drop table "ticket";

create table "ticket" ("id" integer not null, "label" text, primary key ("id"));

insert into "ticket" ("id", "label") select "id" as "id", "label" as "label" from "_retort_batch_ticket";

drop table "_retort_batch_ticket";

release retort_batch;


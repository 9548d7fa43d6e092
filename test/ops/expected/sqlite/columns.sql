create table "item" ("id" integer not null primary key, "name" varchar(40) default 'unnamed' not null, "price" numeric(10,2), "legacy" text);

insert into "item" ("id", "name", "price", "legacy") values (1, 'first', '9.99', 'x');

insert into "item" ("id", "price") values (2, '0.50');

alter table "item" add column "note" text default 'it''s';

alter table "item" add column "stock" integer default 0 not null;

alter table "item" rename column "note" to "memo";

alter table "item" drop column "memo";

savepoint retort_batch;

pragma defer_foreign_keys = on;

create table "_retort_batch_item" as select * from "item";

drop table "item";

create table "item" ("id" integer not null, "name" varchar(40) not null, "price" numeric(12,2) default 0 not null, "stock" integer default 0 not null, "sku" varchar(20), primary key ("id"));

insert into "item" ("id", "name", "price", "stock") select "id" as "id", "name" as "name", "price" as "price", "stock" as "stock" from "_retort_batch_item";

drop table "_retort_batch_item";

release retort_batch;


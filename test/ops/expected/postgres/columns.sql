create table "item" ("id" integer not null primary key, "name" varchar(40) default 'unnamed' not null, "price" numeric(10,2), "legacy" text);

insert into "item" ("id", "name", "price", "legacy") values (1, 'first', '9.99', 'x');

insert into "item" ("id", "price") values (2, '0.50');

alter table "item" add column "note" text default 'it''s';

alter table "item" add column "stock" integer default 0 not null;

alter table "item" rename column "note" to "memo";

alter table "item" drop column "memo";

alter table "item" alter column "price" type numeric(12,2);

alter table "item" alter column "price" set not null;

alter table "item" alter column "price" set default 0;

alter table "item" alter column "name" drop default;

alter table "item" drop column "legacy";

alter table "item" add column "sku" varchar(20);


create table "country" ("id" integer not null primary key autoincrement, "code" varchar(2) not null unique);

create table "city" ("id" bigint not null, "country_id" integer not null references "country" ("id") on delete cascade, "name" varchar(80) default 'l''inconnue' not null, "population" integer default 0 check (population >= 0), "founded" date, "updated" timestamp default (CURRENT_TIMESTAMP), constraint "pk_city" primary key ("id"), constraint "uq_city_name" unique ("country_id", "name"), constraint "ck_city_name" check (name <> ''));

create table "trip" ("from_id" bigint not null, "to_id" bigint not null, primary key ("from_id", "to_id"), constraint "fk_trip_from" foreign key ("from_id") references "city" ("id") on delete restrict on update cascade, constraint "fk_trip_to" foreign key ("to_id") references "city" ("id"));

create table "scratch" ("id" integer);

alter table "scratch" rename to "scratch_renamed";

drop table "scratch_renamed";

drop table if exists "never_there";


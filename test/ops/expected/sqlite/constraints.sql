create table "author" ("id" integer not null primary key);

create table "book" ("id" integer not null primary key, "author_id" integer, "title" varchar(100) not null, "isbn" varchar(13), "pages" integer);

insert into "author" ("id") values (1);

insert into "book" ("id", "author_id", "title", "isbn", "pages") values (1, 1, 'Candide', '9780140440041', 144);

savepoint retort_batch;

pragma defer_foreign_keys = on;

create table "_retort_batch_book" as select * from "book";

drop table "book";

create table "book" ("id" integer not null, "author_id" integer, "title" varchar(100) not null, "isbn" varchar(13), "pages" integer, primary key ("id"), constraint "uq_book_title" unique ("title"), constraint "fk_book_author" foreign key ("author_id") references "author" ("id") on delete cascade, constraint "ck_book_pages" check (pages > 0));

insert into "book" ("id", "author_id", "title", "isbn", "pages") select "id" as "id", "author_id" as "author_id", "title" as "title", "isbn" as "isbn", "pages" as "pages" from "_retort_batch_book";

drop table "_retort_batch_book";

release retort_batch;

create table "tag" ("name" varchar(20) not null);

savepoint retort_batch;

pragma defer_foreign_keys = on;

create table "_retort_batch_tag" as select * from "tag";

drop table "tag";

create table "tag" ("name" varchar(20) not null, constraint "pk_tag" primary key ("name"));

insert into "tag" ("name") select "name" as "name" from "_retort_batch_tag";

drop table "_retort_batch_tag";

release retort_batch;

create index "ix_book_author_title" on "book" ("author_id", "title" desc);

create unique index "ux_book_isbn" on "book" ("isbn");

drop index "ux_book_isbn";

savepoint retort_batch;

pragma defer_foreign_keys = on;

create table "_retort_batch_book" as select * from "book";

drop table "book";

create table "book" ("id" integer not null, "author_id" integer, "title" varchar(100) not null, "isbn" varchar(13), "pages" integer, primary key ("id"), constraint "fk_book_author" foreign key ("author_id") references "author" ("id") on delete cascade);

insert into "book" ("id", "author_id", "title", "isbn", "pages") select "id" as "id", "author_id" as "author_id", "title" as "title", "isbn" as "isbn", "pages" as "pages" from "_retort_batch_book";

drop table "_retort_batch_book";

create index "ix_book_author_title" on "book" ("author_id", "title" desc);

release retort_batch;


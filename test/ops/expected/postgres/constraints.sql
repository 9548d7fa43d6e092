create table "author" ("id" integer not null primary key);

create table "book" ("id" integer not null primary key, "author_id" integer, "title" varchar(100) not null, "isbn" varchar(13), "pages" integer);

insert into "author" ("id") values (1);

insert into "book" ("id", "author_id", "title", "isbn", "pages") values (1, 1, 'Candide', '9780140440041', 144);

alter table "book" add constraint "uq_book_title" unique ("title");

alter table "book" add constraint "fk_book_author" foreign key ("author_id") references "author" ("id") on delete cascade;

alter table "book" add constraint "ck_book_pages" check (pages > 0);

create table "tag" ("name" varchar(20) not null);

alter table "tag" add constraint "pk_tag" primary key ("name");

create index "ix_book_author_title" on "book" ("author_id", "title" desc);

create unique index "ux_book_isbn" on "book" ("isbn");

drop index "ux_book_isbn";

alter table "book" drop constraint "ck_book_pages";

alter table "book" drop constraint "uq_book_title";


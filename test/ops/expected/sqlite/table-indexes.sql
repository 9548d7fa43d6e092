create table "author" ("id" integer not null primary key);

create table "book" ("id" integer not null primary key, "author_id" integer, "title" varchar(100) not null, "isbn" varchar(13), foreign key ("author_id") references "author" ("id"));

create index "ix_book_author_title" on "book" ("author_id", "title" desc);

create unique index "ix_book_isbn" on "book" ("isbn");


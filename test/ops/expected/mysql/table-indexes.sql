create table `author` (`id` int not null primary key);

create table `book` (`id` int not null primary key, `author_id` int, `title` varchar(100) not null, `isbn` varchar(13), foreign key (`author_id`) references `author` (`id`), index `ix_book_author_title` (`author_id`, `title` desc), unique index `ix_book_isbn` (`isbn`));

alter table `book` comment = 'books';


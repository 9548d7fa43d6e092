create table `ticket` (`id` int not null primary key, `label` text);

insert into `ticket` (`id`, `label`) values (1, 'one'), (2, 'two');

alter table `ticket` modify column `id` int not null auto_increment;

insert into `ticket` (`label`) values ('three');

alter table `ticket` modify column `id` int not null;


create table `country` (`id` int not null primary key auto_increment, `code` varchar(2) not null unique comment 'ISO 3166''s code');

alter table `country` comment = 'countries';

create table `city` (`id` bigint not null, `country_id` int not null, `name` varchar(80) default 'l''inconnue' not null, `population` int default 0 check (population >= 0), `founded` date, `updated` datetime(6) default (CURRENT_TIMESTAMP), constraint `pk_city` primary key (`id`), constraint `uq_city_name` unique (`country_id`, `name`), foreign key (`country_id`) references `country` (`id`) on delete cascade, constraint `ck_city_name` check (name <> ''));

create table `trip` (`from_id` bigint not null, `to_id` bigint not null, primary key (`from_id`, `to_id`), constraint `fk_trip_from` foreign key (`from_id`) references `city` (`id`) on delete restrict on update cascade, constraint `fk_trip_to` foreign key (`to_id`) references `city` (`id`));

create table `scratch` (`id` int);

alter table `scratch` rename to `scratch_renamed`;

drop table `scratch_renamed`;

drop table if exists `never_there`;


create table `entry` (`id` int not null primary key, `label` text, `active` boolean, `ratio` double, `day` date, `at` datetime(6), `doc` json, `bytes` blob);

insert into `entry` (`id`, `label`, `active`, `ratio`, `day`, `at`, `doc`, `bytes`) values (1, 'it''s a \\ path', true, 0.5, '2024-02-29', '2024-02-29 13:14:15.250', '{"a":[1,"x"]}', X'00ff'), (2, null, false, -0.001, null, null, null, null);

insert into entry (id, label) values (3, 'raw string');

update `entry` set `label` = 'via Kysely' where `id` = 2;

delete from `entry` where `id` = 3;


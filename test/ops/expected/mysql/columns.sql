create table `item` (`id` int not null primary key, `name` varchar(40) default 'unnamed' not null, `price` decimal(10,2), `legacy` text);

insert into `item` (`id`, `name`, `price`, `legacy`) values (1, 'first', '9.99', 'x');

insert into `item` (`id`, `price`) values (2, '0.50');

alter table `item` add column `note` text default 'it''s';

alter table `item` add column `stock` int default 0 not null;

alter table `item` rename column `note` to `memo`;

alter table `item` drop column `memo`;

alter table `item` modify column `price` decimal(12,2) default 0 not null;

alter table `item` alter column `name` drop default;

alter table `item` drop column `legacy`;

alter table `item` add column `sku` varchar(20);


create table `item` (`id` int not null primary key, `name` varchar(40) default 'unnamed' not null, `price` decimal(10,2), `legacy` text);

insert into `item` (`id`, `name`, `price`) values (1, 'first', '9.99');

alter table `item` modify column `price` decimal(14,2);

alter table `item` modify column `price` decimal(14,2) not null;

alter table `item` alter column `price` set default 1.5;

alter table `item` modify column `price` decimal(14,2) default 1.5 not null comment 'in euros';

alter table `item` alter column `name` drop default;

alter table `item` rename column `name` to `label`;

create table `maker` (`code` varchar(8) not null);

alter table `maker` add constraint `pk_maker` primary key (`code`);

alter table `item` add column `maker` varchar(8);

alter table `item` add constraint `fk_item_maker` foreign key (`maker`) references `maker` (`code`) on update cascade;

alter table `item` add constraint `uq_item_label` unique (`label`);

alter table `item` add constraint `ck_item_price` check (price >= 0);

alter table `item` drop index `uq_item_label`;

alter table `item` drop constraint `ck_item_price`;


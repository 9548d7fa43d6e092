create table `typed` (`c0_integer` int, `c1_bigint` bigint, `c2_smallint` smallint, `c3_text` text, `c4_varchar` varchar(30), `c5_boolean` boolean, `c6_real` float, `c7_double` double, `c8_numeric` decimal(12,4), `c9_date` date, `c10_time` time(6), `c11_timestamp` datetime(6), `c12_timestamptz` datetime(6), `c13_json` json, `c14_uuid` uuid, `c15_blob` blob);


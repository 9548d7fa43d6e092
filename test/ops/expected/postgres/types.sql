create table "typed" ("c0_integer" integer, "c1_bigint" bigint, "c2_smallint" smallint, "c3_text" text, "c4_varchar" varchar(30), "c5_boolean" boolean, "c6_real" real, "c7_double" double precision, "c8_numeric" numeric(12,4), "c9_date" date, "c10_time" time, "c11_timestamp" timestamp, "c12_timestamptz" timestamptz, "c13_json" jsonb, "c14_uuid" uuid, "c15_blob" bytea);


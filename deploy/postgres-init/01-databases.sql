-- One database per service (docs: ARCHITECTURE.md). The postgres image runs this once, as the
-- superuser kvartirnsk, when the data volume is empty; the default database `kvartirnsk` stays unused.
CREATE DATABASE users;
CREATE DATABASE bookings;
CREATE DATABASE payments;
CREATE DATABASE analytics;

-- The bookings exclusion constraint (daterange && per listing) needs btree_gist; its migration
-- creates it too, this only spares the service a superuser step.
\connect bookings
CREATE EXTENSION IF NOT EXISTS btree_gist;

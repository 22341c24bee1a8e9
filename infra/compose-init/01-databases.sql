-- Run once by the postgres image on an empty data volume (/docker-entrypoint-initdb.d), connected as
-- POSTGRES_USER (deeplens, a superuser in this image) to the `postgres` database; compose.yaml sets
-- POSTGRES_DB=postgres so the image creates neither database itself.
-- The cluster is UTF8 / C.UTF-8 (POSTGRES_INITDB_ARGS), like `make run`'s: the text-search parser
-- then treats every script's letters as letters. Extensions (unaccent, pg_trgm) and tables come from
-- the project's migrations: python -m deeplens.entrypoints.migrate.

-- The archive.
CREATE DATABASE deeplens OWNER deeplens;

-- The connector's WhatsApp session store (neonize/whatsmeow's own tables): a database of its own,
-- so session keys stay away from the archive's grants.
CREATE DATABASE deeplens_wa OWNER deeplens;

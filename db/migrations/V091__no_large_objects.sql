-- V091: large objects are closed to every role but superusers.
--
-- Why: PostgreSQL grants EXECUTE on lo_creat, lo_create and lo_from_bytea to PUBLIC, so a Worker
--      could store any amount of data in pg_largeobject: outside every kit table, its row level
--      security, the 1 MiB cap and the retention path, and surviving its session. The kit never
--      uses large objects; the server-side lo_import functions are already superuser-only and are
--      revoked here too, so the rule reads in one place. Writing an existing large object needs its
--      ownership (lo_compat_privileges stays off), so closing creation closes them all.
--      certify() fails when a kit role (or a Worker's or Dispatcher's login) may create one.
-- Scope: these are pg_catalog functions: the revoke applies to every role of this database, kit
--      or not. A database whose other applications use large objects grants EXECUTE back to those
--      applications' roles by name (never to PUBLIC or a kit role).
-- Locks: none beyond the catalog rows of five functions.
-- Reversal: grant execute on function pg_catalog.lo_creat(integer), pg_catalog.lo_create(oid),
--      pg_catalog.lo_from_bytea(oid, bytea) to public;
set local lock_timeout = '5s';

revoke execute on function pg_catalog.lo_creat(integer) from public;
revoke execute on function pg_catalog.lo_create(oid) from public;
revoke execute on function pg_catalog.lo_from_bytea(oid, bytea) from public;
revoke execute on function pg_catalog.lo_import(text) from public;
revoke execute on function pg_catalog.lo_import(text, oid) from public;

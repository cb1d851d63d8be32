-- Flyway runs this callback before every script of a migrate (of the kernel, of the Reconciler, and
-- of every domain module that adds this location, classpath:pgsor/kernel/callbacks or
-- filesystem:db/callbacks, to its own), on the connection that runs the scripts and inside the
-- script's transaction: with group = true, the one transaction of the whole run.
--
-- Every lock the run's scripts wait for is bounded: when the session has no lock_timeout (0, the
-- default), the transaction gets 5s (SET LOCAL: it ends with the transaction and never reaches a
-- pooled connection's later use). A script that would queue behind a long transaction, and make
-- every later writer of that table queue behind itself, fails instead with SQLSTATE 55P03
-- (lock_not_available); the run rolls back whole and is simply run again. A session with a
-- lock_timeout of its own (Flyway's initSql, the connection's options, ALTER ROLE ... SET) keeps
-- it. Flyway runs the beforeMigrate and afterMigrate callbacks on other connections, so a session
-- setting made there would not reach the scripts.
select pg_catalog.set_config('lock_timeout', '5s', true)
 where pg_catalog.current_setting('lock_timeout') = '0';

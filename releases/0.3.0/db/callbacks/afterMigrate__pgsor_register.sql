-- Flyway runs this callback after every migrate, even when nothing was pending: of the kernel, of
-- the Reconciler, and of every domain module that adds this location (classpath:pgsor/kernel/callbacks,
-- or filesystem:db/callbacks) to its own. A kit upgrade that redefined guard functions (with the
-- guard paused, file by file) records their new definitions in the register and the audit; then
-- every protected object not yet in the register is registered. An object already registered is
-- never changed here: the drop guard judges its changes. Its lock waits are bounded as the
-- scripts' are (beforeEachMigrate): 5s unless the session has a lock_timeout of its own, for this
-- callback's transaction only.
select pg_catalog.set_config('lock_timeout', '5s', true)
 where pg_catalog.current_setting('lock_timeout') = '0';
set role sor_guardian;
select sor_guard.record_guard_upgrade();
select sor_guard.protect_all();
reset role;

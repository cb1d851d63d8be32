-- Flyway runs this after every migrate of the kernel, even when nothing was pending. A kit upgrade
-- that redefined guard functions (with the guard paused, file by file) records their new
-- definitions in the register and the audit; then every protected object not yet in the register
-- is registered (an object already registered is never changed here: the guard judges its changes).
set role sor_guardian;
select sor_guard.record_guard_upgrade();
select sor_guard.protect_all();
reset role;

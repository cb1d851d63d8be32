-- Flyway runs this after every migrate of the Reconciler: the drop guard registers the domain's new
-- objects (an object already registered is never changed here; the guard judges its changes).
set role sor_guardian;
select sor_guard.protect_all();
reset role;

-- sor.ddl_audit is append-only like sor.events: this trigger function refuses UPDATE, DELETE and
-- TRUNCATE for every role, the owner included (attached ENABLE ALWAYS in db/policies). It lives in
-- sor_guard with the guard that writes the audit; this file pauses the guard while it redefines it.
select sor_guard.pause(true);
set role sor_guardian;

create or replace function sor_guard.tg_ddl_audit__refuse_change()
returns trigger
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
set jit = off
as $$
begin
  raise exception 'sor.ddl_audit is append-only: % refused', tg_op
    using errcode = 'SR025',
          hint = 'The audit of guarded DDL is never changed or removed.';
end
$$;
comment on function sor_guard.tg_ddl_audit__refuse_change() is
  'BEFORE UPDATE/DELETE (row) and TRUNCATE (statement) on sor.ddl_audit: always refuses, for every role, the owner included.';

-- The guard functions this file redefined are recorded before the guard runs again (what the
-- afterMigrate callback does at the end of the run): a later statement of the run that the guard
-- judges against every registered function (a GRANT) finds the register current.
select sor_guard.record_guard_upgrade();
reset role;
select sor_guard.pause(false);

set role sor_owner;
select sor_guard.classify('function', 'sor_guard.tg_ddl_audit__refuse_change()', 'refusal');
reset role;

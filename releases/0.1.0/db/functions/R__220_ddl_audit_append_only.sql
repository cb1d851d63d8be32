-- sor.ddl_audit is append-only like sor.events: this trigger function refuses UPDATE, DELETE and
-- TRUNCATE for every role, the owner included (attached ENABLE ALWAYS in db/policies).
set role sor_owner;

create or replace function sor.tg_ddl_audit__refuse_change()
returns trigger
language plpgsql
volatile
set search_path = pg_catalog, sor, pg_temp
as $$
begin
  raise exception 'sor.ddl_audit is append-only: % refused', tg_op
    using errcode = 'SR025',
          hint = 'The audit of destructive DDL is never changed or removed.';
end
$$;
comment on function sor.tg_ddl_audit__refuse_change() is
  'BEFORE UPDATE/DELETE (row) and TRUNCATE (statement) on sor.ddl_audit: always refuses, for every role, the owner included.';

reset role;

-- The retention window of idempotency keys, enforced: expired keys are deleted by the sweep (and
-- an expired key is treated as free even before it is swept).
set role sor_owner;

create or replace function sor_api.sweep_idempotency_keys()
returns integer
language plpgsql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
set lock_timeout = '5s'
set jit = off
as $$
declare
  _n integer;
begin
  delete from sor.idempotency_keys k where k.expires_at <= pg_catalog.now();
  get diagnostics _n = row_count;
  return _n;
end
$$;
comment on function sor_api.sweep_idempotency_keys() is
  'Deletes every idempotency key whose retention window (tenant setting idempotency_retention, default 24 hours) has ended and returns how many; the runs and tool calls they pointed to stay.';

reset role;

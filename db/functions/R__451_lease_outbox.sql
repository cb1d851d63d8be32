-- sor_api.lease_outbox: the dispatcher leases up to batch deliverable outbox rows, each with a new
-- fencing token. Lapsed leases are taken back first.
set role sor_owner;

drop function if exists sor_api.lease_outbox(integer, interval);

create or replace function sor_api.lease_outbox(batch integer, lease interval, tenants text[] default null)
returns table (outbox_id bigint, tenant_id text, event_id uuid, topic text, aggregate_type text,
               aggregate_id text, payload jsonb, headers jsonb, dedupe_key text, attempts integer,
               lease_token bigint, lease_expires_at timestamptz)
language plpgsql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
#variable_conflict use_column
declare
  _tenants text[];
  _t text;
  _now timestamptz := sor.lease_clock();
begin
  perform sor.session_defaults();
  perform sor.lease_check_request('the outbox', lease_outbox.batch, lease_outbox.lease);

  -- A dispatcher delivers for the tenants it is a member of, or for the ones it names (each checked).
  if lease_outbox.tenants is null then
    _tenants := sor_guard.member_tenants();
  else
    foreach _t in array lease_outbox.tenants loop
      perform sor_guard.require_member(_t);
    end loop;
    _tenants := lease_outbox.tenants;
  end if;

  -- Pending and failed rows that are due, and leases that lapsed (a leased row is due again at its
  -- lease's expiry): one index serves both. Deferred, discarded, dead and dispatched rows are never
  -- leased. A lapsed lease on the last allowed attempt makes the row dead.
  return query
  with picked as (
    select o.tenant_id, o.outbox_id, o.created_at
      from sor.outbox o
     where o.status in ('pending', 'failed', 'leased') and o.available_at <= _now and o.tenant_id = any (_tenants)
     order by o.available_at, o.outbox_id
     limit lease_outbox.batch
       for update skip locked
  ), leased as (
    update sor.outbox o
       set status           = case when o.status = 'leased' and o.attempts >= o.max_attempts then 'dead' else 'leased' end,
           attempts         = case when o.status = 'leased' and o.attempts >= o.max_attempts then o.attempts else o.attempts + 1 end,
           leased_by        = case when o.status = 'leased' and o.attempts >= o.max_attempts then null else session_user end,
           lease_token      = case when o.status = 'leased' and o.attempts >= o.max_attempts then null else pg_catalog.nextval('sor.fencing_tokens') end,
           lease_expires_at = case when o.status = 'leased' and o.attempts >= o.max_attempts then null else _now + lease_outbox.lease end,
           available_at     = case when o.status = 'leased' and o.attempts >= o.max_attempts then o.available_at else _now + lease_outbox.lease end,
           last_error       = case when o.status = 'leased' then 'lease expired' else o.last_error end
      from picked p
     where o.tenant_id = p.tenant_id and o.outbox_id = p.outbox_id and o.created_at = p.created_at
    returning o.outbox_id, o.tenant_id, o.event_id, o.topic, o.aggregate_type, o.aggregate_id, o.payload,
              o.headers, o.dedupe_key, o.attempts, o.lease_token, o.lease_expires_at, o.status
  )
  select l.outbox_id, l.tenant_id, l.event_id, l.topic, l.aggregate_type, l.aggregate_id, l.payload,
         l.headers, l.dedupe_key, l.attempts, l.lease_token, l.lease_expires_at
    from leased l
   where l.status = 'leased'
   order by l.outbox_id;
end
$$;
comment on function sor_api.lease_outbox(integer, interval, text[]) is
  'Dispatcher: leases, for the tenants it is a member of (or those of them it names in tenants), at most batch due outbox rows, oldest due first (pending, failed and past available_at, or a lease that lapsed; FOR UPDATE SKIP LOCKED); each lease gets a new fencing token. Deferred, discarded, dispatched and dead rows are never leased. SR008 a named tenant the dispatcher is not a member of, SR051 batch not in 1..1000, SR052 lease not in (0, 1 day].';

reset role;

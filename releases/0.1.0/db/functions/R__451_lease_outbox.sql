-- sor_api.lease_outbox: the dispatcher leases up to batch deliverable outbox rows, each with a new
-- fencing token. Lapsed leases are taken back first.
set role sor_owner;

create or replace function sor_api.lease_outbox(batch integer, lease interval)
returns table (outbox_id bigint, tenant_id text, event_id uuid, topic text, aggregate_type text,
               aggregate_id text, payload jsonb, headers jsonb, dedupe_key text, attempts integer,
               lease_token bigint, lease_expires_at timestamptz)
language plpgsql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
as $$
#variable_conflict use_column
begin
  if lease_outbox.batch is null or lease_outbox.batch not between 1 and 1000 then
    raise exception 'outbox batch % is out of range', coalesce(lease_outbox.batch::text, 'NULL')
      using errcode = 'SR051', hint = 'Lease between 1 and 1000 rows at a time.';
  end if;
  if lease_outbox.lease is null or lease_outbox.lease <= '0'::interval or lease_outbox.lease > '1 day'::interval then
    raise exception 'outbox lease % is out of range', coalesce(lease_outbox.lease::text, 'NULL')
      using errcode = 'SR052', hint = 'A lease is longer than 0 and at most 1 day.';
  end if;

  -- Only pending and failed rows that are due, and lapsed leases: deferred, discarded, dead and
  -- dispatched rows are never leased. A lapsed lease on the last allowed attempt makes the row dead.
  return query
  with lapsed as (
    select o.tenant_id, o.outbox_id
      from sor.outbox o
     where o.status = 'leased' and o.lease_expires_at <= now()
     order by o.lease_expires_at
     limit lease_outbox.batch
       for update skip locked
  ), due as (
    select o.tenant_id, o.outbox_id
      from sor.outbox o
     where o.status in ('pending', 'failed') and o.available_at <= now()
     order by o.available_at, o.outbox_id
     limit lease_outbox.batch
       for update skip locked
  ), picked as (
    select p.tenant_id, p.outbox_id
      from (select l.tenant_id, l.outbox_id from lapsed l
            union all
            select d.tenant_id, d.outbox_id from due d) p
     limit lease_outbox.batch
  ), leased as (
    update sor.outbox o
       set status           = case when o.status = 'leased' and o.attempts >= o.max_attempts then 'dead' else 'leased' end,
           attempts         = case when o.status = 'leased' and o.attempts >= o.max_attempts then o.attempts else o.attempts + 1 end,
           leased_by        = case when o.status = 'leased' and o.attempts >= o.max_attempts then null else session_user end,
           lease_token      = case when o.status = 'leased' and o.attempts >= o.max_attempts then null else pg_catalog.nextval('sor.fencing_tokens') end,
           lease_expires_at = case when o.status = 'leased' and o.attempts >= o.max_attempts then null else now() + lease_outbox.lease end,
           last_error       = case when o.status = 'leased' then 'lease expired' else o.last_error end
      from picked p
     where o.tenant_id = p.tenant_id and o.outbox_id = p.outbox_id
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
comment on function sor_api.lease_outbox(integer, interval) is
  'Dispatcher: leases at most batch due outbox rows (pending, or failed and past available_at; FOR UPDATE SKIP LOCKED), taking back lapsed leases first; each lease gets a new fencing token. Deferred, discarded, dispatched and dead rows are never leased. SR051 batch not in 1..1000, SR052 lease not in (0, 1 day].';

reset role;

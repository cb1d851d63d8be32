-- Status-change events and NOTIFY of sor.outbox, from statement-level triggers on the transition
-- tables. Stream: outbox-<outbox_id>. Channel: sor_outbox, one notification per statement that
-- made rows available to lease (payload: how many).
set role sor_owner;

create or replace function sor.tg_outbox__events_insert()
returns trigger
language plpgsql
volatile
set search_path = pg_catalog, sor, pg_temp
as $$
begin
  insert into sor.events (tenant_id, stream, version, type, payload, metadata, hash)
  select n.tenant_id, 'outbox-' || n.outbox_id, 0, 'outbox.queued',
         pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
           'outbox_id', n.outbox_id, 'event_id', n.event_id, 'topic', n.topic,
           'aggregate_type', n.aggregate_type, 'aggregate_id', n.aggregate_id, 'status', n.status,
           'dedupe_key', n.dedupe_key, 'run_id', n.run_id, 'step_id', n.step_id, 'block_id', n.block_id)),
         pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object('run_id', n.run_id)),
         '\x'::bytea
    from new_rows n
   order by n.outbox_id;
  return null;
end
$$;
comment on function sor.tg_outbox__events_insert() is
  'AFTER INSERT (statement) on sor.outbox: appends outbox.queued (status pending or deferred) to stream outbox-<id> for every inserted row.';

create or replace function sor.tg_outbox__events_update()
returns trigger
language plpgsql
volatile
set search_path = pg_catalog, sor, pg_temp
as $$
begin
  insert into sor.events (tenant_id, stream, version, type, payload, metadata, hash)
  select c.tenant_id, 'outbox-' || c.outbox_id, 0, c.type, c.payload, '{}'::jsonb, '\x'::bytea
    from (
      select n.outbox_id, n.tenant_id, 1 as seq, 'outbox.lease_expired' as type,
             pg_catalog.jsonb_build_object('outbox_id', n.outbox_id, 'leased_by', o.leased_by,
                                           'lease_token', o.lease_token, 'lease_expires_at', o.lease_expires_at,
                                           'attempts', o.attempts) as payload
        from new_rows n join old_rows o on o.tenant_id = n.tenant_id and o.outbox_id = n.outbox_id
       where o.status = 'leased' and n.status = 'leased' and o.lease_token <> n.lease_token
      union all
      select n.outbox_id, n.tenant_id, 2,
             case when n.status = 'pending' and o.status = 'deferred' then 'outbox.released'
                  when n.status = 'pending' then 'outbox.retried'
                  else 'outbox.' || n.status end,
             pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
               'outbox_id', n.outbox_id, 'from', o.status, 'to', n.status, 'attempts', n.attempts,
               'leased_by', coalesce(n.leased_by, o.leased_by),
               'lease_token', coalesce(n.lease_token, o.lease_token),
               'lease_expires_at', n.lease_expires_at,
               'provider_ref', case when n.status = 'dispatched' then n.provider_ref end,
               'available_at', case when n.status = 'failed' then n.available_at end,
               'error', case when n.status in ('failed', 'dead') then n.last_error end,
               'block_id', n.block_id))
        from new_rows n join old_rows o on o.tenant_id = n.tenant_id and o.outbox_id = n.outbox_id
       where o.status is distinct from n.status or o.lease_token is distinct from n.lease_token
    ) c
   order by c.outbox_id, c.seq;
  return null;
end
$$;
comment on function sor.tg_outbox__events_update() is
  'AFTER UPDATE (statement) on sor.outbox: one event per status change (outbox.leased, outbox.dispatched, outbox.failed, outbox.dead, outbox.released, outbox.discarded, outbox.retried), preceded by outbox.lease_expired when a lapsed lease was taken back.';

create or replace function sor.tg_outbox__notify_insert()
returns trigger
language plpgsql
volatile
set search_path = pg_catalog, sor, pg_temp
as $$
declare
  _n bigint;
begin
  select count(*) into _n from new_rows n where n.status = 'pending';
  if _n > 0 then
    perform pg_catalog.pg_notify('sor_outbox', _n::text);
  end if;
  return null;
end
$$;
comment on function sor.tg_outbox__notify_insert() is
  'AFTER INSERT (statement) on sor.outbox: one NOTIFY sor_outbox per statement that inserted pending rows; the payload is their number.';

create or replace function sor.tg_outbox__notify_update()
returns trigger
language plpgsql
volatile
set search_path = pg_catalog, sor, pg_temp
as $$
declare
  _n bigint;
begin
  select count(*) into _n
    from new_rows n join old_rows o on o.tenant_id = n.tenant_id and o.outbox_id = n.outbox_id
   where n.status = 'pending' and o.status <> 'pending';
  if _n > 0 then
    perform pg_catalog.pg_notify('sor_outbox', _n::text);
  end if;
  return null;
end
$$;
comment on function sor.tg_outbox__notify_update() is
  'AFTER UPDATE (statement) on sor.outbox: one NOTIFY sor_outbox per statement that made rows pending (a review approved, an operator retry); the payload is their number.';

reset role;

-- Status-change events and NOTIFY of sor.outbox, from statement-level triggers on the transition
-- tables. Stream: outbox-<outbox_id>: every lease (by whom: the actor) and every outcome; queueing
-- a row writes no event (the business event of the same transaction says why). Wake-ups: one
-- notification per statement that made rows available to lease, on each tenant's channel and on
-- sor_outbox (payload: how many; sor.wake_outbox).
-- The insert and the update triggers also keep each tenant's count of undelivered rows for its
-- quota (R__415_quotas.sql).
set role sor_owner;

drop function if exists sor.tg_outbox__events_insert();

create or replace function sor.tg_outbox__events_update()
returns trigger
language plpgsql
volatile
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
begin
  -- the statement's events go through the set-based append path in one call, in order; each
  -- stream (outbox-<id>) is written under the lock of its row this statement holds, so it is
  -- serialized: a new stream's head is made at its final link
  perform 1
    from (select pg_catalog.array_agg(e.tenant_id order by e.ord) as tenant_ids, pg_catalog.array_agg(e.stream order by e.ord) as streams,
                 pg_catalog.array_agg(e.type order by e.ord) as types, pg_catalog.array_agg(e.payload order by e.ord) as payloads,
                 pg_catalog.array_agg('{}'::jsonb order by e.ord) as metadatas
            from (
            select c.tenant_id, 'outbox-' || c.outbox_id as stream, c.type, c.payload as payload, (pg_catalog.row_number() over (order by c.outbox_id, c.seq)) as ord
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
            ) e
          having pg_catalog.count(*) > 0) x
   cross join lateral sor.append_event_rows(x.tenant_ids, x.streams, x.types, x.payloads, x.metadatas, null, true) a;
  -- a row delivered, dead or discarded stops counting against its tenant's quota; one queued
  -- again counts again (SR066 past the quota; R__415_quotas.sql says why this trigger counts)
  perform sor.quota_count('outbox', pg_catalog.array_agg(c.tenant_id), pg_catalog.array_agg(c.n))
     from (select n.tenant_id, sum(case when sor.outbox_counts(n.status) then 1 else -1 end)::bigint as n
             from new_rows n join old_rows o on o.tenant_id = n.tenant_id and o.outbox_id = n.outbox_id
            where sor.outbox_counts(n.status) <> sor.outbox_counts(o.status)
            group by n.tenant_id) c;
  return null;
end
$$;
comment on function sor.tg_outbox__events_update() is
  'AFTER UPDATE (statement) on sor.outbox: one event per status change (outbox.leased, outbox.dispatched, outbox.failed, outbox.dead, outbox.released, outbox.discarded, outbox.retried), preceded by outbox.lease_expired when a lapsed lease was taken back; a row moving between undelivered and delivered, dead or discarded moves its tenant''s quota count (sor.quota_count, SR066).';

-- The dispatchers' wake-ups. Each tenant's channel (sor.wakeup_channel('outbox', tenant), named
-- with the database's secret: only the tenant's members get it from sor_api.wakeup_channel) hears
-- its own rows. sor_outbox, the channel of 0.2.0 and 0.3.0, hears every tenant's rows together
-- under a fixed name any login can LISTEN on (how many rows some tenant's outbox got, and when):
-- sent only while sor.wakeup_secret.outbox_broadcast is on (V111: off on a new install, kept on
-- by an upgrade whose dispatchers may listen there; sor_api.set_outbox_broadcast).
create or replace function sor.wake_outbox(tenant_ids text[], counts bigint[])
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
set jit = off
as $$
begin
  if exists (select 1 from sor.wakeup_secret w where w.singleton and w.outbox_broadcast) then
    perform pg_catalog.pg_notify('sor_outbox', (select pg_catalog.sum(x)::text from pg_catalog.unnest(wake_outbox.counts) x));
  end if;
  perform pg_catalog.pg_notify(c.channel, c.n::text)
     from (select sor.wakeup_channel('outbox', t.tenant_id) as channel, t.n, t.ord
             from unnest(wake_outbox.tenant_ids, wake_outbox.counts) with ordinality t(tenant_id, n, ord)) c
    where c.channel is not null
    order by c.ord;
end
$$;
comment on function sor.wake_outbox(text[], bigint[]) is
  'Called by the outbox''s statement triggers with the tenants whose rows became pending and how many: one NOTIFY on each tenant''s wake-up channel (sor.wakeup_channel(''outbox'', tenant), payload its number of rows), and one on sor_outbox (payload the total) while the broadcast is on (sor.wakeup_secret.outbox_broadcast, sor_api.set_outbox_broadcast).';

create or replace function sor.tg_outbox__notify_insert()
returns trigger
language plpgsql
volatile
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
begin
  -- undelivered rows count against their tenant's quota (SR066 past it; R__415_quotas.sql says
  -- why this trigger counts)
  perform sor.quota_count('outbox', pg_catalog.array_agg(c.tenant_id), pg_catalog.array_agg(c.n))
     from (select n.tenant_id, count(*) as n from new_rows n where sor.outbox_counts(n.status) group by n.tenant_id) c;
  perform sor.wake_outbox(pg_catalog.array_agg(c.tenant_id order by c.tenant_id), pg_catalog.array_agg(c.n order by c.tenant_id))
     from (select n.tenant_id, count(*) as n from new_rows n where n.status = 'pending' group by n.tenant_id) c
   having pg_catalog.count(*) > 0;
  return null;
end
$$;
comment on function sor.tg_outbox__notify_insert() is
  'AFTER INSERT (statement) on sor.outbox: counts the undelivered rows against their tenants'' quotas (sor.quota_count, SR066 past one), then wakes the dispatchers when the statement inserted pending rows (sor.wake_outbox: one NOTIFY on each tenant''s channel, and on sor_outbox while the broadcast is on); each payload is a number of rows.';

create or replace function sor.tg_outbox__notify_update()
returns trigger
language plpgsql
volatile
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
begin
  perform sor.wake_outbox(pg_catalog.array_agg(c.tenant_id order by c.tenant_id), pg_catalog.array_agg(c.n order by c.tenant_id))
     from (select n.tenant_id, count(*) as n
             from new_rows n join old_rows o on o.tenant_id = n.tenant_id and o.outbox_id = n.outbox_id
            where n.status = 'pending' and o.status <> 'pending'
            group by n.tenant_id) c
   having pg_catalog.count(*) > 0;
  return null;
end
$$;
comment on function sor.tg_outbox__notify_update() is
  'AFTER UPDATE (statement) on sor.outbox: wakes the dispatchers when the statement made rows pending (a review approved, an operator retry): sor.wake_outbox, one NOTIFY on each tenant''s channel and on sor_outbox while the broadcast is on; each payload is a number of rows.';

reset role;

set role sor_owner;
select sor_guard.classify('function', 'sor.tg_outbox__events_update()', 'audit');
reset role;

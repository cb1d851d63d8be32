-- Queue metrics for operators, dispatchers and Workers: how much work waits, runs, lapsed, waits
-- for a retry or died, per queue (tasks) or topic (outbox) and tenant, of the tenants the caller
-- may read (an auditor every tenant, anyone else the tenants it is a member of). Functions, not
-- views: no view depends on the columns of sor.tasks, sor.finished_tasks or sor.outbox, so the drop
-- guard stays the first to refuse their DROP or type change (SR020). One reading of the lease
-- clock per call: every row of a call is counted at the same instant.
--
--   sor_api.queue_metrics()   per queue and tenant: ready (due now), delayed (not due yet),
--                             oldest_ready_age, claimed (lease held), lapsed (lease lapsed, not
--                             yet taken back), failed (awaiting its retry), dead (dead letters)
--   sor_api.outbox_metrics()  per topic and tenant: pending (due now), delayed, oldest_pending_age,
--                             leased, lapsed, failed; read from the outbox's due index only, so
--                             dead rows are not counted here (sor_api.dead_outbox lists them)
set role sor_owner;

create or replace function sor_api.queue_metrics()
returns table (queue text, tenant_id text, ready bigint, delayed bigint, oldest_ready_age interval,
               claimed bigint, lapsed bigint, failed bigint, dead bigint)
language plpgsql
stable
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
#variable_conflict use_column
declare
  _now timestamptz := sor.lease_clock();
  _all boolean := pg_catalog.pg_has_role(session_user, 'sor_auditor', 'MEMBER');
  _tenants text[] := sor_guard.member_tenants();
begin
  return query
  with live as (
    select t.queue, t.tenant_id,
           pg_catalog.count(*) filter (where t.status = 'ready' and t.run_after <= _now) as ready,
           pg_catalog.count(*) filter (where t.status = 'ready' and t.run_after > _now) as delayed,
           _now - pg_catalog.min(t.run_after) filter (where t.status = 'ready' and t.run_after <= _now) as oldest_ready_age,
           pg_catalog.count(*) filter (where t.status = 'claimed' and t.lease_expires_at > _now) as claimed,
           pg_catalog.count(*) filter (where t.status = 'claimed' and t.lease_expires_at <= _now) as lapsed,
           pg_catalog.count(*) filter (where t.status = 'failed') as failed
      from sor.tasks t
     where _all or t.tenant_id = any (_tenants)
     group by t.queue, t.tenant_id
  ), dead as (
    select f.queue, f.tenant_id, pg_catalog.count(*) as dead
      from sor.finished_tasks f
     where f.status = 'dead' and (_all or f.tenant_id = any (_tenants))
     group by f.queue, f.tenant_id
  )
  select coalesce(l.queue, d.queue), coalesce(l.tenant_id, d.tenant_id), coalesce(l.ready, 0), coalesce(l.delayed, 0),
         l.oldest_ready_age, coalesce(l.claimed, 0), coalesce(l.lapsed, 0), coalesce(l.failed, 0), coalesce(d.dead, 0)
    from live l
    full join dead d on d.queue = l.queue and d.tenant_id = l.tenant_id
   order by 1, 2;
end
$$;
comment on function sor_api.queue_metrics() is
  'Per queue and tenant, of the tenants the caller may read (an auditor every tenant, anyone else its own): ready (due now), delayed (not due yet), oldest_ready_age (how long the longest-due ready task has waited; NULL when none), claimed (lease held), lapsed (lease lapsed, not yet taken back), failed (awaiting a retry), dead (dead letters in sor.finished_tasks). One reading of the lease clock per call; a queue and tenant with nothing to count has no row.';

create or replace function sor_api.outbox_metrics()
returns table (topic text, tenant_id text, pending bigint, delayed bigint, oldest_pending_age interval,
               leased bigint, lapsed bigint, failed bigint)
language plpgsql
stable
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
#variable_conflict use_column
declare
  _now timestamptz := sor.lease_clock();
  _all boolean := pg_catalog.pg_has_role(session_user, 'sor_auditor', 'MEMBER');
  _tenants text[] := sor_guard.member_tenants();
begin
  return query
  select o.topic, o.tenant_id,
         pg_catalog.count(*) filter (where o.status = 'pending' and o.available_at <= _now),
         pg_catalog.count(*) filter (where o.status = 'pending' and o.available_at > _now),
         _now - pg_catalog.min(o.available_at) filter (where o.status = 'pending' and o.available_at <= _now),
         pg_catalog.count(*) filter (where o.status = 'leased' and o.lease_expires_at > _now),
         pg_catalog.count(*) filter (where o.status = 'leased' and o.lease_expires_at <= _now),
         pg_catalog.count(*) filter (where o.status = 'failed')
    from sor.outbox o
   where o.status in ('pending', 'failed', 'leased')
     and (_all or o.tenant_id = any (_tenants))
   group by o.topic, o.tenant_id
   order by 1, 2;
end
$$;
comment on function sor_api.outbox_metrics() is
  'Per topic and tenant, of the tenants the caller may read (an auditor every tenant, anyone else its own): undelivered outbox rows pending (due now), delayed (pending, not due yet), oldest_pending_age (how long the longest-due pending row has waited; NULL when none), leased (lease held), lapsed (lease lapsed, not yet taken back), failed (awaiting a retry). Reads the rows of the outbox''s due index only: dead rows are listed by sor_api.dead_outbox, deferred rows are not counted. One reading of the lease clock per call.';

reset role;

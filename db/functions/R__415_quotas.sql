-- Per-tenant quotas of queued work: how many live tasks (ready, claimed or failed) and undelivered
-- outbox rows (pending, deferred, leased or failed) a tenant may hold at once. sor.quota_count is
-- the one rule: it moves a tenant's count in sor.tenant_usage and refuses a statement that takes
-- the tenant over its quota: SR065 for tasks, SR066 for the outbox. The check reads at most 16
-- counter rows of that tenant (sor.tenant_usage's slots) and its quota: no scan of the queue, no
-- global lock, and no tenant ever waits on another's rows. A transaction counts in a slot that no
-- other open transaction holds (its backend's own when free, else the next free one), so writers of
-- one tenant do not wait for each other's commits, and transactions that count two tenants in
-- opposite orders do not deadlock on their slots. Admins set quotas with sor_api.set_quota.
--
-- Who counts: statement triggers, one count per statement and tenant:
--   a task queued        sor.tg_tasks__quota (AFTER INSERT, statement, on sor.tasks, V107): +n
--   a task ended         sor.tg_finished_tasks__events_insert (AFTER INSERT, statement, on
--                        sor.finished_tasks, where every task leaving the live queue goes): -n
--   an outbox row queued sor.tg_outbox__notify_insert (AFTER INSERT, statement): +n undelivered
--   an outbox row moved  sor.tg_outbox__events_update (AFTER UPDATE, statement): +-n per change
--                        between undelivered and delivered, dead or discarded (sor.outbox_counts)
-- A row the owner deletes by hand from sor.tasks or sor.outbox is not counted down until
-- db/policies/R__941_policies_tasks.sql, which takes the counts from the tables, runs again.
set role sor_owner;

create or replace function sor.quota_count(kind text, tenants text[], deltas bigint[])
returns void
language plpgsql
volatile
set jit = off
as $$
declare
  -- where this backend starts looking for a slot of the tenant's count
  _slot smallint := (pg_catalog.pg_backend_pid() % 16)::smallint;
  _others smallint[];
  _t record;
  _hint text[];
  _at tid;
  _got smallint;
  _pending bigint;
  _other_pending bigint;
  _max bigint;
begin
  if quota_count.tenants is null then
    return;
  end if;
  if pg_catalog.cardinality(quota_count.tenants) <> 1 then
    -- a statement of several tenants: each counted alone, in tenant order (a refusal names the
    -- first tenant, in that order, that would pass its quota; nothing of the statement is kept)
    for _t in select u.tenant_id, pg_catalog.sum(u.delta)::bigint as delta
                from rows from (pg_catalog.unnest(quota_count.tenants), pg_catalog.unnest(quota_count.deltas)) as u(tenant_id, delta)
               group by u.tenant_id
              having pg_catalog.sum(u.delta) <> 0
               order by u.tenant_id loop
      perform sor.quota_count(quota_count.kind, array[_t.tenant_id], array[_t.delta]);
    end loop;
    return;
  end if;
  if quota_count.deltas[1] = 0 then
    return;
  end if;
  -- The slot's row is updated where this transaction last left it: updating one row many times in
  -- one transaction leaves a chain of versions that a lookup by key walks from its start
  -- (quadratic over the transaction); the version's address, kept in a transaction-local setting,
  -- is only a hint: the update still names the tenant, kind and slot, and a hint that misses (set
  -- by hand, stale, another tenant) finds no row and the slot is looked for again.
  _hint := pg_catalog.string_to_array(pg_catalog.current_setting('sor.quota_hint', true), '|');
  if pg_catalog.cardinality(_hint) = 4 and _hint[1] = quota_count.kind and _hint[2] ~ '^[0-9]{1,2}$'
     and _hint[4] = quota_count.tenants[1] and _hint[3] ~ '^\([0-9]{1,9},[0-9]{1,4}\)$' then
    -- (a block below 10^9 and an offset below 10^4 always read as a tid)
    update sor.tenant_usage x set pending = x.pending + quota_count.deltas[1]
     where x.ctid = _hint[3]::tid
       and x.tenant_id = quota_count.tenants[1] and x.kind = quota_count.kind and x.slot = _hint[2]::smallint
    returning x.ctid, x.pending, x.slot into _at, _pending, _got;
  end if;
  if _at is null then
    -- the transaction's first count of the tenant: this backend's own slot unless another open
    -- transaction holds it, else the first of the tenant's slots after it that none holds (SKIP
    -- LOCKED; a slot this transaction holds is not skipped), so a writer never waits for another's
    -- commit on a shared slot, and two transactions counting two tenants in opposite orders never
    -- deadlock on them. (The own slot first, by its key: a probe, where the ordered look reads and
    -- sorts the tenant's 16 rows.)
    update sor.tenant_usage x set pending = x.pending + quota_count.deltas[1]
     where x.ctid = (select u.ctid from sor.tenant_usage u
                      where u.tenant_id = quota_count.tenants[1] and u.kind = quota_count.kind and u.slot = _slot
                        for update skip locked)
    returning x.ctid, x.pending, x.slot into _at, _pending, _got;
    if _at is null then
      update sor.tenant_usage x set pending = x.pending + quota_count.deltas[1]
       where x.ctid = (select u.ctid from sor.tenant_usage u
                        where u.tenant_id = quota_count.tenants[1] and u.kind = quota_count.kind
                        order by (u.slot - _slot + 16) % 16
                        limit 1
                          for update skip locked)
      returning x.ctid, x.pending, x.slot into _at, _pending, _got;
    end if;
    if _at is null then
      -- every slot row of the tenant is held by another open transaction, or some are missing
      -- (sor_api.add_tenant and R__941 make all 16; the owner may have deleted some): a slot that
      -- has no row yet (one another transaction is making meanwhile is waited for)
      insert into sor.tenant_usage as x (tenant_id, kind, slot, pending)
      select quota_count.tenants[1], quota_count.kind, s.slot, quota_count.deltas[1]
        from pg_catalog.generate_series(0, 15) as s(slot)
       where not exists (select 1 from sor.tenant_usage u
                          where u.tenant_id = quota_count.tenants[1] and u.kind = quota_count.kind and u.slot = s.slot)
       order by (s.slot - _slot + 16) % 16
       limit 1
      on conflict on constraint tenant_usage_pkey do nothing
      returning x.ctid, x.pending, x.slot into _at, _pending, _got;
    end if;
    if _at is null then
      -- all 16 slots held by other open transactions of the tenant (or one made meanwhile):
      -- this backend's own slot, waiting for its holder
      insert into sor.tenant_usage as x (tenant_id, kind, slot, pending)
      values (quota_count.tenants[1], quota_count.kind, _slot, quota_count.deltas[1])
      on conflict on constraint tenant_usage_pkey do update set pending = x.pending + excluded.pending
      returning x.ctid, x.pending, x.slot into _at, _pending, _got;
    end if;
  end if;
  _slot := _got;  -- (a statement that found no row set it NULL: assigned once a row is counted)
  perform pg_catalog.set_config('sor.quota_hint',
                                quota_count.kind || '|' || _slot || '|' || _at::text || '|' || quota_count.tenants[1], true);
  -- only a growth is checked: the tenant's other slots as committed (each read by its own key:
  -- this transaction's slot may hold many versions of its own), and its quota
  if quota_count.deltas[1] > 0 then
    _others := pg_catalog.array_remove('{0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15}'::smallint[], _slot);
    select (select pg_catalog.sum(u.pending) from sor.tenant_usage u
             where u.tenant_id = quota_count.tenants[1] and u.kind = quota_count.kind and u.slot = any (_others)),
           coalesce((select t.max_pending from sor.tenant_quotas t
                      where t.tenant_id = quota_count.tenants[1] and t.kind = quota_count.kind),
                    (select f.max_pending from sor.quota_defaults f where f.kind = quota_count.kind))
      into _other_pending, _max;
    if _pending + coalesce(_other_pending, 0) > _max then
      if quota_count.kind = 'tasks' then
        raise exception 'tenant % would have % live tasks, over its quota of %', quota_count.tenants[1], _pending + coalesce(_other_pending, 0), _max
          using errcode = 'SR065',
                hint = 'Nothing of the statement was queued. Let Workers drain the queue first, or have an admin raise the quota: sor_api.set_quota(tenant_id, ''tasks'', n).';
      end if;
      raise exception 'tenant % would have % undelivered outbox rows, over its quota of %', quota_count.tenants[1], _pending + coalesce(_other_pending, 0), _max
        using errcode = 'SR066',
              hint = 'Nothing of the statement was queued. Let dispatchers deliver first, or have an admin raise the quota: sor_api.set_quota(tenant_id, ''outbox'', n).';
    end if;
  end if;
end
$$;
comment on function sor.quota_count(text, text[], bigint[]) is
  'The one quota rule: moves each tenant''s count of queued rows of a kind (tasks, outbox) by its delta in a slot of sor.tenant_usage that no other open transaction holds (this backend''s own when free), and refuses a growth past the tenant''s quota (sor.tenant_quotas, else sor.quota_defaults): SR065 tasks, SR066 outbox rows. Concurrent transactions of one tenant see each other''s counts once committed, so together they may pass the quota by what they queue at the same time; one statement never does. A transaction updates its slot where it last left it (sor.quota_hint, a hint that is never trusted). Only jit = off is set (hot path): every name is qualified.';

create or replace function sor.make_quota_slots(tenant_ids text[])
returns void
language sql
volatile
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
  -- every slot of each kind, at 0 where it has no row: sor.quota_count takes a slot no other open
  -- transaction holds (SKIP LOCKED), which only a committed row can say
  insert into sor.tenant_usage (tenant_id, kind, slot, pending)
  select t.tenant_id, k.kind, s.slot, 0
    from pg_catalog.unnest(make_quota_slots.tenant_ids) as t(tenant_id)
   cross join (values ('tasks'), ('outbox')) as k(kind)
   cross join pg_catalog.generate_series(0, 15) as s(slot)
  on conflict on constraint tenant_usage_pkey do nothing
$$;
comment on function sor.make_quota_slots(text[]) is
  'Makes the 16 counter slots of each kind (tasks, outbox) of the given tenants in sor.tenant_usage, leaving existing ones as they are: sor_api.add_tenant for a new tenant, R__941_policies_tasks.sql for every tenant when it takes the counts from the tables.';

create or replace function sor.outbox_counts(status text)
returns boolean
language plpgsql
immutable
set jit = off
as $$
begin
  return outbox_counts.status in ('pending', 'deferred', 'leased', 'failed');
end
$$;
comment on function sor.outbox_counts(text) is
  'Whether an outbox row of this status counts against its tenant''s quota: undelivered (pending, deferred, leased, failed), not dispatched, dead or discarded.';

create or replace function sor_api.set_quota(tenant_id text, kind text, max_pending bigint)
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
begin
  if set_quota.kind is null or set_quota.kind not in ('tasks', 'outbox')
     or set_quota.max_pending is null or set_quota.max_pending not between 0 and 1000000000 then
    raise exception 'invalid quota % of % for tenant %', coalesce(set_quota.max_pending::text, 'NULL'),
          coalesce(quote_literal(set_quota.kind), 'NULL'), coalesce(quote_literal(set_quota.tenant_id), 'the default')
      using errcode = 'SR067', hint = 'kind is tasks or outbox; max_pending between 0 and 1000000000.';
  end if;
  if set_quota.tenant_id is null then
    update sor.quota_defaults d
       set max_pending = set_quota.max_pending, set_at = pg_catalog.clock_timestamp(), set_by = session_user
     where d.kind = set_quota.kind;
    return;
  end if;
  perform 1 from sor.tenants t where t.tenant_id = set_quota.tenant_id;
  if not found then
    raise exception 'unknown tenant %', quote_literal(set_quota.tenant_id)
      using errcode = 'SR002', hint = 'Create the tenant first with sor_api.add_tenant.';
  end if;
  insert into sor.tenant_quotas as q (tenant_id, kind, max_pending)
  values (set_quota.tenant_id, set_quota.kind, set_quota.max_pending)
  on conflict on constraint tenant_quotas_pkey do update
     set max_pending = excluded.max_pending, set_at = pg_catalog.clock_timestamp(), set_by = session_user;
end
$$;
comment on function sor_api.set_quota(text, text, bigint) is
  'Admin: sets how many live tasks (kind tasks) or undelivered outbox rows (kind outbox) a tenant may hold at once; tenant_id NULL sets the default of tenants without their own. Rows already queued stay; a statement that would go over is refused (SR065, SR066). SR067 invalid kind or number, SR002 unknown tenant.';

create or replace function sor_api.quotas(tenant_id text default null)
returns table (tenant_id text, kind text, pending bigint, max_pending bigint)
language sql
stable
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
  select t.tenant_id, k.kind,
         coalesce((select pg_catalog.sum(u.pending) from sor.tenant_usage u
                    where u.tenant_id = t.tenant_id and u.kind = k.kind), 0)::bigint,
         coalesce(q.max_pending, k.max_pending)
    from sor.tenants t
   cross join sor.quota_defaults k
    left join sor.tenant_quotas q on q.tenant_id = t.tenant_id and q.kind = k.kind
   where quotas.tenant_id is null or t.tenant_id = quotas.tenant_id
   order by t.tenant_id, k.kind
$$;
comment on function sor_api.quotas(text) is
  'Admin: each tenant''s (or one tenant''s) queued tasks and undelivered outbox rows beside its quota.';

reset role;

-- V082: the rows of a 0.1.0 database, carried into the event core of 0.2.0.
--
-- On a database that 0.1.0 installed and that holds rows, the beforeEachMigrate callback set the
-- rows of sor.events, sor.outbox and sor.tasks aside in the schema sor_upgrade right before V061
-- (db/callbacks/beforeEachMigrate__pgsor_upgrade.sql says why). They come back here, in the same
-- transaction as the rest of the run:
--
--   * events keep their position, version, hashes, actor, time and transaction id; each stream
--     gets its head row (version, last position, last hash), as appends keep it;
--   * outbox rows keep their ids and state; the outbox's id sequence continues after the highest;
--   * live tasks (ready, claimed, failed) stay in sor.tasks with their ids, tokens and leases, and
--     completed and dead ones move to sor.finished_tasks, as the new kernel keeps them;
--   * the dedupe keys of both go to sor.dedupe_keys (scope outbox, task:<queue>);
--   * months before the current one get their partitions (the repeatables prepare them like any
--     other: row level security, refusal triggers, fillfactor, replica identity).
--
-- And, on any database that still has them, tool-call idempotency keys recorded under the scope
-- tool_call move to tool_call:<kind>, the scope calls look in since 0.2.0, so a retry that
-- straddles the upgrade is still answered from the journal. (Policies that still call
-- sor.current_tenants() are moved to sor_guard.current_tenants() by R__990_retired, once that
-- function exists.)
--
-- On a fresh database, or one that 0.2.0 migrated, sor_upgrade does not exist and the rows part
-- does nothing.
set role sor_owner;

do $$
declare
  _t record;
  _m timestamptz;
  _first timestamptz;
  _name text;
begin
  if pg_catalog.to_regnamespace('sor_upgrade') is null then
    return;
  end if;

  -- the owner writes the new tables before the repeatables add the rest of their policies; these
  -- are the same owner policies the repeatables keep (sor.ensure_policy finds them as they are)
  foreach _name in array array['events', 'outbox', 'finished_tasks', 'dedupe_keys', 'streams', 'tasks'] loop
    if not exists (select 1 from pg_catalog.pg_policy p
                    where p.polrelid = pg_catalog.format('sor.%I', _name)::regclass
                      and p.polname = _name || '_owner_all') then
      execute pg_catalog.format('create policy %I on sor.%I as permissive for all to sor_owner using (true) with check (true)',
                                _name || '_owner_all', _name);
    end if;
  end loop;

  -- a partition for every earlier month that holds rows (V061 made this month and three ahead)
  for _t in
    select v.parent, v.months
      from (values ('events', array(select distinct pg_catalog.date_trunc('month', e.occurred_at) from sor_upgrade.events e)),
                   ('outbox', array(select distinct pg_catalog.date_trunc('month', o.created_at) from sor_upgrade.outbox o)),
                   ('finished_tasks', array(select distinct pg_catalog.date_trunc('month', t.finished_at) from sor_upgrade.tasks t
                                             where t.status in ('completed', 'dead')))) v(parent, months)
  loop
    foreach _m in array _t.months loop
      _name := _t.parent || '_p' || pg_catalog.to_char(_m, 'YYYYMM');
      if pg_catalog.to_regclass('sor.' || _name) is null then
        execute pg_catalog.format('create table sor.%I partition of sor.%I for values from (%L) to (%L)',
                                  _name, _t.parent, _m, _m + interval '1 month');
      end if;
    end loop;
  end loop;

  insert into sor.events (tenant_id, position, stream, version, type, payload, metadata, actor, occurred_at, tx_id, prev_hash, hash)
  select e.tenant_id, e.position, e.stream, e.version, e.type, e.payload, e.metadata, e.actor, e.occurred_at, e.tx_id, e.prev_hash, e.hash
    from sor_upgrade.events e
   order by e.position;
  insert into sor.streams (tenant_id, stream, version, last_position, last_hash)
  select distinct on (e.tenant_id, e.stream) e.tenant_id, e.stream, e.version, e.position, e.hash
    from sor_upgrade.events e
   order by e.tenant_id, e.stream, e.version desc;
  perform pg_catalog.setval('sor.events_position_seq',
                            greatest((select max(e.position) from sor_upgrade.events e),
                                     (select s.last_value from sor.events_position_seq s)));

  insert into sor.outbox (tenant_id, outbox_id, event_id, topic, aggregate_type, aggregate_id, payload, headers, dedupe_key,
                          status, attempts, max_attempts, available_at, leased_by, lease_token, lease_expires_at,
                          provider_ref, dispatched_at, last_error, run_id, step_id, block_id, created_at, created_by)
  select o.tenant_id, o.outbox_id, o.event_id, o.topic, o.aggregate_type, o.aggregate_id, o.payload, o.headers, o.dedupe_key,
         o.status, o.attempts, o.max_attempts, o.available_at, o.leased_by, o.lease_token, o.lease_expires_at,
         o.provider_ref, o.dispatched_at, o.last_error, o.run_id, o.step_id, o.block_id, o.created_at, o.created_by
    from sor_upgrade.outbox o
   order by o.outbox_id;
  if exists (select 1 from sor_upgrade.outbox) then
    perform pg_catalog.setval('sor.outbox_ids', (select max(o.outbox_id) from sor_upgrade.outbox o));
  end if;
  insert into sor.dedupe_keys (tenant_id, scope, dedupe_key, target_id, created_at)
  select o.tenant_id, 'outbox', o.dedupe_key, o.outbox_id, o.created_at from sor_upgrade.outbox o;

  insert into sor.tasks (tenant_id, task_id, queue, subject, payload, priority, run_after, attempts, max_attempts, dedupe_key,
                         status, claimed_by, fencing_token, lease, lease_expires_at, last_error, result, created_at,
                         created_by, finished_at)
  overriding system value
  select t.tenant_id, t.task_id, t.queue, t.subject, t.payload, t.priority, t.run_after, t.attempts, t.max_attempts, t.dedupe_key,
         t.status, t.claimed_by, t.fencing_token, t.lease, t.lease_expires_at, t.last_error, t.result, t.created_at,
         t.created_by, t.finished_at
    from sor_upgrade.tasks t
   where t.status in ('ready', 'claimed', 'failed')
   order by t.task_id;
  insert into sor.finished_tasks (tenant_id, task_id, queue, subject, payload, priority, attempts, max_attempts, dedupe_key,
                                  status, claimed_by, fencing_token, last_error, result, created_at, created_by, finished_at)
  select t.tenant_id, t.task_id, t.queue, t.subject, t.payload, t.priority, t.attempts, t.max_attempts, t.dedupe_key,
         t.status, t.claimed_by, t.fencing_token, t.last_error, t.result, t.created_at, t.created_by, t.finished_at
    from sor_upgrade.tasks t
   where t.status in ('completed', 'dead')
   order by t.task_id;
  insert into sor.dedupe_keys (tenant_id, scope, dedupe_key, target_id, created_at)
  select t.tenant_id, 'task:' || t.queue, t.dedupe_key, t.task_id, t.created_at
    from sor_upgrade.tasks t
   where t.dedupe_key is not null;

  if (select count(*) from sor.events) <> (select count(*) from sor_upgrade.events)
     or (select count(*) from sor.outbox) <> (select count(*) from sor_upgrade.outbox)
     or (select count(*) from sor.tasks) + (select count(*) from sor.finished_tasks) <> (select count(*) from sor_upgrade.tasks) then
    raise exception 'pg-sor: V082 did not carry every row of 0.1.0 across'
      using errcode = '55000', hint = 'Nothing was changed: the run rolls back. Report it with the counts of sor_upgrade''s tables.';
  end if;
  drop schema sor_upgrade cascade;
end
$$;

-- tool-call idempotency keys of 0.1.0: scope tool_call, now tool_call:<worker kind of the run>
update sor.idempotency_keys k
   set scope = 'tool_call:' || r.worker_kind
  from sor.tool_calls c
  join sor.runs r on r.tenant_id = c.tenant_id and r.run_id = c.run_id
 where k.scope = 'tool_call'
   and c.tenant_id = k.tenant_id and c.tool_call_id = k.tool_call_id
   and r.worker_kind is not null;

reset role;

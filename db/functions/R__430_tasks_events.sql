-- The audit trail of tasks: one event per attempt, written once at its outcome, on stream
-- task-<task_id>; each carries the attempt's claim (holder, fencing token, claimed_at, attempt
-- number), so who claimed and who finished every attempt is in the event log with no event of its
-- own for the claim (a claim still held is read from its live row in sor.tasks).
--   sor.tasks, AFTER UPDATE:           task.lease_expired (a lapsed claim taken back by another
--                                      claim) and task.failed, for the claims that ended only
--   sor.finished_tasks, AFTER INSERT:  task.completed and task.dead; the tasks leave their
--                                      tenant's quota count (R__415_quotas.sql)
--   sor.finished_tasks, AFTER DELETE:  task.retried (an operator put a dead task back)
-- Queueing a task writes no event: the row records who queued it and when. The event's actor is
-- the login that ended the attempt (the holder itself, or the claimer that took a lapsed lease back).
set role sor_owner;

create or replace function sor.tg_tasks__events_update()
returns trigger
language plpgsql
volatile
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
begin
  -- only a claim that ended: a failure, or a lapsed claim taken back by another claim
  insert into sor.events (tenant_id, stream, version, type, payload, metadata, hash)
  select n.tenant_id, 'task-' || n.task_id, 0,
         case when n.status = 'claimed' then 'task.lease_expired' else 'task.' || n.status end,
         pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
           'task_id', n.task_id, 'queue', n.queue, 'subject', n.subject, 'from', o.status, 'to', n.status,
           'attempts', o.attempts, 'claimed_by', o.claimed_by, 'fencing_token', o.fencing_token,
           'claimed_at', o.claimed_at, 'lease_expires_at', o.lease_expires_at,
           'run_after', case when n.status = 'failed' then n.run_after end,
           'error', case when n.status = 'failed' then n.last_error end)),
         '{}'::jsonb, '\x'::bytea
    from new_rows n join old_rows o on o.tenant_id = n.tenant_id and o.task_id = n.task_id
   where o.status = 'claimed' and (n.status <> 'claimed' or n.fencing_token <> o.fencing_token)
   order by n.task_id;
  return null;
end
$$;
comment on function sor.tg_tasks__events_update() is
  'AFTER UPDATE (statement) on sor.tasks: for every claim that ended on the live queue, task.failed, or task.lease_expired when a lapsed claim was taken back, with the ended claim''s holder, fencing token, claimed_at and attempt. Claims and heartbeats write no event.';

create or replace function sor.tg_finished_tasks__events_insert()
returns trigger
language plpgsql
volatile
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
begin
  insert into sor.events (tenant_id, stream, version, type, payload, metadata, hash)
  select n.tenant_id, 'task-' || n.task_id, 0, 'task.' || n.status,
         pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
           'task_id', n.task_id, 'queue', n.queue, 'subject', n.subject, 'attempts', n.attempts,
           'claimed_by', n.claimed_by, 'fencing_token', n.fencing_token, 'claimed_at', n.claimed_at,
           'error', case when n.status = 'dead' then n.last_error end)),
         '{}'::jsonb, '\x'::bytea
    from new_rows n
   order by n.task_id;
  -- a finished task left the live queue: it no longer counts against its tenant's quota
  perform sor.quota_count('tasks', pg_catalog.array_agg(c.tenant_id), pg_catalog.array_agg(-c.n))
     from (select n.tenant_id, count(*) as n from new_rows n group by n.tenant_id) c;
  return null;
end
$$;
comment on function sor.tg_finished_tasks__events_insert() is
  'AFTER INSERT (statement) on sor.finished_tasks: task.completed or task.dead for every task that ended, with the last claim''s holder, fencing token, claimed_at and attempt; the ended tasks no longer count against their tenant''s quota (sor.quota_count).';

create or replace function sor.tg_finished_tasks__events_delete()
returns trigger
language plpgsql
volatile
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
begin
  insert into sor.events (tenant_id, stream, version, type, payload, metadata, hash)
  select o.tenant_id, 'task-' || o.task_id, 0, 'task.retried',
         pg_catalog.jsonb_build_object('task_id', o.task_id, 'queue', o.queue, 'from', o.status, 'to', 'ready'),
         '{}'::jsonb, '\x'::bytea
    from old_rows o
   order by o.task_id;
  return null;
end
$$;
comment on function sor.tg_finished_tasks__events_delete() is
  'AFTER DELETE (statement) on sor.finished_tasks: task.retried for every dead task an operator put back in its queue.';

drop function if exists sor.tg_tasks__events_insert();

select sor_guard.classify('function', 'sor.tg_tasks__events_update()', 'audit');
select sor_guard.classify('function', 'sor.tg_finished_tasks__events_insert()', 'audit');
select sor_guard.classify('function', 'sor.tg_finished_tasks__events_delete()', 'audit');

reset role;

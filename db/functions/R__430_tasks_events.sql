-- The audit trail of tasks: one event per attempt, written once at its outcome, on stream
-- task-<task_id>; each carries the attempt's claim (holder, fencing token, claimed_at, attempt
-- number), so who claimed and who finished every attempt is in the event log with no event of its
-- own for the claim (a claim still held is read from its live row in sor.tasks).
--   sor.tasks, AFTER UPDATE (row, only when a claim ends): task.lease_expired (a lapsed claim taken
--                                      back by another claim) and task.failed
--   sor.finished_tasks, AFTER INSERT:  task.completed and task.dead
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
  -- the trigger's WHEN clause passes only the end of a claim: a failure, or a lapsed claim taken back
  insert into sor.events (tenant_id, stream, version, type, payload, metadata, hash)
  values (new.tenant_id, 'task-' || new.task_id, 0,
          case when new.status = 'claimed' then 'task.lease_expired' else 'task.' || new.status end,
          pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
            'task_id', new.task_id, 'queue', new.queue, 'subject', new.subject, 'from', old.status, 'to', new.status,
            'attempts', old.attempts, 'claimed_by', old.claimed_by, 'fencing_token', old.fencing_token,
            'claimed_at', old.claimed_at, 'lease_expires_at', old.lease_expires_at,
            'run_after', case when new.status = 'failed' then new.run_after end,
            'error', case when new.status = 'failed' then new.last_error end)),
          '{}'::jsonb, '\x'::bytea);
  return null;
end
$$;
comment on function sor.tg_tasks__events_update() is
  'AFTER UPDATE (row, WHEN a claim ends) on sor.tasks: task.failed, or task.lease_expired when a lapsed claim was taken back, with the ended claim''s holder, fencing token, claimed_at and attempt. Claims and heartbeats write no event.';

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
  return null;
end
$$;
comment on function sor.tg_finished_tasks__events_insert() is
  'AFTER INSERT (statement) on sor.finished_tasks: task.completed or task.dead for every task that ended, with the last claim''s holder, fencing token, claimed_at and attempt.';

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

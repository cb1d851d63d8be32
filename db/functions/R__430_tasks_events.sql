-- The audit trail of tasks, written by statement-level triggers from the transition tables: one
-- INSERT into sor.events per statement, one event per claim and per end, on stream task-<task_id>.
--   sor.tasks, AFTER UPDATE:           task.claimed (preceded by task.lease_expired when a lapsed
--                                      lease was taken back) and task.failed
--   sor.finished_tasks, AFTER INSERT:  task.completed and task.dead
--   sor.finished_tasks, AFTER DELETE:  task.retried (an operator put a dead task back)
-- Queueing a task writes no event: who claimed it, and how it ended, are what an auditor reads.
set role sor_owner;

create or replace function sor.tg_tasks__events_update()
returns trigger
language plpgsql
volatile
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
begin
  -- the statement's events go through the set-based append path in one call, in order
  perform 1
    from (select pg_catalog.array_agg(e.tenant_id order by e.ord) as tenant_ids, pg_catalog.array_agg(e.stream order by e.ord) as streams,
                 pg_catalog.array_agg(e.type order by e.ord) as types, pg_catalog.array_agg(e.payload order by e.ord) as payloads,
                 pg_catalog.array_agg('{}'::jsonb order by e.ord) as metadatas
            from (
            select c.tenant_id, 'task-' || c.task_id as stream, c.type, c.payload as payload, (pg_catalog.row_number() over (order by c.task_id, c.seq)) as ord
              from (
                select n.task_id, n.tenant_id, 1 as seq, 'task.lease_expired' as type,
                       pg_catalog.jsonb_build_object('task_id', n.task_id, 'queue', n.queue, 'claimed_by', o.claimed_by,
                                                     'fencing_token', o.fencing_token, 'lease_expires_at', o.lease_expires_at,
                                                     'attempts', o.attempts) as payload
                  from new_rows n join old_rows o on o.tenant_id = n.tenant_id and o.task_id = n.task_id
                 where o.status = 'claimed' and n.status = 'claimed' and o.fencing_token <> n.fencing_token
                union all
                select n.task_id, n.tenant_id, 2,
                       case n.status when 'claimed' then 'task.claimed' when 'failed' then 'task.failed' else 'task.' || n.status end,
                       pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
                         'task_id', n.task_id, 'queue', n.queue, 'subject', n.subject, 'from', o.status, 'to', n.status,
                         'attempts', n.attempts, 'fencing_token', coalesce(n.fencing_token, o.fencing_token),
                         'lease_expires_at', n.lease_expires_at,
                         'run_after', case when n.status = 'failed' then n.run_after end,
                         'error', case when n.status = 'failed' then n.last_error end))
                  from new_rows n join old_rows o on o.tenant_id = n.tenant_id and o.task_id = n.task_id
                 where o.status is distinct from n.status or o.fencing_token is distinct from n.fencing_token
              ) c
            ) e
          having pg_catalog.count(*) > 0) x
   cross join lateral sor.append_event_rows(x.tenant_ids, x.streams, x.types, x.payloads, x.metadatas) a;
  return null;
end
$$;
comment on function sor.tg_tasks__events_update() is
  'AFTER UPDATE (statement) on sor.tasks: task.claimed for every claim (preceded by task.lease_expired when a lapsed claim was taken back) and task.failed; who claimed is the event''s actor. Heartbeats change no status and write no event.';

create or replace function sor.tg_finished_tasks__events_insert()
returns trigger
language plpgsql
volatile
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
begin
  -- the statement's events go through the set-based append path in one call, in order
  perform 1
    from (select pg_catalog.array_agg(e.tenant_id order by e.ord) as tenant_ids, pg_catalog.array_agg(e.stream order by e.ord) as streams,
                 pg_catalog.array_agg(e.type order by e.ord) as types, pg_catalog.array_agg(e.payload order by e.ord) as payloads,
                 pg_catalog.array_agg('{}'::jsonb order by e.ord) as metadatas
            from (
            select n.tenant_id, 'task-' || n.task_id as stream, 'task.' || n.status as type,
                   pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
                     'task_id', n.task_id, 'queue', n.queue, 'subject', n.subject, 'attempts', n.attempts,
                     'claimed_by', n.claimed_by, 'fencing_token', n.fencing_token,
                     'error', case when n.status = 'dead' then n.last_error end)) as payload,
                   (pg_catalog.row_number() over (order by n.task_id)) as ord
              from new_rows n
            ) e
          having pg_catalog.count(*) > 0) x
   cross join lateral sor.append_event_rows(x.tenant_ids, x.streams, x.types, x.payloads, x.metadatas) a;
  return null;
end
$$;
comment on function sor.tg_finished_tasks__events_insert() is
  'AFTER INSERT (statement) on sor.finished_tasks: task.completed or task.dead for every task that ended.';

create or replace function sor.tg_finished_tasks__events_delete()
returns trigger
language plpgsql
volatile
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
begin
  -- the statement's events go through the set-based append path in one call, in order
  perform 1
    from (select pg_catalog.array_agg(e.tenant_id order by e.ord) as tenant_ids, pg_catalog.array_agg(e.stream order by e.ord) as streams,
                 pg_catalog.array_agg(e.type order by e.ord) as types, pg_catalog.array_agg(e.payload order by e.ord) as payloads,
                 pg_catalog.array_agg('{}'::jsonb order by e.ord) as metadatas
            from (
            select o.tenant_id, 'task-' || o.task_id as stream, 'task.retried' as type,
                   pg_catalog.jsonb_build_object('task_id', o.task_id, 'queue', o.queue, 'from', o.status, 'to', 'ready') as payload,
                   (pg_catalog.row_number() over (order by o.task_id)) as ord
              from old_rows o
            ) e
          having pg_catalog.count(*) > 0) x
   cross join lateral sor.append_event_rows(x.tenant_ids, x.streams, x.types, x.payloads, x.metadatas) a;
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

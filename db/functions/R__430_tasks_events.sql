-- The audit trail of tasks: one event per attempt, written once at its outcome, on stream
-- task-<task_id>; each carries the attempt's claim (holder, fencing token, claimed_at, attempt
-- number), so who claimed and who finished every attempt is in the event log with no event of its
-- own for the claim (a claim still held is read from its live row in sor.tasks).
--   sor.tasks, AFTER UPDATE:           task.lease_expired (a lapsed claim taken back by another
--                                      claim) and task.failed, for the claims that ended only
--   sor.finished_tasks, AFTER INSERT:  task.completed and task.dead; the tasks leave their
--                                      tenant's quota count (R__415_quotas.sql). A queue whose
--                                      completion_record is 'row' (V109) writes no task.completed:
--                                      the finished row is that completion's one record
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
  -- a claim (ready or failed rows made claimed) ends no claim: nothing to record, and the query
  -- below would cost the claim as much again
  if not exists (select 1 from old_rows o where o.status = 'claimed') then
    return null;
  end if;
  -- the statement's events go through the set-based append path in one call, in order; each
  -- stream (task-<id>) is written under the lock of its task's row this statement holds, so it
  -- is serialized: a new stream's head is made at its final link
  perform 1
    from (select pg_catalog.array_agg(e.tenant_id order by e.ord) as tenant_ids, pg_catalog.array_agg(e.stream order by e.ord) as streams,
                 pg_catalog.array_agg(e.type order by e.ord) as types, pg_catalog.array_agg(e.payload order by e.ord) as payloads,
                 pg_catalog.array_agg('{}'::jsonb order by e.ord) as metadatas
            from (
            -- only a claim that ended: a failure, or a lapsed claim taken back by another claim
            select n.tenant_id, 'task-' || n.task_id as stream,
                   case when n.status = 'claimed' then 'task.lease_expired' else 'task.' || n.status end as type,
                   pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
                     'task_id', n.task_id, 'queue', n.queue, 'subject', n.subject, 'from', o.status, 'to', n.status,
                     'attempts', o.attempts, 'claimed_by', o.claimed_by, 'fencing_token', o.fencing_token,
                     'claimed_at', o.claimed_at, 'lease_expires_at', o.lease_expires_at,
                     'run_after', case when n.status = 'failed' then n.run_after end,
                     'error', case when n.status = 'failed' then n.last_error end)) as payload,
                   (pg_catalog.row_number() over (order by n.task_id)) as ord
              from new_rows n join old_rows o on o.tenant_id = n.tenant_id and o.task_id = n.task_id
             where o.status = 'claimed' and (n.status <> 'claimed' or n.fencing_token <> o.fencing_token)
            ) e
          having pg_catalog.count(*) > 0) x
   cross join lateral sor.append_event_rows(x.tenant_ids, x.streams, x.types, x.payloads, x.metadatas, null, true) a;
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
declare
  _tenant_ids text[];
  _streams text[];
  _types text[];
  _payloads jsonb[];
  _metadatas jsonb[];
begin
  -- the statement's events, in order, gathered by one query; a statement that writes none (the
  -- completions of a queue whose record is 'row') stops there and runs no append
  select pg_catalog.array_agg(e.tenant_id order by e.ord), pg_catalog.array_agg(e.stream order by e.ord),
         pg_catalog.array_agg(e.type order by e.ord), pg_catalog.array_agg(e.payload order by e.ord),
         pg_catalog.array_agg('{}'::jsonb order by e.ord)
    into _tenant_ids, _streams, _types, _payloads, _metadatas
    from (
    select n.tenant_id, 'task-' || n.task_id as stream, 'task.' || n.status as type,
           pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
             'task_id', n.task_id, 'queue', n.queue, 'subject', n.subject, 'attempts', n.attempts,
             'claimed_by', n.claimed_by, 'fencing_token', n.fencing_token, 'claimed_at', n.claimed_at,
             'error', case when n.status = 'dead' then n.last_error end)) as payload,
           (pg_catalog.row_number() over (order by n.task_id)) as ord
      from new_rows n
     -- a completion of a queue that records its completions by the finished row alone
     -- (completion_record 'row', V109) writes no event: its row says so (completion_event
     -- false, set by the statement that moved it). The mark is honoured only there: a dead
     -- task, or a row marked so on a queue that records events (written by hand, or
     -- completed as the queue was switched back), still gets its event
     where n.completion_event or n.status <> 'completed' or n.queue <> all ((select sor.queues_recording_rows())::text[])
    ) e;
  -- each stream (task-<id>) is written under the lock of its task's row this statement holds, so
  -- it is serialized: a new stream's head is made at its final link; one call of the set-based
  -- append path for the whole statement
  if _tenant_ids is not null then
    perform 1 from sor.append_event_rows(_tenant_ids, _streams, _types, _payloads, _metadatas, null, true);
  end if;
  -- a finished task left the live queue: it no longer counts against its tenant's quota
  perform sor.quota_count('tasks', pg_catalog.array_agg(c.tenant_id), pg_catalog.array_agg(-c.n))
     from (select n.tenant_id, count(*) as n from new_rows n group by n.tenant_id) c;
  return null;
end
$$;
comment on function sor.tg_finished_tasks__events_insert() is
  'AFTER INSERT (statement) on sor.finished_tasks: task.completed or task.dead for every task that ended, with the last claim''s holder, fencing token, claimed_at and attempt; no task.completed for a completion marked completion_event false on a queue whose completion_record is row (its finished row is the record). The ended tasks no longer count against their tenant''s quota (sor.quota_count).';

create or replace function sor.tg_finished_tasks__events_delete()
returns trigger
language plpgsql
volatile
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
begin
  -- the statement's events go through the set-based append path in one call, in order; each
  -- stream (task-<id>) is written under the lock of its task's row this statement holds, so it
  -- is serialized: a new stream's head is made at its final link
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
   cross join lateral sor.append_event_rows(x.tenant_ids, x.streams, x.types, x.payloads, x.metadatas, null, true) a;
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

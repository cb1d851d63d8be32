-- Status-change events of sor.tasks, written by statement-level triggers from the transition
-- tables: one INSERT into sor.events per statement, one event per changed task (two when a lapsed
-- lease is taken back: task.lease_expired, then task.claimed). Stream: task-<task_id>.
set role sor_owner;

create or replace function sor.tg_tasks__events_insert()
returns trigger
language plpgsql
volatile
set search_path = pg_catalog, sor, pg_temp
as $$
begin
  insert into sor.events (tenant_id, stream, version, type, payload, metadata, hash)
  select n.tenant_id, 'task-' || n.task_id, 0, 'task.enqueued',
         pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
           'task_id', n.task_id, 'queue', n.queue, 'subject', n.subject, 'status', n.status,
           'priority', n.priority, 'run_after', n.run_after, 'max_attempts', n.max_attempts,
           'dedupe_key', n.dedupe_key)),
         '{}'::jsonb, '\x'::bytea
    from new_rows n
   order by n.task_id;
  return null;
end
$$;
comment on function sor.tg_tasks__events_insert() is
  'AFTER INSERT (statement) on sor.tasks: appends task.enqueued to stream task-<id> for every inserted task.';

create or replace function sor.tg_tasks__events_update()
returns trigger
language plpgsql
volatile
set search_path = pg_catalog, sor, pg_temp
as $$
begin
  insert into sor.events (tenant_id, stream, version, type, payload, metadata, hash)
  select c.tenant_id, 'task-' || c.task_id, 0, c.type, c.payload, '{}'::jsonb, '\x'::bytea
    from (
      select n.task_id, n.tenant_id, 1 as seq, 'task.lease_expired' as type,
             pg_catalog.jsonb_build_object('task_id', n.task_id, 'queue', n.queue, 'claimed_by', o.claimed_by,
                                           'fencing_token', o.fencing_token, 'lease_expires_at', o.lease_expires_at,
                                           'attempts', o.attempts) as payload
        from new_rows n join old_rows o on o.tenant_id = n.tenant_id and o.task_id = n.task_id
       where o.status = 'claimed' and n.status = 'claimed' and o.fencing_token <> n.fencing_token
      union all
      select n.task_id, n.tenant_id, 2,
             case n.status when 'claimed' then 'task.claimed' when 'completed' then 'task.completed'
                           when 'failed' then 'task.failed' when 'dead' then 'task.dead'
                           when 'ready' then 'task.retried' else 'task.' || n.status end,
             pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
               'task_id', n.task_id, 'queue', n.queue, 'from', o.status, 'to', n.status, 'attempts', n.attempts,
               'claimed_by', coalesce(n.claimed_by, o.claimed_by),
               'fencing_token', coalesce(n.fencing_token, o.fencing_token),
               'lease_expires_at', n.lease_expires_at,
               'run_after', case when n.status = 'failed' then n.run_after end,
               'error', case when n.status in ('failed', 'dead') then n.last_error end))
        from new_rows n join old_rows o on o.tenant_id = n.tenant_id and o.task_id = n.task_id
       where o.status is distinct from n.status or o.fencing_token is distinct from n.fencing_token
    ) c
   order by c.task_id, c.seq;
  return null;
end
$$;
comment on function sor.tg_tasks__events_update() is
  'AFTER UPDATE (statement) on sor.tasks: one event per status change (task.claimed, task.completed, task.failed, task.dead, task.retried), preceded by task.lease_expired when a lapsed claim was taken back. Heartbeats change no status and write no event.';

reset role;

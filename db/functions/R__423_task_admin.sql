-- Operator functions (sor_admin) for dead tasks: list them (sor.finished_tasks), and put one back
-- in its live queue with a fresh attempt budget.
set role sor_owner;

create or replace function sor_api.dead_tasks(queue text default null, max_rows integer default 100)
returns table (tenant_id text, task_id bigint, queue text, subject text, attempts integer,
               max_attempts integer, last_error text, finished_at timestamptz)
language sql
stable
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
  select f.tenant_id, f.task_id, f.queue, f.subject, f.attempts, f.max_attempts, f.last_error, f.finished_at
    from sor.finished_tasks f
   where f.status = 'dead' and (dead_tasks.queue is null or f.queue = dead_tasks.queue)
   order by f.finished_at, f.task_id
   limit least(greatest(coalesce(dead_tasks.max_rows, 100), 0), 10000)
$$;
comment on function sor_api.dead_tasks(text, integer) is
  'Dead tasks (attempts exhausted), oldest first, optionally of one queue; at most max_rows (capped at 10000).';

create or replace function sor_api.retry_task(task_id bigint)
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
declare
  _queue text;
  _tenant text;
begin
  with gone as (
    delete from sor.finished_tasks f
     where f.task_id = retry_task.task_id and f.status = 'dead'
    returning f.*
  )
  insert into sor.tasks as t (tenant_id, task_id, queue, subject, payload, priority, run_after, attempts, max_attempts,
                         dedupe_key, status, last_error, created_at, created_by)
  overriding system value
  select g.tenant_id, g.task_id, g.queue, g.subject, g.payload, g.priority, sor.lease_clock(), 0, g.max_attempts,
         g.dedupe_key, 'ready', g.last_error, g.created_at, g.created_by
    from gone g
  returning t.queue, t.tenant_id into _queue, _tenant;
  if not found then
    if exists (select 1 from sor.tasks t where t.task_id = retry_task.task_id)
       or exists (select 1 from sor.finished_tasks f where f.task_id = retry_task.task_id) then
      raise exception 'task % is not dead', retry_task.task_id
        using errcode = 'SR058', hint = 'Only dead tasks are retried by an operator; see sor_api.dead_tasks().';
    end if;
    raise exception 'unknown task %', coalesce(retry_task.task_id::text, 'NULL')
      using errcode = 'SR055', hint = 'Pass a task_id from sor_api.dead_tasks().';
  end if;
  perform sor.wake_tasks(_queue, array[_tenant]);  -- queued again: the tenant's listeners of the queue
end
$$;
comment on function sor_api.retry_task(bigint) is
  'Puts a dead task back in its live queue with a fresh attempt budget (its last_error is kept); the task.retried event records it and the queue''s listeners are woken. SR055 unknown task, SR058 not dead.';

reset role;

-- Operator functions (sor_admin) for dead tasks: list them, and put one back in its queue.
set role sor_owner;

create or replace function sor_api.dead_tasks(queue text default null, max_rows integer default 100)
returns table (tenant_id text, task_id bigint, queue text, subject text, attempts integer,
               max_attempts integer, last_error text, finished_at timestamptz)
language sql
stable
security definer
set search_path = pg_catalog, sor, pg_temp
as $$
  select t.tenant_id, t.task_id, t.queue, t.subject, t.attempts, t.max_attempts, t.last_error, t.finished_at
    from sor.tasks t
   where t.status = 'dead' and (dead_tasks.queue is null or t.queue = dead_tasks.queue)
   order by t.finished_at, t.task_id
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
as $$
begin
  update sor.tasks t
     set status = 'ready', attempts = 0, run_after = now(), finished_at = null
   where t.task_id = retry_task.task_id and t.status = 'dead';
  if not found then
    if exists (select 1 from sor.tasks t where t.task_id = retry_task.task_id) then
      raise exception 'task % is not dead', retry_task.task_id
        using errcode = 'SR058', hint = 'Only dead tasks are retried by an operator; see sor_api.dead_tasks().';
    end if;
    raise exception 'unknown task %', coalesce(retry_task.task_id::text, 'NULL')
      using errcode = 'SR055', hint = 'Pass a task_id from sor_api.dead_tasks().';
  end if;
end
$$;
comment on function sor_api.retry_task(bigint) is
  'Puts a dead task back in its queue with a fresh attempt budget (its last_error is kept). SR055 unknown task, SR058 not dead.';

reset role;

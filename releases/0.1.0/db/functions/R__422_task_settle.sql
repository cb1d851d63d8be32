-- The claimer's calls on a claimed task: heartbeat_task, complete_task, fail_task. Each is one
-- UPDATE guarded by the fencing token; sor.refuse_task_call explains a refusal.
set role sor_owner;

create or replace function sor.refuse_task_call(task_id bigint, fencing_token bigint, action text)
returns void
language plpgsql
stable
set search_path = pg_catalog, sor, pg_temp
as $$
declare
  _task sor.tasks;
begin
  select t.* into _task
    from sor.tasks t
   where t.task_id = refuse_task_call.task_id
     and t.tenant_id in (select m.tenant_id from sor.tenant_members m where m.role_name = session_user);
  if not found then
    raise exception 'unknown task % (%)', coalesce(refuse_task_call.task_id::text, 'NULL'), refuse_task_call.action
      using errcode = 'SR055', hint = 'Pass the task_id claim_tasks returned; a Worker sees only tasks of its tenants.';
  end if;
  if refuse_task_call.fencing_token is null or _task.status <> 'claimed'
     or _task.fencing_token <> refuse_task_call.fencing_token or _task.claimed_by <> session_user then
    raise exception 'stale fencing token % for task % (%: status %)', coalesce(refuse_task_call.fencing_token::text, 'NULL'),
          _task.task_id, refuse_task_call.action, _task.status
      using errcode = 'SR056', hint = 'The task was taken back or finished: drop the work, do not write its results. Claim again.';
  end if;
  raise exception 'lease of task % lapsed at % (%)', _task.task_id, _task.lease_expires_at, refuse_task_call.action
    using errcode = 'SR057', hint = 'Heartbeat more often than the lease length; the task will be taken back by the next claim.';
end
$$;
comment on function sor.refuse_task_call(bigint, bigint, text) is
  'Raises the reason a heartbeat, complete or fail call on a task was refused: SR055 unknown task, SR056 stale or NULL fencing token, SR057 lease lapsed.';

create or replace function sor_api.heartbeat_task(task_id bigint, fencing_token bigint)
returns timestamptz
language plpgsql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
as $$
declare
  _expires timestamptz;
begin
  update sor.tasks t
     set lease_expires_at = now() + t.lease
   where t.task_id = heartbeat_task.task_id and t.status = 'claimed'
     and t.fencing_token = heartbeat_task.fencing_token and t.claimed_by = session_user
     and t.lease_expires_at > now()
     and t.tenant_id in (select m.tenant_id from sor.tenant_members m where m.role_name = session_user)
  returning t.lease_expires_at into _expires;
  if _expires is null then
    perform sor.refuse_task_call(heartbeat_task.task_id, heartbeat_task.fencing_token, 'heartbeat');
  end if;
  return _expires;
end
$$;
comment on function sor_api.heartbeat_task(bigint, bigint) is
  'Extends the lease of a claimed task by its lease length, from now (database clock); returns the new expiry. SR055 unknown task, SR056 stale token, SR057 lease already lapsed.';

create or replace function sor_api.complete_task(task_id bigint, fencing_token bigint, result jsonb default '{}'::jsonb)
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
as $$
begin
  if jsonb_typeof(coalesce(complete_task.result, 'null'::jsonb)) <> 'object' then
    raise exception 'result of task % must be a JSON object', coalesce(complete_task.task_id::text, 'NULL')
      using errcode = 'SR054', hint = 'Wrap scalars and arrays in an object, e.g. {"value": 42}.';
  end if;
  update sor.tasks t
     set status = 'completed', result = complete_task.result, finished_at = now(),
         claimed_by = null, fencing_token = null, lease = null, lease_expires_at = null
   where t.task_id = complete_task.task_id and t.status = 'claimed'
     and t.fencing_token = complete_task.fencing_token and t.claimed_by = session_user
     and t.lease_expires_at > now()
     and t.tenant_id in (select m.tenant_id from sor.tenant_members m where m.role_name = session_user);
  if not found then
    perform sor.refuse_task_call(complete_task.task_id, complete_task.fencing_token, 'complete');
  end if;
end
$$;
comment on function sor_api.complete_task(bigint, bigint, jsonb) is
  'Marks a claimed task completed with its result, if the fencing token is current and the lease has not lapsed. SR054 result not an object, SR055 unknown task, SR056 stale token, SR057 lease lapsed.';

create or replace function sor_api.fail_task(task_id bigint, fencing_token bigint, error text)
returns table (status text, run_after timestamptz)
language plpgsql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
as $$
#variable_conflict use_column
begin
  if fail_task.error is null or length(fail_task.error) not between 1 and 4000 then
    raise exception 'error of task % must have 1 to 4000 characters', coalesce(fail_task.task_id::text, 'NULL')
      using errcode = 'SR054', hint = 'Describe the failure; it is kept as last_error.';
  end if;
  return query
  with failed as (
  update sor.tasks t
     set status = case when t.attempts >= t.max_attempts then 'dead' else 'failed' end,
         run_after = case when t.attempts >= t.max_attempts then t.run_after
                          else now() + sor.retry_delay(t.attempts, q.backoff_base, q.backoff_max) end,
         finished_at = case when t.attempts >= t.max_attempts then now() end,
         last_error = fail_task.error,
         claimed_by = null, fencing_token = null, lease = null, lease_expires_at = null
    from sor.queues q
   where q.queue = t.queue
     and t.task_id = fail_task.task_id and t.status = 'claimed'
     and t.fencing_token = fail_task.fencing_token and t.claimed_by = session_user
     and t.lease_expires_at > now()
     and t.tenant_id in (select m.tenant_id from sor.tenant_members m where m.role_name = session_user)
  returning t.status, t.run_after
  )
  select f.status, f.run_after from failed f;
  if not found then
    perform sor.refuse_task_call(fail_task.task_id, fail_task.fencing_token, 'fail');
  end if;
end
$$;
comment on function sor_api.fail_task(bigint, bigint, text) is
  'Records a failed attempt of a claimed task: failed with a jittered exponential backoff (run_after), or dead once attempts reach max_attempts. Returns the new status and run_after. SR054 no error text, SR055 unknown task, SR056 stale token, SR057 lease lapsed.';

reset role;

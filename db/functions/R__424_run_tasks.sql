-- Claims: the tasks of a run, by id. A Worker that works a task inside a run enqueues and claims
-- it through the run (sor_api.enqueue_task_in_run, sor_api.claim_tasks_in_run): the same rules as
-- enqueue_task and claim_tasks for the run's tenant, and a row of sor.run_tasks that names the
-- task (and the claimed attempt's fencing token), so the run's timeline and report show it.
set role sor_owner;

create or replace function sor_api.claim_tasks_in_run(run_id uuid, queue text, batch integer, lease interval)
returns table (task_id bigint, tenant_id text, subject text, payload jsonb, attempts integer,
               fencing_token bigint, lease_expires_at timestamptz)
language plpgsql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
declare
  _r sor.runs;
begin
  -- the caller's running run (SR033, SR034, SR035, SR036; SR008 no longer a member of its tenant)
  _r := sor.worker_run(claim_tasks_in_run.run_id, true);
  return query
  with c as (
    select * from sor.claim_tasks_for(claim_tasks_in_run.queue, claim_tasks_in_run.batch, claim_tasks_in_run.lease,
                                      array[_r.tenant_id])
  ), linked as (
    insert into sor.run_tasks (tenant_id, run_id, task_id, link, fencing_token)
    select c.tenant_id, _r.run_id, c.task_id, 'claimed', c.fencing_token from c
    returning 1
  )
  select c.task_id, c.tenant_id, c.subject, c.payload, c.attempts, c.fencing_token, c.lease_expires_at
    from c
   order by c.task_id;
end
$$;
comment on function sor_api.claim_tasks_in_run(uuid, text, integer, interval) is
  'Claims as sor_api.claim_tasks(queue, batch, lease, tenant) does for the run''s tenant, inside a running run of the caller, and links each claimed attempt (task id and fencing token) to the run, so its timeline and report show the task by id and how the attempt ended. SR033 NULL run, SR034 unknown or another Worker''s run, SR035 run not running, SR036 lease lapsed, SR008 no longer a member of its tenant, SR050 unknown queue, SR051 batch not in 1..1000, SR052 lease not in (0, 1 day].';

create or replace function sor_api.enqueue_task_in_run(
  run_id uuid, queue text, subject text, payload jsonb default '{}'::jsonb,
  dedupe_key text default null, priority integer default 0, delay interval default null,
  max_attempts integer default null
) returns bigint
language plpgsql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
declare
  _r sor.runs;
  _task bigint;
begin
  _r := sor.worker_run(enqueue_task_in_run.run_id, true);
  _task := sor_api.enqueue_task(_r.tenant_id, enqueue_task_in_run.queue, enqueue_task_in_run.subject,
                                enqueue_task_in_run.payload, enqueue_task_in_run.dedupe_key, enqueue_task_in_run.priority,
                                enqueue_task_in_run.delay, enqueue_task_in_run.max_attempts);
  -- a dedupe key that returned an existing task links it once
  insert into sor.run_tasks (tenant_id, run_id, task_id, link)
  values (_r.tenant_id, _r.run_id, _task, 'enqueued')
  on conflict on constraint run_tasks_pkey do nothing;
  return _task;
end
$$;
comment on function sor_api.enqueue_task_in_run(uuid, text, text, jsonb, text, integer, interval, integer) is
  'Queues a task as sor_api.enqueue_task does, for the run''s tenant, inside a running run of the caller, and links it to the run (a dedupe key that returns an existing task links that task). SR033, SR034, SR035, SR036, SR008 as claim_tasks_in_run; the errors of enqueue_task.';

reset role;

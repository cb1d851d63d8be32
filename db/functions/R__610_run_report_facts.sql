-- Forensics: sor_api.run_report_facts(run_id), every fact of a run's report as one jsonb object,
-- read from rows only (runs, tool_calls, turns, steps, blocks, events, tasks' events, outbox).
-- Nothing is re-run and nothing is written: a running run whose lease lapsed is reported as
-- abandoned (abandoned_marked_at stays NULL until a reader or sweep_abandoned_runs() marks it).
--
-- A run that enqueued or claimed its tasks through itself (enqueue_task_in_run, claim_tasks_in_run)
-- names them in sor.run_tasks: its tasks are those, by id. Otherwise tasks carry no run id, and a
-- Worker usually claims a batch first and starts the run for it after. The rule then: a task counts for a run when the run's Worker role (the holder named by the kit's
-- outcome event of the attempt or by its finished row, or by the live task while it is held; before 0.4.0 the actor of
-- the task.claimed event; the task. types are reserved for the kit) held a claim on it, in
-- the run's tenant, while the run was open: the claim was made at or before the end of the run's
-- window and ended (task.completed, task.failed, task.dead, or task.lease_expired at the lapsed
-- lease) at or after its start, or has not ended. The window is [started_at, finished_at]
-- (finished_at is the lapsed lease for an abandoned run; now() for a running one). claimed counts
-- those tasks, claimed_before_start the ones whose claim came before start_run, completed the ones
-- the Worker completed within the window. A Worker role running two runs of a tenant at once shares
-- its claims between both windows; one run per Worker role at a time makes the count exact.
set role sor_owner;

create or replace function sor_api.run_report_facts(run_id uuid)
returns jsonb
language plpgsql
stable
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
declare
  _r sor.runs := sor.forensic_run(run_report_facts.run_id);
  _now timestamptz := pg_catalog.now();
  _lapsed boolean;
  _status text;
  _until timestamptz;
  _calls jsonb;
  _failure jsonb;
  _lease jsonb;
  _outbox jsonb;
  _tasks jsonb;
  _counts jsonb;
begin
  _lapsed := _r.status = 'running' and sor.lease_lapsed(_r.lease_expires_at);
  _status := case when _lapsed then 'abandoned' else _r.status end;
  _until := case when _r.status = 'running' and not _lapsed then _now
                 when _lapsed then _r.lease_expires_at
                 else _r.finished_at end;

  select jsonb_build_object(
           'total', count(*),
           'succeeded', count(*) filter (where t.status = 'succeeded'),
           'failed', count(*) filter (where t.status = 'failed'),
           'unfinished', count(*) filter (where t.status = 'started'))
    into _calls
    from sor.tool_calls t
   where t.tenant_id = _r.tenant_id and t.run_id = _r.run_id;

  if _status in ('failed', 'abandoned') then
    select jsonb_build_object(
             'source', 'tool_call', 'tool_call_id', t.tool_call_id, 'tool_name', t.tool_name,
             'tool_status', case when t.status = 'started' then 'unfinished' else t.status end,
             'args', t.args, 'args_sha256', encode(t.args_sha256, 'hex'), 'error', t.error,
             'started_at', t.started_at, 'finished_at', t.finished_at)
      into _failure
      from sor.tool_calls t
     where t.tenant_id = _r.tenant_id and t.run_id = _r.run_id and t.status in ('started', 'failed')
     order by (t.status = 'started') desc, t.started_at desc, t.tool_call_id
     limit 1;
    if _failure is null and _status = 'failed' then
      _failure := jsonb_build_object('source', 'run_error', 'error', _r.error,
                                     'error_sha256', encode(_r.error_sha256, 'hex'));
    end if;
  end if;

  _lease := jsonb_build_object(
    'lease_seconds', _r.lease_seconds,
    'lease_expires_at', _r.lease_expires_at,
    'last_heartbeat_at', _r.heartbeat_at,
    'heartbeated', _r.heartbeat_at is not null,
    'outcome', case when _status = 'running' then 'held'
                    when _status = 'abandoned' then 'lapsed'
                    else 'released' end,
    'lapsed_at', case when _status = 'abandoned' then _r.lease_expires_at end,
    'abandoned_marked_at', (select e.occurred_at from sor.events e
                             where e.tenant_id = _r.tenant_id and e.stream = 'run-' || _r.run_id::text
                               and e.type = 'run_abandoned'
                             order by e.version limit 1));

  select coalesce(jsonb_agg(jsonb_build_object(
           'outbox_id', o.outbox_id, 'topic', o.topic, 'step_id', o.step_id, 'status', o.status,
           'to', o.payload ->> 'to', 'dedupe_key', o.dedupe_key, 'queued_at', o.created_at, 'dispatched_at', o.dispatched_at,
           'provider_ref', o.provider_ref, 'attempts', o.attempts) order by o.outbox_id), '[]'::jsonb)
    into _outbox
    from sor.outbox o
   where o.tenant_id = _r.tenant_id and o.run_id = _r.run_id;

  if exists (select 1 from sor.run_tasks l where l.tenant_id = _r.tenant_id and l.run_id = _r.run_id) then
    -- the run names its tasks (enqueue_task_in_run, claim_tasks_in_run): by id, not by a window
    with l as (
      select l.* from sor.run_tasks l where l.tenant_id = _r.tenant_id and l.run_id = _r.run_id
    ), claimed as (
      select distinct l.task_id from l where l.link = 'claimed'
    ), completed as (
      select l.task_id
        from l
        join sor.events e on e.tenant_id = l.tenant_id and e.stream = 'task-' || l.task_id
       where l.link = 'claimed' and e.type = 'task.completed'
         and (e.payload ->> 'fencing_token')::bigint = l.fencing_token
      union
      -- a completion of a queue that records it by the finished row alone (completion_record row)
      select l.task_id
        from l
        join sor.finished_tasks f on f.tenant_id = l.tenant_id and f.task_id = l.task_id
       where l.link = 'claimed' and f.status = 'completed' and f.fencing_token = l.fencing_token
    )
    select jsonb_build_object(
             'rule', 'tasks linked to the run by id: enqueued with enqueue_task_in_run, attempts claimed with claim_tasks_in_run; completed: an attempt claimed in the run whose outcome event (same fencing token) is task.completed, or whose finished row (same fencing token) is completed',
             'claimed', (select count(*) from claimed),
             'claimed_before_start', 0,
             'completed', (select count(*) from completed),
             'claimed_task_ids', coalesce((select jsonb_agg(c.task_id order by c.task_id) from claimed c), '[]'::jsonb),
             'completed_task_ids', coalesce((select jsonb_agg(c.task_id order by c.task_id) from completed c), '[]'::jsonb),
             'enqueued_task_ids', coalesce((select jsonb_agg(distinct l.task_id) from l where l.link = 'enqueued'), '[]'::jsonb))
      into _tasks;
  else
    with claims as (
      -- an attempt that ended: its outcome event names the claim (holder, claimed_at); the task.
      -- types are reserved for the kit, so only the kit's triggers write these payloads
      select (e.payload ->> 'task_id') as task_id, (e.payload ->> 'claimed_at')::timestamptz as claimed_at,
             case when e.type = 'task.lease_expired'
                  then coalesce((e.payload ->> 'lease_expires_at')::timestamptz, e.occurred_at)
                  else e.occurred_at end as ended_at
        from sor.events e
       where e.tenant_id = _r.tenant_id
         and e.type in ('task.completed', 'task.failed', 'task.dead', 'task.lease_expired')
         and e.stream like 'task-%'
         and e.payload ->> 'claimed_by' = _r.worker_role
         and e.payload ? 'claimed_at'
         and (e.payload ->> 'claimed_at')::timestamptz <= _until
      union all
      -- a completion recorded by its finished row alone (a queue whose completion_record is row);
      -- one also recorded by its event is counted once (held groups by task)
      select f.task_id::text, f.claimed_at, f.finished_at
        from sor.finished_tasks f
       where f.tenant_id = _r.tenant_id and f.status = 'completed' and f.claimed_by = _r.worker_role
         and f.claimed_at <= _until and f.finished_at >= _r.started_at
      union all
      -- a claim held now
      select t.task_id::text, t.claimed_at, null::timestamptz
        from sor.tasks t
       where t.tenant_id = _r.tenant_id and t.status = 'claimed' and t.claimed_by = _r.worker_role
         and t.claimed_at <= _until
      union all
      -- a claim made before 0.4.0, recorded by its own task.claimed event
      select (c.payload ->> 'task_id'), c.occurred_at,
             (select case when e.type = 'task.lease_expired'
                          then coalesce((e.payload ->> 'lease_expires_at')::timestamptz, e.occurred_at)
                          else e.occurred_at end
                from sor.events e
               where e.tenant_id = c.tenant_id and e.stream = c.stream and e.version > c.version
                 and e.type in ('task.completed', 'task.failed', 'task.dead', 'task.lease_expired')
               order by e.version
               limit 1)
        from sor.events c
       where c.tenant_id = _r.tenant_id
         and c.type = 'task.claimed'
         and c.stream like 'task-%'
         and c.actor = _r.worker_role
         and c.occurred_at <= _until
    ), held as (
      select h.task_id, bool_or(h.claimed_at < _r.started_at) as before_start
        from claims h
       where h.ended_at is null or h.ended_at >= _r.started_at
       group by h.task_id
    ), completed as (
      select e.payload ->> 'task_id' as task_id
        from sor.events e
       where e.tenant_id = _r.tenant_id
         and e.occurred_at between _r.started_at and _until
         and e.type = 'task.completed'
         and e.stream like 'task-%'
         and e.actor = _r.worker_role
      union
      -- completed by the holder, recorded by its finished row (alone, on a queue whose
      -- completion_record is row)
      select f.task_id::text
        from sor.finished_tasks f
       where f.tenant_id = _r.tenant_id
         and f.finished_at between _r.started_at and _until
         and f.status = 'completed'
         and f.claimed_by = _r.worker_role
    )
    select jsonb_build_object(
             'rule', 'tasks of the run''s tenant on which the run''s Worker role held a claim (the holder named by the attempt''s outcome event or finished row, or by the live task) while the run was open: claimed at or before its end, the claim ending (completed, failed, dead, lease lapsed) at or after its start or not yet; completed within the window',
             'claimed', (select count(*) from held),
             'claimed_before_start', (select count(*) from held where before_start),
             'completed', (select count(*) from completed),
             'claimed_task_ids', coalesce((select jsonb_agg(h.task_id::bigint order by h.task_id::bigint) from held h), '[]'::jsonb),
             'completed_task_ids', coalesce((select jsonb_agg(c.task_id::bigint order by c.task_id::bigint) from completed c), '[]'::jsonb))
      into _tasks;
  end if;

  select jsonb_build_object(
           'turns', (select count(*) from sor.turns t where t.tenant_id = _r.tenant_id and t.run_id = _r.run_id),
           'steps', (select count(*) from sor.steps s where s.tenant_id = _r.tenant_id and s.run_id = _r.run_id),
           'blocks', (select count(*) from sor.blocks b where b.tenant_id = _r.tenant_id and b.run_id = _r.run_id),
           'active_blocks', (select count(*) from sor.blocks b
                              where b.tenant_id = _r.tenant_id and b.run_id = _r.run_id and b.status = 'active'),
           'run_events', (select count(*) from sor.events e
                           where e.tenant_id = _r.tenant_id and e.stream = 'run-' || _r.run_id::text),
           'tagged_events', (select count(*) from sor.events e
                              where e.tenant_id = _r.tenant_id and e.occurred_at >= _r.started_at
                                and e.metadata ->> 'run_id' = _r.run_id::text
                                and not sor.is_reserved('stream category', e.stream)))
    into _counts;

  return jsonb_build_object(
    'run_id', _r.run_id,
    'tenant_id', _r.tenant_id,
    'workflow', _r.workflow,
    'worker_role', _r.worker_role,
    'worker_kind', _r.worker_kind,
    'status', _status,
    'recorded_status', _r.status,
    'started_at', _r.started_at,
    'finished_at', case when _lapsed then _r.lease_expires_at else _r.finished_at end,
    'version', _r.version,
    'last_step_id', _r.last_step_id,
    'hash_only', _r.hash_only,
    'error', _r.error,
    'tool_calls', _calls,
    'failure_point', _failure,
    'lease', _lease,
    'outbox', _outbox,
    'tasks', _tasks,
    'counts', _counts,
    'as_of', _now);
end
$$;
comment on function sor_api.run_report_facts(uuid) is
  'Every fact of a run''s forensic report as one jsonb object, read from rows only: identity (tenant, workflow, Worker role and kind), status and times, tool calls (succeeded / failed / unfinished), the failure point (the unfinished or failed tool call with its arguments, else the run''s error), the lease (heartbeat, lapse, when it was marked abandoned), the outbox rows it queued and their dispatch, and the tasks its Worker role held a claim on while the run was open (claimed before start_run included) and completed in the run''s window. A running run whose lease lapsed reads as abandoned. SR091 NULL run id, SR090 unknown or unreadable run.';

reset role;

set role sor_owner;
select sor_guard.classify('function', 'sor_api.run_report_facts(uuid)', 'reader');
reset role;

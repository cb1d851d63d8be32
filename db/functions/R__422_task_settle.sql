-- The claimer's calls on a claimed task: heartbeat_task, complete_task, fail_task, and their batch
-- forms complete_tasks and fail_tasks. Each is guarded by the fencing token, the lease (on the one
-- lease clock) and the caller's membership now; sor.refuse_task_call explains a refusal. A task that
-- ends (completed, or dead when its attempts are used up) leaves the live queue for
-- sor.finished_tasks in the same statement.
--
-- Each call names its tasks by id, and finds them by sor.tasks' task_id index: the status is
-- compared with (select 'claimed'::text), a value the planner does not know, so it cannot take the
-- partial index of claimed tasks instead and read every claimed task of the queue (which it did
-- for a batch, with statistics from when few tasks were claimed).
set role sor_owner;

create or replace function sor.refuse_task_call(task_id bigint, fencing_token bigint, action text)
returns void
language plpgsql
stable
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
declare
  _task sor.tasks;
begin
  select t.* into _task
    from sor.tasks t
   where t.task_id = refuse_task_call.task_id
     and sor_guard.is_member(t.tenant_id);
  if found then
    perform sor.refuse_lease_call('task', refuse_task_call.task_id, refuse_task_call.fencing_token, refuse_task_call.action,
                                  true, _task.status, _task.status = 'claimed', _task.claimed_by, _task.fencing_token,
                                  _task.lease_expires_at);
  end if;
  -- a finished task's token is stale: the task is known, its lease is over
  perform sor.refuse_lease_call('task', refuse_task_call.task_id, refuse_task_call.fencing_token, refuse_task_call.action,
                                exists (select 1 from sor.finished_tasks f
                                         where f.task_id = refuse_task_call.task_id and sor_guard.is_member(f.tenant_id)),
                                'finished', false, null, null, null);
end
$$;
comment on function sor.refuse_task_call(bigint, bigint, text) is
  'Raises the reason a heartbeat, complete or fail call on a task was refused, by sor.refuse_lease_call on the task as the caller may see it: SR055 unknown task, SR056 stale or NULL fencing token (also a finished task), SR057 lease lapsed.';

create or replace function sor_api.heartbeat_task(task_id bigint, fencing_token bigint)
returns timestamptz
language plpgsql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
set plan_cache_mode = force_generic_plan
set jit = off
as $$
declare
  _now timestamptz := sor.lease_clock();
  _expires timestamptz;
begin
  update sor.tasks t
     set lease_expires_at = _now + t.lease
   where t.task_id = heartbeat_task.task_id and t.status = (select 'claimed'::text)
     and sor.lease_held(t.claimed_by, t.fencing_token, t.lease_expires_at, heartbeat_task.fencing_token, _now)
     and sor_guard.is_member(t.tenant_id)
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
set plan_cache_mode = force_generic_plan
set jit = off
as $$
declare
  _now timestamptz := sor.lease_clock();
begin
  if jsonb_typeof(coalesce(complete_task.result, 'null'::jsonb)) <> 'object' then
    raise exception 'result of task % must be a JSON object', coalesce(complete_task.task_id::text, 'NULL')
      using errcode = 'SR054', hint = 'Wrap scalars and arrays in an object, e.g. {"value": 42}.';
  end if;
  if sor.over_cap(complete_task.result) then
    perform sor.check_size(complete_task.result, 'the result of task ' || coalesce(complete_task.task_id::text, 'NULL'));
  end if;
  with gone as (
    delete from sor.tasks t
     where t.task_id = complete_task.task_id and t.status = (select 'claimed'::text)
       and sor.lease_held(t.claimed_by, t.fencing_token, t.lease_expires_at, complete_task.fencing_token, _now)
       and sor_guard.is_member(t.tenant_id)
    returning t.*
  )
  insert into sor.finished_tasks
  select f.*
    from gone g
   cross join lateral sor.finish_task(row(g.*)::sor.tasks, 'completed', complete_task.result, null, _now,
                                      -- written as an event too unless the queue records completions as rows
                                      g.queue <> all ((select sor.queues_recording_rows())::text[])) f;
  if not found then
    -- the same completion again (a retry after a lost answer): the task finished by this caller's
    -- claim with this token and this result; nothing to do
    if exists (select 1 from sor.finished_tasks f
                where f.task_id = complete_task.task_id and f.status = 'completed'
                  and f.fencing_token = complete_task.fencing_token and f.claimed_by = session_user
                  and f.result is not distinct from complete_task.result
                  and sor_guard.is_member(f.tenant_id)) then
      return;
    end if;
    perform sor.refuse_task_call(complete_task.task_id, complete_task.fencing_token, 'complete');
  end if;
end
$$;
comment on function sor_api.complete_task(bigint, bigint, jsonb) is
  'Completes a claimed task with its result, if the fencing token is current and the lease has not lapsed: the task leaves the live queue for sor.finished_tasks. SR009 result over 1 MiB, SR054 result not an object, SR055 unknown task, SR056 stale token (or already finished otherwise), SR057 lease lapsed. The same completion again (same token, by the same Worker, same result: a retry after a lost answer) returns quietly and writes nothing.';

-- The failure an attempt recorded, for a retry after a lost answer: the attempt with this token,
-- held by the caller, ended with this error (dead: its finished row; failed: its task.failed
-- event); no row when it did not. The one lookup of fail_task and fail_tasks.
create or replace function sor.failure_recorded(task_id bigint, fencing_token bigint, error text)
returns table (status text, run_after timestamptz)
language plpgsql
stable
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
begin
  return query
  select 'dead'::text, null::timestamptz
    from sor.finished_tasks f
   where f.task_id = failure_recorded.task_id and f.status = 'dead' and f.fencing_token = failure_recorded.fencing_token
     and f.claimed_by = session_user and f.last_error = failure_recorded.error and sor_guard.is_member(f.tenant_id)
  union all
  select 'failed'::text, (e.payload ->> 'run_after')::timestamptz
    from sor.tasks t
    join sor.events e on e.tenant_id = t.tenant_id and e.stream = 'task-' || t.task_id
   where t.task_id = failure_recorded.task_id and sor_guard.is_member(t.tenant_id)
     and e.type = 'task.failed' and (e.payload ->> 'fencing_token')::bigint = failure_recorded.fencing_token
     and e.payload ->> 'claimed_by' = session_user::text and e.payload ->> 'error' = failure_recorded.error
   limit 1;
end
$$;
comment on function sor.failure_recorded(bigint, bigint, text) is
  'The status and run_after a failed attempt recorded (dead: its sor.finished_tasks row; failed: its task.failed event), when the attempt with this fencing token, held by session_user, ended with this error; no row otherwise. fail_task and fail_tasks answer a retry after a lost answer with it.';

create or replace function sor_api.fail_task(task_id bigint, fencing_token bigint, error text)
returns table (status text, run_after timestamptz)
language plpgsql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
set plan_cache_mode = force_generic_plan
set jit = off
as $$
#variable_conflict use_column
declare
  _now timestamptz := sor.lease_clock();
  _t sor.tasks;
  _retry_at timestamptz;
begin
  if not sor.is_valid('error_text', fail_task.error) then
    raise exception 'error of task % must have 1 to 4000 characters', coalesce(fail_task.task_id::text, 'NULL')
      using errcode = 'SR054', hint = 'Describe the failure; it is kept as last_error.';
  end if;
  select t.* into _t from sor.tasks t
   where t.task_id = fail_task.task_id and t.status = (select 'claimed'::text)
     and sor.lease_held(t.claimed_by, t.fencing_token, t.lease_expires_at, fail_task.fencing_token, _now)
     and sor_guard.is_member(t.tenant_id)
     for update;
  if not found then
    -- the same failure again (a retry after a lost answer): the attempt with this token, held by
    -- this caller, ended with this error; answer what it recorded, write nothing
    return query select r.status, r.run_after from sor.failure_recorded(fail_task.task_id, fail_task.fencing_token, fail_task.error) r;
    if found then
      return;
    end if;
    perform sor.refuse_task_call(fail_task.task_id, fail_task.fencing_token, 'fail');
  end if;
  select sor.lease_retry_at(_t.attempts, _t.max_attempts, q.backoff_base, q.backoff_max) into _retry_at
    from sor.queues q where q.queue = _t.queue;
  if _retry_at is null then
    delete from sor.tasks t where t.tenant_id = _t.tenant_id and t.task_id = _t.task_id;
    insert into sor.finished_tasks select f.* from sor.finish_task(_t, 'dead', null, fail_task.error, _now, true) f;
    return query select 'dead'::text, null::timestamptz;  -- a dead task is due no more
    return;
  end if;
  return query
  update sor.tasks t
     set status = 'failed',
         run_after = _retry_at,
         last_error = fail_task.error,
         claimed_by = null, fencing_token = null, lease = null, lease_expires_at = null, claimed_at = null
   where t.tenant_id = _t.tenant_id and t.task_id = _t.task_id
  returning t.status, t.run_after;
end
$$;
comment on function sor_api.fail_task(bigint, bigint, text) is
  'Records a failed attempt of a claimed task: failed with a jittered exponential backoff (run_after), or dead (moved to sor.finished_tasks) once attempts reach max_attempts. Returns the new status and run_after (NULL when dead). The same failure again (same token, by the same Worker, same error: a retry after a lost answer) returns what the attempt recorded and writes nothing. SR054 no error text, SR055 unknown task, SR056 stale token, SR057 lease lapsed.';

create or replace function sor_api.complete_tasks(tasks jsonb)
returns table (ordinal integer, task_id bigint)
language plpgsql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
#variable_conflict use_column
declare
  _now timestamptz := sor.lease_clock();
  _bad record;
  _n integer;
  _ids bigint[];
  _map jsonb;
  _os integer[];
  _replayed integer[] := '{}';
  _done bigint[];
  -- the caller's tenants, read once: each task's tenant is compared with them, not looked up per task
  _tenants text[] := sor_guard.member_tenants();
begin
  if pg_catalog.jsonb_typeof(complete_tasks.tasks) is distinct from 'array'
     or pg_catalog.jsonb_array_length(complete_tasks.tasks) not between 1 and 1000
     or exists (select 1 from pg_catalog.jsonb_array_elements(complete_tasks.tasks) x
                 where pg_catalog.jsonb_typeof(x) <> 'object'
                    or pg_catalog.jsonb_typeof(x -> 'task_id') is distinct from 'number'
                    or pg_catalog.jsonb_typeof(x -> 'fencing_token') is distinct from 'number'
                    or coalesce(pg_catalog.jsonb_typeof(x -> 'result'), 'object') <> 'object') then
    raise exception 'tasks must be a JSON array of 1 to 1000 {"task_id": n, "fencing_token": n, "result": {...}}'
      using errcode = 'SR054', hint = 'Pass each claimed task with the fencing token claim_tasks gave it; result is optional.';
  end if;
  perform sor.check_size(complete_tasks.tasks, 'the batch of task results');
  select d.o, d.task_id into _bad
    from (select t.o::integer as o, (t.x ->> 'task_id')::bigint as task_id,
                 pg_catalog.row_number() over (partition by (t.x ->> 'task_id')::bigint order by t.o) as nth
            from pg_catalog.jsonb_array_elements(complete_tasks.tasks) with ordinality as t(x, o)) d
   where d.nth > 1 order by d.o limit 1;
  if found then
    raise exception 'task % of the batch (task_id %) is given twice', _bad.o, _bad.task_id
      using errcode = 'SR054', hint = 'Name each task once per batch.';
  end if;
  -- the batch's tasks are found by their ids (= ANY, an index probe each; a join with the batch
  -- could read every claimed task of the queue), each with its ordinal, token and result looked up
  -- by its id; so the tasks are also locked in one order (the index's) whatever the batch's order,
  -- and two batches over the same tasks never deadlock
  select pg_catalog.array_agg(d.task_id),
         pg_catalog.jsonb_object_agg(d.task_id::text, pg_catalog.jsonb_build_array(d.o, d.token, d.result))
    into _ids, _map
    from (select t.o::integer as o, (t.x ->> 'task_id')::bigint as task_id, (t.x ->> 'fencing_token')::bigint as token,
                 coalesce(t.x -> 'result', '{}'::jsonb) as result
            from pg_catalog.jsonb_array_elements(complete_tasks.tasks) with ordinality as t(x, o)) d;
  with gone as (
    delete from sor.tasks t
     where t.task_id = any (_ids) and t.status = (select 'claimed'::text)
       and sor.lease_held(t.claimed_by, t.fencing_token, t.lease_expires_at, ((_map -> t.task_id::text) ->> 1)::bigint, _now)
       and t.tenant_id = any (_tenants)
    returning t as task, t.task_id, ((_map -> t.task_id::text) ->> 0)::integer as o, (_map -> t.task_id::text) -> 2 as new_result
  ), moved as (
    insert into sor.finished_tasks
    select f.*
      from gone g
     cross join lateral sor.finish_task(g.task, 'completed', g.new_result, null, _now,
                                        (g.task).queue <> all ((select sor.queues_recording_rows())::text[])) f
    returning finished_tasks.task_id
  )
  select pg_catalog.array_agg(g.o order by g.o), pg_catalog.array_agg(g.task_id order by g.o) into _os, _done
    from gone g;
  _os := coalesce(_os, '{}');
  return query select r.o, r.task_id from unnest(_os, _done) as r(o, task_id) order by r.o;
  _n := pg_catalog.cardinality(_os);
  if _n < pg_catalog.jsonb_array_length(complete_tasks.tasks) then
    -- tasks of the batch completed before by this caller's claim, with the same token and result
    -- (a retry of the batch after a lost answer, or a call racing this one with the same batch):
    -- returned as completed, after the tasks completed now, nothing written for them
    select pg_catalog.array_agg(b.o order by b.o), pg_catalog.array_agg(b.task_id order by b.o) into _replayed, _done
      from (select t.o::integer as o, (t.x ->> 'task_id')::bigint as task_id, (t.x ->> 'fencing_token')::bigint as token,
                   coalesce(t.x -> 'result', '{}'::jsonb) as result
              from pg_catalog.jsonb_array_elements(complete_tasks.tasks) with ordinality as t(x, o)) b
     where b.o <> all (_os)
       and exists (select 1 from sor.finished_tasks f
                    where f.task_id = b.task_id and f.status = 'completed'
                      and f.fencing_token = b.token and f.claimed_by = session_user
                      and f.result is not distinct from b.result and f.tenant_id = any (_tenants));
    _replayed := coalesce(_replayed, '{}');
    return query select r.o, r.task_id from unnest(_replayed, _done) as r(o, task_id) order by r.o;
    _n := _n + pg_catalog.cardinality(_replayed);
  end if;
  if _n < pg_catalog.jsonb_array_length(complete_tasks.tasks) then
    -- nothing of a batch is kept when one task is refused: name the first
    select t.o::integer as o, (t.x ->> 'task_id')::bigint as task_id, (t.x ->> 'fencing_token')::bigint as token into _bad
      from pg_catalog.jsonb_array_elements(complete_tasks.tasks) with ordinality as t(x, o)
     where t.o::integer <> all (_os || _replayed)
     order by t.o limit 1;
    begin
      perform sor.refuse_task_call(_bad.task_id, _bad.token, 'complete');
    exception when others then
      raise exception 'task % of the batch (task_id %): %', _bad.o, _bad.task_id, sqlerrm
        using errcode = sqlstate, hint = 'Nothing of the batch was completed; drop or fix that task and send the batch again.';
    end;
    raise exception 'task % of the batch (task_id %) was not completed', _bad.o, _bad.task_id
      using errcode = 'SR054', hint = 'Nothing of the batch was completed; send the batch again.';
  end if;
end
$$;
comment on function sor_api.complete_tasks(jsonb) is
  'Completes 1 to 1000 claimed tasks in one call and one transaction: [{"task_id": n, "fencing_token": n, "result": {...}}]. All or nothing: if any task is refused (as complete_task would refuse it) nothing is completed and the error names its ordinal. A task the caller completed before with the same token and result (a retry of the batch after a lost answer) counts as completed: it is returned, after the tasks completed now, and nothing is written for it. SR009 batch over 1 MiB, SR054 malformed batch, SR055, SR056, SR057 as complete_task.';

create or replace function sor_api.fail_tasks(tasks jsonb)
returns table (ordinal integer, task_id bigint, status text, run_after timestamptz)
language plpgsql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
#variable_conflict use_column
declare
  _now timestamptz := sor.lease_clock();
  _bad record;
  _n integer;
  _ids bigint[];
  _os integer[];
  _tids bigint[];
  _states text[];
  _afters timestamptz[];
  -- the caller's tenants, read once: each task's tenant is compared with them, not looked up per task
  _tenants text[] := sor_guard.member_tenants();
begin
  if pg_catalog.jsonb_typeof(fail_tasks.tasks) is distinct from 'array'
     or pg_catalog.jsonb_array_length(fail_tasks.tasks) not between 1 and 1000
     or exists (select 1 from pg_catalog.jsonb_array_elements(fail_tasks.tasks) x
                 where pg_catalog.jsonb_typeof(x) <> 'object'
                    or pg_catalog.jsonb_typeof(x -> 'task_id') is distinct from 'number'
                    or pg_catalog.jsonb_typeof(x -> 'fencing_token') is distinct from 'number'
                    or pg_catalog.jsonb_typeof(x -> 'error') is distinct from 'string') then
    raise exception 'tasks must be a JSON array of 1 to 1000 {"task_id": n, "fencing_token": n, "error": "..."}'
      using errcode = 'SR054', hint = 'Pass each claimed task with the fencing token claim_tasks gave it and why it failed.';
  end if;
  -- every task of the batch is checked in one query before anything is written: named once, and
  -- an error of 1 to 4000 characters (as fail_task)
  select d.o, d.task_id, d.nth > 1 as twice into _bad
    from (select t.o::integer as o, (t.x ->> 'task_id')::bigint as task_id, t.x ->> 'error' as error,
                 pg_catalog.row_number() over (partition by (t.x ->> 'task_id')::bigint order by t.o) as nth
            from pg_catalog.jsonb_array_elements(fail_tasks.tasks) with ordinality as t(x, o)) d
   where d.nth > 1 or not sor.is_valid('error_text', d.error)
   order by d.o limit 1;
  if found and _bad.twice then
    raise exception 'task % of the batch (task_id %) is given twice', _bad.o, _bad.task_id
      using errcode = 'SR054', hint = 'Name each task once per batch.';
  elsif found then
    raise exception 'task % of the batch (task_id %): its error must have 1 to 4000 characters', _bad.o, _bad.task_id
      using errcode = 'SR054', hint = 'Nothing of the batch was recorded. Describe each failure; it is kept as last_error.';
  end if;
  select pg_catalog.array_agg((t.x ->> 'task_id')::bigint) into _ids
    from pg_catalog.jsonb_array_elements(fail_tasks.tasks) t(x);
  -- One statement for the whole batch: the tasks still held with the given tokens are locked and
  -- judged (their next due time, or none when their attempts are used up); those with attempts
  -- left become failed in one UPDATE, the others leave the live queue for sor.finished_tasks as
  -- dead in one DELETE and one INSERT. The tasks are found by their ids (= ANY, an index probe each).
  with b as (
    select t.o::integer as o, (t.x ->> 'task_id')::bigint as task_id, (t.x ->> 'fencing_token')::bigint as token,
           t.x ->> 'error' as error
      from pg_catalog.jsonb_array_elements(fail_tasks.tasks) with ordinality as t(x, o)
  ), held as materialized (
    select t.tenant_id, t.task_id, b.o, b.error,
           sor.lease_retry_at(t.attempts, t.max_attempts, q.backoff_base, q.backoff_max) as retry_at
      from sor.tasks t
      join b on b.task_id = t.task_id
      join sor.queues q on q.queue = t.queue
     where t.task_id = any (_ids) and t.status = (select 'claimed'::text)
       and sor.lease_held(t.claimed_by, t.fencing_token, t.lease_expires_at, b.token, _now)
       and t.tenant_id = any (_tenants)
     order by t.task_id  -- locked in task order: two batches over the same tasks never deadlock
       for update of t
  ), failed as (
    update sor.tasks t
       set status = 'failed', run_after = h.retry_at, last_error = h.error,
           claimed_by = null, fencing_token = null, lease = null, lease_expires_at = null, claimed_at = null
      from held h
     where h.retry_at is not null and t.tenant_id = h.tenant_id and t.task_id = h.task_id
    returning h.o, t.task_id, t.status, t.run_after
  ), gone as (
    delete from sor.tasks t
     using held h
     where h.retry_at is null and t.tenant_id = h.tenant_id and t.task_id = h.task_id
    returning t as task, t.task_id, h.o, h.error as new_error
  ), buried as (
    insert into sor.finished_tasks
    select f.*
      from gone g
     cross join lateral sor.finish_task(g.task, 'dead', null, g.new_error, _now, true) f
    returning finished_tasks.task_id
  )
  select pg_catalog.array_agg(r.o order by r.o), pg_catalog.array_agg(r.task_id order by r.o),
         pg_catalog.array_agg(r.status order by r.o), pg_catalog.array_agg(r.run_after order by r.o)
    into _os, _tids, _states, _afters
    from (select f.o, f.task_id, f.status, f.run_after from failed f
          union all
          select g.o, g.task_id, 'dead'::text, null::timestamptz from gone g) r;
  _n := coalesce(pg_catalog.cardinality(_os), 0);
  if _n < pg_catalog.jsonb_array_length(fail_tasks.tasks) then
    -- tasks whose failure this caller recorded before with the same token and error (a retry of
    -- the batch after a lost answer): answered with what the attempt recorded, nothing written
    with b as (
      select t.o::integer as o, (t.x ->> 'task_id')::bigint as task_id, (t.x ->> 'fencing_token')::bigint as token,
             t.x ->> 'error' as error
        from pg_catalog.jsonb_array_elements(fail_tasks.tasks) with ordinality as t(x, o)
       where t.o::integer <> all (coalesce(_os, '{}'::integer[]))
    ), r as (
      select b.o, b.task_id, a.status, a.run_after
        from b cross join lateral sor.failure_recorded(b.task_id, b.token, b.error) a
    )
    select coalesce(_os, '{}') || coalesce(pg_catalog.array_agg(r.o), '{}'),
           coalesce(_tids, '{}') || coalesce(pg_catalog.array_agg(r.task_id), '{}'),
           coalesce(_states, '{}') || coalesce(pg_catalog.array_agg(r.status), '{}'),
           coalesce(_afters, '{}') || coalesce(pg_catalog.array_agg(r.run_after), '{}')
      into _os, _tids, _states, _afters
      from r;
    _n := coalesce(pg_catalog.cardinality(_os), 0);
  end if;
  if _n < pg_catalog.jsonb_array_length(fail_tasks.tasks) then
    -- nothing of a batch is kept when one task is refused: name the first, with fail_task's reason
    select t.o::integer as o, (t.x ->> 'task_id')::bigint as task_id, (t.x ->> 'fencing_token')::bigint as token into _bad
      from pg_catalog.jsonb_array_elements(fail_tasks.tasks) with ordinality as t(x, o)
     where t.o::integer <> all (coalesce(_os, '{}'::integer[]))
     order by t.o limit 1;
    begin
      perform sor.refuse_task_call(_bad.task_id, _bad.token, 'fail');
    exception when others then
      raise exception 'task % of the batch (task_id %): %', _bad.o, _bad.task_id, sqlerrm
        using errcode = sqlstate, hint = 'Nothing of the batch was recorded; drop or fix that task and send the batch again.';
    end;
    raise exception 'task % of the batch (task_id %) was not recorded as failed', _bad.o, _bad.task_id
      using errcode = 'SR054', hint = 'Nothing of the batch was recorded; send the batch again.';
  end if;
  return query
  select r.o, r.task_id, r.status, r.run_after
    from unnest(_os, _tids, _states, _afters) as r(o, task_id, status, run_after)
   order by r.o;
end
$$;
comment on function sor_api.fail_tasks(jsonb) is
  'Records 1 to 1000 failed attempts in one call and one transaction: [{"task_id": n, "fencing_token": n, "error": "..."}], each judged as fail_task judges it, set-based (one statement locks and judges the batch, one UPDATE fails the tasks with attempts left, one DELETE and INSERT move the others to sor.finished_tasks as dead). Returns each task''s new status and run_after in batch order. All or nothing: an error names the ordinal of the first task refused. A task whose failure the caller recorded before with the same token and error (a retry after a lost answer) is answered with what it recorded, nothing written. SR054 malformed batch or error text, and fail_task''s SQLSTATEs.';

reset role;

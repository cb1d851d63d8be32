-- Queueing tasks for a tenant the caller is a member of: sor_api.enqueue_task (one) and
-- sor_api.enqueue_tasks (many, one call), idempotent on the dedupe key per tenant and queue, kept
-- in sor.dedupe_keys so it holds across the live queue and the finished tasks. A task is queued
-- without an event: its claim and its end are the events an auditor reads.
set role sor_owner;

create or replace function sor.task_input_problem(subject text, payload jsonb, dedupe_key text, priority integer,
                                                  delay interval, max_attempts integer)
returns text
language plpgsql
immutable
set jit = off
as $$
begin
  -- plpgsql rather than sql: a SET clause keeps a sql function from being inlined
  return case
    when not sor.is_valid('label', task_input_problem.subject) then 'subject must have 1 to 200 characters (no control characters)'
    when pg_catalog.jsonb_typeof(coalesce(task_input_problem.payload, 'null'::jsonb)) <> 'object' then 'payload must be a JSON object'
    when task_input_problem.dedupe_key is not null and not sor.is_valid('label', task_input_problem.dedupe_key)
      then 'dedupe_key must be NULL or 1 to 200 characters (no control characters)'
    when task_input_problem.priority is null or task_input_problem.priority not between -1000 and 1000
      then 'priority must be between -1000 and 1000'
    when task_input_problem.delay is not null and task_input_problem.delay < '0'::interval then 'delay must not be negative'
    when task_input_problem.max_attempts is not null and task_input_problem.max_attempts not between 1 and 100
      then 'max_attempts must be between 1 and 100'
  end;
end
$$;
comment on function sor.task_input_problem(text, jsonb, text, integer, interval, integer) is
  'What is wrong with a task to queue, or NULL: the one definition of a valid task, used by enqueue_task and enqueue_tasks.';

create or replace function sor.tg_tasks__dedupe()
returns trigger
language plpgsql
volatile
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
begin
  if new.dedupe_key is null then
    return new;
  end if;
  -- a concurrent first use of the key holds it: this insert waits, then finds it taken or free
  insert into sor.dedupe_keys (tenant_id, scope, dedupe_key, target_id)
  values (new.tenant_id, 'task:' || new.queue, new.dedupe_key, new.task_id)
  on conflict on constraint dedupe_keys_pkey do nothing;
  if found or exists (select 1 from sor.dedupe_keys k
                       where k.tenant_id = new.tenant_id and k.scope = 'task:' || new.queue
                         and k.dedupe_key = new.dedupe_key and k.target_id = new.task_id) then
    return new;  -- a new key, or this very task coming back (an operator's retry)
  end if;
  return null;
end
$$;
comment on function sor.tg_tasks__dedupe() is
  'BEFORE INSERT on sor.tasks: claims the task''s dedupe key (per tenant and queue) in sor.dedupe_keys, or skips the row when the key is taken, by a task queued, running or finished. Every path that queues a task is idempotent on its key.';

create or replace function sor.enqueue_task(
  tenant_id text, queue text, subject text, payload jsonb default '{}'::jsonb,
  dedupe_key text default null, priority integer default 0, delay interval default null,
  max_attempts integer default null
) returns bigint
language plpgsql
volatile
set search_path = pg_catalog, sor, pg_temp
set plan_cache_mode = force_generic_plan
set jit = off
as $$
declare
  _queue sor.queues;
  _problem text;
  _id bigint;
begin
  select q.* into _queue from sor.queues q where q.queue = enqueue_task.queue;
  if not found then
    raise exception 'unknown queue %', coalesce(quote_literal(enqueue_task.queue), 'NULL')
      using errcode = 'SR050', hint = 'An admin creates queues with sor_api.create_queue(queue, description).';
  end if;
  _problem := sor.task_input_problem(enqueue_task.subject, enqueue_task.payload, enqueue_task.dedupe_key,
                                     enqueue_task.priority, enqueue_task.delay, enqueue_task.max_attempts);
  if _problem is not null then
    raise exception 'invalid task for queue %: %', enqueue_task.queue, _problem
      using errcode = 'SR054',
            hint = 'subject 1 to 200 characters, payload a JSON object, dedupe_key NULL or 1 to 200 characters (no control characters), priority between -1000 and 1000, delay not negative, max_attempts between 1 and 100.';
  end if;
  perform sor.check_size(enqueue_task.payload, 'the payload of a task for queue ' || enqueue_task.queue);

  -- the dedupe trigger claims the key in sor.dedupe_keys, or skips the row when it is taken
  insert into sor.tasks as t (tenant_id, queue, subject, payload, dedupe_key, priority, run_after, max_attempts)
  values (enqueue_task.tenant_id, enqueue_task.queue, enqueue_task.subject, enqueue_task.payload,
          enqueue_task.dedupe_key, enqueue_task.priority, sor.lease_clock() + coalesce(enqueue_task.delay, '0'::interval),
          coalesce(enqueue_task.max_attempts, _queue.max_attempts))
  returning t.task_id into _id;
  if _id is null then
    select k.target_id into _id from sor.dedupe_keys k
     where k.tenant_id = enqueue_task.tenant_id and k.scope = 'task:' || enqueue_task.queue
       and k.dedupe_key = enqueue_task.dedupe_key;
  end if;
  return _id;
end
$$;
comment on function sor.enqueue_task(text, text, text, jsonb, text, integer, interval, integer) is
  'Internal, part of the domain author''s surface: queues a task for a tenant from a definer function (sor_api.enqueue_task after its membership check; a domain module''s own functions). With a dedupe_key already used in that tenant and queue it returns that task''s id and changes nothing. SR009 payload over 1 MiB, SR050 unknown queue, SR054 invalid input.';

create or replace function sor_api.enqueue_task(
  tenant_id text, queue text, subject text, payload jsonb default '{}'::jsonb,
  dedupe_key text default null, priority integer default 0, delay interval default null,
  max_attempts integer default null
) returns bigint
language plpgsql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
set plan_cache_mode = force_generic_plan
set jit = off
as $$
begin
  perform sor_guard.require_member(enqueue_task.tenant_id);
  return sor.enqueue_task(enqueue_task.tenant_id, enqueue_task.queue, enqueue_task.subject, enqueue_task.payload,
                          enqueue_task.dedupe_key, enqueue_task.priority, enqueue_task.delay, enqueue_task.max_attempts);
end
$$;
comment on function sor_api.enqueue_task(text, text, text, jsonb, text, integer, interval, integer) is
  'Queues a task for a tenant the caller is a member of; with a dedupe_key already used in that tenant and queue (for a task queued, running or finished) it returns that task''s id and changes nothing. SR008 not a member of the tenant (or no such tenant), SR009 payload over 1 MiB, SR050 unknown queue, SR054 invalid input.';

create or replace function sor_api.enqueue_tasks(tenant_id text, queue text, tasks jsonb)
returns table (ordinal integer, task_id bigint, created boolean)
language plpgsql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
#variable_conflict use_column
declare
  _queue sor.queues;
  _e record;
  _problem text;
  _ids bigint[];
begin
  perform sor_guard.require_member(enqueue_tasks.tenant_id);
  select q.* into _queue from sor.queues q where q.queue = enqueue_tasks.queue;
  if not found then
    raise exception 'unknown queue %', coalesce(quote_literal(enqueue_tasks.queue), 'NULL')
      using errcode = 'SR050', hint = 'An admin creates queues with sor_api.create_queue(queue, description).';
  end if;
  if pg_catalog.jsonb_typeof(enqueue_tasks.tasks) is distinct from 'array'
     or pg_catalog.jsonb_array_length(enqueue_tasks.tasks) not between 1 and 10000 then
    raise exception 'tasks must be a JSON array of 1 to 10000 tasks'
      using errcode = 'SR054', hint = 'Pass [{"subject": "row 42", "payload": {...}, "dedupe_key": "row-42"}, ...]; split larger batches.';
  end if;
  perform sor.check_size(enqueue_tasks.tasks, 'the batch of tasks for queue ' || enqueue_tasks.queue);
  for _e in
    select t.o::integer as o, t.x from pg_catalog.jsonb_array_elements(enqueue_tasks.tasks) with ordinality as t(x, o)
  loop
    _problem := case
      when pg_catalog.jsonb_typeof(_e.x) <> 'object'
        or exists (select 1 from pg_catalog.jsonb_object_keys(_e.x) k
                    where k not in ('subject', 'payload', 'dedupe_key', 'priority', 'delay', 'max_attempts'))
        then 'not an object of subject, payload, dedupe_key, priority, delay and max_attempts'
      when coalesce(pg_catalog.jsonb_typeof(_e.x -> 'subject'), 'null') <> 'string'
        or coalesce(pg_catalog.jsonb_typeof(_e.x -> 'dedupe_key'), 'string') not in ('string', 'null')
        or coalesce(pg_catalog.jsonb_typeof(_e.x -> 'priority'), 'number') not in ('number', 'null')
        or coalesce(pg_catalog.jsonb_typeof(_e.x -> 'max_attempts'), 'number') not in ('number', 'null')
        or coalesce(pg_catalog.jsonb_typeof(_e.x -> 'delay'), 'string') not in ('string', 'null')
        then 'subject and dedupe_key are strings, priority and max_attempts numbers, delay an interval such as "5 minutes"'
    end;
    if _problem is null then
      begin
        _problem := sor.task_input_problem(_e.x ->> 'subject', coalesce(_e.x -> 'payload', '{}'::jsonb), _e.x ->> 'dedupe_key',
                                           coalesce((_e.x ->> 'priority')::integer, 0), (_e.x ->> 'delay')::interval,
                                           (_e.x ->> 'max_attempts')::integer);
      exception when invalid_text_representation or invalid_datetime_format or datetime_field_overflow
                     or numeric_value_out_of_range then
        _problem := 'priority, max_attempts or delay cannot be read: ' || sqlerrm;
      end;
    end if;
    if _problem is not null then
      raise exception 'task % of the batch for queue %: %', _e.o, enqueue_tasks.queue, _problem
        using errcode = 'SR054',
              hint = 'subject 1 to 200 characters, payload a JSON object, dedupe_key NULL or 1 to 200 characters, priority between -1000 and 1000, delay not negative, max_attempts between 1 and 100.';
    end if;
  end loop;

  -- one INSERT for the batch, each row with its id drawn in ordinal order; the dedupe trigger skips
  -- a row whose key is taken (also by an earlier row of the batch), whose ordinal then reads its
  -- task id from the key
  _ids := array(select pg_catalog.nextval('sor.tasks_task_id_seq'::regclass)
                  from pg_catalog.generate_series(1, pg_catalog.jsonb_array_length(enqueue_tasks.tasks)));
  insert into sor.tasks (tenant_id, task_id, queue, subject, payload, dedupe_key, priority, run_after, max_attempts)
  overriding system value
  select enqueue_tasks.tenant_id, _ids[t.o], enqueue_tasks.queue, t.x ->> 'subject', coalesce(t.x -> 'payload', '{}'::jsonb),
         t.x ->> 'dedupe_key', coalesce((t.x ->> 'priority')::integer, 0),
         sor.lease_clock() + coalesce((t.x ->> 'delay')::interval, '0'::interval),
         coalesce((t.x ->> 'max_attempts')::integer, _queue.max_attempts)
    from pg_catalog.jsonb_array_elements(enqueue_tasks.tasks) with ordinality as t(x, o)
   order by t.o;
  return query
  select t.o::integer,
         case when exists (select 1 from sor.tasks x where x.tenant_id = enqueue_tasks.tenant_id and x.task_id = _ids[t.o])
              then _ids[t.o]
              else (select k.target_id from sor.dedupe_keys k
                     where k.tenant_id = enqueue_tasks.tenant_id and k.scope = 'task:' || enqueue_tasks.queue
                       and k.dedupe_key = t.x ->> 'dedupe_key') end,
         exists (select 1 from sor.tasks x where x.tenant_id = enqueue_tasks.tenant_id and x.task_id = _ids[t.o])
    from pg_catalog.jsonb_array_elements(enqueue_tasks.tasks) with ordinality as t(x, o)
   order by t.o;
end
$$;
comment on function sor_api.enqueue_tasks(text, text, jsonb) is
  'Queues 1 to 10000 tasks of one queue for a tenant the caller is a member of, in one call and one transaction: [{"subject": ..., "payload": {...}, "dedupe_key": ..., "priority": n, "delay": "5 minutes", "max_attempts": n}] (only subject is required). Each task follows the rules of enqueue_task; an error names its ordinal and nothing is written. Returns each ordinal''s task id and whether it was created (false: its dedupe key named an existing task, also one earlier in the same batch). SR008 not a member, SR009 batch over 1 MiB, SR050 unknown queue, SR054 invalid input.';

reset role;

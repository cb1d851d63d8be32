-- Queueing tasks for a tenant the caller is a member of: sor_api.enqueue_task (one) and
-- sor_api.enqueue_tasks (many, one call), idempotent on the dedupe key per tenant and queue, kept
-- in sor.dedupe_keys so it holds across the live queue and the finished tasks. A task is queued
-- without an event: its claim and its end are the events an auditor reads.
set role sor_owner;

create or replace function sor.task_input_problem(subject text, payload jsonb, dedupe_key text, priority integer,
                                                  delay interval, max_attempts integer)
returns text
language sql
immutable
as $$
  -- one expression, no SET clause: inlined into the statement that calls it (enqueue_tasks judges
  -- every task of a batch with it in one query), like sor.is_valid
  select case
    when not sor.is_valid('label', task_input_problem.subject) then 'subject must have 1 to 200 characters (no control characters)'
    when pg_catalog.jsonb_typeof(coalesce(task_input_problem.payload, 'null'::jsonb)) <> 'object' then 'payload must be a JSON object'
    when task_input_problem.dedupe_key is not null and not sor.is_valid('label', task_input_problem.dedupe_key)
      then 'dedupe_key must be NULL or 1 to 200 characters (no control characters)'
    when task_input_problem.priority is null or task_input_problem.priority not between -1000 and 1000
      then 'priority must be between -1000 and 1000'
    when task_input_problem.delay is not null and task_input_problem.delay < '0'::interval then 'delay must not be negative'
    when task_input_problem.max_attempts is not null and task_input_problem.max_attempts not between 1 and 100
      then 'max_attempts must be between 1 and 100'
  end
$$;
comment on function sor.task_input_problem(text, jsonb, text, integer, interval, integer) is
  'What is wrong with a task to queue, or NULL: the one definition of a valid task, used by enqueue_task and enqueue_tasks.';

create or replace function sor.is_interval(value text)
returns boolean
language plpgsql
immutable
set jit = off
as $$
begin
  perform is_interval.value::interval;
  return true;
exception when invalid_text_representation or invalid_datetime_format or datetime_field_overflow
               or interval_field_overflow then
  return false;
end
$$;
comment on function sor.is_interval(text) is
  'Whether a text reads as an interval (NULL does). Only for naming the bad row of a batch after its cast failed: it opens a subtransaction per call.';

create or replace function sor.tg_tasks__dedupe()
returns trigger
language plpgsql
volatile
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
begin
  -- (the trigger runs only for a row with a dedupe key: WHEN (new.dedupe_key IS NOT NULL))
  -- a concurrent first use of the key holds it: this insert waits, then finds it taken or free
  insert into sor.dedupe_keys (tenant_id, scope, dedupe_key, target_id)
  values (new.tenant_id, 'task:' || new.queue, new.dedupe_key, new.task_id)
  on conflict on constraint dedupe_keys_pkey do nothing;
  -- kept: a new key, or this very task coming back (an operator's retry)
  if not found and not exists (select 1 from sor.dedupe_keys k
                                where k.tenant_id = new.tenant_id and k.scope = 'task:' || new.queue
                                  and k.dedupe_key = new.dedupe_key and k.target_id = new.task_id) then
    return null;
  end if;
  return new;
end
$$;
comment on function sor.tg_tasks__dedupe() is
  'BEFORE INSERT on sor.tasks, for each row with a dedupe key: claims the key (per tenant and queue) in sor.dedupe_keys, or skips the row when the key is taken, by a task queued, running or finished. Every path that queues a task is idempotent on its key.';

create or replace function sor.tg_tasks__quota()
returns trigger
language plpgsql
volatile
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
begin
  -- AFTER INSERT, once per statement: the tasks it queued (the rows the dedupe trigger kept) count
  -- against their tenants' quotas, one count per tenant (SR065 past it; R__415_quotas.sql)
  perform sor.quota_count('tasks', pg_catalog.array_agg(c.tenant_id order by c.tenant_id), pg_catalog.array_agg(c.n order by c.tenant_id))
     from (select n.tenant_id, pg_catalog.count(*) as n from new_rows n group by n.tenant_id) c
   having pg_catalog.count(*) > 0;
  return null;
end
$$;
comment on function sor.tg_tasks__quota() is
  'AFTER INSERT (statement) on sor.tasks: the tasks the statement queued count against their tenants'' quotas of live tasks, one sor.quota_count per statement (SR065 past it, and nothing of the statement is queued).';

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
  if sor.over_cap(enqueue_task.payload) then
    perform sor.check_size(enqueue_task.payload, 'the payload of a task for queue ' || enqueue_task.queue);
  end if;

  -- the dedupe trigger claims the key in sor.dedupe_keys, or skips the row when it is taken
  insert into sor.tasks as t (tenant_id, queue, subject, payload, dedupe_key, priority, run_after, max_attempts)
  values (enqueue_task.tenant_id, enqueue_task.queue, enqueue_task.subject, enqueue_task.payload,
          enqueue_task.dedupe_key, enqueue_task.priority, sor.lease_clock() + coalesce(enqueue_task.delay, '0'::interval),
          coalesce(enqueue_task.max_attempts, _queue.max_attempts))
  returning t.task_id into _id;
  if _id is not null then
    perform sor.wake_tasks(enqueue_task.queue, array[enqueue_task.tenant_id]);  -- queued: the tenant's listeners of the queue, once per transaction
  end if;
  if _id is null then
    select k.target_id into _id from sor.dedupe_keys k
     where k.tenant_id = enqueue_task.tenant_id and k.scope = 'task:' || enqueue_task.queue
       and k.dedupe_key = enqueue_task.dedupe_key;
  end if;
  return _id;
end
$$;
comment on function sor.enqueue_task(text, text, text, jsonb, text, integer, interval, integer) is
  'Internal, part of the domain author''s surface: queues a task for a tenant from a definer function (sor_api.enqueue_task after its membership check; a domain module''s own functions). With a dedupe_key already used in that tenant and queue it returns that task''s id and changes nothing. A task queued wakes the queue''s listeners (sor.wake_tasks). SR009 payload over 1 MiB, SR050 unknown queue, SR054 invalid input.';

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
  _bad record;
  _message text;
  _ids bigint[];
  _created boolean[];
  _keys text[];
  _now timestamptz := sor.lease_clock();  -- one clock reading for the batch
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

  -- the batch is judged as a whole, by one query: the first task (by ordinal) that is not an
  -- object of the known keys, has a value of the wrong JSON type or out of range, or names another
  -- tenant. Numbers are compared as numerics, so only a delay can fail to cast: then the delays
  -- are read one by one (sor.is_interval), on that error path only, to name the task.
  begin
    select b.o, b.problem into _bad
      from (select t.o::integer as o,
                   case
                     when pg_catalog.jsonb_typeof(t.x) <> 'object'
                       or (t.x - '{subject,payload,dedupe_key,priority,delay,max_attempts,tenant_id}'::text[]) <> '{}'::jsonb
                       then 'not an object of subject, payload, dedupe_key, priority, delay, max_attempts and tenant_id'
                     when coalesce(pg_catalog.jsonb_typeof(t.x -> 'subject'), 'null') <> 'string'
                       or coalesce(pg_catalog.jsonb_typeof(t.x -> 'dedupe_key'), 'string') not in ('string', 'null')
                       or coalesce(pg_catalog.jsonb_typeof(t.x -> 'priority'), 'number') not in ('number', 'null')
                       or coalesce(pg_catalog.jsonb_typeof(t.x -> 'max_attempts'), 'number') not in ('number', 'null')
                       or coalesce(pg_catalog.jsonb_typeof(t.x -> 'delay'), 'string') not in ('string', 'null')
                       or coalesce(pg_catalog.jsonb_typeof(t.x -> 'tenant_id'), 'string') not in ('string', 'null')
                       then 'subject and dedupe_key are strings, priority and max_attempts numbers, delay an interval such as "5 minutes"'
                     when t.x ->> 'tenant_id' is distinct from enqueue_tasks.tenant_id and t.x ->> 'tenant_id' is not null
                       then pg_catalog.format('it names tenant %s, the batch is for tenant %s', t.x ->> 'tenant_id', enqueue_tasks.tenant_id)
                     when (t.x ->> 'priority')::numeric not between -1000 and 1000
                       or (t.x ->> 'priority')::numeric <> pg_catalog.trunc((t.x ->> 'priority')::numeric)
                       then 'priority must be a whole number between -1000 and 1000'
                     when (t.x ->> 'max_attempts')::numeric not between 1 and 100
                       or (t.x ->> 'max_attempts')::numeric <> pg_catalog.trunc((t.x ->> 'max_attempts')::numeric)
                       then 'max_attempts must be a whole number between 1 and 100'
                     when (t.x ->> 'delay')::interval < '0'::interval then 'delay must not be negative'
                     else sor.task_input_problem(t.x ->> 'subject', coalesce(t.x -> 'payload', '{}'::jsonb), t.x ->> 'dedupe_key',
                                                 coalesce((t.x ->> 'priority')::integer, 0), null, null)
                   end as problem
              from pg_catalog.jsonb_array_elements(enqueue_tasks.tasks) with ordinality as t(x, o)) b
     where b.problem is not null
     order by b.o
     limit 1;
  exception when invalid_text_representation or invalid_datetime_format or datetime_field_overflow
                 or interval_field_overflow then
    get stacked diagnostics _message = message_text;
    select b.o::integer as o, 'delay cannot be read: ' || _message as problem into _bad
      from pg_catalog.jsonb_array_elements(enqueue_tasks.tasks) with ordinality as b(x, o)
     where not sor.is_interval(b.x ->> 'delay')
     order by b.o limit 1;
  end;
  if found then
    raise exception 'task % of the batch for queue %: %', _bad.o, enqueue_tasks.queue, _bad.problem
      using errcode = 'SR054',
            hint = 'Nothing of the batch was queued. subject 1 to 200 characters, payload a JSON object, dedupe_key NULL or 1 to 200 characters, priority between -1000 and 1000, delay not negative, max_attempts between 1 and 100, tenant_id (if given) the batch''s.';
  end if;

  -- one INSERT for the batch, ids drawn in ordinal order; the dedupe trigger skips a row whose key
  -- is taken (also by an earlier row of the batch). The rows are inserted in the order of their
  -- keys (then ordinals), so the trigger claims a batch's keys in one order whatever the batch's:
  -- two batches sharing keys wait for one another instead of deadlocking, and of a key given twice
  -- the first ordinal still wins. A second statement, which sees the keys the first one claimed
  -- and any committed meanwhile, reads a skipped row's task id from its key.
  with b as materialized (
    select t.o, t.x, pg_catalog.nextval('sor.tasks_task_id_seq'::regclass) as id
      from pg_catalog.jsonb_array_elements(enqueue_tasks.tasks) with ordinality as t(x, o)
  ), ins as (
    insert into sor.tasks as n (tenant_id, task_id, queue, subject, payload, dedupe_key, priority, run_after, max_attempts)
    overriding system value
    select enqueue_tasks.tenant_id, b.id, enqueue_tasks.queue, b.x ->> 'subject', coalesce(b.x -> 'payload', '{}'::jsonb),
           b.x ->> 'dedupe_key', coalesce((b.x ->> 'priority')::integer, 0),
           _now + coalesce((b.x ->> 'delay')::interval, '0'::interval),
           coalesce((b.x ->> 'max_attempts')::integer, _queue.max_attempts)
      from b
     order by b.x ->> 'dedupe_key' collate "C", b.o
    returning n.task_id
  )
  select pg_catalog.array_agg(b.id order by b.o), pg_catalog.array_agg(i.task_id is not null order by b.o),
         pg_catalog.array_agg(b.x ->> 'dedupe_key' order by b.o)
    into _ids, _created, _keys
    from b left join ins i on i.task_id = b.id;
  if true = any (_created) then
    perform sor.wake_tasks(enqueue_tasks.queue, array[enqueue_tasks.tenant_id]);  -- queued: the tenant's listeners of the queue, once per transaction
  end if;

  -- a skipped row's task by its key, one probe of the key's index each (OFFSET 0 keeps it a probe:
  -- a join could read every key of the tenant's queue for every batch)
  return query
  select u.o::integer, case when u.created then u.id else k.target_id end, u.created
    from unnest(_ids, _created, _keys) with ordinality as u(id, created, dedupe_key, o)
    left join lateral (select k.target_id from sor.dedupe_keys k
                        where not u.created and k.tenant_id = enqueue_tasks.tenant_id
                          and k.scope = 'task:' || enqueue_tasks.queue and k.dedupe_key = u.dedupe_key
                       offset 0) k on true
   order by u.o;
end
$$;
comment on function sor_api.enqueue_tasks(text, text, jsonb) is
  'Queues 1 to 10000 tasks of one queue for a tenant the caller is a member of, in one call, one statement and one transaction: [{"subject": ..., "payload": {...}, "dedupe_key": ..., "priority": n, "delay": "5 minutes", "max_attempts": n}] (only subject is required; a tenant_id, if given, must be the batch''s). The batch is judged as a whole: an error names the ordinal of the first bad task and nothing is written. Returns each ordinal''s task id and whether it was created (false: its dedupe key named an existing task, also one earlier in the same batch). SR008 not a member, SR009 batch over 1 MiB, SR050 unknown queue, SR054 invalid input, SR065 over the tenant''s quota of tasks.';

reset role;

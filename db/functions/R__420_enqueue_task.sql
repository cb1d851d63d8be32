-- sor_api.enqueue_task: queue a task for a tenant the caller is a member of, idempotent on the
-- dedupe key (per tenant and queue).
set role sor_owner;

create or replace function sor_api.enqueue_task(
  tenant_id text, queue text, subject text, payload jsonb default '{}'::jsonb,
  dedupe_key text default null, priority integer default 0, delay interval default null,
  max_attempts integer default null
) returns bigint
language plpgsql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
as $$
declare
  _queue sor.queues;
  _id bigint;
begin
  perform sor_guard.require_member(enqueue_task.tenant_id);
  select q.* into _queue from sor.queues q where q.queue = enqueue_task.queue;
  if not found then
    raise exception 'unknown queue %', coalesce(quote_literal(enqueue_task.queue), 'NULL')
      using errcode = 'SR050', hint = 'An admin creates queues with sor_api.create_queue(queue, description).';
  end if;
  if not sor.is_valid('label', enqueue_task.subject)
     or jsonb_typeof(coalesce(enqueue_task.payload, 'null'::jsonb)) <> 'object'
     or (enqueue_task.dedupe_key is not null and not sor.is_valid('label', enqueue_task.dedupe_key))
     or enqueue_task.priority is null or enqueue_task.priority not between -1000 and 1000
     or (enqueue_task.delay is not null and enqueue_task.delay < '0'::interval)
     or (enqueue_task.max_attempts is not null and enqueue_task.max_attempts not between 1 and 100) then
    raise exception 'invalid task for queue %', enqueue_task.queue
      using errcode = 'SR054',
            hint = 'subject 1 to 200 characters, payload a JSON object, dedupe_key NULL or 1 to 200 characters (no control characters), priority between -1000 and 1000, delay not negative, max_attempts between 1 and 100.';
  end if;
  perform sor.check_size(enqueue_task.payload, 'the payload of a task for queue ' || enqueue_task.queue);

  insert into sor.tasks (tenant_id, queue, subject, payload, dedupe_key, priority, run_after, max_attempts)
  values (enqueue_task.tenant_id, enqueue_task.queue, enqueue_task.subject, enqueue_task.payload,
          enqueue_task.dedupe_key, enqueue_task.priority, now() + coalesce(enqueue_task.delay, '0'::interval),
          coalesce(enqueue_task.max_attempts, _queue.max_attempts))
  on conflict on constraint tasks_dedupe_key do nothing
  returning task_id into _id;
  if _id is null then
    select t.task_id into _id
      from sor.tasks t
     where t.tenant_id = enqueue_task.tenant_id and t.queue = enqueue_task.queue
       and t.dedupe_key = enqueue_task.dedupe_key;
  end if;
  return _id;
end
$$;
comment on function sor_api.enqueue_task(text, text, text, jsonb, text, integer, interval, integer) is
  'Queues a task for a tenant the caller is a member of; with a dedupe_key already used in that tenant and queue it returns the existing task id and changes nothing. SR008 not a member of the tenant (or no such tenant), SR009 payload over 1 MiB, SR050 unknown queue, SR054 invalid input.';

reset role;

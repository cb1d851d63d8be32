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
  perform 1 from sor.tenant_members m
   where m.tenant_id = enqueue_task.tenant_id and m.role_name = session_user;
  if not found then
    raise exception 'role % may not enqueue tasks for tenant %', session_user, coalesce(quote_literal(enqueue_task.tenant_id), 'NULL')
      using errcode = 'SR053', hint = 'A Worker enqueues only for tenants it is a member of (sor_api.add_member).';
  end if;
  select q.* into _queue from sor.queues q where q.queue = enqueue_task.queue;
  if not found then
    raise exception 'unknown queue %', coalesce(quote_literal(enqueue_task.queue), 'NULL')
      using errcode = 'SR050', hint = 'An admin creates queues with sor_api.create_queue(queue, description).';
  end if;
  if enqueue_task.subject is null or length(enqueue_task.subject) not between 1 and 200
     or jsonb_typeof(coalesce(enqueue_task.payload, 'null'::jsonb)) <> 'object'
     or (enqueue_task.dedupe_key is not null and length(enqueue_task.dedupe_key) not between 1 and 200)
     or enqueue_task.priority is null or enqueue_task.priority not between -1000 and 1000
     or (enqueue_task.delay is not null and enqueue_task.delay < '0'::interval)
     or (enqueue_task.max_attempts is not null and enqueue_task.max_attempts not between 1 and 100) then
    raise exception 'invalid task for queue %', enqueue_task.queue
      using errcode = 'SR054',
            hint = 'subject 1 to 200 characters, payload a JSON object, dedupe_key NULL or 1 to 200 characters, priority between -1000 and 1000, delay not negative, max_attempts between 1 and 100.';
  end if;

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
  'Queues a task for a tenant the caller is a member of; with a dedupe_key already used in that tenant and queue it returns the existing task id and changes nothing. SR050 unknown queue, SR053 not a member, SR054 invalid input.';

reset role;

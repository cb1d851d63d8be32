-- Queue administration for sor_admin: create a queue (or change its retry policy).
set role sor_owner;

create or replace function sor_api.create_queue(
  queue text, description text, max_attempts integer default 5,
  backoff_base interval default '1 second', backoff_max interval default '1 hour'
) returns text
language plpgsql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
begin
  if not sor.is_valid('queue', create_queue.queue) then
    raise exception 'malformed queue name %', coalesce(quote_literal(create_queue.queue), 'NULL')
      using errcode = 'SR059', hint = 'A queue name is 2 to 63 characters: a lowercase letter, then lowercase letters, digits, _ . or -.';
  end if;
  if create_queue.description is null or length(create_queue.description) not between 1 and 500
     or create_queue.max_attempts is null or create_queue.max_attempts not between 1 and 100
     or create_queue.backoff_base is null or create_queue.backoff_base <= '0'::interval
     or create_queue.backoff_max is null or create_queue.backoff_max < create_queue.backoff_base then
    raise exception 'invalid definition of queue %', create_queue.queue
      using errcode = 'SR059', hint = 'Pass a description (1 to 500 characters), max_attempts between 1 and 100, and 0 < backoff_base <= backoff_max.';
  end if;
  insert into sor.queues as q (queue, description, max_attempts, backoff_base, backoff_max)
  values (create_queue.queue, create_queue.description, create_queue.max_attempts,
          create_queue.backoff_base, create_queue.backoff_max)
  on conflict on constraint queues_pkey do update
     set description = excluded.description, max_attempts = excluded.max_attempts,
         backoff_base = excluded.backoff_base, backoff_max = excluded.backoff_max;
  return create_queue.queue;
end
$$;
comment on function sor_api.create_queue(text, text, integer, interval, interval) is
  'Creates a work queue or updates its retry policy (existing tasks keep their max_attempts). SR059 for a malformed name or policy.';

-- The queues whose completions are recorded by their finished row alone: the one place that reads
-- the rule. A statement that moves tasks asks it once, as an InitPlan ((select ...)::text[]), not per row.
create or replace function sor.queues_recording_rows()
returns text[]
language plpgsql
stable
set jit = off
as $$
begin
  -- PL/pgSQL, not SQL: its query's plan is kept for the session (a SQL function that is not inlined
  -- is planned again by every statement that calls it)
  return (select coalesce(pg_catalog.array_agg(q.queue), '{}'::text[]) from sor.queues q where q.completion_record = 'row');
end
$$;
comment on function sor.queues_recording_rows() is
  'The queues whose completion_record is row (their completed tasks are recorded by the sor.finished_tasks row alone, no task.completed event). The completion paths mark each finished row by it (completion_event) and the finished-tasks trigger honours a mark only for these queues. Callers ask it once per statement: queue <> all ((select sor.queues_recording_rows())::text[]).';

-- How a queue records its completed tasks (V109): 'event', the default, writes each completion's
-- task.completed event in the hash-chained log besides its sor.finished_tasks row; 'row' keeps the
-- finished row as the completion's one record. Failures, lapsed leases, dead tasks and retries
-- write their events on every queue.
create or replace function sor_api.set_completion_record(queue text, record text)
returns text
language plpgsql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
begin
  if set_completion_record.record is null or set_completion_record.record not in ('event', 'row') then
    raise exception 'invalid completion record % for queue %', coalesce(quote_literal(set_completion_record.record), 'NULL'),
          coalesce(quote_literal(set_completion_record.queue), 'NULL')
      using errcode = 'SR059',
            hint = 'event: each completed task is also a task.completed event in the hash-chained log (the default); row: its sor.finished_tasks row is its one record.';
  end if;
  perform 1 from sor.queues q where q.queue = set_completion_record.queue for update;
  if not found then
    raise exception 'unknown queue %', coalesce(quote_literal(set_completion_record.queue), 'NULL')
      using errcode = 'SR050', hint = 'An admin creates queues with sor_api.create_queue(queue, description).';
  end if;
  -- written only when it changes: the time and login of the last change stay the change's
  update sor.queues q
     set completion_record = set_completion_record.record,
         completion_record_set_at = pg_catalog.clock_timestamp(),
         completion_record_set_by = session_user
   where q.queue = set_completion_record.queue and q.completion_record <> set_completion_record.record;
  return set_completion_record.record;
end
$$;
comment on function sor_api.set_completion_record(text, text) is
  'Admin: how the queue records its completed tasks from now on: event (the default: the task''s sor.finished_tasks row and a task.completed event on stream task-<id>, in the hash-chained log that verify_events and the ledger cover) or row (the sor.finished_tasks row alone, with the attempt''s holder, fencing token, claimed_at, finished_at and result: faster, but the completion is not in the event log, so event readers, subscriptions and what_happened do not see it and the hash chain does not cover it). Failures, lapsed leases, dead tasks and retries write their events on every queue. Returns the record now in force; the change is kept with its time and login (sor.queues). SR050 unknown queue, SR059 record not event or row.';

reset role;

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

reset role;

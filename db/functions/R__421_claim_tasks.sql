-- sor_api.claim_tasks: claim up to batch due tasks of one queue for the calling Worker, with a
-- fresh fencing token and lease each. Expired leases are taken back first; one whose attempts are
-- used up leaves the live queue for sor.finished_tasks as dead.
-- The claim of every tenant the caller serves and the claim of one tenant (a fourth argument)
-- are one function, sor.claim_tasks_for, given the tenants.
--
-- The single-row write paths (append_event, enqueue_task, claim_tasks, heartbeat_task,
-- complete_task, fail_task) run with generic plans (SET plan_cache_mode): each of their statements
-- finds its rows by a key or a partial index whatever the table's size, and planning them on every
-- call cost more than running them. The batch functions, the outbox and the readers keep custom
-- plans: their best plan depends on how many rows they meet, and a plan made on an empty table
-- would stay with the session.
set role sor_owner;

-- 0.4.0 added the last argument, with a default: a call with five arguments reads as before (a
-- 0.3.0 function whose call straddles the upgrade's commit plans its statement again against the
-- new catalog, and must still find this one)
drop function if exists sor.finish_task(sor.tasks, text, jsonb, text, timestamptz);

create or replace function sor.finish_task(t sor.tasks, status text, result jsonb, last_error text, finished_at timestamptz,
                                           completion_event boolean default true)
returns sor.finished_tasks
language sql
immutable
as $$
  -- one expression, no SET clause: inlined into the statement that moves the tasks (a row
  -- built per task, not a function called per task)
  select (t.tenant_id, t.task_id, t.queue, t.subject, t.payload, t.priority, t.attempts, t.max_attempts, t.dedupe_key,
          finish_task.status, t.claimed_by, t.fencing_token, coalesce(finish_task.last_error, t.last_error), finish_task.result,
          t.created_at, t.created_by, finish_task.finished_at, t.claimed_at,
          finish_task.status <> 'completed' or coalesce(finish_task.completion_event, true))::sor.finished_tasks
$$;
comment on function sor.finish_task(sor.tasks, text, jsonb, text, timestamptz, boolean) is
  'The sor.finished_tasks row of a live task that ends (completed or dead): one mapping for every path that moves a task out of the queue. completion_event false (a completion on a queue whose completion_record is row) marks a completion recorded by the row alone; a dead task is always written as an event. One SQL expression without settings, inlined into its callers'' statements.';

create or replace function sor.claim_tasks_for(queue text, batch integer, lease interval, tenants text[])
returns table (task_id bigint, tenant_id text, subject text, payload jsonb, attempts integer,
               fencing_token bigint, lease_expires_at timestamptz)
language plpgsql
volatile
set search_path = pg_catalog, sor, pg_temp
set plan_cache_mode = force_generic_plan
set jit = off
as $$
#variable_conflict use_column
declare
  _now timestamptz := sor.lease_clock();
  _tenants text[] := coalesce(claim_tasks_for.tenants, '{}'::text[]);
  -- the request's rule, an inlined expression; sor.lease_check_request runs only to raise why
  _bad_request boolean := not sor.lease_request_ok(claim_tasks_for.batch, claim_tasks_for.lease);
  _queue boolean;
  _lapsed boolean;
begin
  -- the session's limits: their rule is an inlined expression, the function runs only when due
  if sor.session_defaults_due() then
    perform sor.session_defaults();
  end if;
  -- One query asks whether the queue exists and what the first batch of lapsed leases holds:
  -- NULL none (the usual case), false some to take back, true one among them whose attempts are
  -- used up (it ends dead first)
  select exists (select 1 from sor.queues q where q.queue = claim_tasks_for.queue),
         (select pg_catalog.bool_or(l.exhausted)
            from (select t.attempts >= t.max_attempts as exhausted
                    from sor.tasks t
                   where t.queue = claim_tasks_for.queue and t.status = 'claimed' and t.lease_expires_at <= _now
                     and t.tenant_id = any (_tenants)
                   order by t.lease_expires_at
                   limit case when _bad_request then 0 else claim_tasks_for.batch end) l)
    into _queue, _lapsed;
  if not _queue then
    raise exception 'unknown queue %', coalesce(quote_literal(claim_tasks_for.queue), 'NULL')
      using errcode = 'SR050', hint = 'An admin creates queues with sor_api.create_queue(queue, description).';
  end if;
  if _bad_request then
    perform sor.lease_check_request('queue ' || claim_tasks_for.queue, claim_tasks_for.batch, claim_tasks_for.lease);
  end if;

  -- Lapsed leases are taken in lease order, batch at a time; one on its last allowed attempt ends
  -- as dead (only when the look-ahead saw one: a claim that finds none to end runs no DELETE and
  -- no finished-task insert).
  if _lapsed then
    with lapsed as (
      select t.tenant_id, t.task_id, t.attempts >= t.max_attempts as exhausted
        from sor.tasks t
       where t.queue = claim_tasks_for.queue and t.status = 'claimed' and t.lease_expires_at <= _now
         and t.tenant_id = any (_tenants)
       order by t.lease_expires_at
       limit claim_tasks_for.batch
         for update skip locked
    ), gone as (
      delete from sor.tasks t
       using lapsed l
       where l.exhausted and t.tenant_id = l.tenant_id and t.task_id = l.task_id
      returning t.*
    )
    insert into sor.finished_tasks
    select f.* from gone g cross join lateral sor.finish_task(row(g.*)::sor.tasks, 'dead', null, 'lease expired', _now, true) f;
  end if;

  -- Other lapsed leases come first (they are the oldest work), read only when the look-ahead saw
  -- one, then the due tasks. One UPDATE claims; a claim writes no event: its holder, token and
  -- start stay on the row and go into the event of the attempt's outcome (task.lease_expired, when
  -- this claim takes a lapsed one back). The tasks are locked as they are picked, then found again
  -- by their ids: an index probe each, whatever the planner guesses of the batch's size (a join
  -- with them could hash every task of the table).
  return query
  with claimed as (
    update sor.tasks t
       set status           = 'claimed',
           attempts         = t.attempts + 1,
           claimed_by       = session_user,
           fencing_token    = pg_catalog.nextval('sor.fencing_tokens'),
           lease            = claim_tasks_for.lease,
           lease_expires_at = _now + claim_tasks_for.lease,
           claimed_at       = _now,
           last_error       = case when t.status = 'claimed' then 'lease expired' else t.last_error end
     where t.tenant_id = any (_tenants) and t.task_id = any (array(
             select p.task_id
               from (select l.task_id
                       from (select l.task_id
                               from sor.tasks l
                              where _lapsed is not null
                                and l.queue = claim_tasks_for.queue and l.status = 'claimed' and l.lease_expires_at <= _now
                                and l.attempts < l.max_attempts and l.tenant_id = any (_tenants)
                              order by l.lease_expires_at
                              limit claim_tasks_for.batch
                                for update skip locked) l
                     union all
                     select d.task_id
                       from (select d.task_id
                               from sor.tasks d
                              where d.queue = claim_tasks_for.queue and d.status in ('ready', 'failed') and d.run_after <= _now
                                and d.tenant_id = any (_tenants)
                              order by d.priority desc, d.run_after, d.task_id
                              limit claim_tasks_for.batch
                                for update skip locked) d) p
              limit claim_tasks_for.batch))
    returning t.task_id, t.tenant_id, t.subject, t.payload, t.attempts, t.fencing_token, t.lease_expires_at
  )
  select c.task_id, c.tenant_id, c.subject, c.payload, c.attempts, c.fencing_token, c.lease_expires_at
    from claimed c
   order by c.task_id;
end
$$;
comment on function sor.claim_tasks_for(text, integer, interval, text[]) is
  'The claim of sor_api.claim_tasks and its form for one tenant: at most batch due tasks of a queue of the given tenants (the caller checked them), lapsed leases taken back first (one whose attempts are used up ends dead). Runs as the definer function that calls it; claimed_by is session_user. SR050 unknown queue, SR051, SR052 (sor.lease_check_request).';

-- The claim of every tenant the caller is a member of
create or replace function sor_api.claim_tasks(queue text, batch integer, lease interval)
returns table (task_id bigint, tenant_id text, subject text, payload jsonb, attempts integer,
               fencing_token bigint, lease_expires_at timestamptz)
language plpgsql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
set plan_cache_mode = force_generic_plan
set jit = off
as $$
begin
  return query
  select c.task_id, c.tenant_id, c.subject, c.payload, c.attempts, c.fencing_token, c.lease_expires_at
    from sor.claim_tasks_for(claim_tasks.queue, claim_tasks.batch, claim_tasks.lease, sor_guard.member_tenants()) c;
end
$$;
comment on function sor_api.claim_tasks(text, integer, interval) is
  'Claims at most batch due tasks of a queue (FOR UPDATE SKIP LOCKED; priority, then age) for tenants the caller is a member of; takes back lapsed leases first (one whose attempts are used up ends dead, in sor.finished_tasks). Every claimed task gets a new fencing token and a lease of the given length from the database clock; the claim writes no event (its outcome''s event records it). SR050 unknown queue, SR051 batch not in 1..1000, SR052 lease not in (0, 1 day].';

-- The claim for one tenant: a Worker that serves several tenants takes one tenant's tasks only
-- (its own scheduling across tenants, a tenant's dedicated capacity)
create or replace function sor_api.claim_tasks(queue text, batch integer, lease interval, tenant text)
returns table (task_id bigint, tenant_id text, subject text, payload jsonb, attempts integer,
               fencing_token bigint, lease_expires_at timestamptz)
language plpgsql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
set plan_cache_mode = force_generic_plan
set jit = off
as $$
begin
  perform sor_guard.require_member(claim_tasks.tenant);
  return query
  select c.task_id, c.tenant_id, c.subject, c.payload, c.attempts, c.fencing_token, c.lease_expires_at
    from sor.claim_tasks_for(claim_tasks.queue, claim_tasks.batch, claim_tasks.lease, array[claim_tasks.tenant]) c;
end
$$;
comment on function sor_api.claim_tasks(text, integer, interval, text) is
  'Claims as sor_api.claim_tasks(queue, batch, lease) does, the tasks of one tenant only: at most batch due tasks of the queue for that tenant, its lapsed leases taken back first; never a task of another tenant. SR008 not a member of the tenant (or no such tenant, or NULL), SR050 unknown queue, SR051 batch not in 1..1000, SR052 lease not in (0, 1 day].';

reset role;

-- The one lease machine of tasks and the outbox (and the lapse of a run's lease): every rule a
-- claim, a settle or a reader applies to a lease is one function here, with one vocabulary.
--
--   lease           a time-bounded right to act on a row, measured by sor.lease_clock()
--   holder          the login that took the lease (sor.tasks.claimed_by, sor.outbox.leased_by)
--   fencing token   the next value of sor.fencing_tokens, new for every lease
--                   (sor.tasks.fencing_token, sor.outbox.lease_token)
--   availability    when the row may be leased next (sor.tasks.run_after, sor.outbox.available_at)
--
-- The column names stay as they were (they are read by views, reports and consumers); sor.leases()
-- reads both tables in this vocabulary. The rules: a request asks for 1 to 1000 rows and a lease in
-- (0, 1 day] (sor.lease_check_request); a lease is held by its holder with its token until it
-- lapses (sor.lease_held); it has lapsed when its expiry is not after the lease clock
-- (sor.lease_lapsed, also for runs; sor.lease_lapsed_at at one reading of the clock, for a sweep
-- over many); a refused call says why, in the same words and, for a lapse,
-- the same SQLSTATE for both (sor.refuse_lease_call); a failed attempt is due again after a
-- jittered backoff, or dead when the attempts are used up (sor.lease_retry_at).
set role sor_owner;

create or replace function sor.lease_clock()
returns timestamptz
language sql
volatile
as $$
  -- one expression, no SET clause: inlined into its callers' statements and expressions (a SQL
  -- function that is not inlined costs an executor of its own per call)
  select pg_catalog.clock_timestamp()
$$;
comment on function sor.lease_clock() is
  'The one clock of leases (runs, tasks, outbox): clock_timestamp(), so a transaction begun before a lease lapsed cannot act after the lapse.';

create or replace function sor.lease_request_ok(batch integer, lease interval)
returns boolean
language sql
immutable
as $$
  -- one expression, no SET clause: inlined where a claim looks at its request before anything
  -- else (sor.lease_check_request raises the reason when it is false)
  select coalesce(lease_request_ok.batch between 1 and 1000 and lease_request_ok.lease > '0'::interval
                  and lease_request_ok.lease <= '1 day'::interval, false)
$$;
comment on function sor.lease_request_ok(integer, interval) is
  'The rule of a lease request: 1 to 1000 rows, a lease in (0, 1 day]; false for NULL. sor.lease_check_request raises why a request breaks it.';

create or replace function sor.lease_check_request(what text, batch integer, lease interval)
returns void
language plpgsql
immutable
set jit = off
as $$
begin
  if sor.lease_request_ok(lease_check_request.batch, lease_check_request.lease) then
    return;
  end if;
  -- why: the batch judged by the same rule with a lease it accepts, else the lease (the bounds
  -- live in sor.lease_request_ok alone, so a request it refuses always raises here)
  if not sor.lease_request_ok(lease_check_request.batch, '1 minute'::interval) then
    raise exception 'batch % for % is out of range', coalesce(lease_check_request.batch::text, 'NULL'), lease_check_request.what
      using errcode = 'SR051', hint = 'Lease between 1 and 1000 rows at a time.';
  end if;
  raise exception 'lease % for % is out of range', coalesce(lease_check_request.lease::text, 'NULL'), lease_check_request.what
    using errcode = 'SR052', hint = 'A lease is longer than 0 and at most 1 day; heartbeat a task to extend it.';
end
$$;
comment on function sor.lease_check_request(text, integer, interval) is
  'Raises why a lease request of claim_tasks and lease_outbox breaks sor.lease_request_ok (the one rule): SR051 batch not in 1..1000, else SR052 lease not in (0, 1 day]; returns when the request keeps it.';

create or replace function sor.lease_held(holder name, fencing_token bigint, lease_expires_at timestamptz,
                                          given_token bigint, at timestamptz)
returns boolean
language sql
stable
as $$
  -- one expression, no SET clause: inlined into the statement it guards (a batch's tasks are
  -- judged without a function call each)
  select coalesce(lease_held.holder = session_user and lease_held.fencing_token = lease_held.given_token
                  and lease_held.lease_expires_at > lease_held.at, false)
$$;
comment on function sor.lease_held(name, bigint, timestamptz, bigint, timestamptz) is
  'Whether the caller holds a lease: it is the holder (session_user), gives the current fencing token, and the lease has not lapsed at the given time of the lease clock. The guard of every heartbeat, complete, fail, mark_dispatched and mark_failed.';

create or replace function sor.lease_lapsed_at(lease_expires_at timestamptz, at timestamptz)
returns boolean
language sql
immutable
as $$
  -- one expression, no SET clause: inlined into the statement that scans many leases (a sweep of
  -- lapsed runs reads the clock once and compares every lease with it, no function call each)
  select lease_lapsed_at.lease_expires_at <= lease_lapsed_at.at
$$;
comment on function sor.lease_lapsed_at(timestamptz, timestamptz) is
  'The lapse rule at a given reading of the lease clock: a lease expiring at lease_expires_at has lapsed at at when it is not after it. sor.lease_lapsed applies it at the clock''s now; a sweep over many leases applies it at one reading.';

-- security definer: the security_invoker view sor_api.journal_runs runs it as its reader, who is
-- granted this function only, not the clock it reads
create or replace function sor.lease_lapsed(lease_expires_at timestamptz)
returns boolean
language plpgsql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
begin
  return sor.lease_lapsed_at(lease_lapsed.lease_expires_at, sor.lease_clock());
end
$$;
comment on function sor.lease_lapsed(timestamptz) is
  'Whether a lease expiring at lease_expires_at has lapsed, on the one lease clock (sor.lease_clock): the rule for runs (a running run whose lease lapsed reads abandoned), tasks and outbox rows. Security definer, so a reader of sor_api.journal_runs needs EXECUTE on it alone.';

create or replace function sor.lease_retry_at(attempts integer, max_attempts integer, base interval, cap interval)
returns timestamptz
language plpgsql
volatile
set jit = off
as $$
begin
  if lease_retry_at.attempts >= lease_retry_at.max_attempts then
    return null;
  end if;
  return sor.lease_clock() + sor.retry_delay(lease_retry_at.attempts, lease_retry_at.base, lease_retry_at.cap);
end
$$;
comment on function sor.lease_retry_at(integer, integer, interval, interval) is
  'When a row whose attempt failed is available again: the lease clock plus the jittered backoff of sor.retry_delay, or NULL when its attempts are used up (it is dead). The rule of fail_task and mark_failed.';

create or replace function sor.refuse_lease_call(kind text, id bigint, given_token bigint, action text,
                                                 known boolean, status text, leased boolean, holder name,
                                                 fencing_token bigint, lease_expires_at timestamptz)
returns void
language plpgsql
stable
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
declare
  _what text := case refuse_lease_call.kind when 'task' then 'task' else 'outbox row' end;
  _message text;
begin
  if not refuse_lease_call.known then
    raise exception 'unknown % % (%)', _what, coalesce(refuse_lease_call.id::text, 'NULL'), refuse_lease_call.action
      using errcode = case refuse_lease_call.kind when 'task' then 'SR055' else 'SR061' end,
            hint = case refuse_lease_call.kind
                     when 'task' then 'Pass the task_id claim_tasks returned; a Worker sees only tasks of its tenants.'
                     else 'Pass the outbox_id lease_outbox returned; a dispatcher sees only rows of its tenants.' end;
  end if;
  if refuse_lease_call.given_token is null or not refuse_lease_call.leased
     or refuse_lease_call.fencing_token is distinct from refuse_lease_call.given_token
     or refuse_lease_call.holder is distinct from session_user then
    _message := pg_catalog.format('stale fencing token %s for %s %s (%s: status %s)', coalesce(refuse_lease_call.given_token::text, 'NULL'),
                                  _what, refuse_lease_call.id, refuse_lease_call.action, refuse_lease_call.status);
    if refuse_lease_call.kind = 'task' then
      raise exception '%', _message
        using errcode = 'SR056', hint = 'The claim was taken back, ended, or is held by another role: drop the work, do not write its results. Claim again.';
    end if;
    raise exception '%', _message
      using errcode = 'SR062', hint = 'The lease was taken back, ended, or is held by another role: drop it, the current holder reports.';
  end if;
  raise exception 'lease of % % lapsed at % (%)', _what, refuse_lease_call.id, refuse_lease_call.lease_expires_at, refuse_lease_call.action
    using errcode = 'SR057',
          hint = case refuse_lease_call.kind
                   when 'task' then 'Heartbeat more often than the lease length; the task will be taken back by the next claim.'
                   else 'Lease for longer than a delivery takes; the row will be leased again by the next lease_outbox.' end;
end
$$;
comment on function sor.refuse_lease_call(text, bigint, bigint, text, boolean, text, boolean, name, bigint, timestamptz) is
  'Raises why a call on a lease (kind task or outbox) was refused, from the row as the caller may see it: unknown (SR055 task, SR061 outbox row), stale or NULL token or another holder (SR056 task, SR062 outbox row), or the lease lapsed (SR057 for both).';

-- A function, not a view: a view would depend on the columns of sor.tasks and sor.outbox, so a DROP
-- or a column type change of either would meet a dependency error (2BP01, 0A000) before the drop
-- guard could refuse it with its own SQLSTATE; a PL/pgSQL body is checked against the tables by
-- certify (plpgsql_check) instead.
create or replace function sor.leases()
returns table (kind text, tenant_id text, id bigint, status text, held boolean, holder name, fencing_token bigint,
               leased_at timestamptz, lease_expires_at timestamptz, available_at timestamptz, attempts integer,
               max_attempts integer)
language plpgsql
stable
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
begin
  return query
  select 'sor.tasks'::text, t.tenant_id, t.task_id, t.status, t.status = 'claimed',
         t.claimed_by, t.fencing_token, t.claimed_at, t.lease_expires_at,
         t.run_after, t.attempts, t.max_attempts
    from sor.tasks t
  union all
  select 'sor.outbox'::text, o.tenant_id, o.outbox_id, o.status, o.status = 'leased',
         o.leased_by, o.lease_token, null::timestamptz, o.lease_expires_at,
         o.available_at, o.attempts, o.max_attempts
    from sor.outbox o
   where o.status in ('pending', 'deferred', 'leased', 'failed');
end
$$;
comment on function sor.leases() is
  'Tasks and undelivered outbox rows in the one vocabulary of leases: holder (claimed_by, leased_by), fencing_token (fencing_token, lease_token), availability (run_after, available_at). For the owner''s checks (certify); consumers read sor_api.';

reset role;

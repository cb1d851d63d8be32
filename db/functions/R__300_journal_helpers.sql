-- Internal helpers of the journal: content digests under hash-only rules, argument checks, finding
-- the calling Worker and its runs, lazy abandonment of lapsed runs, idempotency key claims.
-- None of them is granted to anyone; the sor_api functions call them as sor_owner.
set role sor_owner;

create or replace function sor.journal_bad_input(what text, hint text)
returns void
language plpgsql
volatile
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
begin
  raise exception 'malformed argument: %', journal_bad_input.what
    using errcode = 'SR033', hint = journal_bad_input.hint;
end
$$;
comment on function sor.journal_bad_input(text, text) is
  'Raises SR033 (malformed argument) naming the argument; used by every journal function so bad input changes nothing.';

create or replace function sor.journal_check_id(value text, what text, max_length integer default 200)
returns text
language plpgsql
volatile
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
begin
  if not sor.is_valid(case when journal_check_id.max_length > 200 then 'key' else 'label' end, journal_check_id.value)
     or length(journal_check_id.value) > journal_check_id.max_length then
    perform sor.journal_bad_input(journal_check_id.what,
      format('%s must be a non-empty string of at most %s characters without control characters.',
             journal_check_id.what, journal_check_id.max_length));
  end if;
  return journal_check_id.value;
end
$$;
comment on function sor.journal_check_id(text, text, integer) is
  'Returns the id when it is non-NULL, non-empty, at most max_length characters and free of control characters; SR033 otherwise.';

create or replace function sor.journal_digest(content text, given_sha256 text, hash_only boolean, what text)
returns bytea
language plpgsql
volatile
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
declare
  _given bytea;
  _computed bytea;
begin
  if journal_digest.given_sha256 is not null then
    if not sor.is_valid('sha256_hex', journal_digest.given_sha256) then
      perform sor.journal_bad_input(journal_digest.what || '_sha256',
        'A sha256 is 64 lowercase hexadecimal digits.');
    end if;
    _given := decode(journal_digest.given_sha256, 'hex');
  end if;
  if journal_digest.content is not null then
    perform sor.check_size(journal_digest.content, journal_digest.what);
    _computed := sha256(convert_to(journal_digest.content, 'UTF8'));
    if _given is not null and _given <> _computed then
      raise exception 'the sha256 given for % does not match its content', journal_digest.what
        using errcode = 'SR039', hint = 'Pass the sha256 of the UTF-8 content, or omit it and let the database compute it.';
    end if;
    return _computed;
  end if;
  if _given is null and journal_digest.hash_only then
    raise exception 'hash-only run: the sha256 of % is mandatory', journal_digest.what
      using errcode = 'SR039', hint = 'In hash-only mode pass the content''s sha256 (the content itself is never stored).';
  end if;
  return _given;
end
$$;
comment on function sor.journal_digest(text, text, boolean, text) is
  'sha256 of content (text or a jsonb rendering), checked against a sha256 the caller gave: SR039 on mismatch or when a hash-only row has neither, SR009 over 1 MiB, SR033 for a malformed hex digest.';

create or replace function sor.current_worker()
returns sor.workers
language plpgsql
stable
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
declare
  _w sor.workers;
begin
  select w.* into _w from sor.workers w where w.role_name = session_user;
  if not found or not pg_catalog.pg_has_role(session_user, 'sor_worker', 'MEMBER') then
    raise exception 'role % is not a registered Worker', session_user
      using errcode = 'SR030', hint = 'An admin registers it with sor_api.register_worker(role_name, kind); the role must be a member of sor_worker.';
  end if;
  return _w;
end
$$;
comment on function sor.current_worker() is
  'The registered Worker of session_user (which must still be a member of sor_worker); SR030 otherwise.';

create or replace function sor.mark_abandoned(run_id uuid default null, worker_role name default null)
returns integer
language plpgsql
volatile
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
declare
  _n integer;
  -- the lease clock read once, each lease judged at it by the inlined rule (sor.lease_lapsed_at),
  -- not by a function called for each running run
  _now timestamptz := sor.lease_clock();
begin
  -- a run whose row another transaction holds is skipped: its holder is at work on it and meets
  -- its lapsed lease itself, and no sweep waits behind a long call. One statement per case, so
  -- that each is planned for what it is given: a run by its id (get_run), a Worker's runs
  -- (my_runs), every running run (sweep_abandoned_runs); a single statement with "id is null or"
  -- conditions had a generic plan that read every running run of every tenant for one run.
  if mark_abandoned.run_id is not null then
    update sor.runs r
       set status = 'abandoned', finished_at = r.lease_expires_at
     where (r.tenant_id, r.run_id) in (
             select x.tenant_id, x.run_id from sor.runs x
              where x.run_id = mark_abandoned.run_id
                and x.status = 'running'
                and sor.lease_lapsed_at(x.lease_expires_at, _now)
                and (mark_abandoned.worker_role is null or x.worker_role = mark_abandoned.worker_role)
                for no key update skip locked)
       and r.status = 'running';
  elsif mark_abandoned.worker_role is not null then
    update sor.runs r
       set status = 'abandoned', finished_at = r.lease_expires_at
     where (r.tenant_id, r.run_id) in (
             select x.tenant_id, x.run_id from sor.runs x
              where x.worker_role = mark_abandoned.worker_role
                and x.status = 'running'
                and x.sweep_at <= _now
                and sor.lease_lapsed_at(x.lease_expires_at, _now)
                for no key update skip locked)
       and r.status = 'running';
  else
    update sor.runs r
       set status = 'abandoned', finished_at = r.lease_expires_at
     where (r.tenant_id, r.run_id) in (
             select x.tenant_id, x.run_id from sor.runs x
              where x.status = 'running'
                and x.sweep_at <= _now
                and sor.lease_lapsed_at(x.lease_expires_at, _now)
                for no key update skip locked)
       and r.status = 'running';
  end if;
  get diagnostics _n = row_count;
  return _n;
end
$$;
comment on function sor.mark_abandoned(uuid, name) is
  'Marks running runs whose lease lapsed as abandoned (finished_at = the lapsed lease), optionally one run or one Worker''s runs, skipping runs another transaction holds; the runs trigger writes run_abandoned events. the readers and sweep_abandoned_runs call it.';

-- The sweep a Worker's start_run, resume_run and heartbeat make: the lapsed runs of the tenants
-- the caller is a member of, never another tenant's (a Worker writes no row and no event of a
-- tenant it does not serve).
create or replace function sor.sweep_lapsed(tenant_ids text[])
returns integer
language plpgsql
volatile
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
declare
  _n integer;
  -- the lease clock read once, each lease judged at it by the inlined rule (sor.lease_lapsed_at).
  -- The scan reads the running runs of the tenants whose sweep_at has come (runs_sweep_idx, V113):
  -- sweep_at is never after a running run's lease expiry (runs_sweep_at_check), so every lapsed
  -- run is among them, and a run whose Worker heartbeats is not (its heartbeats keep sweep_at
  -- ahead). The index leaves the lease itself out, so that most heartbeats stay HOT updates.
  _now timestamptz := sor.lease_clock();
begin
  update sor.runs r
     set status = 'abandoned', finished_at = r.lease_expires_at
   where (r.tenant_id, r.run_id) in (
           select x.tenant_id, x.run_id from sor.runs x
            where x.status = 'running'
              and x.tenant_id = any (sweep_lapsed.tenant_ids)
              and x.sweep_at <= _now
              and sor.lease_lapsed_at(x.lease_expires_at, _now)
              for no key update skip locked)
     and r.status = 'running';
  get diagnostics _n = row_count;
  return _n;
end
$$;
comment on function sor.sweep_lapsed(text[]) is
  'Marks the running runs of the given tenants whose lease lapsed as abandoned, skipping runs another transaction holds; start_run, resume_run and heartbeat call it with the caller''s tenants, so a lapsed run is marked within a lease period while any Worker of its tenant works. Reads only the running runs whose sweep_at has come (runs_sweep_idx), not every running run.';

create or replace function sor.worker_run(run_id uuid, for_write boolean)
returns sor.runs
language plpgsql
volatile
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
declare
  _r sor.runs;
begin
  if worker_run.run_id is null then
    perform sor.journal_bad_input('run_id', 'Pass the run id start_run returned.');
  end if;
  select r.* into _r from sor.runs r
   where r.run_id = worker_run.run_id and r.worker_role = session_user
   for update;
  if not found then
    -- a run this Worker held and another login of its kind took over: say so, to it only
    select r.* into _r from sor.runs r
     where r.run_id = worker_run.run_id and r.resumed_by is not null and r.resumed_by <> session_user
       and exists (select 1 from sor.events e
                    where e.tenant_id = r.tenant_id and e.stream = 'run-' || r.run_id::text
                      and e.type = 'run_resumed' and e.payload ->> 'from_worker' = session_user::text);
    if found then
      raise exception 'run % was taken over by % (fencing token %): this Worker holds it no more', worker_run.run_id, _r.resumed_by, _r.fencing_token
        using errcode = 'SR036',
              hint = 'Its lease lapsed and another Worker of its kind resumed it; this Worker''s late writes are refused. Stop working on it.';
    end if;
    raise exception 'unknown run % for Worker %', worker_run.run_id, session_user
      using errcode = 'SR034', hint = 'A Worker sees only its own runs: pass a run id that start_run returned to this role.';
  end if;
  -- membership now, not when the run started: a Worker removed from the tenant acts for it no more
  perform sor_guard.require_member(_r.tenant_id);
  if worker_run.for_write then
    if _r.status <> 'running' then
      raise exception 'run % is %', worker_run.run_id, _r.status
        using errcode = 'SR035', hint = 'A finished or cancelled run takes no more writes; an abandoned one takes them again once resumed (sor_api.resume_run).';
    end if;
    if sor.lease_lapsed(_r.lease_expires_at) then
      raise exception 'the lease of run % lapsed at %', worker_run.run_id, _r.lease_expires_at
        using errcode = 'SR036', hint = 'The run reads abandoned; resume it with sor_api.resume_run (or start_run with its key), and heartbeat more often than lease_seconds.';
    end if;
  end if;
  return _r;
end
$$;
comment on function sor.worker_run(uuid, boolean) is
  'Locks and returns a run of session_user, which must still be a member of the run''s tenant: SR033 NULL id, SR034 unknown or another Worker''s run, SR008 no longer a member of its tenant; for a write also SR035 not running and SR036 lease lapsed.';

create or replace function sor.idempotency_claim(
  tenant_id text, scope text, idempotency_key text, fingerprint bytea, run_id uuid, tool_call_id uuid
) returns sor.idempotency_keys
language plpgsql
volatile
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
declare
  _row sor.idempotency_keys;
  _retention interval;
begin
  select coalesce((select s.idempotency_retention from sor.tenant_settings s
                    where s.tenant_id = idempotency_claim.tenant_id), interval '24 hours')
    into _retention;
  loop
    -- a concurrent first use of the key holds the unique index entry: this insert waits for it,
    -- and finds its row if it committed, or takes the key if it rolled back
    insert into sor.idempotency_keys as k (tenant_id, scope, idempotency_key, fingerprint, run_id, tool_call_id, expires_at)
    values (idempotency_claim.tenant_id, idempotency_claim.scope, idempotency_claim.idempotency_key,
            idempotency_claim.fingerprint, idempotency_claim.run_id, idempotency_claim.tool_call_id,
            pg_catalog.now() + _retention)
    on conflict on constraint idempotency_keys_pkey do nothing
    returning k.* into _row;
    if found then
      return _row;
    end if;
    select k.* into _row from sor.idempotency_keys k
     where k.tenant_id = idempotency_claim.tenant_id and k.scope = idempotency_claim.scope
       and k.idempotency_key = idempotency_claim.idempotency_key
     for update;
    if found then
      if _row.expires_at <= pg_catalog.now() then
        update sor.idempotency_keys k
           set fingerprint = idempotency_claim.fingerprint, run_id = idempotency_claim.run_id,
               tool_call_id = idempotency_claim.tool_call_id, created_at = pg_catalog.now(),
               created_by = session_user, expires_at = pg_catalog.now() + _retention
         where k.tenant_id = _row.tenant_id and k.scope = _row.scope and k.idempotency_key = _row.idempotency_key
        returning k.* into _row;
      end if;
      return _row;
    end if;
  end loop;
end
$$;
comment on function sor.idempotency_claim(text, text, text, bytea, uuid, uuid) is
  'Binds an idempotency key to a new run or tool call, or returns the unexpired binding that holds it (the caller compares ids). An expired key is rebound; a concurrent first use is waited for.';

reset role;

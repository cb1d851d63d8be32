-- Runs: start (idempotent on workflow and key), heartbeat, finish, read back (own runs only),
-- and the sweep that marks runs whose lease lapsed as abandoned.
set role sor_owner;

create or replace function sor_api.start_run(
  tenant_id text, workflow text, input jsonb default null, idempotency_key text default null,
  lease_seconds integer default 60, hash_only boolean default false, input_sha256 text default null
) returns table (run_id uuid, replayed boolean, status text, version integer)
language plpgsql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
declare
  _w sor.workers;
  _hash_only boolean;
  _input jsonb := start_run.input;
  _digest bytea;
  _new uuid := pg_catalog.gen_random_uuid();
  _claim sor.idempotency_keys;
  _r sor.runs;
  _expires timestamptz;
begin
  _w := sor.current_worker();
  -- membership first, and the same answer for an unknown tenant: nothing leaks about other tenants
  perform sor_guard.require_member(start_run.tenant_id);
  perform sor.session_defaults();
  perform sor.sweep_lapsed(sor_guard.member_tenants());
  if not sor.is_valid('slug', start_run.workflow) then
    perform sor.journal_bad_input('workflow', 'A workflow is a lowercase slug of at most 100 characters, e.g. reconcile-expenses.');
  end if;
  if start_run.lease_seconds is null or start_run.lease_seconds not between 1 and 3600 then
    perform sor.journal_bad_input('lease_seconds', 'A lease lasts 1 to 3600 seconds; heartbeat to extend it.');
  end if;
  if start_run.idempotency_key is not null then
    perform sor.journal_check_id(start_run.idempotency_key, 'idempotency_key', 255);
  end if;
  _hash_only := coalesce(start_run.hash_only, false)
                or coalesce((select s.hash_only from sor.tenant_settings s where s.tenant_id = start_run.tenant_id), false);
  if _input is null and (start_run.input_sha256 is null or not _hash_only) then
    _input := '{}'::jsonb;
  end if;
  _digest := sor.journal_digest(_input::text, start_run.input_sha256, _hash_only, 'input');

  if start_run.idempotency_key is not null then
    _claim := sor.idempotency_claim(start_run.tenant_id, 'start_run:' || start_run.workflow,
                                    start_run.idempotency_key, _digest, _new, null);
    if _claim.run_id is distinct from _new then
      if _claim.fingerprint <> _digest then
        raise exception 'idempotency key % of workflow % was used with another input', start_run.idempotency_key, start_run.workflow
          using errcode = 'SR037', hint = 'A retry must send the same input; a new request needs a new key.';
      end if;
      select r.* into _r from sor.runs r where r.tenant_id = start_run.tenant_id and r.run_id = _claim.run_id;
      -- the same run key after a crash: a run whose lease lapsed is resumed by this Worker (or taken
      -- over by this login of the run's kind), with a new lease and a higher fencing token
      if _r.worker_kind = _w.kind
         and (_r.status = 'abandoned' or (_r.status = 'running' and sor.lease_lapsed(_r.lease_expires_at))) then
        _r := sor.resume(_r.run_id, start_run.lease_seconds);
      end if;
      return query select _r.run_id, true, _r.status, _r.version;
      return;
    end if;
  end if;

  -- the lease's expiry is also where the sweeps of lapsed runs will first look at the run (sweep_at)
  _expires := sor.lease_clock() + make_interval(secs => start_run.lease_seconds);
  insert into sor.runs as r (tenant_id, run_id, workflow, idempotency_key, input, input_sha256, worker_role,
                             worker_kind, lease_seconds, lease_expires_at, sweep_at, hash_only)
  values (start_run.tenant_id, _new, start_run.workflow, start_run.idempotency_key,
          case when _hash_only then null else _input end, _digest, session_user, _w.kind,
          start_run.lease_seconds, _expires, _expires, _hash_only)
  returning r.* into _r;
  return query select _r.run_id, false, _r.status, _r.version;
end
$$;
comment on function sor_api.start_run(text, text, jsonb, text, integer, boolean, text) is
  'Starts a run of the calling Worker for a tenant it is a member of, holding a lease of lease_seconds. With an idempotency key, a retry with the same input returns the same run (replayed = true), resumed when its lease lapsed and the caller is of the run''s Worker kind (see resume_run); another input is SR037. Hash-only when asked or when the tenant is hash-only: the input is stored only as sha256 (pass input or input_sha256). SR030 not a Worker, SR008 not a member of the tenant (or no such tenant), SR033 malformed argument, SR039 sha256 missing or mismatched, SR009 input over 1 MiB.';

create or replace function sor_api.heartbeat(run_id uuid, lease_seconds integer default null)
returns timestamptz
language plpgsql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
declare
  _r sor.runs;
  _now timestamptz;
  _lease interval;
begin
  perform sor.current_worker();
  if heartbeat.lease_seconds is not null and heartbeat.lease_seconds not between 1 and 3600 then
    perform sor.journal_bad_input('lease_seconds', 'A lease lasts 1 to 3600 seconds.');
  end if;
  _r := sor.worker_run(heartbeat.run_id, true);
  perform sor.sweep_lapsed(sor_guard.member_tenants());
  _lease := make_interval(secs => coalesce(heartbeat.lease_seconds, _r.lease_seconds));
  _now := sor.lease_clock();
  -- sweep_at (where the sweeps first look at the run, never after its expiry) is left where it is
  -- while it is more than half the new lease ahead, so that most heartbeats change no indexed
  -- column (a HOT update); otherwise it moves to the new expiry
  update sor.runs r
     set lease_seconds = coalesce(heartbeat.lease_seconds, r.lease_seconds),
         lease_expires_at = _now + _lease,
         heartbeat_at = _now,
         sweep_at = case when r.sweep_at > _now + _lease / 2 and r.sweep_at <= _now + _lease then r.sweep_at
                         else _now + _lease end
   where r.tenant_id = _r.tenant_id and r.run_id = _r.run_id
  returning r.* into _r;
  return _r.lease_expires_at;
end
$$;
comment on function sor_api.heartbeat(uuid, integer) is
  'Extends the lease of a running run of the calling Worker (optionally with a new lease length) and returns the new expiry. A lapsed lease is not revived: SR036. SR008 no longer a member of the run''s tenant, SR034 unknown run, SR035 not running.';

create or replace function sor_api.finish_run(run_id uuid, status text, error jsonb default null)
returns text
language plpgsql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
declare
  _r sor.runs;
  _digest bytea;
begin
  perform sor.current_worker();
  if finish_run.status is null or finish_run.status not in ('succeeded', 'failed') then
    perform sor.journal_bad_input('status', 'A run finishes as succeeded or failed.');
  end if;
  if finish_run.status = 'succeeded' and finish_run.error is not null then
    perform sor.journal_bad_input('error', 'A succeeded run has no error; finish it as failed.');
  end if;
  _r := sor.worker_run(finish_run.run_id, false);
  if _r.status = finish_run.status then
    return _r.status;
  end if;
  _r := sor.worker_run(finish_run.run_id, true);
  _digest := sor.journal_digest(finish_run.error::text, null, false, 'error');
  update sor.runs r
     set status = finish_run.status, finished_at = pg_catalog.clock_timestamp(),
         error = case when r.hash_only then null else finish_run.error end,
         error_sha256 = _digest
   where r.tenant_id = _r.tenant_id and r.run_id = _r.run_id;
  return finish_run.status;
end
$$;
comment on function sor_api.finish_run(uuid, text, jsonb) is
  'Finishes a running run of the calling Worker as succeeded or failed (with an error; only its sha256 in hash-only runs). Repeating the same finish returns quietly. SR033 bad status or an error on success, SR034 unknown run, SR035 already finished otherwise or abandoned, SR036 lease lapsed.';

create or replace function sor_api.get_run(run_id uuid)
returns table (tenant_id text, workflow text, status text, version integer, state jsonb,
               "overlay" jsonb, effective_state jsonb, last_step_id text, hash_only boolean,
               lease_expires_at timestamptz, started_at timestamptz, finished_at timestamptz,
               active_block_id bigint, active_block_kind text)
language plpgsql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
declare
  _r sor.runs;
begin
  perform sor.current_worker();
  if get_run.run_id is null then
    perform sor.journal_bad_input('run_id', 'Pass the run id start_run returned.');
  end if;
  perform sor.mark_abandoned(get_run.run_id, session_user);
  _r := sor.worker_run(get_run.run_id, false);
  return query
  select _r.tenant_id, _r.workflow, _r.status, _r.version, _r.state, _r.overlay,
         _r.state || _r.overlay, _r.last_step_id, _r.hash_only, _r.lease_expires_at, _r.started_at,
         _r.finished_at, b.block_id, b.kind
    from (select 1) one
    left join sor.blocks b on b.tenant_id = _r.tenant_id and b.run_id = _r.run_id and b.status = 'active';
end
$$;
comment on function sor_api.get_run(uuid) is
  'Reads back one run of the calling Worker (marking it abandoned first when its lease lapsed): status, version, state, overlay, effective state (state || overlay) and its active block. SR034 unknown or another Worker''s run.';

create or replace function sor_api.my_runs()
returns table (run_id uuid, tenant_id text, workflow text, status text, version integer,
               lease_expires_at timestamptz, started_at timestamptz, finished_at timestamptz)
language plpgsql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
begin
  perform sor.current_worker();
  perform sor.mark_abandoned(null, session_user);
  return query
  select r.run_id, r.tenant_id, r.workflow, r.status, r.version, r.lease_expires_at, r.started_at, r.finished_at
    from sor.runs r
   where r.worker_role = session_user and r.tenant_id = any (sor_guard.member_tenants())
   order by r.started_at, r.run_id;
end
$$;
comment on function sor_api.my_runs() is
  'The calling Worker''s runs in the tenants it is a member of now (after marking its lapsed ones abandoned), oldest first: every one it ever ran (my_runs(run_status, after_run_id, max_rows) reads them a page at a time). A Worker never sees another Worker''s runs.';

-- The same runs a page at a time, optionally of one status: a Worker with a year of runs asks for
-- the ones it needs (its running or abandoned runs after a restart) in pages of a bounded size
-- instead of its whole history. Keyset paging in (started_at, run_id) order, the order of
-- my_runs(): the cursor is the last run of the page before, one of the caller's own runs.
create or replace function sor_api.my_runs(run_status text, after_run_id uuid, max_rows integer)
returns table (run_id uuid, tenant_id text, workflow text, status text, version integer,
               lease_expires_at timestamptz, started_at timestamptz, finished_at timestamptz)
language plpgsql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
#variable_conflict use_column
declare
  _tenants text[];
  _after_at timestamptz;
begin
  perform sor.current_worker();
  if my_runs.run_status is not null and my_runs.run_status not in ('running', 'succeeded', 'failed', 'abandoned') then
    perform sor.journal_bad_input('run_status',
      'run_status is running, succeeded, failed or abandoned, or NULL for every run.');
  end if;
  -- the page size of every reader of the kit (SR016)
  perform sor.check_max_rows(my_runs.max_rows);
  _tenants := sor_guard.member_tenants();
  if my_runs.after_run_id is not null then
    select r.started_at into _after_at
      from sor.runs r
     where r.run_id = my_runs.after_run_id and r.worker_role = session_user and r.tenant_id = any (_tenants);
    if _after_at is null then
      raise exception 'unknown run %', my_runs.after_run_id
        using errcode = 'SR034',
              hint = 'after_run_id is the last run_id of a page this Worker read (a run it no longer holds, or of a tenant it left, is not one of its runs); NULL starts from its first run.';
    end if;
  end if;
  perform sor.mark_abandoned(null, session_user);
  -- one statement per case, each an index's range from the cursor on (a first page starts after
  -- -infinity): runs_worker_status_idx for one status, runs_worker_run_idx for every run; a single
  -- statement with "is null or" conditions would have a generic plan that reads the Worker's whole
  -- history for every page
  if my_runs.run_status is null then
    return query
    select r.run_id, r.tenant_id, r.workflow, r.status, r.version, r.lease_expires_at, r.started_at, r.finished_at
      from sor.runs r
     where r.worker_role = session_user
       and (r.started_at, r.run_id) > (coalesce(_after_at, '-infinity'), coalesce(my_runs.after_run_id, '00000000-0000-0000-0000-000000000000'))
       and r.tenant_id = any (_tenants)
     order by r.started_at, r.run_id
     limit my_runs.max_rows;
  else
    return query
    select r.run_id, r.tenant_id, r.workflow, r.status, r.version, r.lease_expires_at, r.started_at, r.finished_at
      from sor.runs r
     where r.worker_role = session_user and r.status = my_runs.run_status
       and (r.started_at, r.run_id) > (coalesce(_after_at, '-infinity'), coalesce(my_runs.after_run_id, '00000000-0000-0000-0000-000000000000'))
       and r.tenant_id = any (_tenants)
     order by r.started_at, r.run_id
     limit my_runs.max_rows;
  end if;
end
$$;
comment on function sor_api.my_runs(text, uuid, integer) is
  'A page of the calling Worker''s runs in the tenants it is a member of now (after marking its lapsed ones abandoned), oldest first as my_runs(): of one run_status (running, succeeded, failed, abandoned) or of any (NULL), after the run after_run_id (NULL: from the first), at most max_rows (1 to 10000). SR033 bad run_status, SR016 max_rows out of range, SR034 a cursor that is not one of the caller''s runs, SR030 not a Worker.';

create or replace function sor_api.sweep_abandoned_runs()
returns integer
language sql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
  select sor.mark_abandoned(null, null)
$$;
comment on function sor_api.sweep_abandoned_runs() is
  'Marks every running run whose lease lapsed as abandoned (each writes a run_abandoned event) and returns how many; no cron needed, readers do the same lazily.';

-- Resuming a run whose lease lapsed: the same Worker, or another login of the run's Worker kind
-- that is a member of its tenant now (a fleet), takes it with a new lease and a higher fencing
-- token. The run keeps its id, state, version and steps: the Worker replays its workflow and
-- commit_step answers each step committed before with its recorded output; a tool call that was in
-- flight (started under the older token) is retried by its idempotency key, which the new attempt
-- takes over. The previous holder, if it is another login, is refused from then on (SR036).
create or replace function sor.resume(run_id uuid, lease_seconds integer default null)
returns sor.runs
language plpgsql
volatile
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
declare
  _w sor.workers := sor.current_worker();
  _r sor.runs;
  _lease integer;
  _now timestamptz;
begin
  if resume.run_id is null then
    perform sor.journal_bad_input('run_id', 'Pass the id of the run to resume.');
  end if;
  if resume.lease_seconds is not null and resume.lease_seconds not between 1 and 3600 then
    perform sor.journal_bad_input('lease_seconds', 'A lease lasts 1 to 3600 seconds; heartbeat to extend it.');
  end if;
  select r.* into _r from sor.runs r where r.run_id = resume.run_id for update;
  -- another tenant's run, or another kind's, is as unknown as a run that does not exist
  if not found or _r.worker_kind <> _w.kind then
    raise exception 'unknown run % for Worker %', resume.run_id, session_user
      using errcode = 'SR034', hint = 'A Worker resumes a run of its own kind, of a tenant it is a member of: pass the run id start_run returned.';
  end if;
  perform sor_guard.require_member(_r.tenant_id);
  if _r.status = 'running' and not sor.lease_lapsed(_r.lease_expires_at) then
    if _r.worker_role = session_user then
      return _r;  -- still held by this Worker: nothing to resume
    end if;
    raise exception 'run % is held by % until %', _r.run_id, _r.worker_role, _r.lease_expires_at
      using errcode = 'SR036',
            hint = 'A run is taken over only once its lease lapsed: retry after lease_expires_at, or ask its holder to finish it.';
  end if;
  if _r.status not in ('running', 'abandoned') then
    raise exception 'run % is %', _r.run_id, _r.status
      using errcode = 'SR035', hint = 'Only a run whose lease lapsed can be resumed; a finished or cancelled run is final: start a new run.';
  end if;
  _lease := coalesce(resume.lease_seconds, _r.lease_seconds);
  _now := sor.lease_clock();
  update sor.runs r
     set status = 'running', finished_at = null, worker_role = session_user,
         fencing_token = r.fencing_token + 1, resumed_at = pg_catalog.clock_timestamp(), resumed_by = session_user,
         lease_seconds = _lease, lease_expires_at = _now + make_interval(secs => _lease),
         sweep_at = _now + make_interval(secs => _lease), heartbeat_at = _now
   where r.tenant_id = _r.tenant_id and r.run_id = _r.run_id
  returning r.* into _r;
  return _r;
end
$$;
comment on function sor.resume(uuid, integer) is
  'Resumes a run whose lease lapsed (abandoned, or running past its lease) for session_user, a Worker of the run''s kind and a member of its tenant now: status running, a new lease, fencing_token + 1, resumed_at/by; the runs trigger writes run_resumed. A run still leased to this Worker is returned as it is. SR034 unknown run (or another kind''s), SR036 leased to another Worker, SR035 finished (or cancelled), SR033 bad argument.';

create or replace function sor_api.resume_run(run_id uuid, lease_seconds integer default null)
returns table (status text, version integer, fencing_token bigint, last_step_id text, state jsonb,
               lease_expires_at timestamptz, resumed_from name, in_flight_calls jsonb)
language plpgsql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
declare
  _before name;
  _r sor.runs;
begin
  perform sor.current_worker();
  perform sor.session_defaults();
  perform sor.sweep_lapsed(sor_guard.member_tenants());
  select r.worker_role into _before from sor.runs r where r.run_id = resume_run.run_id;
  _r := sor.resume(resume_run.run_id, resume_run.lease_seconds);
  return query
  select _r.status, _r.version, _r.fencing_token, _r.last_step_id, _r.state, _r.lease_expires_at, _before,
         coalesce((select jsonb_agg(jsonb_build_object('tool_call_id', c.tool_call_id, 'tool_name', c.tool_name,
                                                       'idempotency_key', c.idempotency_key, 'started_at', c.started_at,
                                                       'fencing_token', c.fencing_token)
                                    order by c.started_at, c.tool_call_id)
                     from sor.tool_calls c
                    where c.tenant_id = _r.tenant_id and c.run_id = _r.run_id and c.status = 'started'), '[]'::jsonb);
end
$$;
comment on function sor_api.resume_run(uuid, integer) is
  'Resumes a run of the caller''s Worker kind whose lease lapsed (after a crash, a long pause, a lapsed call), by the same Worker or another login of its kind (a fleet): a new lease (lease_seconds, or the run''s), fencing_token + 1; the previous holder, if another login, is refused from then on (SR036). Returns the run''s state, version and last step (replay the workflow: commit_step answers each committed step with its recorded output), the previous holder, and the tool calls that were in flight (retry each with its idempotency key: the retry takes it over). SR034 unknown run, SR036 still leased to another Worker, SR035 finished or cancelled, SR008 not a member of its tenant now.';

create or replace function sor_api.cancel_run(run_id uuid, reason text)
returns text
language plpgsql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
declare
  _r sor.runs;
  _error jsonb;
begin
  if not pg_catalog.pg_has_role(session_user, 'sor_admin', 'MEMBER') then
    raise exception 'role % may not cancel runs', session_user
      using errcode = 'SR034', hint = 'An operator (a member of sor_admin) cancels runs.';
  end if;
  if cancel_run.run_id is null or cancel_run.reason is null or pg_catalog.length(pg_catalog.btrim(cancel_run.reason)) not between 1 and 500 then
    perform sor.journal_bad_input('reason', 'Pass the run id and a reason of 1 to 500 characters.');
  end if;
  select r.* into _r from sor.runs r where r.run_id = cancel_run.run_id for update;
  if not found then
    raise exception 'unknown run %', cancel_run.run_id
      using errcode = 'SR034', hint = 'Pass a run id (sor_api.journal_runs lists them).';
  end if;
  if _r.status = 'failed' and _r.error_sha256 is not null
     and exists (select 1 from sor.events e where e.tenant_id = _r.tenant_id and e.stream = 'run-' || _r.run_id::text
                  and e.type = 'run_cancelled') then
    return 'cancelled';
  end if;
  if _r.status not in ('running', 'abandoned') then
    raise exception 'run % is %', _r.run_id, _r.status
      using errcode = 'SR035', hint = 'Only a running or abandoned run can be cancelled; a finished run is final.';
  end if;
  -- a cancelled run ends as failed, its error saying who cancelled it and why; the runs trigger
  -- writes run_cancelled for it (it reads the reason set here)
  _error := jsonb_build_object('cancelled', true, 'cancelled_by', session_user::text, 'reason', pg_catalog.btrim(cancel_run.reason));
  perform pg_catalog.set_config('sor.cancel_reason', pg_catalog.btrim(cancel_run.reason), true);
  update sor.runs r
     set status = 'failed', finished_at = pg_catalog.clock_timestamp(),
         error = case when r.hash_only then null else _error end,
         error_sha256 = sor.journal_digest(_error::text, null, false, 'error')
   where r.tenant_id = _r.tenant_id and r.run_id = _r.run_id;
  perform pg_catalog.set_config('sor.cancel_reason', '', true);
  return 'cancelled';
end
$$;
comment on function sor_api.cancel_run(uuid, text) is
  'An operator (member of sor_admin) ends a running or abandoned run for good, with a reason: status failed with the error {cancelled: true, cancelled_by, reason} and a run_cancelled event; its Worker''s next write is refused (SR035). Cancelling again returns quietly. SR034 not an operator or unknown run, SR035 already finished, SR033 missing reason.';

reset role;

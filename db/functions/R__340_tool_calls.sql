-- Tool calls: the internal begin/finish pair (sor.tool_call_begin, sor.tool_call_finish) that the
-- tool boundary builds on, with Stripe's idempotency semantics per tenant, and the public wrappers
-- for plain-code Workers. A call is journaled as started before the tool runs; a crash leaves it
-- started, with its arguments, for the auditor to see.
set role sor_owner;

-- A call in flight when its run lapsed: closed as failed, with an error that says so.
create or replace function sor.tool_call_interrupt(call sor.tool_calls, resumed sor.runs)
returns void
language plpgsql
volatile
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
declare
  _error jsonb := jsonb_build_object('interrupted', true,
                                     'reason', 'in flight when its run''s lease lapsed; retried by a later attempt with the same key',
                                     'retried_by_run', resumed.run_id, 'fencing_token', resumed.fencing_token);
begin
  update sor.tool_calls c
     set status = 'failed', finished_at = pg_catalog.clock_timestamp(),
         error = case when c.hash_only then null else _error end,
         error_sha256 = sor.journal_digest(_error::text, null, false, 'error'),
         result = null, result_sha256 = null
   where c.tenant_id = call.tenant_id and c.tool_call_id = call.tool_call_id and c.status = 'started';
end
$$;
comment on function sor.tool_call_interrupt(sor.tool_calls, sor.runs) is
  'Closes a tool call that was in flight when its run lapsed as failed, with an interrupted error naming the run that retries it.';

create or replace function sor.tool_call_begin(run_id uuid, tool_name text, args jsonb, idempotency_key text default null)
returns table (tool_call_id uuid, replayed boolean, status text, result jsonb, error jsonb)
language plpgsql
volatile
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
declare
  _w sor.workers;
  _r sor.runs;
  _args_digest bytea;
  _fingerprint bytea;
  _new uuid := pg_catalog.gen_random_uuid();
  _claim sor.idempotency_keys;
  _call sor.tool_calls;
begin
  _w := sor.current_worker();
  if not sor.is_valid('slug', tool_call_begin.tool_name) then
    perform sor.journal_bad_input('tool_name', 'A tool name is a lowercase slug of at most 100 characters, e.g. send_email.');
  end if;
  if tool_call_begin.args is null or jsonb_typeof(tool_call_begin.args) <> 'object' then
    perform sor.journal_bad_input('args', 'Tool arguments are a JSON object, e.g. {"to": "alice@example.com"}.');
  end if;
  if tool_call_begin.idempotency_key is not null then
    perform sor.journal_check_id(tool_call_begin.idempotency_key, 'idempotency_key', 255);
  end if;
  _r := sor.worker_run(tool_call_begin.run_id, true);
  _args_digest := sor.journal_digest(tool_call_begin.args::text, null, false, 'args');
  _fingerprint := sha256(convert_to(jsonb_build_array(tool_call_begin.tool_name, encode(_args_digest, 'hex'))::text, 'UTF8'));

  if tool_call_begin.idempotency_key is not null then
    -- keys are scoped by tenant and Worker kind: a Worker of another kind can neither forge a result
    -- for this kind's key nor read one
    _claim := sor.idempotency_claim(_r.tenant_id, 'tool_call:' || _w.kind, tool_call_begin.idempotency_key,
                                    _fingerprint, null, _new);
    if _claim.tool_call_id is distinct from _new then
      if _claim.fingerprint <> _fingerprint then
        raise exception 'idempotency key % was used with another tool or other arguments', tool_call_begin.idempotency_key
          using errcode = 'SR037', hint = 'A retry must send the same tool and arguments; a new request needs a new key.';
      end if;
      select c.* into _call from sor.tool_calls c
       where c.tenant_id = _r.tenant_id and c.tool_call_id = _claim.tool_call_id;
      if _call.status = 'started'
         and ((_call.run_id = _r.run_id and _call.fencing_token < _r.fencing_token)
              or exists (select 1 from sor.runs o
                          where o.tenant_id = _call.tenant_id and o.run_id = _call.run_id
                            and (o.status <> 'running' or sor.lease_lapsed(o.lease_expires_at)))) then
        -- in flight when its run lapsed: the attempt is closed as interrupted (it may or may not have
        -- reached the tool: the provider dedupes by the same key) and this attempt takes the key over
        perform sor.tool_call_interrupt(_call, _r);
        update sor.idempotency_keys k
           set tool_call_id = _new, run_id = null
         where k.tenant_id = _claim.tenant_id and k.scope = _claim.scope and k.idempotency_key = _claim.idempotency_key;
        _call := null;
      end if;
      if _call.status = 'started' then
        raise exception 'tool call % with idempotency key % is in progress', _call.tool_call_id, tool_call_begin.idempotency_key
          using errcode = 'SR038',
                hint = 'Another attempt holds this key and has not finished (or its run was abandoned mid-call): retry later, or check the tool''s provider.';
      end if;
      if _call.tool_call_id is not null then
        return query select _call.tool_call_id, true, _call.status, _call.result, _call.error;
        return;
      end if;
    end if;
  end if;

  insert into sor.tool_calls (tenant_id, tool_call_id, run_id, tool_name, args, args_sha256, idempotency_key, hash_only,
                              fencing_token)
  values (_r.tenant_id, _new, _r.run_id, tool_call_begin.tool_name,
          case when _r.hash_only then null else tool_call_begin.args end, _args_digest,
          tool_call_begin.idempotency_key, _r.hash_only, _r.fencing_token);
  return query select _new, false, 'started'::text, null::jsonb, null::jsonb;
end
$$;
comment on function sor.tool_call_begin(uuid, text, jsonb, text) is
  'Internal (tool boundary): journals a started tool call of a running run of session_user. With an idempotency key (per tenant and Worker kind): the same key with the same tool and arguments replays the finished call (replayed = true, its status, result, error); another fingerprint is SR037; a call still started is SR038, unless it was in flight when its run lapsed (started under an older fencing token of this run, or its run is no longer running): then it is closed as failed with an interrupted error and this attempt takes the key over. In hash-only runs only the arguments'' sha256 is stored.';

create or replace function sor.tool_call_finish(tool_call_id uuid, result jsonb, error jsonb)
returns void
language plpgsql
volatile
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
declare
  _call sor.tool_calls;
  _r sor.runs;
  _result_digest bytea;
  _error_digest bytea;
begin
  perform sor.current_worker();
  if tool_call_finish.tool_call_id is null then
    perform sor.journal_bad_input('tool_call_id', 'Pass the id begin_tool_call returned.');
  end if;
  if tool_call_finish.error is not null and tool_call_finish.result is not null then
    perform sor.journal_bad_input('result/error', 'A tool call either succeeds with a result or fails with an error, not both.');
  end if;
  select c.* into _call from sor.tool_calls c
    join sor.runs r on r.tenant_id = c.tenant_id and r.run_id = c.run_id
   where c.tool_call_id = tool_call_finish.tool_call_id and r.worker_role = session_user;
  if not found then
    raise exception 'unknown tool call % for Worker %', tool_call_finish.tool_call_id, session_user
      using errcode = 'SR034', hint = 'A Worker finishes only tool calls of its own runs.';
  end if;
  _result_digest := sor.journal_digest(tool_call_finish.result::text, null, false, 'result');
  _error_digest := sor.journal_digest(tool_call_finish.error::text, null, false, 'error');
  -- the same outcome again (a retry after the answer was lost): it is recorded; nothing to do.
  -- A finished call never changes, so the row read above is its last word.
  if _call.status <> 'started'
     and _call.status = (case when tool_call_finish.error is null then 'succeeded' else 'failed' end)
     and _call.result_sha256 is not distinct from _result_digest
     and _call.error_sha256 is not distinct from _error_digest then
    return;
  end if;
  _r := sor.worker_run(_call.run_id, true);
  select c.* into _call from sor.tool_calls c
   where c.tenant_id = _call.tenant_id and c.tool_call_id = _call.tool_call_id
   for update;
  if _call.status <> 'started' then
    raise exception 'tool call % is already % with another outcome', _call.tool_call_id, _call.status
      using errcode = 'SR044', hint = 'A tool call is finished once: the same outcome again is accepted as a retry, another is refused; begin a new call to try again.';
  end if;
  update sor.tool_calls c
     set status = case when tool_call_finish.error is null then 'succeeded' else 'failed' end,
         result = case when _r.hash_only then null else tool_call_finish.result end,
         result_sha256 = _result_digest,
         error = case when _r.hash_only then null else tool_call_finish.error end,
         error_sha256 = _error_digest,
         finished_at = pg_catalog.clock_timestamp()
   where c.tenant_id = _call.tenant_id and c.tool_call_id = _call.tool_call_id;
end
$$;
comment on function sor.tool_call_finish(uuid, jsonb, jsonb) is
  'Internal (tool boundary): finishes a started tool call of a running run of session_user: succeeded with result when error is NULL, else failed with error (only sha256s in hash-only runs). SR033 both given, SR034 unknown call, SR035/SR036 run not running or lease lapsed, SR044 already finished with another outcome (the same outcome again returns quietly: a retry), SR009 over 1 MiB, SR008 no longer a member of the run''s tenant.';

create or replace function sor_api.begin_tool_call(run_id uuid, tool_name text, args jsonb, idempotency_key text default null)
returns table (tool_call_id uuid, replayed boolean, status text, result jsonb, error jsonb)
language plpgsql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
begin
  -- a registered tool runs only through call_tool, which checks the allow-list and runs it
  if exists (select 1 from sor.tools t where t.tool_name = begin_tool_call.tool_name) then
    raise exception 'tool % is registered: call it with sor_api.call_tool', begin_tool_call.tool_name
      using errcode = 'SR075',
            hint = 'begin_tool_call journals calls a plain-code Worker makes outside the database (an HTTP API, a mail server); registered tools run only through call_tool.';
  end if;
  return query
  select b.tool_call_id, b.replayed, b.status, b.result, b.error
    from sor.tool_call_begin(begin_tool_call.run_id, begin_tool_call.tool_name, begin_tool_call.args,
                             begin_tool_call.idempotency_key) b;
end
$$;
comment on function sor_api.begin_tool_call(uuid, text, jsonb, text) is
  'For plain-code Workers: journals a call the Worker makes outside the database as started before it performs it (idempotency keys per tenant and Worker kind, see sor.tool_call_begin). Commit, perform the call, then finish_tool_call. A registered tool is refused (SR075): it runs only through call_tool. SR008 no longer a member of the run''s tenant.';

create or replace function sor_api.finish_tool_call(tool_call_id uuid, result jsonb default null, error jsonb default null)
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
begin
  if exists (select 1 from sor.tool_calls c
                join sor.tools t on t.tool_name = c.tool_name
                join sor.runs r on r.tenant_id = c.tenant_id and r.run_id = c.run_id
              where c.tool_call_id = finish_tool_call.tool_call_id and r.worker_role = session_user) then
    raise exception 'tool call % is of a registered tool: call_tool finishes it', finish_tool_call.tool_call_id
      using errcode = 'SR075', hint = 'finish_tool_call finishes only calls begun with begin_tool_call.';
  end if;
  perform sor.tool_call_finish(finish_tool_call.tool_call_id, finish_tool_call.result, finish_tool_call.error);
end
$$;
comment on function sor_api.finish_tool_call(uuid, jsonb, jsonb) is
  'For plain-code Workers: finishes a started tool call with its result, or with its error (see sor.tool_call_finish).';

create or replace function sor_api.run_tool_calls(run_id uuid)
returns table (tool_call_id uuid, tool_name text, status text, args jsonb, args_sha256 text, result jsonb,
               error jsonb, idempotency_key text, started_at timestamptz, finished_at timestamptz)
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
  _r := sor.worker_run(run_tool_calls.run_id, false);
  return query
  select c.tool_call_id, c.tool_name, c.status, c.args, encode(c.args_sha256, 'hex'), c.result, c.error,
         c.idempotency_key, c.started_at, c.finished_at
    from sor.tool_calls c
   where c.tenant_id = _r.tenant_id and c.run_id = _r.run_id
   order by c.started_at, c.tool_call_id;
end
$$;
comment on function sor_api.run_tool_calls(uuid) is
  'The tool calls of one run of the calling Worker, oldest first, finished or not. SR034 unknown or another Worker''s run.';

create or replace function sor_api.run_tool_calls(run_id uuid, call_status text, after_tool_call_id uuid, max_rows integer)
returns table (tool_call_id uuid, tool_name text, status text, args jsonb, args_sha256 text, result jsonb,
               error jsonb, idempotency_key text, started_at timestamptz, finished_at timestamptz)
language plpgsql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
#variable_conflict use_column
declare
  _r sor.runs;
  _after_at timestamptz;
begin
  perform sor.current_worker();
  if run_tool_calls.call_status is not null and run_tool_calls.call_status not in ('started', 'succeeded', 'failed') then
    perform sor.journal_bad_input('call_status',
      'call_status is started (in flight), succeeded or failed, or NULL for every call.');
  end if;
  -- the page size of every reader of the kit (SR016)
  perform sor.check_max_rows(run_tool_calls.max_rows);
  _r := sor.worker_run(run_tool_calls.run_id, false);
  if run_tool_calls.after_tool_call_id is not null then
    select c.started_at into _after_at
      from sor.tool_calls c
     where c.tenant_id = _r.tenant_id and c.tool_call_id = run_tool_calls.after_tool_call_id and c.run_id = _r.run_id;
    if _after_at is null then
      raise exception 'unknown tool call % of run %', run_tool_calls.after_tool_call_id, _r.run_id
        using errcode = 'SR034',
              hint = 'after_tool_call_id is the last tool_call_id of a page of this run''s calls; NULL starts from its first call.';
    end if;
  end if;
  -- one statement per case, each a range of tool_calls_run_call_idx from the cursor on (a first
  -- page starts after -infinity); a status is a filter on that range (a finish changes no indexed
  -- column of a call, so it stays a HOT update)
  if run_tool_calls.call_status is null then
    return query
    select c.tool_call_id, c.tool_name, c.status, c.args, pg_catalog.encode(c.args_sha256, 'hex'), c.result, c.error,
           c.idempotency_key, c.started_at, c.finished_at
      from sor.tool_calls c
     where c.tenant_id = _r.tenant_id and c.run_id = _r.run_id
       and (c.started_at, c.tool_call_id) > (coalesce(_after_at, '-infinity'), coalesce(run_tool_calls.after_tool_call_id, '00000000-0000-0000-0000-000000000000'))
     order by c.started_at, c.tool_call_id
     limit run_tool_calls.max_rows;
  else
    return query
    select c.tool_call_id, c.tool_name, c.status, c.args, pg_catalog.encode(c.args_sha256, 'hex'), c.result, c.error,
           c.idempotency_key, c.started_at, c.finished_at
      from sor.tool_calls c
     where c.tenant_id = _r.tenant_id and c.run_id = _r.run_id and c.status = run_tool_calls.call_status
       and (c.started_at, c.tool_call_id) > (coalesce(_after_at, '-infinity'), coalesce(run_tool_calls.after_tool_call_id, '00000000-0000-0000-0000-000000000000'))
     order by c.started_at, c.tool_call_id
     limit run_tool_calls.max_rows;
  end if;
end
$$;
comment on function sor_api.run_tool_calls(uuid, text, uuid, integer) is
  'A page of the tool calls of one run of the calling Worker, oldest first as run_tool_calls(run_id) (by start, then id): of one call_status (started: in flight; succeeded; failed) or of any (NULL), after the call after_tool_call_id (NULL: from the first), at most max_rows (1 to 10000). SR033 bad call_status, SR016 max_rows out of range, SR034 unknown or another Worker''s run, or a cursor that is not a call of this run, SR030 not a Worker.';

reset role;

-- Forensics: sor_api.run_report(run_id), the paragraph a manager reads, written from
-- run_report_facts and nothing else, so the prose and the facts cannot disagree. An error that
-- carries a SQLSTATE (a failed tool call's, a run's own) is explained in words
-- (sor.sqlstate_words): a manager does not know that 57P01 means the connection was terminated.
set role sor_owner;

create or replace function sor.sqlstate_words(code text)
returns text
language sql
immutable
strict
set search_path = pg_catalog, pg_temp
set jit = off
as $$
  select case code
    when '57P01' then 'the connection was terminated by an administrator (pg_terminate_backend) or the server shut down'
    when '57P02' then 'the server crashed and ended every connection'
    when '57P03' then 'the server was not accepting connections (starting up or shutting down)'
    when '57P04' then 'the database was dropped'
    when '57P05' then 'the connection was closed after idling too long (idle_session_timeout)'
    when '57014' then 'the statement was cancelled (statement_timeout, or a cancel request)'
    when '25P03' then 'the connection was closed after idling inside a transaction (idle_in_transaction_session_timeout)'
    when '25P04' then 'the transaction ran longer than transaction_timeout'
    when '40001' then 'a concurrent transaction conflicted with it (serialization failure); a retry may succeed'
    when '40P01' then 'it deadlocked with another transaction; a retry may succeed'
    when '55P03' then 'a lock was not granted in time (lock_timeout or NOWAIT)'
    when '53100' then 'the server ran out of disk space'
    when '53200' then 'the server ran out of memory'
    when '53300' then 'the server had no connection slot left (max_connections)'
    when '08006' then 'the connection broke mid-session (network failure, or the server went away)'
    when '08003' then 'the connection no longer existed'
    when '42501' then 'a privilege was missing'
    when 'P0001' then 'the code raised an error of its own'
    else case pg_catalog.left(code, 2)
      when 'SR' then 'a refusal by pg-sor, listed in the SQLSTATE table of the docs'
      when '08' then 'the connection failed'
      when '57' then 'an operator or the server stopped it'
      when '53' then 'the server ran out of a resource'
      when '54' then 'it went past a limit of the server (program limit exceeded)'
      when '58' then 'a system error outside PostgreSQL (disk or operating system)'
      when 'XX' then 'an internal error of PostgreSQL'
      when '40' then 'its transaction was rolled back'
      when '22' then 'invalid data'
      when '23' then 'a constraint refused the data'
      when '42' then 'a statement was invalid or not allowed'
      when '28' then 'authentication failed'
      else 'an error (SQLSTATE class ' || pg_catalog.left(code, 2) || ')'
    end
  end
$$;
comment on function sor.sqlstate_words(text) is
  'A SQLSTATE in words for the forensic reports: the states a crash or a lost connection leaves (57P01 terminated by an administrator, 57014 cancelled, 08006 connection broke, ...), then by class.';

create or replace function sor.forensic_time(at timestamptz)
returns text
language sql
stable
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
  select pg_catalog.to_char(at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS') || ' UTC'
$$;
comment on function sor.forensic_time(timestamptz) is
  'A timestamp as the forensic reports print it: UTC, milliseconds, independent of the session''s TimeZone.';

create or replace function sor_api.run_report(run_id uuid)
returns text
language plpgsql
stable
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
declare
  _f jsonb := sor_api.run_report_facts(run_report.run_id);
  _fp jsonb := nullif(_f -> 'failure_point', 'null'::jsonb);
  _lease jsonb := _f -> 'lease';
  _tasks jsonb := _f -> 'tasks';
  _calls jsonb := _f -> 'tool_calls';
  _o jsonb;
  _out text := '';
  _s text;
begin
  _s := format('Run %s (workflow %s, tenant %s) was run by Worker %s of kind %s; it started at %s',
               _f ->> 'run_id', _f ->> 'workflow', _f ->> 'tenant_id', _f ->> 'worker_role', _f ->> 'worker_kind',
               sor.forensic_time((_f ->> 'started_at')::timestamptz));
  _s := _s || case _f ->> 'status'
    when 'running' then ' and is still running at version ' || (_f ->> 'version') || '.'
    when 'succeeded' then format(' and succeeded at %s at version %s.', sor.forensic_time((_f ->> 'finished_at')::timestamptz), _f ->> 'version')
    when 'failed' then format(' and failed at %s at version %s.', sor.forensic_time((_f ->> 'finished_at')::timestamptz), _f ->> 'version')
    else format(' and was abandoned: its lease lapsed at %s at version %s.', sor.forensic_time((_f ->> 'finished_at')::timestamptz), _f ->> 'version')
  end;
  _out := _s;

  _out := _out || format(' It made %s tool call%s: %s finished, %s failed, %s left unfinished.',
                         _calls ->> 'total', case when (_calls ->> 'total')::integer = 1 then '' else 's' end, _calls ->> 'succeeded', _calls ->> 'failed', _calls ->> 'unfinished');

  if _fp is not null and _fp ->> 'source' = 'tool_call' then
    _out := _out || format(' The failure point is tool %s with arguments %s (call %s, %s, begun at %s%s).',
                           _fp ->> 'tool_name',
                           coalesce(nullif(_fp -> 'args', 'null'::jsonb)::text, 'withheld (hash-only, sha256 ' || (_fp ->> 'args_sha256') || ')'),
                           _fp ->> 'tool_call_id', _fp ->> 'tool_status',
                           sor.forensic_time((_fp ->> 'started_at')::timestamptz),
                           case when _fp -> 'error' is not null and jsonb_typeof(_fp -> 'error') <> 'null'
                                then ', error ' || (_fp -> 'error')::text
                                     || coalesce(' (SQLSTATE ' || (_fp #>> '{error,sqlstate}') || ': '
                                                 || sor.sqlstate_words(_fp #>> '{error,sqlstate}') || ')', '')
                                else '' end);
  elsif _fp is not null then
    _out := _out || format(' The failure point is the run''s own error: %s%s.',
                           coalesce(nullif((_fp -> 'error')::text, 'null'), 'withheld (hash-only, sha256 ' || coalesce(_fp ->> 'error_sha256', 'none') || ')'),
                           coalesce(' (SQLSTATE ' || (_fp #>> '{error,sqlstate}') || ': '
                                    || sor.sqlstate_words(_fp #>> '{error,sqlstate}') || ')', ''));
  end if;

  _out := _out || format(' Its lease %s %s seconds; ', case when _f ->> 'status' = 'running' then 'is' else 'was' end,
                         _lease ->> 'lease_seconds')
    || case when (_lease ->> 'heartbeated')::boolean
            then 'the last heartbeat was at ' || sor.forensic_time((_lease ->> 'last_heartbeat_at')::timestamptz)
            else 'it never sent a heartbeat' end
    || case _lease ->> 'outcome'
         when 'held' then format(', and the lease is held until %s.', sor.forensic_time((_lease ->> 'lease_expires_at')::timestamptz))
         when 'released' then ', and the lease ended with the run.'
         else format(', and the lease lapsed at %s, so the run was abandoned%s.',
                     sor.forensic_time((_lease ->> 'lapsed_at')::timestamptz),
                     case when _lease ->> 'abandoned_marked_at' is not null
                          then ' (marked at ' || sor.forensic_time((_lease ->> 'abandoned_marked_at')::timestamptz) || ')'
                          else ' (not yet marked)' end)
              || ' Nothing recorded why it stopped: a run is abandoned when its Worker stops sending heartbeats'
              || ' without finishing it (the Worker''s process or its connection died)'
              || case when _fp is not null and _fp ->> 'source' = 'tool_call' and _fp ->> 'tool_status' = 'unfinished'
                      then ', and the unfinished tool call is where it stopped.' else '.' end
       end;

  if jsonb_array_length(_f -> 'outbox') = 0 then
    _out := _out || ' It queued no outbox messages.';
  else
    _out := _out || format(' It queued %s outbox message%s:', jsonb_array_length(_f -> 'outbox'),
                           case when jsonb_array_length(_f -> 'outbox') = 1 then '' else 's' end);
    for _o in select x from jsonb_array_elements(_f -> 'outbox') x loop
      _out := _out || format(' #%s %s%s%s queued at %s, %s;',
                             _o ->> 'outbox_id', _o ->> 'topic',
                             case when _o ->> 'to' is not null then ' to ' || (_o ->> 'to') else '' end,
                             case when nullif(_o ->> 'step_id', '') is not null then ' (step ' || (_o ->> 'step_id') || ')' else '' end,
                             sor.forensic_time((_o ->> 'queued_at')::timestamptz),
                             case when _o ->> 'status' = 'dispatched'
                                  then format('dispatched at %s with provider reference %s',
                                              sor.forensic_time((_o ->> 'dispatched_at')::timestamptz), _o ->> 'provider_ref')
                                  else 'not dispatched (' || (_o ->> 'status') || ')' end);
    end loop;
    _out := rtrim(_out, ';') || '.';
  end if;

  if (_tasks ->> 'claimed')::integer = 0 then
    _out := _out || format(' While the run was open Worker %s held no claim on a task of tenant %s.',
                           _f ->> 'worker_role', _f ->> 'tenant_id');
  else
    _out := _out || format(' While the run was open Worker %s held claims on %s task%s of tenant %s (%s claimed before the run started) and completed %s of them.',
                           _f ->> 'worker_role', _tasks ->> 'claimed',
                           case when (_tasks ->> 'claimed')::integer = 1 then '' else 's' end, _f ->> 'tenant_id',
                           case when (_tasks ->> 'claimed_before_start')::integer = 0 then 'none'
                                when (_tasks ->> 'claimed_before_start') = (_tasks ->> 'claimed') and (_tasks ->> 'claimed')::integer = 2 then 'both'
                                when (_tasks ->> 'claimed_before_start') = (_tasks ->> 'claimed') and (_tasks ->> 'claimed')::integer > 2 then 'all ' || (_tasks ->> 'claimed')
                                else _tasks ->> 'claimed_before_start' end,
                           _tasks ->> 'completed');
  end if;
  return _out;
end
$$;
comment on function sor_api.run_report(uuid) is
  'A paragraph a manager can read about one run, written from sor_api.run_report_facts: who ran it, how it ended, its tool calls and failure point (tool and arguments), its lease, the outbox messages it queued and whether they were dispatched, the tasks its Worker held a claim on while the run was open and completed, a SQLSTATE in words. Times in UTC. SR091 NULL run id, SR090 unknown or unreadable run.';

reset role;

set role sor_owner;
select sor_guard.classify('function', 'sor_api.run_report(uuid)', 'reader');
reset role;

-- Forensics: sor_api.run_report(run_id), the paragraph a manager reads, written from
-- run_report_facts and nothing else, so the prose and the facts cannot disagree.
set role sor_owner;

create or replace function sor.forensic_time(at timestamptz)
returns text
language sql
stable
set search_path = pg_catalog, sor, pg_temp
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
                                then ', error ' || (_fp -> 'error')::text else '' end);
  elsif _fp is not null then
    _out := _out || format(' The failure point is the run''s own error: %s.',
                           coalesce(nullif((_fp -> 'error')::text, 'null'), 'withheld (hash-only, sha256 ' || coalesce(_fp ->> 'error_sha256', 'none') || ')'));
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
       end;

  if jsonb_array_length(_f -> 'outbox') = 0 then
    _out := _out || ' It queued no outbox messages.';
  else
    _out := _out || format(' It queued %s outbox message%s:', jsonb_array_length(_f -> 'outbox'),
                           case when jsonb_array_length(_f -> 'outbox') = 1 then '' else 's' end);
    for _o in select x from jsonb_array_elements(_f -> 'outbox') x loop
      _out := _out || format(' #%s %s%s (step %s) queued at %s, %s;',
                             _o ->> 'outbox_id', _o ->> 'topic',
                             case when _o ->> 'to' is not null then ' to ' || (_o ->> 'to') else '' end,
                             _o ->> 'step_id',
                             sor.forensic_time((_o ->> 'queued_at')::timestamptz),
                             case when _o ->> 'status' = 'dispatched'
                                  then format('dispatched at %s with provider reference %s',
                                              sor.forensic_time((_o ->> 'dispatched_at')::timestamptz), _o ->> 'provider_ref')
                                  else 'not dispatched (' || (_o ->> 'status') || ')' end);
    end loop;
    _out := rtrim(_out, ';') || '.';
  end if;

  _out := _out || format(' During the run Worker %s claimed %s task%s and completed %s.',
                         _f ->> 'worker_role', _tasks ->> 'claimed',
                         case when (_tasks ->> 'claimed')::integer = 1 then '' else 's' end, _tasks ->> 'completed');
  return _out;
end
$$;
comment on function sor_api.run_report(uuid) is
  'A paragraph a manager can read about one run, written from sor_api.run_report_facts: who ran it, how it ended, its tool calls and failure point (tool and arguments), its lease, the outbox messages it queued and whether they were dispatched, the tasks its Worker claimed and completed. Times in UTC. SR091 NULL run id, SR090 unknown or unreadable run.';

reset role;

-- Forensics: sor_api.run_timeline(run_id), everything recorded about one run as rows in time
-- order: the run row, turns, tool call begin/finish, steps, blocks, the events of its stream and of
-- its outbox rows' streams, the events tagged with its id (metadata.run_id), outbox rows queued and dispatched, the tasks it enqueued and claimed
-- (sor.run_tasks) and how each claimed attempt ended, the lease lapse and the finish.
set role sor_owner;

-- The timeline's entries from a time on, each with its place in the order: at, then ord (the kind
-- of entry, as the ties are listed in run_timeline's comment), then sub (the turn number, step
-- version, block, outbox row or event position) and key (what tells apart the entries that share
-- the rest: the tool call, the step, the block's opening or resolution, the task link). Every
-- branch reads only its rows at or after from_at, so a page late in a long run skips the rest.
create or replace function sor.run_timeline_entries(run_row sor.runs, from_at timestamptz)
returns table (at timestamptz, ord integer, sub bigint, key text, source text, what text, details jsonb)
language plpgsql
stable
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
declare
  _r sor.runs := run_timeline_entries.run_row;
  _after timestamptz := coalesce(run_timeline_entries.from_at, '-infinity');
  _stream text := 'run-' || _r.run_id::text;
  _lapsed boolean := _r.status = 'abandoned'
                     or (_r.status = 'running' and sor.lease_lapsed(_r.lease_expires_at));
begin
  return query
  select x.at, x.ord, x.sub, x.key, x.source, x.what, x.details
    from (
      select _r.started_at as at, 1 as ord, 0::bigint as sub, ''::text as key, 'sor.runs'::text as source,
             'run started'::text as what,
             jsonb_build_object('workflow', _r.workflow, 'worker_role', _r.worker_role, 'worker_kind', _r.worker_kind,
                                'lease_seconds', _r.lease_seconds, 'hash_only', _r.hash_only) as details
       where _r.started_at >= _after
      union all
      select t.recorded_at, 2, t.turn_no::bigint, '', 'sor.turns',
             format('turn %s: %s (%s)', t.turn_no, t.role, t.model),
             jsonb_build_object('turn_no', t.turn_no, 'model', t.model, 'role', t.role,
                                'input_tokens', t.input_tokens, 'output_tokens', t.output_tokens)
        from sor.turns t where t.tenant_id = _r.tenant_id and t.run_id = _r.run_id and t.recorded_at >= _after
      union all
      select c.started_at, 3, 0, c.tool_call_id::text, 'sor.tool_calls', 'tool call begun: ' || c.tool_name,
             jsonb_build_object('tool_call_id', c.tool_call_id, 'tool_name', c.tool_name, 'args', c.args,
                                'args_sha256', encode(c.args_sha256, 'hex'), 'idempotency_key', c.idempotency_key)
        from sor.tool_calls c where c.tenant_id = _r.tenant_id and c.run_id = _r.run_id and c.started_at >= _after
      union all
      select c.finished_at, 4, 0, c.tool_call_id::text, 'sor.tool_calls',
             case when c.status = 'failed' and c.error @> '{"interrupted": true}'
                  then 'tool call interrupted: ' || c.tool_name || ' (in flight under fencing token ' || c.fencing_token
                       || ' when its run lapsed)'
                  else 'tool call ' || c.status || ': ' || c.tool_name end,
             jsonb_build_object('tool_call_id', c.tool_call_id, 'tool_name', c.tool_name,
                                'result', c.result, 'error', c.error, 'fencing_token', c.fencing_token)
        from sor.tool_calls c
       where c.tenant_id = _r.tenant_id and c.run_id = _r.run_id and c.finished_at >= _after
      union all
      select s.committed_at, 5, s.version::bigint, s.step_id, 'sor.steps', format('step %s committed (version %s)', s.step_id, s.version),
             jsonb_build_object('step_id', s.step_id, 'version', s.version, 'output', s.output,
                                'event_count', s.event_count, 'command_count', s.command_count, 'block_id', s.block_id)
        from sor.steps s where s.tenant_id = _r.tenant_id and s.run_id = _r.run_id and s.committed_at >= _after
      union all
      select b.opened_at, 6, b.block_id, 'opened', 'sor.blocks', format('%s block %s opened', b.kind, b.block_id),
             jsonb_build_object('block_id', b.block_id, 'kind', b.kind, 'step_id', b.step_id, 'command', b.command)
        from sor.blocks b where b.tenant_id = _r.tenant_id and b.run_id = _r.run_id and b.opened_at >= _after
      union all
      select b.resolved_at, 6, b.block_id, 'resolved', 'sor.blocks', format('%s block %s %s', b.kind, b.block_id, b.status),
             jsonb_build_object('block_id', b.block_id, 'resolved_by', b.resolved_by, 'approved', b.approved, 'note', b.note)
        from sor.blocks b where b.tenant_id = _r.tenant_id and b.run_id = _r.run_id and b.resolved_at >= _after
      union all
      select o.created_at, 7, o.outbox_id, '', 'sor.outbox', format('outbox #%s queued: %s', o.outbox_id, o.topic),
             jsonb_build_object('outbox_id', o.outbox_id, 'topic', o.topic, 'step_id', o.step_id,
                                'dedupe_key', o.dedupe_key, 'payload', o.payload)
        from sor.outbox o where o.tenant_id = _r.tenant_id and o.run_id = _r.run_id and o.created_at >= _after
      union all
      select o.dispatched_at, 8, o.outbox_id, '', 'sor.outbox', format('outbox #%s dispatched: %s', o.outbox_id, o.topic),
             jsonb_build_object('outbox_id', o.outbox_id, 'provider_ref', o.provider_ref, 'attempts', o.attempts)
        from sor.outbox o
       where o.tenant_id = _r.tenant_id and o.run_id = _r.run_id and o.dispatched_at >= _after
      union all
      select e.occurred_at, 9, e.position, 'event', 'sor.events', format('event %s on %s v%s', e.type, e.stream, e.version),
             jsonb_build_object('position', e.position, 'stream', e.stream, 'version', e.version, 'type', e.type,
                                'actor', e.actor, 'payload', e.payload, 'metadata', e.metadata)
        from sor.events e
       where e.tenant_id = _r.tenant_id and e.occurred_at >= _after
         and (e.stream = _stream
              or e.stream in (select 'outbox-' || o.outbox_id from sor.outbox o
                               where o.tenant_id = _r.tenant_id and o.run_id = _r.run_id))
      union all
      -- the events the run appended to the tenant's own streams, tagged with its id in their
      -- metadata (as the MCP server tags every append of a session), from the run's start on
      select e.occurred_at, 9, e.position, 'event', 'sor.events', format('event %s on %s v%s', e.type, e.stream, e.version),
             jsonb_build_object('position', e.position, 'stream', e.stream, 'version', e.version, 'type', e.type,
                                'actor', e.actor, 'payload', e.payload, 'metadata', e.metadata)
        from sor.events e
       where e.tenant_id = _r.tenant_id
         and e.occurred_at >= greatest(_r.started_at, _after)
         and e.metadata ->> 'run_id' = _r.run_id::text
         and not sor.is_reserved('stream category', e.stream)
      union all
      -- the tasks the run enqueued and the attempts it claimed, by id (sor.run_tasks)
      select l.linked_at, 9, 0, pg_catalog.format('task %s %s %s', l.task_id, l.link, l.fencing_token), 'sor.run_tasks',
             case when l.link = 'enqueued' then format('task %s enqueued on %s: %s', l.task_id, t.queue, t.subject)
                  else format('task %s claimed on %s (fencing token %s)', l.task_id, t.queue, l.fencing_token) end,
             jsonb_build_object('task_id', l.task_id, 'queue', t.queue, 'subject', t.subject, 'link', l.link,
                                'fencing_token', nullif(l.fencing_token, 0))
        from sor.run_tasks l
        left join lateral (select x.queue, x.subject from sor.tasks x where x.tenant_id = l.tenant_id and x.task_id = l.task_id
                           union all
                           select y.queue, y.subject from sor.finished_tasks y where y.tenant_id = l.tenant_id and y.task_id = l.task_id
                           limit 1) t on true
       where l.tenant_id = _r.tenant_id and l.run_id = _r.run_id and l.linked_at >= _after
      union all
      -- how each attempt claimed in the run ended: the kit's event with the same fencing token
      select e.occurred_at, 9, e.position, 'event', 'sor.events', format('task %s %s (fencing token %s)', l.task_id,
             pg_catalog.substr(e.type, 6), l.fencing_token),
             jsonb_build_object('position', e.position, 'stream', e.stream, 'type', e.type, 'actor', e.actor,
                                'payload', e.payload)
        from sor.run_tasks l
        join sor.events e on e.tenant_id = l.tenant_id and e.stream = 'task-' || l.task_id
       where l.tenant_id = _r.tenant_id and l.run_id = _r.run_id and l.link = 'claimed'
         and e.type in ('task.completed', 'task.failed', 'task.dead', 'task.lease_expired') and e.occurred_at >= _after
         and (e.payload ->> 'fencing_token')::bigint = l.fencing_token
      union all
      -- an attempt claimed in the run that completed on a queue recording completions by the
      -- finished row alone (completion_record row): the finished row, when no event records it
      select f.finished_at, 9, 0, pg_catalog.format('finished %s %s', f.task_id, f.fencing_token), 'sor.finished_tasks', format('task %s completed (fencing token %s)', l.task_id, l.fencing_token),
             jsonb_build_object('task_id', f.task_id, 'queue', f.queue, 'status', f.status, 'claimed_by', f.claimed_by,
                                'claimed_at', f.claimed_at, 'attempts', f.attempts)
        from sor.run_tasks l
        join sor.finished_tasks f on f.tenant_id = l.tenant_id and f.task_id = l.task_id
       where l.tenant_id = _r.tenant_id and l.run_id = _r.run_id and l.link = 'claimed'
         and f.status = 'completed' and f.fencing_token = l.fencing_token and f.finished_at >= _after
         and not exists (select 1 from sor.events e
                          where e.tenant_id = l.tenant_id and e.stream = 'task-' || l.task_id and e.type = 'task.completed'
                            and (e.payload ->> 'fencing_token')::bigint = l.fencing_token)
      union all
      select _r.lease_expires_at, 10, 0, '', 'sor.runs', 'lease lapsed',
             jsonb_build_object('lease_seconds', _r.lease_seconds, 'last_heartbeat_at', _r.heartbeat_at)
       where _lapsed and _r.lease_expires_at >= _after
      union all
      select _r.finished_at, 11, 0, '', 'sor.runs', 'run ' || _r.status,
             jsonb_build_object('version', _r.version, 'error', _r.error)
       where _r.finished_at >= _after
    ) x;
end
$$;
comment on function sor.run_timeline_entries(sor.runs, timestamptz) is
  'Internal: the entries of a run''s timeline at or after a time (NULL: all), unordered, each with its place in the timeline''s order (at, ord, sub, key). The callers (sor_api.run_timeline) check who may read the run.';

create or replace function sor_api.run_timeline(run_id uuid)
returns table (at timestamptz, source text, what text, details jsonb)
language plpgsql
stable
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
declare
  _r sor.runs := sor.forensic_run(run_timeline.run_id);
begin
  return query
  select x.at, x.source, x.what, x.details
    from sor.run_timeline_entries(_r, null) x
   order by x.at, x.ord, x.sub, x.key collate "C";
end
$$;
comment on function sor_api.run_timeline(uuid) is
  'Everything recorded about one run as rows in time order (ties: run start, turns, tool call begin, tool call finish, steps, blocks, outbox queued, outbox dispatched, events by position and the run''s tasks, lease lapse, finish): at, source table, what happened, details. Reads rows only. SR091 NULL run id, SR090 unknown or unreadable run.';

-- The same timeline a page at a time: each row carries its entry, the cursor to pass as
-- after_entry for the next page (its place in the order, as text: the time in microseconds since
-- the epoch, ord, sub and key, separated by '/').
create or replace function sor_api.run_timeline(run_id uuid, after_entry text, max_rows integer)
returns table (at timestamptz, source text, what text, details jsonb, entry text)
language plpgsql
stable
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
declare
  _r sor.runs := sor.forensic_run(run_timeline.run_id);
  _parts text[];
  _at timestamptz := '-infinity';
  _ord integer := 0;
  _sub bigint := -9223372036854775808;
  _key text := '';
begin
  perform sor.check_max_rows(run_timeline.max_rows);
  if run_timeline.after_entry is not null then
    _parts := pg_catalog.regexp_match(run_timeline.after_entry, '^(-?[0-9]{1,19})/([0-9]{1,2})/(-?[0-9]{1,19})/(.*)$');
    if _parts is null then
      raise exception 'after_entry % is not an entry of a timeline page', pg_catalog.quote_literal(pg_catalog.left(run_timeline.after_entry, 100))
        using errcode = 'SR011', hint = 'Pass the entry column of the last row of the page before, as it was returned; NULL starts from the run''s start.';
    end if;
    _at := 'epoch'::timestamptz + (_parts[1] || ' microseconds')::interval;
    _ord := _parts[2]::integer;
    _sub := _parts[3]::bigint;
    _key := _parts[4];
  end if;
  return query
  select x.at, x.source, x.what, x.details,
         pg_catalog.concat_ws('/', (extract(epoch from x.at) * 1000000)::bigint, x.ord, x.sub, x.key)
    from sor.run_timeline_entries(_r, _at) x
   where (x.at, x.ord, x.sub, x.key collate "C") > (_at, _ord, _sub, _key collate "C")
   order by x.at, x.ord, x.sub, x.key collate "C"
   limit run_timeline.max_rows;
end
$$;
comment on function sor_api.run_timeline(uuid, text, integer) is
  'run_timeline(run_id) a page at a time, in the same order: the rows after the entry after_entry (the entry column of the last row of the page before; NULL: from the start), at most max_rows (1 to 10000), each with its entry. SR091 NULL run id, SR090 unknown or unreadable run, SR016 max_rows out of range, SR011 an after_entry that is not an entry.';

reset role;

set role sor_owner;
select sor_guard.classify('function', 'sor_api.run_timeline(uuid)', 'reader');
select sor_guard.classify('function', 'sor_api.run_timeline(uuid, text, integer)', 'reader');
reset role;

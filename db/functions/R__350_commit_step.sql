-- Run state, the Verist storage contract done in the database: commit_step writes the step's
-- output (shallow merge into state), its events and its commands atomically under an optimistic
-- version check, exactly once per step; set_overlay records human corrections.
set role sor_owner;

create or replace function sor.command_dedupe_key(run_id uuid, step_id text, ordinal integer, command jsonb)
returns text
language sql
immutable
parallel safe
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
  select encode(sha256(convert_to(jsonb_build_array(command_dedupe_key.run_id::text, command_dedupe_key.step_id,
                                                     command_dedupe_key.ordinal, command_dedupe_key.command)::text,
                                  'UTF8')), 'hex')
$$;
comment on function sor.command_dedupe_key(uuid, text, integer, jsonb) is
  'Deterministic outbox dedupe key of a step''s command: hex sha256 of [run_id, step_id, ordinal (1-based), canonical command JSON].';

create or replace function sor_api.commit_step(
  run_id uuid, step_id text, expected_version integer, output jsonb,
  events jsonb default '[]'::jsonb, commands jsonb default '[]'::jsonb
) returns table (status text, version integer, replayed boolean, recorded_output jsonb, block_id bigint)
language plpgsql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
declare
  _events jsonb := coalesce(commit_step.events, '[]'::jsonb);
  _commands jsonb := coalesce(commit_step.commands, '[]'::jsonb);
  _r sor.runs;
  _step sor.steps;
  _bad record;
  _blocking jsonb;
  _blocking_ord integer;
  _block bigint;
  _version integer;
  _meta jsonb;
begin
  perform sor.current_worker();
  if commit_step.run_id is null then
    perform sor.journal_bad_input('run_id', 'Pass the run id start_run returned.');
  end if;
  perform sor.journal_check_id(commit_step.step_id, 'step_id', 200);
  if commit_step.expected_version is null or commit_step.expected_version < 0 then
    perform sor.journal_bad_input('expected_version', 'Pass the version you last read: 0 for the first step of a run.');
  end if;
  if commit_step.output is null or jsonb_typeof(commit_step.output) <> 'object' then
    perform sor.journal_bad_input('output', 'A step output is a JSON object; it is merged into the state (shallow).');
  end if;
  if jsonb_typeof(_events) <> 'array' or jsonb_array_length(_events) > 1000 then
    perform sor.journal_bad_input('events', 'Events are a JSON array (at most 1000) of {"type": ..., "payload": {...}}.');
  end if;
  -- each list is judged as a whole by one query, the first offending element (by ordinal) named
  -- by its error: its shape (SR033), a reserved event type or command topic (SR017, by
  -- sor.reserved_kind's expression), a second review or suspend command (SR041)
  select b.type, b.code into _bad
    from (select t.x ->> 'type' as type, t.o,
                 case when jsonb_typeof(t.x) <> 'object'
                        or jsonb_typeof(t.x -> 'type') is distinct from 'string'
                        or not sor.is_valid('event_type', t.x ->> 'type')
                        or coalesce(jsonb_typeof(t.x -> 'payload'), 'object') <> 'object'
                        or (t.x - '{type,payload}'::text[]) <> '{}'::jsonb then 'SR033'
                      when sor.reserved_kind(null, t.x ->> 'type', null) is not null then 'SR017'
                 end as code
            from jsonb_array_elements(_events) with ordinality as t(x, o)) b
   where b.code is not null
   order by b.o
   limit 1;
  if _bad.code = 'SR033' then
    perform sor.journal_bad_input('events', 'Each event is {"type": "name", "payload": {...}}: a type of at most 100 letters, digits, _ . : or -, and an optional object payload.');
  elsif _bad.code = 'SR017' then
    perform sor.refuse_reserved(null, _bad.type, null);
  end if;
  if jsonb_typeof(_commands) <> 'array' or jsonb_array_length(_commands) > 1000 then
    perform sor.journal_bad_input('commands', 'Commands are a JSON array (at most 1000) of objects with a "type".');
  end if;
  select b.type, b.code into _bad
    from (select t.x ->> 'type' as type, t.o,
                 case when jsonb_typeof(t.x) <> 'object' or jsonb_typeof(t.x -> 'type') is distinct from 'string'
                        or not sor.is_valid('event_type', t.x ->> 'type') then 'SR033'
                      when sor.reserved_kind(null, null, t.x ->> 'type') is not null then 'SR017'
                      when t.x ->> 'type' in ('review', 'suspend')
                       and count(*) filter (where jsonb_typeof(t.x) = 'object' and t.x ->> 'type' in ('review', 'suspend'))
                             over (order by t.o rows between unbounded preceding and 1 preceding) > 0 then 'SR041'
                 end as code
            from jsonb_array_elements(_commands) with ordinality as t(x, o)) b
   where b.code is not null
   order by b.o
   limit 1;
  if _bad.code = 'SR033' then
    perform sor.journal_bad_input('commands', 'Each command is an object whose "type" is a name of at most 100 letters, digits, _ . : or -.');
  elsif _bad.code = 'SR017' then
    perform sor.refuse_reserved(null, null, _bad.type);
  elsif _bad.code = 'SR041' then
    raise exception 'step % has more than one review or suspend command', commit_step.step_id
      using errcode = 'SR041', hint = 'A run has at most one active block: give a step at most one review or suspend command.';
  end if;
  -- the one review or suspend command, if any
  select t.x, t.o::integer into _blocking, _blocking_ord
    from jsonb_array_elements(_commands) with ordinality as t(x, o)
   where t.x ->> 'type' in ('review', 'suspend');
  perform sor.check_size(commit_step.output, 'the output of step ' || commit_step.step_id);
  perform sor.check_size(_events, 'the events of step ' || commit_step.step_id);
  perform sor.check_size(_commands, 'the commands of step ' || commit_step.step_id);

  select r.* into _r from sor.runs r
   where r.run_id = commit_step.run_id and r.worker_role = session_user
   for update;
  if not found then
    return query select 'not_found'::text, null::integer, false, null::jsonb, null::bigint;
    return;
  end if;
  -- membership now: a Worker removed from the run's tenant commits nothing more
  perform sor_guard.require_member(_r.tenant_id);
  select s.* into _step from sor.steps s
   where s.tenant_id = _r.tenant_id and s.run_id = _r.run_id and s.step_id = commit_step.step_id;
  if found then
    return query select 'committed'::text, _step.version, true, _step.output, _step.block_id;
    return;
  end if;
  if _r.status <> 'running' then
    raise exception 'run % is %', _r.run_id, _r.status
      using errcode = 'SR035', hint = 'A finished or abandoned run takes no more steps; start a new run.';
  end if;
  if sor.lease_lapsed(_r.lease_expires_at) then
    raise exception 'the lease of run % lapsed at %', _r.run_id, _r.lease_expires_at
      using errcode = 'SR036', hint = 'The run reads abandoned; heartbeat more often than lease_seconds, and start a new run.';
  end if;
  if _r.version <> commit_step.expected_version then
    return query select 'conflict'::text, _r.version, false, null::jsonb, null::bigint;
    return;
  end if;

  _version := _r.version + 1;
  update sor.runs r
     set state = r.state || commit_step.output, version = _version, last_step_id = commit_step.step_id
   where r.tenant_id = _r.tenant_id and r.run_id = _r.run_id;

  if _blocking is not null then
    begin
      insert into sor.blocks as b (tenant_id, run_id, step_id, kind, command)
      values (_r.tenant_id, _r.run_id, commit_step.step_id, _blocking ->> 'type', _blocking)
      returning b.block_id into _block;
    exception when unique_violation then
      raise exception 'run % already has an active block', _r.run_id
        using errcode = 'SR041', hint = 'Wait until an approver resolves the active block (sor_api.resolve_block) before opening another.';
    end;
  end if;

  insert into sor.steps (tenant_id, run_id, step_id, version, output, event_count, command_count, block_id)
  values (_r.tenant_id, _r.run_id, commit_step.step_id, _version, commit_step.output,
          jsonb_array_length(_events), jsonb_array_length(_commands), _block);

  -- the step's events in one statement, in order: one link of the run's chain (sor.append_event_rows)
  if jsonb_array_length(_events) > 0 then
    _meta := jsonb_build_object('run_id', _r.run_id, 'step_id', commit_step.step_id, 'version', _version);
    perform 1
      from (select array_agg(_r.tenant_id order by t.o) as tenant_ids, array_agg('run-' || _r.run_id::text order by t.o) as streams,
                   array_agg(t.x ->> 'type' order by t.o) as types,
                   array_agg(coalesce(t.x -> 'payload', '{}'::jsonb) order by t.o) as payloads,
                   array_agg(_meta order by t.o) as metadatas
              from jsonb_array_elements(_events) with ordinality as t(x, o)) x
     cross join lateral sor.append_event_rows(x.tenant_ids, x.streams, x.types, x.payloads, x.metadatas) a;
  end if;

  insert into sor.outbox (tenant_id, topic, aggregate_type, aggregate_id, payload, headers, dedupe_key,
                          status, run_id, step_id, block_id)
  select _r.tenant_id, t.x ->> 'type', 'run', _r.run_id::text, t.x,
         jsonb_build_object('run_id', _r.run_id, 'step_id', commit_step.step_id, 'ordinal', t.o),
         sor.command_dedupe_key(_r.run_id, commit_step.step_id, t.o::integer, t.x),
         case when _blocking is null then 'pending'
              when _blocking ->> 'type' = 'review' then 'deferred'
              else 'discarded' end,
         _r.run_id, commit_step.step_id, _block
    from jsonb_array_elements(_commands) with ordinality as t(x, o)
   where t.o <> coalesce(_blocking_ord, 0)
   order by t.o;

  return query select 'committed'::text, _version, false, commit_step.output, _block;
end
$$;
comment on function sor_api.commit_step(uuid, text, integer, jsonb, jsonb, jsonb) is
  'Verist commit: for a running run of the calling Worker at expected_version, merges output into state (shallow ||), bumps the version, appends the events (stream run-<id>, metadata run_id, step_id, version; one statement, one link of the run''s chain) and queues the commands, all or nothing. Returns committed (new version), conflict (current version) or not_found (unknown or another Worker''s run). A step already committed returns its recorded output with replayed = true. A review command opens a block and defers its siblings; a suspend command opens a block and discards them. SR008 no longer a member of the run''s tenant, SR009 over 1 MiB, SR017 a reserved event type or command topic, SR033 malformed argument, SR035 run not running, SR036 lease lapsed, SR041 second block.';

create or replace function sor_api.set_overlay(run_id uuid, "overlay" jsonb)
returns jsonb
language plpgsql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
declare
  _r sor.runs;
begin
  if set_overlay.run_id is null then
    perform sor.journal_bad_input('run_id', 'Pass the id of the run to correct.');
  end if;
  if set_overlay.overlay is null or jsonb_typeof(set_overlay.overlay) <> 'object' then
    perform sor.journal_bad_input('overlay', 'An overlay is a JSON object of the keys to correct.');
  end if;
  perform sor.check_size(set_overlay.overlay, 'the overlay for run ' || set_overlay.run_id);
  select r.* into _r from sor.runs r
   where r.run_id = set_overlay.run_id and sor_guard.is_member(r.tenant_id)
   for update;
  if not found then
    raise exception 'unknown run % for role %', set_overlay.run_id, session_user
      using errcode = 'SR034', hint = 'An approver corrects runs of the tenants it is a member of.';
  end if;
  update sor.runs r set overlay = r.overlay || set_overlay.overlay
   where r.tenant_id = _r.tenant_id and r.run_id = _r.run_id
  returning r.* into _r;
  return _r.state || _r.overlay;
end
$$;
comment on function sor_api.set_overlay(uuid, jsonb) is
  'Human correction by an approver who is a member of the run''s tenant: merges the keys into the overlay (last write wins, no version bump) and returns the effective state (state || overlay). Keys are never deleted: write a tombstone value instead. SR009 over 1 MiB, SR033 malformed argument, SR034 unknown run (or a run of a tenant the caller is not a member of).';

reset role;

-- Forensics: sor_api.what_happened(from, to[, tenant_id]) answers "what happened on Tuesday at
-- 11pm?" from sor.events alone: every event with from <= occurred_at < to, in position order, with
-- one readable summary line per event type. Tenancy by session_user: an auditor reads every tenant,
-- anyone else the tenants it is a member of.
set role sor_owner;

create or replace function sor.event_summary(stream text, type text, payload jsonb, actor name)
returns text
language sql
immutable
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
  select case
    when type = 'run_started' then
      format('%s started (workflow %s, Worker %s of kind %s)', stream, payload ->> 'workflow',
             payload ->> 'worker_role', payload ->> 'worker_kind')
    when type = 'run_state_committed' then
      format('%s committed step %s (version %s)', stream, payload ->> 'step_id', payload ->> 'version')
    when type = 'run_overlay_set' then
      format('%s overlay set by %s (keys %s)', stream, actor, payload -> 'keys')
    when type in ('run_succeeded', 'run_failed', 'run_abandoned') then
      format('%s %s at version %s', stream, substr(type, 5), payload ->> 'version')
        || case when type = 'run_failed' and payload ? 'error' and jsonb_typeof(payload -> 'error') <> 'null'
                then ': ' || (payload -> 'error')::text else '' end
    when type = 'block_opened' then
      format('%s: %s block %s opened by step %s', stream, payload ->> 'kind', payload ->> 'block_id', payload ->> 'step_id')
    when type in ('block_approved', 'block_rejected') then
      format('%s: %s block %s %s by %s', stream, payload ->> 'kind', payload ->> 'block_id', substr(type, 7), actor)
    when type = 'task.enqueued' then
      format('task %s enqueued on %s: %s', payload ->> 'task_id', payload ->> 'queue', payload ->> 'subject')
    when type = 'task.claimed' then
      format('task %s on %s claimed by %s (attempt %s)', payload ->> 'task_id', payload ->> 'queue',
             actor, payload ->> 'attempts')
    when type = 'task.completed' then
      format('task %s on %s completed by %s', payload ->> 'task_id', payload ->> 'queue', actor)
        || case when payload ? 'claimed_at'
                then format(' (attempt %s, claimed at %s, token %s)', payload ->> 'attempts', payload ->> 'claimed_at',
                            payload ->> 'fencing_token') else '' end
    when type in ('task.failed', 'task.dead') then
      format('task %s on %s %s (attempt %s): %s', payload ->> 'task_id', payload ->> 'queue', substr(type, 6),
             payload ->> 'attempts', payload ->> 'error')
    when type = 'task.retried' then
      format('task %s on %s made ready again', payload ->> 'task_id', payload ->> 'queue')
    when type = 'task.lease_expired' then
      format('task %s: the claim of %s lapsed at %s', payload ->> 'task_id', payload ->> 'claimed_by',
             payload ->> 'lease_expires_at')
    when type = 'outbox.queued' then
      format('outbox #%s queued: %s (%s)', payload ->> 'outbox_id', payload ->> 'topic', payload ->> 'status')
        || case when payload ? 'run_id' then ' by run ' || (payload ->> 'run_id') else '' end
    when type = 'outbox.leased' then
      format('outbox #%s leased by %s', payload ->> 'outbox_id', actor)
    when type = 'outbox.dispatched' then
      format('outbox #%s dispatched by %s, provider reference %s', payload ->> 'outbox_id', actor,
             payload ->> 'provider_ref')
    when type in ('outbox.failed', 'outbox.dead') then
      format('outbox #%s %s (attempt %s): %s', payload ->> 'outbox_id', substr(type, 8), payload ->> 'attempts',
             payload ->> 'error')
    when type like 'outbox.%' then
      format('outbox #%s %s', payload ->> 'outbox_id', replace(substr(type, 8), '_', ' '))
    else format('%s on %s by %s', type, stream, actor)
  end
$$;
comment on function sor.event_summary(text, text, jsonb, name) is
  'One readable line for an event, by type (runs, blocks, tasks, outbox; any other type as "<type> on <stream> by <actor>"). Reads only the event''s own fields; who did it is always the actor column (the session that wrote the event), never a claim in the payload. The kit''s types are reserved (sor.reserved_names), so no caller can forge them.';

create or replace function sor_api.what_happened(from_at timestamptz, to_at timestamptz, tenant_id text default null)
returns table (event_position bigint, occurred_at timestamptz, tenant text, stream text, type text,
               actor name, summary text)
language plpgsql
stable
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
declare
  _all boolean := pg_catalog.pg_has_role(session_user, 'sor_auditor', 'MEMBER');
begin
  if from_at is null or to_at is null or from_at > to_at then
    raise exception 'bad window [%, %)', from_at, to_at
      using errcode = 'SR092', hint = 'Pass a window whose start is not after its end, neither NULL.';
  end if;
  if to_at - from_at > interval '31 days' then
    raise exception 'window [%, %) is longer than 31 days', from_at, to_at
      using errcode = 'SR093', hint = 'Ask about at most 31 days at a time.';
  end if;
  if what_happened.tenant_id is not null then
    -- the read gate: an unknown tenant and another tenant's id get the same answer (SR008), an
    -- auditor SR002 for an unknown tenant
    perform sor_guard.require_reader(what_happened.tenant_id);
  end if;
  return query
  select e.position, e.occurred_at, e.tenant_id, e.stream, e.type, e.actor,
         sor.event_summary(e.stream, e.type, e.payload, e.actor)
    from sor.events e
   where e.occurred_at >= from_at and e.occurred_at < to_at
     and (what_happened.tenant_id is null or e.tenant_id = what_happened.tenant_id)
     and (_all or e.tenant_id = any (sor_guard.member_tenants()))
   order by e.position;
end
$$;
comment on function sor_api.what_happened(timestamptz, timestamptz, text) is
  'What happened between from_at (inclusive) and to_at (exclusive), from sor.events alone: one row per event in position order with its tenant, stream, type, actor, occurred_at and a readable summary. An auditor reads every tenant, anyone else its own tenants; tenant_id narrows to one. SR092 NULL or reversed window, SR093 window over 31 days, SR008 a tenant the caller may not read (or no such tenant).';

reset role;

set role sor_owner;
select sor_guard.classify('function', 'sor_api.what_happened(timestamp with time zone,timestamp with time zone,text)', 'reader');
reset role;

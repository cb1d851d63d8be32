-- Journal checks for certify(): every trigger that writes the audit trail of a state transition
-- (its function declared audit in sor_guard.classes: runs, blocks, tasks, outbox) is ENABLE ALWAYS;
-- hash-only rows hold no content; run versions agree with their recorded steps and events. That
-- these triggers, indexes, policies and grants stay as installed is the register's check (030).
set role sor_owner;

create or replace function sor.certify__040_journal()
returns table (property text, check_name text, object text, ok boolean, detail text)
language sql
stable
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
  with audit_triggers as (
    select (pg_catalog.pg_identify_object('pg_catalog.pg_class'::regclass, t.tgrelid, 0)).identity as tbl, t.tgname, t.tgenabled,
           (pg_catalog.pg_identify_object('pg_catalog.pg_proc'::regclass, t.tgfoid, 0)).identity as fn
      from pg_catalog.pg_trigger t
     where not t.tgisinternal
       and (pg_catalog.pg_identify_object('pg_catalog.pg_proc'::regclass, t.tgfoid, 0)).identity
           in (select c.identity from sor_guard.classes c where c.kind = 'function' and c.class = 'audit')
  ), hash_only_leaks(tbl, n) as (
    select 'sor.runs', count(*) from sor.runs r
     where r.hash_only and (r.input is not null or r.error is not null)
    union all
    select 'sor.turns', count(*) from sor.turns t join sor.runs r on r.tenant_id = t.tenant_id and r.run_id = t.run_id
     where (r.hash_only or t.hash_only) and (t.content is not null or t.content_sha256 is null or not t.hash_only)
    union all
    select 'sor.tool_calls', count(*) from sor.tool_calls c join sor.runs r on r.tenant_id = c.tenant_id and r.run_id = c.run_id
     where (r.hash_only or c.hash_only)
       and (c.args is not null or c.result is not null or c.error is not null or not c.hash_only)
    union all
    select 'sor.events', count(*) from sor.events e join sor.runs r on r.tenant_id = e.tenant_id and e.stream = 'run-' || r.run_id::text
     where r.hash_only and e.type in ('run_started', 'run_succeeded', 'run_failed', 'run_abandoned')
       and (e.payload ? 'input' or coalesce(e.payload -> 'error', 'null'::jsonb) <> 'null'::jsonb)
  ), diverging as (
    select r.tenant_id, r.run_id, r.version,
           (select count(*) from sor.steps s where s.tenant_id = r.tenant_id and s.run_id = r.run_id) as steps,
           (select count(*) from sor.events e where e.tenant_id = r.tenant_id and e.stream = 'run-' || r.run_id::text
                                               and e.type = 'run_state_committed') as commits
      from sor.runs r
  )
  select 'replayable', 'state transitions write their events from ENABLE ALWAYS triggers', t.tgname || ' on ' || t.tbl,
         t.tgenabled = 'A',
         case when t.tgenabled = 'A' then 'enabled always, calls ' || t.fn
              else 'not ENABLE ALWAYS (tgenabled ' || t.tgenabled::text || '), calls ' || t.fn end
    from audit_triggers t
  union all
  select 'governed', 'hash-only runs hold no content', h.tbl, h.n = 0,
         case when h.n = 0 then 'no content in hash-only rows' else h.n || ' hash-only rows hold content' end
    from hash_only_leaks h
  union all
  select 'replayable', 'run versions agree with their committed steps and events', 'sor.runs',
         not exists (select 1 from diverging d where d.version <> d.steps or d.version <> d.commits),
         coalesce((select count(*) || ' runs diverge, e.g. ' || min(d.run_id::text)
                     from diverging d where d.version <> d.steps or d.version <> d.commits
                   having count(*) > 0),
                  'every run version equals its steps and run_state_committed events')
$$;
comment on function sor.certify__040_journal() is
  'Journal checks: audit triggers (functions declared audit) ENABLE ALWAYS, no content in hash-only rows (runs, turns, tool calls, events), run versions equal to steps and state events.';

reset role;

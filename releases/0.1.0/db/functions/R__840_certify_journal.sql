-- Journal checks for certify(): transition triggers, the one-active-block index, hash-only rows
-- without content, forced row level security on the journal tables, internal functions kept
-- internal, and run versions that agree with their recorded steps and events.
set role sor_owner;

create or replace function sor.certify__040_journal()
returns table (property text, check_name text, object text, ok boolean, detail text)
language sql
stable
set search_path = pg_catalog, sor, pg_temp
as $$
  with expected_triggers(tbl, tgname, fn) as (
    values ('sor.runs', 'runs_events', 'sor.tg_runs__events'),
           ('sor.blocks', 'blocks_events', 'sor.tg_blocks__events')
  ), triggers as (
    select e.tbl, e.tgname, e.fn, t.tgenabled, t.tgtype, (select format('%s.%s', n.nspname, p.proname) from pg_catalog.pg_proc p
              join pg_catalog.pg_namespace n on n.oid = p.pronamespace where p.oid = t.tgfoid) as actual_fn
      from expected_triggers e
      left join pg_catalog.pg_trigger t
        on t.tgrelid = pg_catalog.to_regclass(e.tbl) and t.tgname = e.tgname and not t.tgisinternal
  ), active_index as (
    select i.indisunique, i.indisvalid, pg_catalog.pg_get_expr(i.indpred, i.indrelid) as pred,
           pg_catalog.pg_get_indexdef(i.indexrelid) as def, i.indrelid
      from pg_catalog.pg_index i
     where i.indexrelid = pg_catalog.to_regclass('sor.blocks_one_active_idx')
  ), journal_tables(tbl) as (
    values ('sor.workers'), ('sor.tenant_settings'), ('sor.runs'), ('sor.turns'), ('sor.tool_calls'),
           ('sor.steps'), ('sor.blocks'), ('sor.idempotency_keys')
  ), internals(fn) as (
    values ('sor.tool_call_begin(uuid,text,jsonb,text)'), ('sor.tool_call_finish(uuid,jsonb,jsonb)'),
           ('sor.idempotency_claim(text,text,text,bytea,uuid,uuid)'), ('sor.worker_run(uuid,boolean)'),
           ('sor.mark_abandoned(uuid,name)'), ('sor.journal_digest(text,text,boolean,text)')
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
  select 'replayable', 'run and block transitions write events from ENABLE ALWAYS triggers', t.tgname || ' on ' || t.tbl,
         t.tgenabled is not null and t.tgenabled = 'A' and t.actual_fn = t.fn
           and (t.tgtype & 1) = 1 and (t.tgtype & 2) = 0 and (t.tgtype & 4) = 4 and (t.tgtype & 16) = 16,
         case when t.tgenabled is null then 'trigger is missing'
              when t.tgenabled <> 'A' then 'trigger is not ENABLE ALWAYS (tgenabled ' || t.tgenabled::text || ')'
              when t.actual_fn <> t.fn then 'trigger calls ' || t.actual_fn
              when not ((t.tgtype & 1) = 1 and (t.tgtype & 2) = 0 and (t.tgtype & 4) = 4 and (t.tgtype & 16) = 16)
                then 'trigger is not AFTER INSERT OR UPDATE FOR EACH ROW'
              else 'enabled always, after insert or update, calls ' || t.fn end
    from triggers t
  union all
  select 'policy-bound', 'at most one active block per run (partial unique index)', 'sor.blocks_one_active_idx',
         coalesce((select a.indisunique and a.indisvalid and a.pred = '(status = ''active''::text)'
                          and a.def like '%(tenant_id, run_id)%'
                     from active_index a), false),
         coalesce((select a.def from active_index a), 'index is missing')
  union all
  select 'governed', 'hash-only runs hold no content', h.tbl, h.n = 0,
         case when h.n = 0 then 'no content in hash-only rows' else h.n || ' hash-only rows hold content' end
    from hash_only_leaks h
  union all
  select 'governed', 'journal tables have row level security enabled and forced', j.tbl,
         coalesce(c.relrowsecurity and c.relforcerowsecurity, false),
         case when c.oid is null then 'table is missing'
              when not c.relrowsecurity then 'row level security is not enabled'
              when not c.relforcerowsecurity then 'row level security is not forced'
              else 'enabled and forced' end
    from journal_tables j left join pg_catalog.pg_class c on c.oid = pg_catalog.to_regclass(j.tbl)
  union all
  select 'governed', 'internal journal functions are executable by their owner only', i.fn,
         p.oid is not null
           and not exists (select 1 from pg_catalog.aclexplode(coalesce(p.proacl, pg_catalog.acldefault('f', p.proowner))) a
                            where a.grantee <> p.proowner and a.privilege_type = 'EXECUTE'),
         case when p.oid is null then 'function is missing'
              else coalesce((select 'executable by ' || string_agg(case when a.grantee = 0 then 'PUBLIC' else a.grantee::regrole::text end, ', ')
                               from pg_catalog.aclexplode(coalesce(p.proacl, pg_catalog.acldefault('f', p.proowner))) a
                              where a.grantee <> p.proowner and a.privilege_type = 'EXECUTE'), 'owner only') end
    from internals i left join pg_catalog.pg_proc p on p.oid = pg_catalog.to_regprocedure(i.fn)
  union all
  select 'replayable', 'run versions agree with their committed steps and events', 'sor.runs',
         not exists (select 1 from diverging d where d.version <> d.steps or d.version <> d.commits),
         coalesce((select count(*) || ' runs diverge, e.g. ' || min(d.run_id::text)
                     from diverging d where d.version <> d.steps or d.version <> d.commits
                   having count(*) > 0),
                  'every run version equals its steps and run_state_committed events')
$$;
comment on function sor.certify__040_journal() is
  'Journal checks: run/block event triggers ENABLE ALWAYS, the one-active-block partial unique index, no content in hash-only rows (runs, turns, tool calls, events), forced RLS on journal tables, internal functions not granted, run versions equal to steps and state events.';

reset role;

-- Claims and outbox checks for certify(): queue tables are built for SKIP LOCKED claiming, every
-- status change is audited by an ENABLE ALWAYS trigger, the dispatcher holds exactly its three
-- functions, and the outbox is published for CDC where the server runs wal_level = logical.
set role sor_owner;

create or replace function sor.certify__050_claims()
returns table (property text, check_name text, object text, ok boolean, detail text)
language sql
stable
set search_path = pg_catalog, sor, pg_temp
as $$
  with queue_tables(tbl, ready_index) as (
    values ('sor.tasks', 'tasks_ready_idx'), ('sor.outbox', 'outbox_ready_idx')
  ), queue_rels as (
    select q.tbl, q.ready_index, c.oid, c.reloptions
      from queue_tables q
      left join pg_catalog.pg_class c on c.oid = pg_catalog.to_regclass(q.tbl)
  ), audit_triggers(tbl, trigger_name, function_name) as (
    values ('sor.tasks', 'tasks_events_insert', 'tg_tasks__events_insert'),
           ('sor.tasks', 'tasks_events_update', 'tg_tasks__events_update'),
           ('sor.outbox', 'outbox_events_insert', 'tg_outbox__events_insert'),
           ('sor.outbox', 'outbox_events_update', 'tg_outbox__events_update'),
           ('sor.outbox', 'outbox_notify_insert', 'tg_outbox__notify_insert'),
           ('sor.outbox', 'outbox_notify_update', 'tg_outbox__notify_update')
  ), triggers as (
    select a.tbl, a.trigger_name, a.function_name, t.tgenabled, p.proname
      from audit_triggers a
      left join pg_catalog.pg_trigger t
        on t.tgrelid = pg_catalog.to_regclass(a.tbl) and t.tgname = a.trigger_name and not t.tgisinternal
      left join pg_catalog.pg_proc p on p.oid = t.tgfoid
  ), dispatcher_allowed(fn) as (
    values ('sor_api.lease_outbox(integer,interval)'),
           ('sor_api.mark_dispatched(bigint,bigint,text)'),
           ('sor_api.mark_failed(bigint,bigint,text)')
  ), kit_funcs as (
    select p.oid, p.oid::regprocedure::text as sig
      from pg_catalog.pg_proc p
     where p.pronamespace in (select n.oid from pg_catalog.pg_namespace n where n.nspname in (select sor.kit_schemas()))
  ), publication as (
    select pt.attnames
      from pg_catalog.pg_publication_tables pt
     where pt.pubname = 'sor_outbox_cdc' and pt.schemaname = 'sor' and pt.tablename = 'outbox'
  )
  -- policy-bound: queue tables leave room for HOT updates
  select 'policy-bound', 'queue tables have fillfactor below 100', r.tbl,
         coalesce((select substr(o, length('fillfactor=') + 1)::int from unnest(r.reloptions) o where o like 'fillfactor=%'), 100) < 100,
         case when r.oid is null then 'table is missing'
              else 'fillfactor ' || coalesce((select substr(o, length('fillfactor=') + 1) from unnest(r.reloptions) o where o like 'fillfactor=%'), '100 (default)') end
    from queue_rels r
  union all
  -- policy-bound: the claim's WHERE clause has its partial index on ready rows
  select 'policy-bound', 'queue tables have a partial index on ready rows', r.tbl || ' ' || r.ready_index,
         exists (select 1 from pg_catalog.pg_index i join pg_catalog.pg_class ic on ic.oid = i.indexrelid
                  where i.indrelid = r.oid and ic.relname = r.ready_index and i.indisvalid and i.indpred is not null
                    and pg_catalog.pg_get_expr(i.indpred, i.indrelid) like '%status%'),
         coalesce((select 'where ' || pg_catalog.pg_get_expr(i.indpred, i.indrelid)
                     from pg_catalog.pg_index i join pg_catalog.pg_class ic on ic.oid = i.indexrelid
                    where i.indrelid = r.oid and ic.relname = r.ready_index),
                  'index is missing')
    from queue_rels r
  union all
  -- replayable: every status change writes its event from a trigger nobody can silence
  select 'replayable', 'task and outbox status changes are written by ENABLE ALWAYS triggers',
         t.tbl || ' ' || t.trigger_name,
         coalesce(t.tgenabled = 'A' and t.proname = t.function_name, false),
         case when t.tgenabled is null then 'trigger is missing'
              when t.proname <> t.function_name then 'runs ' || t.proname || ', expected ' || t.function_name
              when t.tgenabled = 'A' then 'enabled always'
              when t.tgenabled = 'D' then 'disabled'
              else 'enabled only for session_replication_role ' || case t.tgenabled when 'O' then 'origin' else 'replica' end end
    from triggers t
  union all
  -- governed: the dispatcher may execute its three functions and nothing else of the kit
  select 'governed', 'sor_dispatcher executes only lease_outbox, mark_dispatched and mark_failed', f.sig,
         f.sig in (select a.fn from dispatcher_allowed a),
         case when f.sig in (select a.fn from dispatcher_allowed a) then 'granted' else 'sor_dispatcher may execute it' end
    from kit_funcs f
   where pg_catalog.has_function_privilege('sor_dispatcher', f.oid, 'EXECUTE')
  union all
  select 'governed', 'sor_dispatcher executes only lease_outbox, mark_dispatched and mark_failed', a.fn, false,
         'sor_dispatcher may not execute it (or it is missing)'
    from dispatcher_allowed a
   where not exists (select 1 from kit_funcs f
                      where f.sig = a.fn and pg_catalog.has_function_privilege('sor_dispatcher', f.oid, 'EXECUTE'))
  union all
  -- durable: the outbox is published for a CDC relay wherever the server can decode it
  select 'durable', 'the outbox is published for CDC where wal_level is logical', 'publication sor_outbox_cdc',
         case when pg_catalog.current_setting('wal_level') <> 'logical' then true
              else coalesce((select array['event_id', 'aggregate_type', 'aggregate_id', 'topic', 'payload']::name[] <@ p.attnames
                               from publication p), false) end,
         case when pg_catalog.current_setting('wal_level') <> 'logical'
                then 'not applicable: wal_level is ' || pg_catalog.current_setting('wal_level')
              when not exists (select 1 from publication) then 'publication of sor.outbox is missing'
              else 'columns ' || (select array_to_string(p.attnames, ', ') from publication p) end
$$;
comment on function sor.certify__050_claims() is
  'Claims and outbox checks: fillfactor and partial ready index on queue tables, ENABLE ALWAYS status-change triggers, the dispatcher''s exact grants, the CDC publication where wal_level is logical.';

reset role;

-- Drop guard checks for certify(): the guard's event triggers exist, execute the guard functions
-- and are ENABLE ALWAYS; the approval and audit tables keep their refusing triggers, ENABLE ALWAYS.
set role sor_owner;

create or replace function sor.certify__030_guard()
returns table (property text, check_name text, object text, ok boolean, detail text)
language sql
stable
set search_path = pg_catalog, sor, pg_temp
as $$
  with expected_event_triggers (name, event, fn) as (
    values ('sor_drop_guard_start', 'ddl_command_start', 'sor.tg_drop_guard__start'),
           ('sor_drop_guard_sql_drop', 'sql_drop', 'sor.tg_drop_guard__sql_drop'),
           ('sor_drop_guard_alter', 'ddl_command_end', 'sor.tg_drop_guard__alter'),
           ('sor_drop_guard_rewrite', 'table_rewrite', 'sor.tg_drop_guard__alter')
  ), expected_triggers (tbl, name, fn, kind) as (
    values ('sor.ddl_audit', 'ddl_audit_refuse_update_delete', 'sor.tg_ddl_audit__refuse_change', 'update or delete'),
           ('sor.ddl_audit', 'ddl_audit_refuse_truncate', 'sor.tg_ddl_audit__refuse_change', 'truncate'),
           ('sor.ddl_approvals', 'ddl_approvals_check_insert', 'sor.tg_ddl_approvals__refuse_change', 'insert'),
           ('sor.ddl_approvals', 'ddl_approvals_refuse_update_delete', 'sor.tg_ddl_approvals__refuse_change', 'update or delete'),
           ('sor.ddl_approvals', 'ddl_approvals_refuse_truncate', 'sor.tg_ddl_approvals__refuse_change', 'truncate')
  )
  select 'policy-bound', 'drop guard event triggers exist and are ENABLE ALWAYS', x.name,
         coalesce(e.evtenabled = 'A' and e.evtevent = x.event and e.evtfoid = pg_catalog.to_regprocedure(x.fn || '()'), false),
         case when e.oid is null then 'event trigger is missing'
              when e.evtevent <> x.event or e.evtfoid <> pg_catalog.to_regprocedure(x.fn || '()')
                then 'runs ' || e.evtfoid::regproc::text || ' on ' || e.evtevent
              when e.evtenabled <> 'A' then 'not ENABLE ALWAYS (evtenabled ' || e.evtenabled::text || ')'
              else 'enabled always on ' || e.evtevent end
    from expected_event_triggers x
    left join pg_catalog.pg_event_trigger e on e.evtname = x.name
  union all
  select 'policy-bound', 'ddl audit and approvals keep their refusing triggers ENABLE ALWAYS', x.name || ' on ' || x.tbl,
         coalesce(t.tgenabled = 'A' and t.tgfoid = pg_catalog.to_regprocedure(x.fn || '()')
                  and (case x.kind when 'truncate' then t.tgtype = 2 + 32
                                   when 'insert' then t.tgtype = 1 + 2 + 4
                                   else t.tgtype = 1 + 2 + 8 + 16 end), false),
         case when t.oid is null then 'trigger is missing'
              when t.tgfoid <> pg_catalog.to_regprocedure(x.fn || '()') then 'executes ' || t.tgfoid::regproc::text
              when t.tgenabled <> 'A' then 'not ENABLE ALWAYS (tgenabled ' || t.tgenabled::text || ')'
              else 'before ' || x.kind || ', enabled always' end
    from expected_triggers x
    left join pg_catalog.pg_trigger t on t.tgrelid = pg_catalog.to_regclass(x.tbl) and t.tgname = x.name
$$;
comment on function sor.certify__030_guard() is
  'Drop guard checks: the guard event triggers exist, run the guard functions and are ENABLE ALWAYS; the approval and audit tables keep their refusing triggers ENABLE ALWAYS.';

reset role;

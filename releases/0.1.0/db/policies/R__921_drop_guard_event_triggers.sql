-- The drop guard's event triggers. Only a superuser can create event triggers, so this file runs
-- as the admin that migrates (no SET ROLE); the functions they execute are owned by sor_owner.
-- An event trigger is created when missing and recreated only when its event, tags or function
-- differ from the definition below; ENABLE ALWAYS so session_replication_role = replica does not
-- silence it.
do $$
declare
  _t record;
begin
  for _t in
    select * from (values
      ('sor_drop_guard_start', 'ddl_command_start', null::text[], 'sor.tg_drop_guard__start()'),
      ('sor_drop_guard_sql_drop', 'sql_drop', null::text[], 'sor.tg_drop_guard__sql_drop()'),
      ('sor_drop_guard_alter', 'ddl_command_end', array['ALTER TABLE', 'ALTER SCHEMA', 'CREATE TRIGGER'], 'sor.tg_drop_guard__alter()'),
      ('sor_drop_guard_rewrite', 'table_rewrite', null::text[], 'sor.tg_drop_guard__alter()')
    ) v(name, event, tags, fn)
  loop
    if exists (select 1 from pg_catalog.pg_event_trigger e
                where e.evtname = _t.name
                  and (e.evtevent <> _t.event or e.evtfoid <> _t.fn::regprocedure
                       or (select array_agg(g order by g) from unnest(e.evttags) g)
                          is distinct from (select array_agg(g order by g) from unnest(_t.tags) g))) then
      execute format('drop event trigger %I', _t.name);
    end if;
    if not exists (select 1 from pg_catalog.pg_event_trigger e where e.evtname = _t.name) then
      execute format('create event trigger %I on %s%s execute function %s', _t.name, _t.event,
                     (select ' when tag in (' || string_agg(quote_literal(g), ', ') || ')' from unnest(_t.tags) g),
                     _t.fn);
    end if;
  end loop;
end
$$;

alter event trigger sor_drop_guard_start enable always;
alter event trigger sor_drop_guard_sql_drop enable always;
alter event trigger sor_drop_guard_alter enable always;
alter event trigger sor_drop_guard_rewrite enable always;

comment on event trigger sor_drop_guard_start is 'Drop guard: stores the protected catalog state when a DDL statement starts.';
comment on event trigger sor_drop_guard_sql_drop is 'Drop guard: refuses dropping a protected schema, table, column, policy or append-only trigger without an approval.';
comment on event trigger sor_drop_guard_alter is 'Drop guard: refuses renaming a protected schema, moving a table out of one, disabling RLS, changing a protected column type or silencing an append-only trigger without an approval.';
comment on event trigger sor_drop_guard_rewrite is 'Drop guard: the ALTER TABLE checks, run before a table rewrite evaluates any USING expression.';

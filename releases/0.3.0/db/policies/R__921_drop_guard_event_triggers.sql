-- The drop guard's event triggers. Creating an event trigger is a superuser's power (some managed
-- services lend it to their admin role), so this file runs as the admin that migrates (no SET
-- ROLE); the functions they execute belong to sor_guardian. An event trigger is created when
-- missing and recreated when its event, tags or function differ from the definition below; all are
-- ENABLE ALWAYS, so session_replication_role = replica does not silence them. Two handlers watch
-- each of ddl_command_end and sql_drop, so replacing or dropping one guard function is still
-- refused by the other.
--
-- Where the admin may not create (or change) event triggers (a managed service whose admin is not a
-- superuser), this file installs nothing, changes nothing and says so in a WARNING naming what is
-- missing; certify() reports the drop guard as not installed in its own row
-- (docs/operate/install.md).
do $$
declare
  _t record;
begin
  begin
    for _t in
      select * from (values
        ('sor_guard_1_start', 'ddl_command_start', null::text[], 'sor_guard.tg_start()'),
        ('sor_guard_2_drop', 'sql_drop', null::text[], 'sor_guard.tg_drop()'),
        ('sor_guard_3_drop_watch', 'sql_drop', null::text[], 'sor_guard.tg_watch_drop()'),
        ('sor_guard_4_end', 'ddl_command_end', null::text[], 'sor_guard.tg_end()'),
        ('sor_guard_5_end_watch', 'ddl_command_end', null::text[], 'sor_guard.tg_watch_end()'),
        ('sor_guard_6_rewrite', 'table_rewrite', null::text[], 'sor_guard.tg_rewrite()')
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
      execute format('alter event trigger %I enable always', _t.name);
      execute format('comment on event trigger %I is %L', _t.name,
                     'pg-sor drop guard: ' || _t.event || ' runs ' || _t.fn || ' (see its comment).');
    end loop;
  exception when insufficient_privilege then
    raise warning 'pg-sor: role % may not create event triggers (%): the drop guard is not installed', current_user, sqlerrm
      using hint = 'certify() reports "drop guard event triggers are installed and ENABLE ALWAYS" as failing. To install the guard later, a superuser runs this file (db/policies/R__921_drop_guard_event_triggers.sql) with psql, then migrate again so the register records the triggers (docs/operate/install.md).';
  end;
end
$$;

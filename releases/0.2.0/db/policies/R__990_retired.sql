-- Functions earlier versions of the kit defined and this one no longer uses, dropped once nothing
-- depends on them (a domain's policy may still call sor.current_tenants() until the domain is
-- migrated again; once the guard has registered it, it leaves only with an approved DROP FUNCTION,
-- CHANGELOG 0.2.0, Upgrading). Runs as the admin that migrates; on a fresh database there is
-- nothing to drop.
do $$
declare
  _fn text;
begin
  foreach _fn in array array[
    'sor.current_tenants()', 'sor.event_reader_sees(text)', 'sor.may_approve_ddl(name)', 'sor.is_refuse_function(oid)',
    'sor.drop_guard_snapshot()', 'sor.drop_guard_saved_snapshot()', 'sor.drop_guard_authorize(text, text[], text[])',
    'sor.tg_drop_guard__start()', 'sor.tg_drop_guard__sql_drop()', 'sor.tg_drop_guard__alter()',
    'sor.tg_ddl_approvals__refuse_change()', 'sor.tg_ddl_audit__refuse_change()', 'sor.tg_events__chain()',
    'sor.tg_events__refuse_change()', 'sor.event_hash(bytea, text, text, integer, text, jsonb, jsonb, name, timestamptz, bigint)',
    'sor.stream_lock_key(text, text)']
  loop
    if pg_catalog.to_regprocedure(_fn) is null then
      continue;
    end if;
    if exists (select 1 from pg_catalog.pg_depend d
                where d.refclassid = 'pg_catalog.pg_proc'::regclass and d.refobjid = pg_catalog.to_regprocedure(_fn)
                  and d.deptype = 'n') then
      raise notice 'pg-sor: % is still in use and stays until its users are migrated', _fn;
      continue;
    end if;
    execute 'drop function ' || _fn;
  end loop;
end
$$;

-- Policies that still call sor.current_tenants() (0.1.0's tenancy rule, a domain's own policies
-- among them) call sor_guard.current_tenants() instead: the same rule, in the guard's schema since
-- 0.2.0. In a run that upgrades 0.1.0 the guard has registered nothing yet and this simply
-- happens; where the guard already protects such a policy, the change waits for an approval
-- (SR020) and a notice says so, and the rest of the run goes on.
do $$
declare
  _p record;
begin
  if pg_catalog.to_regprocedure('sor.current_tenants()') is null then
    return;
  end if;
  for _p in
    select p.polname, p.polrelid::regclass as tbl, pg_catalog.pg_get_expr(p.polqual, p.polrelid) as qual,
           pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid) as withcheck
      from pg_catalog.pg_policy p
     where pg_catalog.strpos(coalesce(pg_catalog.pg_get_expr(p.polqual, p.polrelid), '') || ' ' ||
                             coalesce(pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid), ''), 'sor.current_tenants()') > 0
  loop
    begin
      if _p.qual is not null then
        execute pg_catalog.format('alter policy %I on %s using (%s)', _p.polname, _p.tbl,
                                  pg_catalog.replace(_p.qual, 'sor.current_tenants()', 'sor_guard.current_tenants()'));
      end if;
      if _p.withcheck is not null then
        execute pg_catalog.format('alter policy %I on %s with check (%s)', _p.polname, _p.tbl,
                                  pg_catalog.replace(_p.withcheck, 'sor.current_tenants()', 'sor_guard.current_tenants()'));
      end if;
    exception when sqlstate 'SR020' then
      raise notice 'pg-sor: policy % on % still calls sor.current_tenants(): approve ''alter policy'' of it, then migrate again', _p.polname, _p.tbl;
    end;
  end loop;
end
$$;

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

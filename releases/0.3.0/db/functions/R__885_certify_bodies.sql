-- Body checks for certify(): every PL/pgSQL function of the kit still compiles against the tables,
-- columns and types it uses, checked with plpgsql_check where the database has it (CREATE
-- EXTENSION plpgsql_check; Debian and most managed services package it). A protected table whose
-- shape no longer matches a kit function (a column dropped with an approval, a type changed) makes
-- every call of that function fail at run time, while the register, which approved the change, is
-- content; this check names the function and the error before a caller meets it. Without the
-- extension it says so in one row and checks nothing.
set role sor_owner;

create or replace function sor.certify__085_bodies()
returns table (property text, check_name text, object text, ok boolean, detail text)
language plpgsql
stable
set search_path = pg_catalog, pg_temp
set jit = off
as $$
declare
  _checker text;
  _f record;
  _errors text;
  _checked integer := 0;
  _failed integer := 0;
begin
  property := 'governed';
  check_name := 'kit functions compile against the tables they use (plpgsql_check)';
  select pg_catalog.quote_ident(n.nspname) into _checker
    from pg_catalog.pg_extension e join pg_catalog.pg_namespace n on n.oid = e.extnamespace
   where e.extname = 'plpgsql_check';
  if _checker is null then
    object := 'plpgsql_check'; ok := true;
    detail := 'plpgsql_check is not installed in this database: not checked (CREATE EXTENSION plpgsql_check to check)';
    return next;
    return;
  end if;
  for _f in
    select p.oid, p.oid::regprocedure::text as name, p.prorettype = 'trigger'::regtype as is_trigger,
           t.tgrelid as relid, t.tgoldtable as old_table, t.tgnewtable as new_table
      from pg_catalog.pg_proc p
      join pg_catalog.pg_language l on l.oid = p.prolang
      -- a trigger function is checked on one table it is a trigger of, with its transition tables
      left join lateral (select g.tgrelid, g.tgoldtable, g.tgnewtable from pg_catalog.pg_trigger g
                          where g.tgfoid = p.oid order by g.tgrelid, g.tgname limit 1) t on true
     where l.lanname = 'plpgsql'
       and p.pronamespace in (select n.oid from pg_catalog.pg_namespace n
                               where n.nspname in (select s from sor.kit_schemas() s) or n.nspname = 'sor_guard')
       and p.prorettype <> 'event_trigger'::regtype
     order by 2
  loop
    if _f.is_trigger and _f.relid is null then
      continue;  -- a trigger function no table uses yet: nothing to check it against
    end if;
    _checked := _checked + 1;
    begin
      execute pg_catalog.format(
        'select pg_catalog.string_agg(c.message || coalesce('' ('' || c.query || '')'', ''''), ''; '' order by c.lineno)'
        ' from %s.plpgsql_check_function_tb($1, $2, oldtable => $3, newtable => $4) c where c.level = ''error''', _checker)
        into _errors using _f.oid, coalesce(_f.relid, 0), _f.old_table, _f.new_table;
    exception when others then
      _errors := 'plpgsql_check could not check it: ' || sqlerrm;
    end;
    if _errors is not null then
      _failed := _failed + 1;
      object := _f.name; ok := false; detail := _errors;
      return next;
    end if;
  end loop;
  if _failed = 0 then
    object := 'plpgsql_check'; ok := true;
    detail := pg_catalog.format('%s PL/pgSQL functions of the kit checked: no errors', _checked);
    return next;
  end if;
end
$$;
comment on function sor.certify__085_bodies() is
  'certify(): every PL/pgSQL function of the kit''s schemas compiles against the tables it uses (plpgsql_check, where installed; one row saying it is not, otherwise).';

reset role;

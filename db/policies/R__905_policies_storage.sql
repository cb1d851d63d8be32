-- Storage outside the kit's tables: large objects.
--
-- PostgreSQL grants EXECUTE on lo_creat, lo_create and lo_from_bytea to PUBLIC, so any role could
-- keep data in pg_largeobject: outside every kit table, its row level security, the 1 MiB cap and
-- retention, and surviving the session that wrote it. The kit never uses large objects; writing
-- an existing one needs its ownership (lo_compat_privileges stays off), so closing creation closes
-- them all. The server-side lo_import and lo_export are superuser-only already.
--
-- These are pg_catalog functions owned by the bootstrap superuser: only a superuser can revoke
-- them, and the revoke applies to every role of this database, kit or not (a database whose other
-- applications use large objects grants EXECUTE back to those applications' roles by name, never
-- to PUBLIC or a kit role). A role that migrates without being a superuser (a managed service's
-- admin) cannot: it leaves the grants as they are and says so, and certify() fails its documented
-- row 'kit roles cannot create large objects' (docs/operate/install.md) until a superuser runs the
-- three REVOKEs below.
reset role;
do $$
declare
  _sig text;
  _left text[] := '{}';
begin
  foreach _sig in array array['pg_catalog.lo_creat(integer)', 'pg_catalog.lo_create(oid)',
                              'pg_catalog.lo_from_bytea(oid,bytea)'] loop
    continue when not pg_catalog.has_function_privilege('public', _sig::regprocedure, 'EXECUTE');
    if exists (select 1 from pg_catalog.pg_roles r where r.rolname = current_user and r.rolsuper)
       or exists (select 1 from pg_catalog.pg_proc p
                   where p.oid = _sig::regprocedure and pg_catalog.pg_has_role(current_user, p.proowner, 'USAGE')) then
      execute pg_catalog.format('revoke execute on function %s from public', _sig);
    else
      _left := _left || _sig;
    end if;
  end loop;
  if pg_catalog.cardinality(_left) > 0 then
    raise notice 'pg-sor: % cannot revoke EXECUTE on % from PUBLIC (they belong to a superuser): any role may create large objects; certify() reports it',
                 current_user, pg_catalog.array_to_string(_left, ', ')
      using hint = 'A superuser runs: REVOKE EXECUTE ON FUNCTION ' || pg_catalog.array_to_string(_left, ', ') || ' FROM PUBLIC;';
  end if;
end
$$;

-- Surface checks for certify(): a domain module uses the kit only through sor_api and the domain
-- author's surface (sor.domain_surface(), R__002), so that what it relies on is versioned with the
-- contract. Two reads of the catalog, for every registered domain schema:
--   - pg_depend: a table's foreign keys, defaults and columns' types, a policy's or a trigger's
--     functions and tables, a view's relations, a SQL function with a SQL-standard body (BEGIN ATOMIC, RETURN): each kit
--     object (in sor or sor_guard) a domain object depends on must be in the surface. An index is
--     counted as its table, a row type as its table, a constraint as its table.
--   - function bodies (PL/pgSQL, and SQL written as a string): the sor. and sor_guard. names in the
--     code (comments and string literals left out, sor.code_text) must be names of the surface. A
--     name reached through search_path alone, or built in dynamic SQL, is not seen: qualify them.
-- Also: every object the surface declares exists.
set role sor_owner;

create or replace function sor.certify__087_surface()
returns table (property text, check_name text, object text, ok boolean, detail text)
language plpgsql
stable
set search_path = pg_catalog, pg_temp
set jit = off
as $$
declare
  _r record;
  _schema name;
  _checked integer;
  _bad integer;
begin
  property := 'governed';
  check_name := 'the domain author''s surface names objects that exist';
  for _r in
    select s.kind, s.object,
           case s.kind when 'function' then pg_catalog.to_regprocedure(s.object)::oid
                       when 'table' then pg_catalog.to_regclass(s.object)::oid end as oid
      from sor.domain_surface() s
     order by s.kind, s.object
  loop
    object := _r.kind || ' ' || _r.object;
    ok := _r.oid is not null;
    detail := case when ok then 'exists'
                   else 'no such ' || _r.kind || ': declare it as it exists (sor.domain_surface(), db/functions/R__002_domain_surface.sql)' end;
    return next;
  end loop;

  check_name := 'domain objects use the kit only through sor_api and the domain author''s surface';
  for _schema in select d.schema_name from sor.domain_schemas d order by 1
  loop
    _checked := 0;
    _bad := 0;
    for _r in
      with kit as (
        select n.oid from pg_catalog.pg_namespace n where n.nspname in ('sor', 'sor_guard')
      ), surface as (
        select 'pg_catalog.pg_proc'::regclass::oid as classid, pg_catalog.to_regprocedure(s.object)::oid as objid,
               s.object as name
          from sor.domain_surface() s where s.kind = 'function'
        union all
        select 'pg_catalog.pg_class'::regclass::oid, pg_catalog.to_regclass(s.object)::oid, s.object
          from sor.domain_surface() s where s.kind = 'table'
      ), dep as (
        -- each dependency of an object of the domain schema (itself, or a part of one of its tables)
        select d.classid, d.objid, d.objsubid, d.refclassid, d.refobjid,
               coalesce(
                 case d.classid
                   when 'pg_catalog.pg_class'::regclass then (select c.relnamespace from pg_catalog.pg_class c where c.oid = d.objid)
                   when 'pg_catalog.pg_proc'::regclass then (select p.pronamespace from pg_catalog.pg_proc p where p.oid = d.objid)
                   when 'pg_catalog.pg_type'::regclass then (select t.typnamespace from pg_catalog.pg_type t where t.oid = d.objid)
                   when 'pg_catalog.pg_constraint'::regclass then (select k.connamespace from pg_catalog.pg_constraint k where k.oid = d.objid)
                   when 'pg_catalog.pg_trigger'::regclass then
                     (select c.relnamespace from pg_catalog.pg_trigger g join pg_catalog.pg_class c on c.oid = g.tgrelid where g.oid = d.objid)
                   when 'pg_catalog.pg_policy'::regclass then
                     (select c.relnamespace from pg_catalog.pg_policy y join pg_catalog.pg_class c on c.oid = y.polrelid where y.oid = d.objid)
                   when 'pg_catalog.pg_rewrite'::regclass then
                     (select c.relnamespace from pg_catalog.pg_rewrite w join pg_catalog.pg_class c on c.oid = w.ev_class where w.oid = d.objid)
                   when 'pg_catalog.pg_attrdef'::regclass then
                     (select c.relnamespace from pg_catalog.pg_attrdef a join pg_catalog.pg_class c on c.oid = a.adrelid where a.oid = d.objid)
                 end, 0) as nsp
          from pg_catalog.pg_depend d
         where d.deptype in ('n', 'a')
      ), ref as (
        -- the kit object each depends on, counted as the table of an index, row type or constraint
        select dep.classid, dep.objid, dep.objsubid, t.tclass, t.toid
          from dep
          cross join lateral (
            select case when dep.refclassid in ('pg_catalog.pg_class'::regclass, 'pg_catalog.pg_constraint'::regclass)
                          or (dep.refclassid = 'pg_catalog.pg_type'::regclass
                              and exists (select 1 from pg_catalog.pg_type y where y.oid = dep.refobjid and y.typrelid <> 0))
                        then 'pg_catalog.pg_class'::regclass::oid else dep.refclassid end as tclass,
                   case dep.refclassid
                     when 'pg_catalog.pg_class'::regclass
                       then coalesce((select i.indrelid from pg_catalog.pg_index i where i.indexrelid = dep.refobjid), dep.refobjid)
                     when 'pg_catalog.pg_type'::regclass
                       then coalesce((select nullif(y.typrelid, 0) from pg_catalog.pg_type y where y.oid = dep.refobjid), dep.refobjid)
                     when 'pg_catalog.pg_constraint'::regclass
                       then coalesce((select nullif(k.conrelid, 0) from pg_catalog.pg_constraint k where k.oid = dep.refobjid), dep.refobjid)
                     else dep.refobjid
                   end as toid
          ) t
         where dep.nsp = (select n.oid from pg_catalog.pg_namespace n where n.nspname = _schema)
      ), used as (
        select case when ref.classid = 'pg_catalog.pg_proc'::regclass then 'function ' || ref.objid::regprocedure::text
                    else pg_catalog.format('%s %s', o.type, o.identity) end as user_object,
               case when ref.tclass = 'pg_catalog.pg_proc'::regclass then ref.toid::regprocedure::text
                    else (pg_catalog.pg_identify_object(ref.tclass, ref.toid, 0)).identity end as kit_object,
               ref.tclass, ref.toid,
               case ref.tclass
                 when 'pg_catalog.pg_class'::regclass then (select c.relnamespace from pg_catalog.pg_class c where c.oid = ref.toid)
                 when 'pg_catalog.pg_proc'::regclass then (select p.pronamespace from pg_catalog.pg_proc p where p.oid = ref.toid)
                 when 'pg_catalog.pg_type'::regclass then (select y.typnamespace from pg_catalog.pg_type y where y.oid = ref.toid)
                 when 'pg_catalog.pg_constraint'::regclass then (select k.connamespace from pg_catalog.pg_constraint k where k.oid = ref.toid)
               end as target_nsp
          from ref
          cross join lateral pg_catalog.pg_identify_object(ref.classid, ref.objid, ref.objsubid) o
      ), outside as (
        select u.user_object, u.kit_object
          from used u
         where u.target_nsp in (select kit.oid from kit)
           and not exists (select 1 from surface s where s.classid = u.tclass and s.objid = u.toid)
        union
        -- the kit names each function body of the schema uses
        select pg_catalog.format('function %s', p.oid::regprocedure), x.name
          from pg_catalog.pg_proc p
          join pg_catalog.pg_language l on l.oid = p.prolang
          cross join lateral (
            select pg_catalog.lower(m[1]) || '.' || pg_catalog.lower(m[2]) as name
              from pg_catalog.regexp_matches(sor.code_text(p.prosrc), '\m(sor|sor_guard)\s*\.\s*([A-Za-z_][A-Za-z0-9_$]*)', 'g') m
          ) x
         where p.pronamespace = (select n.oid from pg_catalog.pg_namespace n where n.nspname = _schema)
           and l.lanname in ('plpgsql', 'sql')
           and x.name not in (select pg_catalog.regexp_replace(s.object, '\(.*$', '') from sor.domain_surface() s)
      )
      select o.user_object, pg_catalog.string_agg(o.kit_object collate "C", ', ' order by o.kit_object collate "C") as outside
        from outside o
       group by o.user_object
       order by 1
    loop
      _bad := _bad + 1;
      object := _r.user_object;
      ok := false;
      detail := pg_catalog.format('uses %s, outside sor_api and the domain author''s surface: use sor_api or an object of the surface (db/contract.txt, docs/domains.md)',
                                  _r.outside);
      return next;
    end loop;
    if _bad = 0 then
      select pg_catalog.count(*)::integer into _checked
        from pg_catalog.pg_proc p where p.pronamespace = (select n.oid from pg_catalog.pg_namespace n where n.nspname = _schema);
      object := 'schema ' || pg_catalog.quote_ident(_schema);
      ok := true;
      detail := pg_catalog.format('its objects and the bodies of its %s functions use no kit object outside the surface', _checked);
      return next;
    end if;
  end loop;
end
$$;
comment on function sor.certify__087_surface() is
  'certify(): every object the domain author''s surface declares exists, and every registered domain schema uses the kit (sor, sor_guard) only through that surface: by pg_depend (foreign keys, defaults, policies, triggers, views, SQL-standard bodies) and by the qualified names in its function bodies.';

reset role;

-- The domain author's surface behind db/contract.txt (sor.domain_surface(), docs/domains.md): each
-- kit object in sor and sor_guard a domain module may use, one row per line of the snapshot like
-- contract_snapshot.sql. A function is headed "surface function ..." and shows its arguments, its
-- result (and the columns of a row type result), volatility, security and strictness; a table is
-- headed "surface table ..." and shows its columns; both show what a module may use them for. A
-- declared object that does not exist is left out (so the snapshot reports it removed). Read-only.
with surface_funcs as (
  select p.oid, p.provolatile, p.prosecdef, p.proisstrict, p.prorettype, s.use,
         pg_catalog.format('surface function %I.%I(%s)', n.nspname, p.proname,
                (select coalesce(pg_catalog.string_agg(pg_catalog.format_type(a.type_oid, null), ', ' order by a.n), '')
                   from unnest(p.proargtypes::oid[]) with ordinality a(type_oid, n))) as header
    from sor.domain_surface() s
    join pg_catalog.pg_proc p on p.oid = pg_catalog.to_regprocedure(s.object)
    join pg_catalog.pg_namespace n on n.oid = p.pronamespace
   where s.kind = 'function'
), surface_rels as (
  select c.oid, s.use, pg_catalog.format('surface table %I.%I', n.nspname, c.relname) as header
    from sor.domain_surface() s
    join pg_catalog.pg_class c on c.oid = pg_catalog.to_regclass(s.object)
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
   where s.kind = 'table'
), lines as (
  select f.header, 0 as ord, 0 as pos, null::text as line from surface_funcs f
  union all
  select r.header, 0, 0, null from surface_rels r
  union all
  select f.header, 1, 0, 'arguments: ' || coalesce(nullif(pg_catalog.pg_get_function_arguments(f.oid), ''), '(none)') from surface_funcs f
  union all
  select f.header, 2, 0, 'returns: ' || coalesce(pg_catalog.pg_get_function_result(f.oid), '(nothing)') from surface_funcs f
  union all
  select f.header, 2, a.attnum, pg_catalog.format('returns column %I: %s', a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod))
    from surface_funcs f
    join pg_catalog.pg_type t on t.oid = f.prorettype
    join pg_catalog.pg_attribute a on a.attrelid = t.typrelid
   where t.typrelid <> 0 and a.attnum > 0 and not a.attisdropped
  union all
  select f.header, 3, 0, 'volatility: ' || case f.provolatile when 'i' then 'immutable' when 's' then 'stable' else 'volatile' end
    from surface_funcs f
  union all
  select f.header, 4, 0, 'security: ' || case when f.prosecdef then 'definer' else 'invoker' end from surface_funcs f
  union all
  select f.header, 5, 0, 'strict: ' || case when f.proisstrict then 'yes' else 'no' end from surface_funcs f
  union all
  select f.header, 8, 0, 'use: ' || f.use from surface_funcs f
  union all
  select r.header, 1, a.attnum, pg_catalog.format('column %I: %s', a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod))
    from surface_rels r join pg_catalog.pg_attribute a on a.attrelid = r.oid
   where a.attnum > 0 and not a.attisdropped
  union all
  select r.header, 8, 0, 'use: ' || r.use from surface_rels r
)
select l.header, l.line
  from lines l
 order by l.header collate "C", l.ord, l.pos, l.line collate "C"

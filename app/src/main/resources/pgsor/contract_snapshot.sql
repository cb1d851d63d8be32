-- The catalog picture behind db/contract.txt: what a consumer of sor_api may rely on. One row per
-- line of the snapshot: the object the line belongs to (header) and the line itself (null for the
-- header's own row), in a stable order. Privileges are those held by the kit's roles (sor_*) and
-- PUBLIC, never the owner's own. Read-only.
with api as (
  select n.oid, n.nspowner, n.nspacl
    from pg_catalog.pg_namespace n
   where n.nspname = 'sor_api'
), funcs as (
  select p.oid, p.proowner, p.proacl, p.provolatile, p.prosecdef, p.proisstrict,
         pg_catalog.format('%s sor_api.%I(%s)', case p.prokind when 'p' then 'procedure' else 'function' end, p.proname,
                (select coalesce(pg_catalog.string_agg(pg_catalog.format_type(a.type_oid, null), ', ' order by a.n), '')
                   from unnest(p.proargtypes::oid[]) with ordinality a(type_oid, n))) as header
    from pg_catalog.pg_proc p join api on api.oid = p.pronamespace
   where p.prokind in ('f', 'p')
), rels as (
  select c.oid, c.relowner, c.relacl, c.relkind,
         pg_catalog.format('%s sor_api.%I',
                case c.relkind when 'v' then 'view' when 'm' then 'materialized view' when 'S' then 'sequence'
                               when 'f' then 'foreign table' else 'table' end, c.relname) as header
    from pg_catalog.pg_class c join api on api.oid = c.relnamespace
   where c.relkind in ('r', 'p', 'v', 'm', 'S', 'f')
), objects as (
  select 1 as section, 'schema sor_api' as header, api.nspacl as acl, api.nspowner as owner, 'n'::"char" as acl_kind from api
  union all
  select 2, f.header, f.proacl, f.proowner, 'f'::"char" from funcs f
  union all
  select 3, r.header, r.relacl, r.relowner, (case r.relkind when 'S' then 's' else 'r' end)::"char" from rels r
), lines as (
  select o.section, o.header, 0 as ord, 0 as pos, null::text as line from objects o
  union all
  select 2, f.header, 1, 0, 'arguments: ' || coalesce(nullif(pg_catalog.pg_get_function_arguments(f.oid), ''), '(none)') from funcs f
  union all
  select 2, f.header, 2, 0, 'returns: ' || coalesce(pg_catalog.pg_get_function_result(f.oid), '(nothing)') from funcs f
  union all
  select 2, f.header, 3, 0, 'volatility: ' || case f.provolatile when 'i' then 'immutable' when 's' then 'stable' else 'volatile' end
    from funcs f
  union all
  select 2, f.header, 4, 0, 'security: ' || case when f.prosecdef then 'definer' else 'invoker' end from funcs f
  union all
  select 2, f.header, 5, 0, 'strict: ' || case when f.proisstrict then 'yes' else 'no' end from funcs f
  union all
  select 3, r.header, 1, a.attnum, pg_catalog.format('column %I: %s', a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod))
    from rels r join pg_catalog.pg_attribute a on a.attrelid = r.oid
   where a.attnum > 0 and not a.attisdropped
  union all
  select o.section, o.header, 9, 0,
         pg_catalog.format('grant %s to %s%s', pg_catalog.lower(g.privilege_type),
                case g.grantee when 0 then 'public' else pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(g.grantee)) end,
                case when g.is_grantable then ' with grant option' else '' end)
    from objects o
    cross join lateral pg_catalog.aclexplode(coalesce(o.acl, pg_catalog.acldefault(o.acl_kind, o.owner))) g
   where g.grantee <> o.owner
     and (g.grantee = 0 or pg_catalog.pg_get_userbyid(g.grantee) like 'sor\_%')
)
select l.header, l.line
  from lines l
 order by l.section, l.header collate "C", l.ord, l.pos, l.line collate "C"

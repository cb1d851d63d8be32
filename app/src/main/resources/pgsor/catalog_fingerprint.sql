-- The fingerprint of the kit's objects, read from pg_catalog alone (no kit function, view or table
-- is read: a superuser who replaced kit functions cannot change what this query sees). One row per
-- object: its kind, its name, the relation it belongs to (for a table's columns, constraints,
-- indexes, triggers, rules and policies; NULL otherwise), whether that relation is a partition and
-- of what, and the object's attributes as JSON (a view's definition is hashed by the caller). ? is the array of schemas to read. The session
-- pins search_path, TimeZone, DateStyle and IntervalStyle first (CatalogFingerprint), so every
-- name and expression renders the same way whoever runs it.
with kit as (
  select n.oid, n.nspname, n.nspowner, n.nspacl
    from pg_catalog.pg_namespace n
   where n.nspname = any (?::text[])
), rels as (
  select c.oid, c.relname, c.relkind, c.relowner, c.relacl, c.relrowsecurity, c.relforcerowsecurity,
         c.relpersistence, c.reloptions, c.relreplident, c.relispartition, c.relpartbound,
         k.nspname, format('%I.%I', k.nspname, c.relname) as qname
    from pg_catalog.pg_class c join kit k on k.oid = c.relnamespace
   where c.relkind in ('r', 'p', 'v', 'm', 'S', 'f')
     and c.relpersistence <> 't'
     and not exists (select 1 from pg_catalog.pg_depend d
                      where d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass and d.objid = c.oid and d.deptype = 'e')
), tabs as (
  select r.*,
         (select format('%I.%I', pn.nspname, pc.relname)
            from pg_catalog.pg_inherits i
            join pg_catalog.pg_class pc on pc.oid = i.inhparent
            join pg_catalog.pg_namespace pn on pn.oid = pc.relnamespace
           where i.inhrelid = r.oid and r.relispartition) as parent
    from rels r where r.relkind in ('r', 'p', 'f')
), acl as (
  -- an ACL as sorted grantee:privilege entries (* when grantable), grantees by name, PUBLIC for 0;
  -- a NULL ACL is the default one. Left out: the grantor (it depends on who ran the migration) and
  -- the owner's own privileges (the owner is an attribute of its own; PostgreSQL 17 added MAINTAIN
  -- to an owner's default privileges, which would make the same install differ by server version).
  select o.key, coalesce(jsonb_agg(distinct
           case when a.grantee = 0 then 'PUBLIC' else pg_catalog.pg_get_userbyid(a.grantee)::text end
           || ':' || a.privilege_type || case when a.is_grantable then '*' else '' end)
           filter (where a.grantee is not null and a.grantee <> o.owner), '[]'::jsonb) as entries
    from (select 'n' || k.oid as key, k.nspacl as acl, k.nspowner as owner, 'n'::"char" as t from kit k
          union all
          select 'r' || r.oid, r.relacl, r.relowner, case r.relkind when 'S' then 's' else 'r' end::"char" from rels r
          union all
          select 'f' || p.oid, p.proacl, p.proowner, 'f'::"char"
            from pg_catalog.pg_proc p join kit k on k.oid = p.pronamespace
          union all
          select 't' || t.oid, t.typacl, t.typowner, 'T'::"char"
            from pg_catalog.pg_type t join kit k on k.oid = t.typnamespace
           where t.typtype in ('e', 'd', 'r')
              or (t.typtype = 'c' and (select c.relkind from pg_catalog.pg_class c where c.oid = t.typrelid) = 'c')) o
    left join lateral pg_catalog.aclexplode(coalesce(o.acl, pg_catalog.acldefault(o.t, o.owner))) a on true
   group by o.key
)
select kind, name, rel, parent, partition_bound, attrs::text from (
  select 'schema' as kind, format('%I', k.nspname) as name, null::text as rel, null::text as parent,
         null::text as partition_bound,
         jsonb_build_object('owner', pg_catalog.pg_get_userbyid(k.nspowner)::text,
                            'acl', (select a.entries from acl a where a.key = 'n' || k.oid)) as attrs
    from kit k
  union all
  select 'table', t.qname, t.qname, t.parent, pg_catalog.pg_get_expr(t.relpartbound, t.oid),
         jsonb_strip_nulls(jsonb_build_object(
           'relkind', case t.relkind when 'p' then 'partitioned table' when 'f' then 'foreign table' else 'table' end,
           'owner', pg_catalog.pg_get_userbyid(t.relowner)::text,
           'rls', t.relrowsecurity, 'force_rls', t.relforcerowsecurity,
           'persistence', case t.relpersistence when 'u' then 'unlogged' else 'logged' end,
           'replica_identity', case t.relreplident when 'd' then 'default' when 'n' then 'nothing' when 'f' then 'full'
                                    else 'index ' || coalesce((select ic.relname::text from pg_catalog.pg_index ix
                                                                 join pg_catalog.pg_class ic on ic.oid = ix.indexrelid
                                                                where ix.indrelid = t.oid and ix.indisreplident), '?') end,
           'options', (select coalesce(jsonb_agg(o order by o), '[]'::jsonb) from unnest(t.reloptions) o),
           'partition_key', case when t.relkind = 'p' then pg_catalog.pg_get_partkeydef(t.oid) end,
           'partition_of', t.parent,
           'partition_bound', pg_catalog.pg_get_expr(t.relpartbound, t.oid),
           'inherits', (select jsonb_agg(format('%I.%I', pn.nspname, pc.relname) order by 1)
                          from pg_catalog.pg_inherits i
                          join pg_catalog.pg_class pc on pc.oid = i.inhparent
                          join pg_catalog.pg_namespace pn on pn.oid = pc.relnamespace
                         where i.inhrelid = t.oid and not t.relispartition),
           'acl', (select a.entries from acl a where a.key = 'r' || t.oid)))
    from tabs t
  union all
  select 'column', format('%s.%I', t.qname, a.attname), t.qname, t.parent, null,
         jsonb_strip_nulls(jsonb_build_object(
           'type', pg_catalog.format_type(a.atttypid, a.atttypmod),
           'not_null', a.attnotnull,
           'default', case when a.attgenerated = '' then pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) end,
           'generated', case when a.attgenerated <> '' then pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) end,
           'identity', case a.attidentity when 'a' then 'always' when 'd' then 'by default' end,
           'collation', case when a.attcollation <> 0 and a.attcollation <> (select ty.typcollation from pg_catalog.pg_type ty where ty.oid = a.atttypid)
                             then (select format('%I.%I', cn.nspname, co.collname) from pg_catalog.pg_collation co
                                     join pg_catalog.pg_namespace cn on cn.oid = co.collnamespace where co.oid = a.attcollation) end,
           'acl', (select coalesce(jsonb_agg(distinct
                            case when x.grantee = 0 then 'PUBLIC' else pg_catalog.pg_get_userbyid(x.grantee)::text end
                            || ':' || x.privilege_type || case when x.is_grantable then '*' else '' end), '[]'::jsonb)
                     from pg_catalog.aclexplode(a.attacl) x)))
    from tabs t
    join pg_catalog.pg_attribute a on a.attrelid = t.oid and a.attnum > 0 and not a.attisdropped
    left join pg_catalog.pg_attrdef ad on ad.adrelid = a.attrelid and ad.adnum = a.attnum
  union all
  -- constraints; NOT NULL (contype n, PostgreSQL 18) is a column's not_null
  select 'constraint', format('%I on %s', c.conname, t.qname), t.qname, t.parent, null,
         jsonb_build_object('type', case c.contype when 'c' then 'check' when 'f' then 'foreign key' when 'p' then 'primary key'
                                                   when 'u' then 'unique' when 'x' then 'exclusion' when 't' then 'trigger'
                                                   else c.contype::text end,
                            'definition', pg_catalog.pg_get_constraintdef(c.oid),
                            'validated', c.convalidated)
    from tabs t join pg_catalog.pg_constraint c on c.conrelid = t.oid and c.contype <> 'n'
  union all
  select 'index', format('%I.%I', t.nspname, ic.relname), t.qname, t.parent, null,
         jsonb_build_object('table', t.qname, 'definition', pg_catalog.pg_get_indexdef(i.indexrelid), 'valid', i.indisvalid)
    from tabs t
    join pg_catalog.pg_index i on i.indrelid = t.oid
    join pg_catalog.pg_class ic on ic.oid = i.indexrelid
  union all
  select 'trigger', format('%I on %s', tg.tgname, t.qname), t.qname, t.parent, null,
         jsonb_build_object('definition', pg_catalog.pg_get_triggerdef(tg.oid),
                            'enabled', case tg.tgenabled when 'O' then 'origin' when 'D' then 'disabled'
                                                         when 'R' then 'replica' when 'A' then 'always' end)
    from tabs t join pg_catalog.pg_trigger tg on tg.tgrelid = t.oid and not tg.tgisinternal
  union all
  select 'rule', format('%I on %s', r.rulename, t.qname), t.qname, t.parent, null,
         jsonb_build_object('definition', pg_catalog.pg_get_ruledef(r.oid),
                            'enabled', case r.ev_enabled when 'O' then 'origin' when 'D' then 'disabled'
                                                         when 'R' then 'replica' when 'A' then 'always' end)
    from tabs t join pg_catalog.pg_rewrite r on r.ev_class = t.oid
  union all
  select 'policy', format('%I on %s', p.polname, t.qname), t.qname, t.parent, null,
         jsonb_strip_nulls(jsonb_build_object(
           'command', case p.polcmd when 'r' then 'select' when 'a' then 'insert' when 'w' then 'update'
                                    when 'd' then 'delete' when '*' then 'all' end,
           'permissive', p.polpermissive,
           'roles', (select jsonb_agg(case when r = 0 then 'PUBLIC' else pg_catalog.pg_get_userbyid(r)::text end order by 1)
                       from unnest(p.polroles) r),
           'using', pg_catalog.pg_get_expr(p.polqual, p.polrelid),
           'check', pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid)))
    from tabs t join pg_catalog.pg_policy p on p.polrelid = t.oid
  union all
  select 'view', v.qname, null, null, null,
         jsonb_build_object(
           'relkind', case v.relkind when 'm' then 'materialized view' else 'view' end,
           'owner', pg_catalog.pg_get_userbyid(v.relowner)::text,
           'options', (select coalesce(jsonb_agg(o order by o), '[]'::jsonb) from unnest(v.reloptions) o),
           'definition', pg_catalog.pg_get_viewdef(v.oid),
           'acl', (select a.entries from acl a where a.key = 'r' || v.oid))
    from rels v where v.relkind in ('v', 'm')
  union all
  select 'sequence', s.qname, null, null, null,
         jsonb_strip_nulls(jsonb_build_object(
           'owner', pg_catalog.pg_get_userbyid(s.relowner)::text,
           'type', pg_catalog.format_type(q.seqtypid, null),
           'parameters', format('increment %s minvalue %s maxvalue %s start %s cache %s%s', q.seqincrement, q.seqmin,
                                q.seqmax, q.seqstart, q.seqcache, case when q.seqcycle then ' cycle' else '' end),
           'owned_by', (select format('%I.%I.%I', dn.nspname, dc.relname, da.attname)
                          from pg_catalog.pg_depend d
                          join pg_catalog.pg_class dc on dc.oid = d.refobjid
                          join pg_catalog.pg_namespace dn on dn.oid = dc.relnamespace
                          join pg_catalog.pg_attribute da on da.attrelid = d.refobjid and da.attnum = d.refobjsubid
                         where d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass and d.objid = s.oid
                           and d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass and d.deptype in ('a', 'i')
                         limit 1),
           'acl', (select a.entries from acl a where a.key = 'r' || s.oid)))
    from rels s join pg_catalog.pg_sequence q on q.seqrelid = s.oid
  union all
  select 'function', p.oid::pg_catalog.regprocedure::text, null, null, null,
         jsonb_build_object(
           'owner', pg_catalog.pg_get_userbyid(p.proowner)::text,
           'config', (select coalesce(jsonb_agg(c order by c), '[]'::jsonb) from unnest(p.proconfig) c),
           'definition_sha256', encode(sha256(convert_to(
               case when p.prokind = 'a' then 'aggregate ' || p.oid::pg_catalog.regprocedure::text
                    else pg_catalog.pg_get_functiondef(p.oid) end, 'UTF8')), 'hex'),
           'acl', (select a.entries from acl a where a.key = 'f' || p.oid))
    from pg_catalog.pg_proc p join kit k on k.oid = p.pronamespace
   where not exists (select 1 from pg_catalog.pg_depend d
                      where d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass and d.objid = p.oid and d.deptype = 'e')
  union all
  select 'type', format('%I.%I', k.nspname, t.typname), null, null, null,
         jsonb_build_object(
           'owner', pg_catalog.pg_get_userbyid(t.typowner)::text,
           'definition', case t.typtype
             when 'e' then 'enum (' || (select string_agg(quote_literal(e.enumlabel), ', ' order by e.enumsortorder)
                                          from pg_catalog.pg_enum e where e.enumtypid = t.oid) || ')'
             when 'd' then 'domain ' || pg_catalog.format_type(t.typbasetype, t.typtypmod)
                           || case when t.typnotnull then ' not null' else '' end
                           || coalesce(' default ' || t.typdefault, '')
                           || coalesce((select ' ' || string_agg(pg_catalog.pg_get_constraintdef(c.oid), ' ' order by c.conname)
                                          from pg_catalog.pg_constraint c where c.contypid = t.oid and c.contype <> 'n'), '')
             when 'r' then 'range of ' || (select pg_catalog.format_type(rg.rngsubtype, null) from pg_catalog.pg_range rg where rg.rngtypid = t.oid)
             else 'composite (' || (select string_agg(format('%I %s', a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod)), ', ' order by a.attnum)
                                      from pg_catalog.pg_attribute a where a.attrelid = t.typrelid and a.attnum > 0 and not a.attisdropped) || ')'
           end,
           'acl', (select a.entries from acl a where a.key = 't' || t.oid))
    from pg_catalog.pg_type t join kit k on k.oid = t.typnamespace
   where (t.typtype in ('e', 'd', 'r')
          or (t.typtype = 'c' and (select c.relkind from pg_catalog.pg_class c where c.oid = t.typrelid) = 'c'))
     and not exists (select 1 from pg_catalog.pg_depend d
                      where d.classid = 'pg_catalog.pg_type'::pg_catalog.regclass and d.objid = t.oid and d.deptype = 'e')
  union all
  -- event triggers of the kit: those calling a function of a kit schema, and any named sor_*; not
  -- their owner, the superuser that migrated (its name varies by install)
  select 'event trigger', format('%I', e.evtname), null, null, null,
         jsonb_build_object(
           'event', e.evtevent::text,
           'function', e.evtfoid::pg_catalog.regprocedure::text,
           'enabled', case e.evtenabled when 'O' then 'origin' when 'D' then 'disabled'
                                        when 'R' then 'replica' when 'A' then 'always' end,
           'tags', (select coalesce(jsonb_agg(x order by x), '[]'::jsonb) from unnest(e.evttags) x))
    from pg_catalog.pg_event_trigger e
    join pg_catalog.pg_proc p on p.oid = e.evtfoid
   where p.pronamespace in (select k.oid from kit k) or e.evtname::text like 'sor\_%'
) o
order by kind, name

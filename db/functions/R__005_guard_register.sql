-- The register of protected objects (schema sor_guard, owned by sor_guardian). What the kit
-- protects is declared once, as rows of sor_guard.register: every schema, table, view and function
-- of the protected schemas, each table's triggers, rules, policies, constraints and unique indexes,
-- and the guard's event triggers, each with its expected state (spec). The drop guard compares the
-- live catalog with the register after every DDL statement; certify() compares them on demand.
--
--   sor_guard.live_objects(roots)   the live state of protected objects, as register specs
--   sor_guard.registered            the current register (latest row per object, present or retired)
--   sor_guard.diff(roots)           what differs between the live catalog and the register, with
--                                   the operation each difference is (and whether it needs an
--                                   approval, is recorded in the audit, or only narrows)
--   sor_guard.protect_all()         registers every protected object not yet registered (additive:
--                                   an object already registered is never changed by it)
--   sor_guard.classify(...)         declares what an object is for (sor_guard.classes)
--
-- Only the guard's functions write the register; sor_owner may call protect_all and classify. This
-- file runs first among the repeatable ones (after R__003), so every later file can classify what
-- it defines; it pauses the guard while it redefines the guard's functions, and records their new
-- definitions before the guard runs again.
select sor_guard.pause(true);
set role sor_guardian;

create or replace function sor_guard.protected_schemas()
returns table (oid oid, nspname name)
language plpgsql
stable
set search_path = pg_catalog, pg_temp
set jit = off
as $$
begin
  return query select n.oid, n.nspname from pg_catalog.pg_namespace n where n.nspname in ('sor', 'sor_api', 'sor_guard');
  if pg_catalog.to_regclass('sor.domain_schemas') is not null then
    return query execute
      'select n.oid, n.nspname from pg_catalog.pg_namespace n join sor.domain_schemas d on d.schema_name = n.nspname';
  end if;
end
$$;
comment on function sor_guard.protected_schemas() is
  'Schemas whose objects the guard protects: sor, sor_api, sor_guard and every registered domain schema (sor.domain_schemas).';

create or replace function sor_guard.acl(acl aclitem[], owner oid, objtype "char")
returns jsonb
language sql
stable
set search_path = pg_catalog, pg_temp
set jit = off
as $$
  select coalesce(jsonb_agg(x.g order by x.g), '[]'::jsonb)
    from (select distinct case when a.grantee = 0 then 'PUBLIC' else a.grantee::regrole::text end
                          || ':' || a.privilege_type || case when a.is_grantable then '*' else '' end as g
            from aclexplode(coalesce(acl, acldefault(objtype, owner))) a
           where a.grantee <> owner and cardinality(coalesce(acl, acldefault(objtype, owner))) > 0) x
$$;
comment on function sor_guard.acl(aclitem[], oid, "char") is
  'The privileges an ACL grants to roles other than the owner, as a sorted JSON array of grantee:privilege (* when grantable).';

create or replace function sor_guard.function_sha256(fn oid)
returns text
language sql
stable
set search_path = pg_catalog, pg_temp
set jit = off
as $$
  select encode(sha256(convert_to(pg_get_functiondef(fn), 'UTF8')), 'hex')
$$;
comment on function sor_guard.function_sha256(oid) is
  'sha256 of a function''s full definition (pg_get_functiondef: signature, language, volatility, security, settings, body).';

create or replace function sor_guard.ident(classid oid, objid oid, objsubid integer default 0)
returns text
language sql
stable
set search_path = pg_catalog, pg_temp
set jit = off
as $$
  select (pg_identify_object(classid, objid, objsubid)).identity
$$;
comment on function sor_guard.ident(oid, oid, integer) is 'pg_identify_object(...).identity, the name the register and approvals use.';

-- The live state of protected objects. roots limits it to the given root objects (tables, views,
-- functions, schemas, event triggers, as (kind, oid) text keys such as 'table:16400'); NULL means all.
create or replace function sor_guard.live_objects(roots text[] default null)
returns table (kind text, identity text, root_kind text, root_objid oid, objid oid, spec jsonb)
language sql
stable
set search_path = pg_catalog, pg_temp
set jit = off
as $$
  with sch as (
    select p.oid, p.nspname from sor_guard.protected_schemas() p
  ), rels as (
    select c.oid, c.relname, c.relkind, c.relowner, c.relacl, c.relrowsecurity, c.relforcerowsecurity,
           c.relpersistence, c.reloptions, c.relnamespace,
           case when c.relkind in ('r', 'p') then 'table' else 'view' end as rkind
      from pg_class c join sch on sch.oid = c.relnamespace
     where c.relkind in ('r', 'p', 'v', 'm') and c.relpersistence <> 't'
       and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
       and (roots is null or (case when c.relkind in ('r', 'p') then 'table' else 'view' end) || ':' || c.oid = any (roots))
  ), tabs as (
    select * from rels where rkind = 'table'
  ), funcs as (
    select p.oid, p.proowner, p.proacl
      from pg_proc p join sch on sch.oid = p.pronamespace
     where p.prokind in ('f', 'p')
       and not exists (select 1 from pg_depend d where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')
       and (roots is null or 'function:' || p.oid = any (roots))
  )
  select 'schema', quote_ident(s.nspname::text), 'schema', s.oid, s.oid,
         jsonb_build_object('owner', n.nspowner::regrole::text, 'acl', sor_guard.acl(n.nspacl, n.nspowner, 'n'))
    from sch s join pg_namespace n on n.oid = s.oid
   where roots is null or 'schema:' || s.oid = any (roots)
  union all
  select 'table', sor_guard.ident('pg_class'::regclass, t.oid), 'table', t.oid, t.oid,
         jsonb_build_object(
           'owner', t.relowner::regrole::text,
           'rls', t.relrowsecurity, 'force_rls', t.relforcerowsecurity,
           'persistence', t.relpersistence::text, 'relkind', t.relkind::text,
           'partition_of', (select sor_guard.ident('pg_class'::regclass, i.inhparent) from pg_inherits i where i.inhrelid = t.oid),
           'acl', sor_guard.acl(t.relacl, t.relowner, 'r'),
           'columns', (select coalesce(jsonb_object_agg(a.attname, jsonb_build_object(
                                 'type', format_type(a.atttypid, a.atttypmod),
                                 'collation', case when a.attcollation = 0 then null else a.attcollation::regcollation::text end,
                                 'not_null', a.attnotnull,
                                 'default', pg_get_expr(ad.adbin, ad.adrelid),
                                 'identity', nullif(a.attidentity::text, ''),
                                 'generated', nullif(a.attgenerated::text, ''),
                                 'acl', sor_guard.acl(a.attacl, t.relowner, 'c'))), '{}'::jsonb)
                         from pg_attribute a
                         left join pg_attrdef ad on ad.adrelid = a.attrelid and ad.adnum = a.attnum
                        where a.attrelid = t.oid and a.attnum > 0 and not a.attisdropped))
    from tabs t
  union all
  select 'view', sor_guard.ident('pg_class'::regclass, v.oid), 'view', v.oid, v.oid,
         jsonb_build_object(
           'owner', v.relowner::regrole::text,
           'options', (select coalesce(jsonb_agg(o order by o), '[]'::jsonb) from unnest(v.reloptions) o),
           'definition_sha256', encode(sha256(convert_to(pg_get_viewdef(v.oid), 'UTF8')), 'hex'),
           'acl', sor_guard.acl(v.relacl, v.relowner, 'r'))
    from rels v where v.rkind = 'view'
  union all
  select 'function', sor_guard.ident('pg_proc'::regclass, f.oid), 'function', f.oid, f.oid,
         jsonb_build_object('owner', f.proowner::regrole::text,
                            'definition_sha256', sor_guard.function_sha256(f.oid),
                            'acl', sor_guard.acl(f.proacl, f.proowner, 'f'))
    from funcs f
  union all
  select 'trigger', sor_guard.ident('pg_trigger'::regclass, tg.oid), 'table', t.oid, tg.oid,
         jsonb_build_object('definition', pg_get_triggerdef(tg.oid), 'enabled', tg.tgenabled::text)
    from tabs t join pg_trigger tg on tg.tgrelid = t.oid and not tg.tgisinternal
  union all
  select 'rule', sor_guard.ident('pg_rewrite'::regclass, r.oid), 'table', t.oid, r.oid,
         jsonb_build_object('definition', pg_get_ruledef(r.oid), 'enabled', r.ev_enabled::text)
    from tabs t join pg_rewrite r on r.ev_class = t.oid and r.rulename <> '_RETURN'
  union all
  select 'policy', sor_guard.ident('pg_policy'::regclass, p.oid), 'table', t.oid, p.oid,
         jsonb_build_object(
           'command', p.polcmd::text, 'permissive', p.polpermissive,
           'roles', (select jsonb_agg(case when r = 0 then 'PUBLIC' else r::regrole::text end order by 1)
                       from unnest(p.polroles) r),
           'using', pg_get_expr(p.polqual, p.polrelid),
           'check', pg_get_expr(p.polwithcheck, p.polrelid))
    from tabs t join pg_policy p on p.polrelid = t.oid
  union all
  select 'constraint', sor_guard.ident('pg_constraint'::regclass, c.oid), 'table', t.oid, c.oid,
         jsonb_build_object('type', c.contype::text, 'definition', pg_get_constraintdef(c.oid), 'validated', c.convalidated)
    from tabs t join pg_constraint c on c.conrelid = t.oid and c.contype in ('c', 'f', 'p', 'u', 'x', 't')
  union all
  select 'index', sor_guard.ident('pg_class'::regclass, i.indexrelid), 'table', t.oid, i.indexrelid,
         jsonb_build_object('definition', pg_get_indexdef(i.indexrelid), 'valid', i.indisvalid)
    from tabs t join pg_index i on i.indrelid = t.oid and i.indisunique
   where not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid and c.contype in ('p', 'u', 'x'))
  union all
  select 'event trigger', quote_ident(e.evtname::text), 'event trigger', e.oid, e.oid,
         jsonb_build_object('event', e.evtevent::text, 'function', e.evtfoid::regprocedure::text,
                            'tags', (select jsonb_agg(x order by x) from unnest(e.evttags) x),
                            'enabled', e.evtenabled::text)
    from pg_event_trigger e
    join pg_proc p on p.oid = e.evtfoid
   where p.pronamespace = (select n.oid from pg_namespace n where n.nspname = 'sor_guard')
     and (roots is null or 'event trigger:' || e.oid = any (roots))
$$;
comment on function sor_guard.live_objects(text[]) is
  'The live state of every protected object (or of the given roots and their children), in the form the register stores: kind, identity, root, oid and spec.';

create or replace view sor_guard.registered as
select distinct on (r.kind, r.identity)
       r.entry_id, r.kind, r.identity, r.root_kind, r.root_objid, r.objid, r.present, r.spec, r.reason,
       r.approval_id, r.recorded_at, r.recorded_by
  from sor_guard.register r
 order by r.kind, r.identity, r.entry_id desc;
comment on view sor_guard.registered is
  'The current register: the latest row of every object ever registered; present = false for retired ones.';

-- Classifies one difference between the live catalog and the register. Returns the operation
-- (the name an approval uses) and what it takes: approve (a destructive change), record (a
-- redefinition, written to the audit), tighten (a change that only narrows) or NULL for nothing.
create or replace function sor_guard.judge(kind text, identity text, before jsonb, after jsonb, is_guard boolean,
                                           baseline jsonb default null)
returns table (operation text, outcome text, detail text, column_name text)
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
set jit = off
as $$
declare
  _col text;
  _b jsonb;
  _a jsonb;
begin
  if before is not distinct from after then
    return;
  end if;
  if after is null then
    return query select 'drop ' || kind,
                        case when kind = 'function' and not is_guard then 'record' else 'approve' end,
                        'dropped', null::text;
    return;
  end if;
  if before is null then
    -- a new object on a registered root: widening unless it only narrows
    if kind = 'policy' and not (after ->> 'permissive')::boolean then
      return query select 'create policy', 'tighten', 'restrictive policy added', null::text;
    elsif kind in ('policy', 'trigger', 'rule') then
      return query select 'create ' || kind, 'approve', kind || ' added to a protected table', null::text;
    else
      return query select 'create ' || kind, 'tighten', kind || ' added', null::text;
    end if;
    return;
  end if;
  -- grants: widening needs an approval, narrowing only narrows. A privilege held before this
  -- transaction (baseline) and revoked then granted again within it is not new: a repeatable file
  -- that converges its grants with REVOKE ALL then GRANT passes.
  if (after -> 'acl') is distinct from (before -> 'acl') then
    if exists (select 1 from jsonb_array_elements_text(coalesce(after -> 'acl', '[]')) g
                where not (coalesce(before -> 'acl', '[]') ? g) and not (coalesce(baseline -> 'acl', '[]') ? g)) then
      return query select 'grant', 'approve',
        'new privileges: ' || (select string_agg(g, ', ' order by g) from jsonb_array_elements_text(after -> 'acl') g
                                where not (coalesce(before -> 'acl', '[]') ? g) and not (coalesce(baseline -> 'acl', '[]') ? g)), null::text;
    else
      return query select 'revoke', 'tighten', 'privileges revoked', null::text;
    end if;
  end if;
  if (after -> 'owner') is distinct from (before -> 'owner') then
    return query select 'alter ' || kind, 'approve', format('owner %s -> %s', before ->> 'owner', after ->> 'owner'), null::text;
  end if;
  if (after - 'acl' - 'owner') is not distinct from (before - 'acl' - 'owner') then
    return;
  end if;
  case kind
  when 'table' then
    if (before ->> 'rls')::boolean and not (after ->> 'rls')::boolean then
      return query select 'disable row level security', 'approve', 'row level security disabled', null::text;
    elsif not (before ->> 'rls')::boolean and (after ->> 'rls')::boolean then
      return query select 'enable row level security', 'tighten', 'row level security enabled', null::text;
    end if;
    if (before ->> 'force_rls')::boolean and not (after ->> 'force_rls')::boolean then
      return query select 'no force row level security', 'approve', 'row level security no longer forced', null::text;
    elsif not (before ->> 'force_rls')::boolean and (after ->> 'force_rls')::boolean then
      return query select 'force row level security', 'tighten', 'row level security forced', null::text;
    end if;
    if (before -> 'persistence') is distinct from (after -> 'persistence') or (before -> 'relkind') is distinct from (after -> 'relkind') then
      return query select 'alter table', 'approve', format('persistence %s -> %s', before ->> 'persistence', after ->> 'persistence'), null::text;
    end if;
    if (before -> 'partition_of') is distinct from (after -> 'partition_of') then
      if before ->> 'partition_of' is not null then
        return query select 'detach partition', 'approve', 'detached from ' || (before ->> 'partition_of'), null::text;
      else
        return query select 'attach partition', 'tighten', 'attached to ' || (after ->> 'partition_of'), null::text;
      end if;
    end if;
    for _col in select k from jsonb_object_keys(before -> 'columns') k union select k from jsonb_object_keys(after -> 'columns') k loop
      _b := before -> 'columns' -> _col;
      _a := after -> 'columns' -> _col;
      if _a is null then
        return query select 'drop column', 'approve', 'column ' || _col || ' dropped', _col;
      elsif _b is null then
        return query select 'add column', 'tighten', 'column ' || _col || ' added', _col;
      elsif (_a -> 'type') is distinct from (_b -> 'type') or (_a -> 'collation') is distinct from (_b -> 'collation') then
        return query select 'alter column type', 'approve', format('column %s: %s -> %s', _col, _b ->> 'type', _a ->> 'type'), _col;
      elsif (_a -> 'default') is distinct from (_b -> 'default') or (_a -> 'identity') is distinct from (_b -> 'identity')
            or (_a -> 'generated') is distinct from (_b -> 'generated')
            or ((_b ->> 'not_null')::boolean and not (_a ->> 'not_null')::boolean) then
        return query select 'alter column', 'approve', format('column %s changed', _col), _col;
      elsif (_a -> 'acl') is distinct from (_b -> 'acl') then
        if exists (select 1 from jsonb_array_elements_text(_a -> 'acl') g
                    where not (_b -> 'acl' ? g) and not coalesce(baseline -> 'columns' -> _col -> 'acl' ? g, false)) then
          return query select 'grant', 'approve', format('new privileges on column %s', _col), _col;
        else
          return query select 'revoke', 'tighten', format('privileges on column %s revoked', _col), _col;
        end if;
      elsif _a is distinct from _b then
        return query select 'alter column', 'tighten', format('column %s set not null', _col), _col;
      end if;
    end loop;
  when 'view' then
    if (after -> 'options') is distinct from (before -> 'options') then
      return query select 'alter view', 'approve', format('options %s -> %s', before -> 'options', after -> 'options'), null::text;
    end if;
    if (after -> 'definition_sha256') is distinct from (before -> 'definition_sha256') then
      return query select 'redefine view', 'record', 'new definition', null::text;
    end if;
  when 'function' then
    if (after -> 'definition_sha256') is distinct from (before -> 'definition_sha256') then
      if is_guard then
        return query select 'replace function', 'approve', 'a guard function was redefined', null::text;
      else
        return query select 'redefine function', 'record', 'new definition', null::text;
      end if;
    end if;
  when 'trigger' then
    if (after -> 'definition') is distinct from (before -> 'definition') then
      return query select 'alter trigger', 'approve', 'trigger definition changed', null::text;
    elsif before ->> 'enabled' = 'A' or after ->> 'enabled' = 'D' then
      return query select 'disable trigger', 'approve', format('enabled %s -> %s', before ->> 'enabled', after ->> 'enabled'), null::text;
    else
      return query select 'enable trigger', 'tighten', format('enabled %s -> %s', before ->> 'enabled', after ->> 'enabled'), null::text;
    end if;
  when 'rule' then
    return query select 'alter rule', 'approve', 'rule changed', null::text;
  when 'policy' then
    return query select 'alter policy', 'approve', 'policy changed', null::text;
  when 'constraint' then
    -- a validation: the same constraint, validated now (pg_get_constraintdef ends a constraint
    -- not yet validated with NOT VALID, so its text loses those words as it is validated)
    if (before ->> 'type') is not distinct from (after ->> 'type')
       and pg_catalog.regexp_replace(before ->> 'definition', ' NOT VALID$', '') = (after ->> 'definition')
       and not (before ->> 'validated')::boolean and (after ->> 'validated')::boolean then
      return query select 'validate constraint', 'tighten', 'constraint validated', null::text;
    else
      return query select 'alter constraint', 'approve', 'constraint changed', null::text;
    end if;
  when 'index' then
    return query select 'alter index', 'approve', 'index changed', null::text;
  when 'schema' then
    return query select 'alter schema', 'approve', 'schema changed', null::text;
  when 'event trigger' then
    return query select 'alter event trigger', 'approve', 'event trigger changed', null::text;
  else
    return query select 'alter ' || kind, 'approve', 'changed', null::text;
  end case;
end
$$;
comment on function sor_guard.judge(text, text, jsonb, jsonb, boolean, jsonb) is
  'Classifies how an object''s live spec differs from its registered spec: the operation an approval names, and approve (destructive), record (a redefinition, audited) or tighten (only narrows).';

-- Every difference between the live catalog and the register for the given roots (NULL: all).
create or replace function sor_guard.diff(roots text[] default null)
returns table (kind text, identity text, root_kind text, root_objid oid, objid oid,
               operation text, object text, outcome text, detail text, live_spec jsonb)
language sql
stable
set search_path = pg_catalog, pg_temp
set jit = off
as $$
  with live as materialized (
    select l.* from sor_guard.live_objects(roots) l
  ), reg as materialized (
    select r.* from sor_guard.registered r
     where r.present
       and (roots is null or r.root_kind || ':' || r.root_objid = any (roots)
            or r.kind || ':' || r.objid = any (roots))
  ), registered_roots as (
    select distinct r.root_kind, r.root_objid from sor_guard.registered r where r.present
  ), baseline as materialized (
    -- the expected state as it stood before this transaction
    select distinct on (b.kind, b.identity) b.kind, b.identity, b.spec
      from sor_guard.register b
     where b.tx_id is distinct from pg_current_xact_id_if_assigned()
       and exists (select 1 from reg r where r.kind = b.kind and r.identity = b.identity)
     order by b.kind, b.identity, b.entry_id desc
  ), pairs as (
    select coalesce(r.kind, l.kind) as kind,
           coalesce(r.identity, l.identity) as identity,
           coalesce(l.root_kind, r.root_kind) as root_kind,
           coalesce(l.root_objid, r.root_objid) as root_objid,
           coalesce(l.objid, r.objid) as objid,
           r.spec as before, l.spec as after,
           r.kind is not null as registered,
           -- a new child counts only on a root that is registered
           l.kind is not null and r.kind is null and l.kind not in ('schema', 'table', 'view', 'function', 'event trigger')
             and exists (select 1 from registered_roots rr where rr.root_kind = l.root_kind and rr.root_objid = l.root_objid) as new_child
      from reg r
      full join live l on l.kind = r.kind and l.identity = r.identity
  ), renamed as (
    -- a registered object whose name is gone but whose oid lives on under another name
    select p.kind, p.identity, p.root_kind, p.root_objid, l.identity as new_identity
      from pairs p join live l on l.kind = p.kind and l.objid = p.objid
     where p.registered and p.after is null and l.identity <> p.identity
  ), renamed_roots as (
    select n.root_kind, n.root_objid from renamed n where n.kind = n.root_kind
  ), detached_roots as (
    -- a partition detached from its parent loses the triggers it had cloned from it
    select p.root_kind, p.root_objid from pairs p
     where p.kind = 'table' and p.before ->> 'partition_of' is not null and p.after is not null
       and (p.after ->> 'partition_of') is distinct from (p.before ->> 'partition_of')
  )
  select p.kind, p.identity, p.root_kind, p.root_objid, p.objid,
         case when n.new_identity is not null then 'rename' else j.operation end,
         p.identity || coalesce('.' || quote_ident(j.column_name), ''),
         case when n.new_identity is not null then 'approve'
              -- the triggers a detached partition had cloned from its parent go with the detach, the one change to approve
              when p.kind = 'trigger' and p.after is null
                   and exists (select 1 from detached_roots d where d.root_kind = p.root_kind and d.root_objid = p.root_objid)
                then 'tighten'
              else j.outcome end,
         case when n.new_identity is not null then 'renamed or moved to ' || n.new_identity else j.detail end,
         p.after
    from pairs p
    left join renamed n on n.kind = p.kind and n.identity = p.identity
   cross join lateral sor_guard.judge(p.kind, p.identity, p.before, p.after,
                                      p.kind = 'function'
                                      and (p.identity like 'sor\_guard.%'
                                           or exists (select 1 from sor_guard.classes c
                                                       where c.kind = 'function' and c.identity = p.identity and c.class = 'guard')),
                                      (select b.spec from baseline b where b.kind = p.kind and b.identity = p.identity)) j
   where (p.registered or p.new_child)
     and not (n.new_identity is not null and j.operation is null)
     -- the objects of a renamed table follow it: the table's rename is the one change to approve
     and not (p.kind <> p.root_kind
              and exists (select 1 from renamed_roots rr where rr.root_kind = p.root_kind and rr.root_objid = p.root_objid))
$$;
comment on function sor_guard.diff(text[]) is
  'Every difference between the live catalog and the register, for the given roots (NULL: all): kind, identity, the operation (as approvals name it), its outcome (approve, record, tighten) and a detail. Objects not yet registered are not differences (protect_all registers them), but a new policy, trigger or rule on a registered table is.';

-- Writes register rows for objects the guard judged (or registers new ones).
create or replace function sor_guard.record(kind text, identity text, root_kind text, root_objid oid, objid oid,
                                            spec jsonb, reason text, approval_id bigint)
returns void
language sql
volatile
set search_path = pg_catalog, pg_temp
set jit = off
as $$
  insert into sor_guard.register (kind, identity, root_kind, root_objid, objid, present, spec, reason, approval_id)
  values (record.kind, record.identity, record.root_kind, record.root_objid, record.objid, record.spec is not null,
          record.spec, record.reason, record.approval_id)
$$;
comment on function sor_guard.record(text, text, text, oid, oid, jsonb, text, bigint) is
  'Appends one register row: the object''s new expected state (spec) or its retirement (NULL spec). Internal to the guard.';

create or replace function sor_guard.protect_all()
returns integer
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
set jit = off
as $$
declare
  _n integer;
  _rebound integer;
begin
  -- same object, new oid (a dump and restore): bind the register to the live oid, nothing else
  insert into sor_guard.register (kind, identity, root_kind, root_objid, objid, present, spec, reason)
  select r.kind, r.identity, l.root_kind, l.root_objid, l.objid, true, r.spec, 'rebound'
    from sor_guard.registered r join sor_guard.live_objects(null) l on l.kind = r.kind and l.identity = r.identity
   where r.present and (r.objid <> l.objid or r.root_objid <> l.root_objid);
  get diagnostics _rebound = row_count;
  -- objects never registered (or registered once and retired, then created again): only roots that
  -- are not registered, and children of roots registered in this same call, are new; a new policy,
  -- trigger or rule on a root that was already registered is a change the guard judges, never
  -- laundered into the register here.
  with live as materialized (
    select l.* from sor_guard.live_objects(null) l
  ), reg as materialized (
    select r.* from sor_guard.registered r where r.present
  ), new_roots as (
    select l.root_kind, l.root_objid from live l
     where l.kind = l.root_kind and l.objid = l.root_objid
       and not exists (select 1 from reg r where r.kind = l.kind and r.identity = l.identity)
  )
  insert into sor_guard.register (kind, identity, root_kind, root_objid, objid, present, spec, reason)
  select l.kind, l.identity, l.root_kind, l.root_objid, l.objid, true, l.spec, 'registered'
    from live l
   where not exists (select 1 from reg r where r.kind = l.kind and r.identity = l.identity)
     and (exists (select 1 from new_roots n where n.root_kind = l.root_kind and n.root_objid = l.root_objid)
          or l.kind in ('constraint', 'index')
          or (l.kind = 'policy' and not (l.spec ->> 'permissive')::boolean));
  get diagnostics _n = row_count;
  return _n + _rebound;
end
$$;
comment on function sor_guard.protect_all() is
  'Registers every protected object that is not registered yet (new schemas, tables with their children, views, functions, the guard''s event triggers); never changes an entry that exists. A new permissive policy, trigger or rule on a table already registered is not registered here: the guard judges it. Returns how many rows it wrote. Run after every migration (Flyway afterMigrate); sor_owner may call it.';

create or replace function sor_guard.record_guard_upgrade()
returns integer
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
set jit = off
as $$
declare
  _n integer;
begin
  with changed as (
    select r.kind, r.identity, l.root_kind, l.root_objid, l.objid, l.spec
      from sor_guard.registered r
      join sor_guard.live_objects(null) l on l.kind = r.kind and l.identity = r.identity
     where r.present and r.kind = 'function' and r.identity like 'sor\_guard.%'
       and l.spec is distinct from r.spec
  ), audited as (
    insert into sor.ddl_audit (set_role, command_tag, operation, object_identity, statement, approval_id, outcome,
                               definition_sha256)
    select current_setting('role'), 'MIGRATE', 'replace function', c.identity, current_query(), null, 'recorded',
           decode(c.spec ->> 'definition_sha256', 'hex')
      from changed c
  )
  insert into sor_guard.register (kind, identity, root_kind, root_objid, objid, present, spec, reason)
  select c.kind, c.identity, c.root_kind, c.root_objid, c.objid, true, c.spec, 'recorded'
    from changed c;
  get diagnostics _n = row_count;
  return _n;
end
$$;
comment on function sor_guard.record_guard_upgrade() is
  'After a kit upgrade that redefined guard functions with the guard paused (sor_guard.pause), records each new definition in sor.ddl_audit and the register. Run by the afterMigrate callback as sor_guardian; executable by no one else.';

create or replace function sor_guard.declare_class(kind text, identity text, class text)
returns void
language sql
volatile
security definer
set search_path = pg_catalog, pg_temp
set jit = off
as $$
  insert into sor_guard.classes (kind, identity, class)
  values (declare_class.kind, declare_class.identity, declare_class.class)
  on conflict on constraint classes_pkey do nothing
$$;
comment on function sor_guard.declare_class(text, text, text) is
  'Appends one class declaration (sor_guard.classes); called by sor_guard.classify, which resolves the object''s identity first.';

create or replace function sor_guard.classify(kind text, object text, class text)
returns void
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
set jit = off
as $$
declare
  _identity text;
begin
  -- the object is resolved by the catalog with the caller's rights, so a typo fails here
  _identity := case classify.kind
    when 'function' then sor_guard.ident('pg_proc'::regclass, classify.object::regprocedure)
    when 'table' then sor_guard.ident('pg_class'::regclass, classify.object::regclass)
    when 'index' then sor_guard.ident('pg_class'::regclass, classify.object::regclass)
    when 'constraint' then (select sor_guard.ident('pg_constraint'::regclass, c.oid)
                              from pg_constraint c
                             where c.conname = split_part(classify.object, ' on ', 1)
                               and c.conrelid = split_part(classify.object, ' on ', 2)::regclass)
  end;
  if _identity is null then
    raise exception 'cannot classify % %: no such object', classify.kind, classify.object
      using errcode = '42704', hint = 'Name a function as schema.name(argument types), a table or index as schema.name, a constraint as name on schema.table.';
  end if;
  perform sor_guard.declare_class(classify.kind, _identity, classify.class);
end
$$;
comment on function sor_guard.classify(text, text, text) is
  'Declares what a protected object is for (refusal, chain, audit, tenancy, guard, reader, queue, dedupe), once, in the file that defines it; certify() reads the classes. The object is resolved by the catalog (a function as schema.name(argument types), a table or index as schema.name, a constraint as name on schema.table). Idempotent; a class is never removed.';

grant usage on schema sor_guard to sor_owner;
grant execute on function sor_guard.classify(text, text, text), sor_guard.declare_class(text, text, text),
                          sor_guard.ident(oid, oid, integer) to sor_owner;

-- sor_guard.pause is defined once, in V060, and never redefined; like every kit function it runs
-- with jit = off, which only this file, with the guard paused, sets.
alter function sor_guard.pause(boolean) set jit = off;

-- The guard functions this file redefined are recorded before the guard runs again (what the
-- afterMigrate callback does at the end of the run): a later statement of the run that the guard
-- judges against every registered function (a GRANT) finds the register current.
select sor_guard.record_guard_upgrade();
reset role;
select sor_guard.pause(false);

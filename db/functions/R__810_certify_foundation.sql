-- Foundation checks for certify(): row level security on every tenant-scoped table, nothing
-- reachable by PUBLIC, pinned search_path on definer functions, jit = off on every function,
-- least-privilege login roles, NOLOGIN group roles, ownership, no table access for workers and
-- dispatchers, comments, and the membership sweep: every sor_api function a Worker, tenant,
-- dispatcher or approver can call that takes a run, task, tool call, outbox row, block, stream or
-- tenant reaches a tenancy rule (read from the catalog, so a new function without one fails), and
-- no function but the tenancy rules reads sor.tenant_members itself. The schemas swept are the
-- kit's and the guard's (sor_guard).
set role sor_owner;

-- The functions of pg_catalog that PostgreSQL grants to PUBLIC and that reach storage or shared
-- memory outside the kit's tables, read from the catalog (so a new form is seen): large objects'
-- creation, every function that takes an advisory lock, and logical decoding messages; and which
-- of them the kit's own code keeps. db/policies/R__905_policies_storage.sql revokes them from
-- PUBLIC and makes the grants; certify() checks both. owner_keeps: sor_owner (its definer code and
-- the roles that migrate act as it) keeps the two shared locks the append path's announcement
-- tries, the exclusive transaction lock of 0.1.0's append path (its calls still running as an
-- upgrade commits) and the two Flyway takes to serialise its runs; database_owner_keeps: Flyway's
-- two. (Names are written as patterns with groups, so that this text is not taken for a call by
-- the volume check of R__880.)
-- (its first form, of this release's development, had three columns: replaced, never dropped again)
do $$
begin
  if exists (select 1 from pg_catalog.pg_proc p
              where p.oid = pg_catalog.to_regprocedure('sor.closed_catalog_functions()')
                and not ('owner_keeps' = any (p.proargnames))) then
    drop function sor.closed_catalog_functions();
  end if;
end
$$;
create or replace function sor.closed_catalog_functions()
returns table (ordinal integer, check_name text, sig text, owner_keeps boolean, database_owner_keeps boolean)
language sql
stable
set search_path = pg_catalog, pg_temp
set jit = off
as $$
  select k.ordinal, k.check_name, 'pg_catalog.' || p.oid::pg_catalog.regprocedure::text,
         k.ordinal = 2 and (p.proname ~ '^pg_(try_)advisory_xact_lock_shared$'
                            or (p.proname ~ '^pg_(try_advisory_(xact_)?lock|advisory_xact_lock)$'
                                and p.proargtypes = '20'::pg_catalog.oidvector)),
         k.ordinal = 2 and p.proname ~ '^pg_(try_)advisory_(xact_)?lock$' and p.proargtypes = '20'::pg_catalog.oidvector
    from pg_catalog.pg_proc p
    join (values (1, 'kit roles cannot create large objects', '^lo_(creat|create|from_bytea)$'),
                 (2, 'kit roles cannot take advisory locks', '^pg_(try_)?advisory_(xact_)?lock(_shared)?$'),
                 (3, 'kit roles cannot write logical decoding messages', '^pg_logical_emit_message$'))
         as k(ordinal, check_name, name_pattern) on p.proname ~ k.name_pattern
   where p.pronamespace = 'pg_catalog'::pg_catalog.regnamespace
$$;
comment on function sor.closed_catalog_functions() is
  'The functions of pg_catalog closed to PUBLIC by db/policies/R__905_policies_storage.sql, each with the certify() row that checks it (creating large objects, taking advisory locks, writing logical decoding messages; read from the catalog: every form on this server), and whether sor_owner (owner_keeps: the append path''s announcement, 0.1.0''s append path, Flyway) or the database''s owner (database_owner_keeps: Flyway) keeps it.';

create or replace function sor.certify__010_foundation()
returns table (property text, check_name text, object text, ok boolean, detail text)
language sql
stable
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
  with kit as (
    select n.oid, n.nspname from pg_catalog.pg_namespace n
     where n.nspname in (select sor.kit_schemas()) or n.nspname = 'sor_guard'
  ), guard_tables as (
    -- the guard's tables (declared guard) and the sequences they own
    select pg_catalog.to_regclass(c.identity)::oid as oid from sor_guard.classes c where c.kind = 'table' and c.class = 'guard'
    union all
    select d.objid from pg_catalog.pg_depend d
      join sor_guard.classes c on c.kind = 'table' and c.class = 'guard' and d.refobjid = pg_catalog.to_regclass(c.identity)::oid
     where d.classid = 'pg_catalog.pg_class'::regclass and d.refclassid = 'pg_catalog.pg_class'::regclass and d.deptype in ('a', 'i')
  ), rels as (
    select c.oid, c.relname, c.relkind, c.relacl, c.relowner, c.relrowsecurity, c.relforcerowsecurity,
           format('%I.%I', k.nspname, c.relname) as qname,
           case when k.nspname = 'sor_guard' or c.oid in (select g.oid from guard_tables g)
                then 'sor_guardian' else 'sor_owner' end as expected_owner
      from pg_catalog.pg_class c join kit k on k.oid = c.relnamespace
     where c.relkind in ('r', 'p', 'v', 'm', 'S', 'f')
       and not exists (select 1 from pg_catalog.pg_depend d
                        where d.classid = 'pg_catalog.pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
  ), funcs as (
    select p.oid, p.proname, p.proacl, p.proowner, p.prosecdef, p.proconfig, p.prokind, p.prolang, p.provolatile, p.proretset,
           format('%I.%I(%s)', k.nspname, p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid)) as qname,
           case when k.nspname = 'sor_guard' then 'sor_guardian' else 'sor_owner' end as expected_owner,
           k.nspname, p.prosrc, sor.code_text(p.prosrc) as code, p.proargnames, p.proargmodes
      from pg_catalog.pg_proc p join kit k on k.oid = p.pronamespace
     where not exists (select 1 from pg_catalog.pg_depend d
                        where d.classid = 'pg_catalog.pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')
  ), tenant_tables as (
    select r.* from rels r
     where r.relkind in ('r', 'p')
       and exists (select 1 from pg_catalog.pg_attribute a
                    where a.attrelid = r.oid and a.attname = 'tenant_id' and not a.attisdropped)
  ), definer_path as (
    select f.qname, f.proconfig,
           (select substr(c, length('search_path=') + 1) from unnest(f.proconfig) c where c like 'search_path=%') as path
      from funcs f where f.prosecdef
  ), group_roles as (
    select g.name, r.rolcanlogin, r.rolsuper, r.rolbypassrls
      from unnest(array['sor_owner', 'sor_worker', 'sor_dispatcher', 'sor_tenant', 'sor_auditor',
                        'sor_approver', 'sor_admin', 'sor_guardian']) g(name)
      left join pg_catalog.pg_roles r on r.rolname = g.name
  ), login_roles as (
    select r.oid, r.rolname, r.rolbypassrls,
           pg_catalog.pg_has_role(r.oid, 'sor_owner', 'MEMBER') or pg_catalog.pg_has_role(r.oid, 'sor_guardian', 'MEMBER') as owner_member
      from pg_catalog.pg_roles r
     where r.rolcanlogin and not r.rolsuper
       and r.oid <> (select d.datdba from pg_catalog.pg_database d where d.datname = current_database())
  ), low_roles as (
    select r.oid, r.rolname from pg_catalog.pg_roles r where r.rolname in ('sor_worker', 'sor_dispatcher')
  ), caller_groups as (
    -- the kit's caller roles: none of them, nor a login of one, may create objects outside the kit
    select g.oid, g.rolname from pg_catalog.pg_roles g
     where g.rolname in ('sor_worker', 'sor_dispatcher', 'sor_tenant', 'sor_auditor', 'sor_approver')
  ), callers as (
    -- those roles and their logins (superusers and members of sor_owner or sor_admin aside: other
    -- rows name them)
    select g.oid, g.rolname, false as login from caller_groups g
    union all
    select r.oid, r.rolname, true from pg_catalog.pg_roles r
     where r.rolcanlogin and not r.rolsuper
       and not pg_catalog.pg_has_role(r.oid, 'sor_owner', 'MEMBER')
       and not pg_catalog.pg_has_role(r.oid, 'sor_admin', 'MEMBER')
       and exists (select 1 from caller_groups g where pg_catalog.pg_has_role(r.oid, g.oid, 'MEMBER'))
  ), gates as (
    -- functions that check membership: the tenancy rules, and every kit function whose body calls
    -- one of them, transitively
    with recursive g(oid) as (
      select f.oid from funcs f
       where (pg_catalog.pg_identify_object('pg_catalog.pg_proc'::regclass, f.oid, 0)).identity
             in (select c.identity from sor_guard.classes c where c.kind = 'function' and c.class = 'tenancy')
      union
      select f.oid
        from g
        join funcs callee on callee.oid = g.oid
        join funcs f on f.code is not null
                    and pg_catalog.strpos(f.code, callee.nspname || '.' || callee.proname || '(') > 0
    )
    select g.oid from g
  ), tenant_facing as (
    -- sor_api functions a Worker, tenant, dispatcher or approver can execute that take a run, task,
    -- tool call, outbox row, block, stream or tenant
    select f.* from funcs f
     where f.nspname = 'sor_api'
       and (pg_catalog.has_function_privilege('sor_worker', f.oid, 'EXECUTE')
            or pg_catalog.has_function_privilege('sor_tenant', f.oid, 'EXECUTE')
            or pg_catalog.has_function_privilege('sor_dispatcher', f.oid, 'EXECUTE')
            or pg_catalog.has_function_privilege('sor_approver', f.oid, 'EXECUTE'))
       and exists (select 1 from unnest(f.proargnames) with ordinality a(name, ord)
                    where a.name in ('tenant_id', 'run_id', 'task_id', 'tool_call_id', 'outbox_id', 'block_id',
                                     'stream', 'tenants', 'for_tenant')
                      and coalesce(f.proargmodes[a.ord], 'i') in ('i', 'b', 'v'))
  )
  -- governed: every tenant-scoped table has RLS enabled, forced, and at least one policy
  select 'governed', 'tenant tables have row level security enabled and forced', t.qname,
         t.relrowsecurity and t.relforcerowsecurity
           and exists (select 1 from pg_catalog.pg_policy p where p.polrelid = t.oid),
         case when not t.relrowsecurity then 'row level security is not enabled'
              when not t.relforcerowsecurity then 'row level security is not forced'
              when not exists (select 1 from pg_catalog.pg_policy p where p.polrelid = t.oid) then 'no policy'
              else 'enabled, forced, ' || (select count(*) from pg_catalog.pg_policy p where p.polrelid = t.oid) || ' policies' end
    from tenant_tables t
  union all
  -- governed: PUBLIC holds no privilege on a kit schema, relation or function
  select 'governed', 'nothing is reachable by PUBLIC', format('schema %I', k.nspname),
         not exists (select 1 from pg_catalog.aclexplode(coalesce(n.nspacl, pg_catalog.acldefault('n', n.nspowner))) a
                      where a.grantee = 0),
         'schema privileges of PUBLIC'
    from kit k join pg_catalog.pg_namespace n on n.oid = k.oid
  union all
  select 'governed', 'nothing is reachable by PUBLIC', r.qname,
         not exists (select 1 from pg_catalog.aclexplode(coalesce(r.relacl,
                       pg_catalog.acldefault((case when r.relkind = 'S' then 's' else 'r' end)::"char", r.relowner))) a
                      where a.grantee = 0),
         'PUBLIC holds a privilege on this relation'
    from rels r
  union all
  select 'governed', 'nothing is reachable by PUBLIC', f.qname,
         not exists (select 1 from pg_catalog.aclexplode(coalesce(f.proacl, pg_catalog.acldefault('f', f.proowner))) a
                      where a.grantee = 0),
         'PUBLIC may execute this function'
    from funcs f
  union all
  -- governed: every SECURITY DEFINER function pins a search_path that ends in pg_temp
  select 'governed', 'definer functions pin search_path ending in pg_temp', d.qname,
         coalesce(btrim(reverse(split_part(reverse(d.path), ',', 1))) = 'pg_temp', false),
         coalesce('search_path=' || d.path, 'no search_path set')
    from definer_path d
  union all
  -- policy-bound: every kit function runs with jit = off (JIT compiled the guard's, certify's and
  -- the write paths' statements for longer than they ran). A function with no statement of its
  -- own needs no setting: a SQL function that is one SELECT of an expression (no FROM, no SET, not
  -- SECURITY DEFINER, not set-returning) is inlined into the statement that calls it
  -- and runs under that statement's jit = off (a SET clause would keep it from being inlined:
  -- the kit's per-row value checks are written this way)
  select 'policy-bound', 'kit functions run with jit = off', f.qname,
         coalesce(not j.setting::boolean, false)
           or (j.setting is null and f.inlined),
         case when j.setting is null and f.inlined then 'no jit setting: inlined into the statements that call it'
              else coalesce('jit=' || j.setting, 'no jit setting: its statements follow the session''s jit (add SET jit = off)') end
    from (select f.*,
                 f.prolang = (select l.oid from pg_catalog.pg_language l where l.lanname = 'sql')
                   and not f.prosecdef and not f.proretset and f.proconfig is null
                   and f.code ~* '^\s*select\M' and f.code !~* '\m(from|into)\M'
                   and pg_catalog.btrim(f.code, E' \t\r\n;') !~ ';' as inlined
            from funcs f) f
    left join lateral (select substr(c, length('jit=') + 1) as setting
                         from unnest(f.proconfig) c where c like 'jit=%') j on true
   where f.prokind in ('f', 'p')
  union all
  -- governed: the kit's group roles are NOLOGIN and carry no superuser or BYPASSRLS
  select 'governed', 'kit group roles are NOLOGIN without SUPERUSER or BYPASSRLS', g.name,
         g.rolcanlogin is not null and not g.rolcanlogin and not g.rolsuper and not g.rolbypassrls,
         case when g.rolcanlogin is null then 'role is missing'
              when g.rolcanlogin then 'role can log in'
              when g.rolsuper or g.rolbypassrls then 'role is SUPERUSER or BYPASSRLS'
              else 'nologin' end
    from group_roles g
  union all
  -- governed: no login role but the admin bypasses RLS or belongs to sor_owner
  select 'governed', 'no login role bypasses RLS or belongs to sor_owner', l.rolname,
         not l.rolbypassrls and not l.owner_member,
         case when l.rolbypassrls then 'login role has BYPASSRLS'
              when l.owner_member then 'login role is a member of sor_owner'
              else 'plain login role' end
    from login_roles l
  union all
  select 'governed', 'no login role bypasses RLS or belongs to sor_owner', '(no login roles besides the admin)', true,
         'only superusers and the database owner can log in'
   where not exists (select 1 from login_roles)
  union all
  -- governed: every kit relation and function is owned by sor_owner
  select 'governed', 'kit objects are owned by sor_owner, the guard''s by sor_guardian', r.qname,
         r.relowner::regrole::text = r.expected_owner, 'owner ' || r.relowner::regrole::text
    from rels r
  union all
  select 'governed', 'kit objects are owned by sor_owner, the guard''s by sor_guardian', f.qname,
         f.proowner::regrole::text = f.expected_owner, 'owner ' || f.proowner::regrole::text
    from funcs f
  union all
  -- governed: every tenant-facing function checks membership now, through the one rule
  select 'governed', 'functions that take a tenant''s run, task, call, row, stream or tenant check membership', t.qname,
         t.oid in (select g.oid from gates g),
         case when t.oid in (select g.oid from gates g) then 'calls a tenancy rule (directly or through a kit function)'
              else 'never calls sor_guard.require_member, is_member, member_tenants or can_read_tenant: a removed member or another tenant could act through it' end
    from tenant_facing t
  union all
  -- governed: the membership table is read only by the tenancy rules (no inline copy to drift)
  select 'governed', 'membership is read only by the tenancy rules', f.qname,
         false, 'reads sor.tenant_members itself instead of calling a tenancy rule'
    from funcs f
   where f.code ~* '(from|join)\s+sor\.tenant_members\M'
     and (pg_catalog.pg_identify_object('pg_catalog.pg_proc'::regclass, f.oid, 0)).identity
         not in (select c.identity from sor_guard.classes c where c.kind = 'function' and c.class = 'tenancy')
  union all
  select 'governed', 'membership is read only by the tenancy rules', '(kit functions)', true,
         'no kit function reads sor.tenant_members but the tenancy rules'
   where not exists (select 1 from funcs f
                      where f.code ~* '(from|join)\s+sor\.tenant_members\M'
                        and (pg_catalog.pg_identify_object('pg_catalog.pg_proc'::regclass, f.oid, 0)).identity
                            not in (select c.identity from sor_guard.classes c where c.kind = 'function' and c.class = 'tenancy'))
  union all
  -- governed: workers and dispatchers touch no table, view or sequence directly
  select 'governed', 'workers and dispatchers have no direct table access', l.rolname || ' on ' || r.qname,
         not (pg_catalog.has_table_privilege(l.oid, r.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')
              or (r.relkind = 'S' and pg_catalog.has_sequence_privilege(l.oid, r.oid, 'USAGE, SELECT, UPDATE'))
              or pg_catalog.has_any_column_privilege(l.oid, r.oid, 'SELECT, INSERT, UPDATE, REFERENCES')),
         'table privileges of ' || l.rolname
    from low_roles l cross join rels r
  union all
  -- governed: storage and shared memory outside the kit's tables (sor.closed_catalog_functions):
  -- large objects live outside every kit table, cap and retention; an advisory lock is an entry
  -- of the lock table the whole server shares, and nothing bounds how many a session takes; a
  -- logical decoding message goes straight into the WAL. No kit role reaches them. Per check, one
  -- row for PUBLIC (what a managed service's admin cannot revoke), one per kit role or Worker's or
  -- Dispatcher's login granted EXECUTE by name.
  (select 'governed', c.check_name, '(PUBLIC)', pg_catalog.count(*) filter (where c.open) = 0,
          coalesce('EXECUTE on '
                   || case when not pg_catalog.bool_and(c.open) or c.ordinal = 1
                             then pg_catalog.string_agg(c.sig, ', ' order by c.sig) filter (where c.open)
                           when c.ordinal = 2 then 'all ' || pg_catalog.count(*) || ' advisory lock functions'
                           else 'every form of pg_catalog.pg_logical_emit_message' end
                   || ' is granted to PUBLIC: '
                   || case c.ordinal
                        when 1 then 'every role may keep data in large objects, outside the kit''s tables, size cap and retention'
                        when 2 then 'one login may fill the server''s shared lock table, and then no session can take a lock'
                                    || ' nor a new connection start'
                        else 'every role may write up to a gigabyte of WAL a call, kept when its transaction rolls back,'
                             || ' outside the kit''s tables and quotas, and read by every logical decoding consumer' end
                   || ' (the role that migrated is no superuser and could not revoke it: a managed service)',
                   'revoked from PUBLIC by db/policies/R__905_policies_storage.sql')
     from (select f.ordinal, f.check_name, f.sig, pg_catalog.has_function_privilege('public', f.sig::regprocedure, 'EXECUTE') as open
             from sor.closed_catalog_functions() f) c
    group by c.ordinal, c.check_name
    order by c.ordinal)
  union all
  (select 'governed', f.check_name, g.rolname || ' on ' || f.sig, false,
          'EXECUTE granted by name; grant it to no kit role or login of a Worker or Dispatcher'
     from (select r.oid, r.rolname from pg_catalog.pg_roles r
            where r.rolname in ('sor_owner', 'sor_worker', 'sor_dispatcher', 'sor_tenant', 'sor_auditor',
                                'sor_approver', 'sor_admin', 'sor_guardian')
               or (r.rolcanlogin and not r.rolsuper
                   and exists (select 1 from low_roles l where pg_catalog.pg_has_role(r.oid, l.oid, 'MEMBER')))) g
    cross join sor.closed_catalog_functions() f
    where not pg_catalog.has_function_privilege('public', f.sig::regprocedure, 'EXECUTE')
      and pg_catalog.has_function_privilege(g.oid, f.sig::regprocedure, 'EXECUTE')
      -- sor_owner (and the roles that act as it) keeps what the kit's code needs (owner_keeps)
      and not (f.owner_keeps and pg_catalog.pg_has_role(g.oid, 'sor_owner', 'USAGE'))
    order by f.ordinal, g.rolname, f.sig)
  union all
  -- governed: storage outside the kit's tables, through the catalog. No caller of the kit may
  -- create an object (a table, a function, a schema) in any schema of the database, nor a schema
  -- in it: what it created would sit outside every kit table, policy, cap, quota and retention.
  -- PostgreSQL 15 and later grant PUBLIC no CREATE on schema public; a cluster upgraded from an
  -- earlier major keeps that grant, and a DBA may give one. One row per schema (temporary and
  -- system schemas aside) and one for the database, naming who holds CREATE among PUBLIC and the
  -- callers (the kit's caller roles and their logins, above).
  (select 'governed', 'kit roles cannot create objects outside the kit', o.what, o.holders is null,
          coalesce('CREATE held by ' || o.holders || ': they may keep objects here outside every kit table, policy, quota and retention'
                   || case when o.holders ~ '^PUBLIC(,|$)' and o.what = 'schema public'
                             then ' (PUBLIC''s, which a cluster upgraded from PostgreSQL 14 or earlier keeps, is revoked by'
                                  || ' db/policies/R__905_policies_storage.sql when a superuser or the database''s owner migrates)'
                           when o.holders ~ '^PUBLIC(,|$)' and o.what like 'database %'
                             then ' (PUBLIC''s is revoked by db/policies/R__905_policies_storage.sql when a superuser or the database''s owner migrates)'
                           else '' end,
                   'no caller of the kit may create here')
     from (select x.what,
                  (select pg_catalog.string_agg(c.name, ', ' order by c.ord, c.name)
                     from (select 0 as ord, 'PUBLIC'::text as name, 'public'::name as role
                           union all
                           select case when k.login then 2 else 1 end, k.rolname::text, k.rolname from callers k) c
                    where case when x.nsp is null then pg_catalog.has_database_privilege(c.role, pg_catalog.current_database(), 'CREATE')
                               else pg_catalog.has_schema_privilege(c.role, x.nsp, 'CREATE') end
                      -- a role is named only when it holds more than PUBLIC does
                      and (c.ord = 0 or not case when x.nsp is null then pg_catalog.has_database_privilege('public', pg_catalog.current_database(), 'CREATE')
                                                 else pg_catalog.has_schema_privilege('public', x.nsp, 'CREATE') end)) as holders
             from (select pg_catalog.format('schema %I', n.nspname) as what, n.oid as nsp, n.nspname as sort
                     from pg_catalog.pg_namespace n
                    where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
                      and n.nspname !~ '^pg_(toast_)?temp_'
                   union all
                   select pg_catalog.format('database %I', pg_catalog.current_database()), null, null) x) o
    order by o.what like 'database %', o.what)
  union all
  -- and what such a role created while it could (or was given) is named by its owner: objects of
  -- this database owned by a caller role of the kit or its login, temporary ones aside
  (select 'governed', 'kit roles cannot create objects outside the kit', 'objects owned by ' || r.rolname, false,
          pg_catalog.count(*) || ' owned: ' || pg_catalog.string_agg(o.type || ' ' || o.identity, ', ' order by o.type, o.identity)
          || '; drop them or give them to their application''s owner (ALTER ... OWNER TO)'
     from pg_catalog.pg_shdepend d
     join callers r on r.oid = d.refobjid
     cross join lateral pg_catalog.pg_identify_object(d.classid, d.objid, 0) o
    where d.deptype = 'o' and d.refclassid = 'pg_catalog.pg_authid'::regclass
      and d.dbid = (select db.oid from pg_catalog.pg_database db where db.datname = pg_catalog.current_database())
      and coalesce(o.schema, '') !~ '^pg_(toast_)?temp_'
    group by r.rolname
    order by r.rolname)
  union all
  -- inspectable: every table, view and function carries a COMMENT
  select 'inspectable', 'every table, view and function has a comment', r.qname,
         pg_catalog.obj_description(r.oid, 'pg_class') is not null,
         coalesce(left(pg_catalog.obj_description(r.oid, 'pg_class'), 60), 'no comment')
    from rels r where r.relkind in ('r', 'p', 'v', 'm', 'f')
  union all
  select 'inspectable', 'every table, view and function has a comment', f.qname,
         pg_catalog.obj_description(f.oid, 'pg_proc') is not null,
         coalesce(left(pg_catalog.obj_description(f.oid, 'pg_proc'), 60), 'no comment')
    from funcs f
$$;
comment on function sor.certify__010_foundation() is
  'Foundation catalog sweeps: RLS forced on tenant tables, no PUBLIC privileges, pinned search_path, least-privilege roles, ownership, no worker table access, no large objects, advisory locks or logical decoding messages for kit roles, no CREATE on any schema or the database for the kit''s callers, comments.';

reset role;

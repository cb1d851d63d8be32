-- Drop guard checks for certify(), read from the register (sor_guard.register), not from hand lists:
--   the guard's event triggers are installed and ENABLE ALWAYS (a managed service whose admin could
--   not create them shows here as not installed);
--   the live catalog matches the register: every difference is a failing row (a change made past
--   the guard: event triggers paused or off, single-user mode, a catalog edited by hand);
--   every protected object is registered;
--   sor_guardian cannot log in and has no members (no session can act as the guard);
--   every partition of a kit table is the kit's own: made by the kit or attached with an approval
--   (sor_guard.kit_partitions; an ATTACH PARTITION past the guard is named);
--   event triggers are not switched off for the server, this database or a role (event_triggers,
--   PostgreSQL 17 and later).
set role sor_owner;

create or replace function sor.certify__030_guard()
returns table (property text, check_name text, object text, ok boolean, detail text)
language sql
stable
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
  with live as materialized (
    select l.* from sor_guard.live_objects(null) l
  ), reg as materialized (
    select r.* from sor_guard.registered r where r.present
  ), drift as materialized (
    select d.* from sor_guard.diff(null) d
  ), guard_triggers as (
    select r.identity, e.evtenabled, e.evtevent
      from reg r left join pg_catalog.pg_event_trigger e on pg_catalog.quote_ident(e.evtname) = r.identity
     where r.kind = 'event trigger'
  ), unregistered as (
    select l.kind, l.identity,
           (select pg_catalog.count(*) from live c where c.root_kind = l.root_kind and c.root_objid = l.root_objid) - 1 as children
      from live l
     where l.kind = l.root_kind and l.objid = l.root_objid
       and not exists (select 1 from reg r where r.kind = l.kind and r.identity = l.identity)
  ), guardian as (
    select r.oid, r.rolcanlogin, r.rolsuper,
           (select pg_catalog.string_agg(m.member::regrole::text, ', ') from pg_catalog.pg_auth_members m where m.roleid = r.oid) as members
      from pg_catalog.pg_roles r where r.rolname = 'sor_guardian'
  ), unrecorded_partitions as materialized (
    select u.* from sor_guard.unrecorded_partitions() u
  ), et_off as (
    select coalesce(r.rolname, 'every role') || ' in ' || coalesce(d.datname, 'every database') as who
      from pg_catalog.pg_db_role_setting s
      left join pg_catalog.pg_roles r on r.oid = s.setrole
      left join pg_catalog.pg_database d on d.oid = s.setdatabase
     cross join lateral pg_catalog.unnest(s.setconfig) as cfg(setting)
     where (s.setdatabase = 0 or d.datname = pg_catalog.current_database())
       and pg_catalog.lower(cfg.setting) in ('event_triggers=off', 'event_triggers=false', 'event_triggers=0', 'event_triggers=no')
  )
  select 'policy-bound', 'drop guard event triggers are installed and ENABLE ALWAYS', '(drop guard)', false,
         'not installed: the role that migrated could not create event triggers (a managed service); nothing refuses guarded DDL, certify() still sees every difference from the register'
   where not exists (select 1 from guard_triggers)
  union all
  select 'policy-bound', 'drop guard event triggers are installed and ENABLE ALWAYS', g.identity,
         coalesce(g.evtenabled = 'A', false),
         case when g.evtenabled is null then 'missing: dropped past the guard (a superuser''s power)'
              when g.evtenabled <> 'A' then 'not ENABLE ALWAYS (evtenabled ' || g.evtenabled::text || '): paused by a superuser'
              else 'enabled always on ' || g.evtevent end
    from guard_triggers g
  union all
  select 'policy-bound', 'the live catalog matches the register of protected objects', '(register)', true,
         (select pg_catalog.count(*) from reg) || ' registered objects, none differs'
   where not exists (select 1 from drift)
  union all
  select 'policy-bound', 'the live catalog matches the register of protected objects', d.kind || ' ' || d.object, false,
         d.operation || ': ' || d.detail || ' (made past the guard, or a new ' || d.kind || ' never approved)'
    from drift d
  union all
  select 'policy-bound', 'every protected object is registered', '(register)', true,
         'no unregistered table, view, function or schema in a protected schema'
   where not exists (select 1 from unregistered)
  union all
  select 'policy-bound', 'every protected object is registered', u.kind || ' ' || u.identity, false,
         'not registered' || case when u.children > 0 then ' (with ' || u.children || ' dependent objects)' else '' end
           || ': flyway migrate registers new objects (afterMigrate), or select sor_guard.protect_all()'
    from unregistered u
  union all
  select 'governed', 'no session can act as sor_guardian', 'sor_guardian',
         coalesce(not g.rolcanlogin and not g.rolsuper and g.members is null, false),
         case when g.oid is null then 'role is missing'
              when g.rolcanlogin or g.rolsuper then 'the role can log in or is a superuser'
              when g.members is not null then 'members: ' || g.members
              else 'NOLOGIN, no members' end
    from (select 1) one left join guardian g on true
  union all
  select 'policy-bound', 'every partition of a kit table is the kit''s own', '(partitions)', true,
         'every partition of ' || (select pg_catalog.string_agg(k.identity, ', ' order by k.identity) from sor_guard.kit_parents() k)
           || ' was made by the kit or attached with an approval (sor_guard.kit_partitions)'
   where not exists (select 1 from unrecorded_partitions)
  union all
  select 'policy-bound', 'every partition of a kit table is the kit''s own', u.partition_name, false, u.detail
    from unrecorded_partitions u
  union all
  select 'policy-bound', 'event triggers are not switched off', pg_catalog.current_database(),
         case when pg_catalog.current_setting('event_triggers', true) is null then true
              else pg_catalog.current_setting('event_triggers', true) = 'on' and not exists (select 1 from et_off) end,
         case when pg_catalog.current_setting('event_triggers', true) is null
                then 'not applicable: this server has no event_triggers setting (before PostgreSQL 17)'
              when pg_catalog.current_setting('event_triggers', true) <> 'on'
                then 'event_triggers is off (' || (select s.source from pg_catalog.pg_settings s where s.name = 'event_triggers') || ')'
              when exists (select 1 from et_off)
                then 'event_triggers = off for ' || (select pg_catalog.string_agg(o.who, ', ' order by o.who) from et_off o)
              else 'on' end
$$;
comment on function sor.certify__030_guard() is
  'Drop guard checks from the register: guard event triggers installed and ENABLE ALWAYS (or one row saying the guard is not installed), the live catalog equal to the register, every protected object registered, no session able to act as sor_guardian, every partition of a kit table made by the kit or attached with an approval (sor_guard.kit_partitions), event_triggers not switched off.';

reset role;

-- Tenancy: who may act for and read which tenant, one function each, called by every function and
-- policy that needs it (the value formats and the size cap are in R__011_values.sql, the lease
-- clock in R__012_leases.sql, the session limits in R__013_sessions.sql):
--
--   tenancy   sor_guard.current_tenants()      tenants of current_user, for row level security policies
--             sor_guard.is_member(tenant)       is session_user a member (definer functions, filters)
--             sor_guard.member_tenants()        session_user's tenants as an array (claim and lease filters)
--             sor_guard.require_member(tenant)  SR008 unless session_user is a member; an unknown tenant
--                                               gets the same answer, so nothing leaks about tenants
--             sor_guard.can_read_tenant(tenant) an auditor, or a member
--             sor_guard.require_reader(tenant)  SR008 unless sor_guard.can_read_tenant
--
-- The tenancy rules live in sor_guard, owned by sor_guardian: the kit owner cannot redefine them,
-- and the guard refuses a superuser's redefinition unless it is paused for a migration (this file
-- pauses it while it redefines them, in its own transaction). Membership is by login role: only
-- LOGIN roles can be members (sor_api.add_member), and current_tenants() ignores a membership whose
-- role cannot log in, so a group role made a member by mistake opens nothing to the roles that can
-- SET ROLE to it. No client-settable GUC plays a part.
select sor_guard.pause(true);
set role sor_guardian;

create or replace function sor_guard.current_tenants()
returns setof text
language sql
stable
set search_path = pg_catalog, pg_temp
set jit = off
as $$
  select m.tenant_id
    from sor.tenant_members m
    join pg_catalog.pg_roles r on r.rolname = m.role_name
   where m.role_name = current_user and r.rolcanlogin
$$;
comment on function sor_guard.current_tenants() is
  'Tenants of current_user according to sor.tenant_members (LOGIN roles only); the only source of tenant identity for row level security policies. SECURITY INVOKER on purpose.';

create or replace function sor_guard.is_member(tenant_id text)
returns boolean
language plpgsql
stable
set jit = off
as $$
begin
  -- plpgsql, not sql: the query plan is cached for the session instead of planned on every call
  return exists (select 1 from sor.tenant_members m
                  where m.tenant_id = is_member.tenant_id and m.role_name = session_user);
end
$$;
comment on function sor_guard.is_member(text) is
  'True when session_user (the login that called a definer function) is a member of the tenant, checked now. Only jit = off is set (hot path): every name is qualified and its callers pin search_path.';

create or replace function sor_guard.member_tenants()
returns text[]
language plpgsql
stable
set jit = off
as $$
begin
  -- plpgsql, not sql: the query plan is cached for the session instead of planned on every call
  return (select coalesce(pg_catalog.array_agg(m.tenant_id), '{}'::text[])
            from sor.tenant_members m
           where m.role_name = session_user);
end
$$;
comment on function sor_guard.member_tenants() is
  'The tenants session_user is a member of, as an array, for claim and lease filters. Only jit = off is set (hot path): callers pin search_path.';

create or replace function sor_guard.require_member(tenant_id text)
returns text
language plpgsql
stable
set jit = off
as $$
begin
  if require_member.tenant_id is null
     or not exists (select 1 from sor.tenant_members m
                     where m.tenant_id = require_member.tenant_id and m.role_name = session_user) then
    raise exception 'role % is not a member of tenant %', session_user,
          coalesce(pg_catalog.quote_literal(require_member.tenant_id), 'NULL')
      using errcode = 'SR008',
            hint = 'A caller acts only for tenants it is a member of (an admin adds it with sor_api.add_member). An unknown tenant gets the same answer.';
  end if;
  return require_member.tenant_id;
end
$$;
comment on function sor_guard.require_member(text) is
  'The membership gate: returns the tenant id when session_user is a member of it now, else SR008 (also for an unknown or NULL tenant, so the answer reveals nothing). Every Worker-, tenant-, dispatcher- and approver-facing function calls it, directly or through sor.worker_run. Only jit = off is set (hot path): callers pin search_path.';

create or replace function sor_guard.can_read_tenant(tenant_id text)
returns boolean
language sql
stable
set jit = off
as $$
  select pg_catalog.pg_has_role(session_user, 'sor_auditor', 'MEMBER') or sor_guard.is_member(can_read_tenant.tenant_id)
$$;
comment on function sor_guard.can_read_tenant(text) is
  'True when session_user may read the tenant: a member of sor_auditor reads every tenant, anyone else the tenants it is a member of.';

create or replace function sor_guard.require_reader(tenant_id text)
returns text
language plpgsql
stable
set jit = off
as $$
begin
  -- who may read is the one rule of can_read_tenant (a member, or an auditor); anyone else gets
  -- SR008, also for an unknown tenant, so the answer reveals nothing
  if require_reader.tenant_id is null or not sor_guard.can_read_tenant(require_reader.tenant_id) then
    raise exception 'role % may not read tenant %', session_user,
          coalesce(pg_catalog.quote_literal(require_reader.tenant_id), 'NULL')
      using errcode = 'SR008',
            hint = 'A caller reads only tenants it is a member of (sor_api.add_member), or is an auditor. An unknown tenant gets the same answer.';
  end if;
  -- a member's tenant exists; only an auditor, who reads every tenant and may know them all
  -- (sor_api.tenants), gets here with one that does not: SR002 (a subscription to it would
  -- otherwise reach its foreign key, and a channel or an empty answer be given for a name no
  -- tenant has)
  if not exists (select 1 from sor.tenants t where t.tenant_id = require_reader.tenant_id) then
    raise exception 'unknown tenant %', pg_catalog.quote_literal(require_reader.tenant_id)
      using errcode = 'SR002', hint = 'List the tenants in sor_api.tenants.';
  end if;
  return require_reader.tenant_id;
end
$$;
comment on function sor_guard.require_reader(text) is
  'The read gate: returns the tenant id when session_user may read it (a member of it, or an auditor), else SR008, also for an unknown tenant; to an auditor, who may know every tenant, an unknown tenant is SR002.';

-- The guard functions this file redefined are recorded before the guard runs again (what the
-- afterMigrate callback does at the end of the run): a later statement of the run that the guard
-- judges against every registered function (a GRANT) finds the register current.
select sor_guard.record_guard_upgrade();
reset role;
select sor_guard.pause(false);

set role sor_owner;
select sor_guard.classify('function', 'sor_guard.current_tenants()', 'tenancy');
select sor_guard.classify('function', 'sor_guard.is_member(text)', 'tenancy');
select sor_guard.classify('function', 'sor_guard.member_tenants()', 'tenancy');
select sor_guard.classify('function', 'sor_guard.require_member(text)', 'tenancy');
select sor_guard.classify('function', 'sor_guard.can_read_tenant(text)', 'tenancy');
select sor_guard.classify('function', 'sor_guard.require_reader(text)', 'tenancy');
reset role;

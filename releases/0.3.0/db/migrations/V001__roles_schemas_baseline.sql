-- V001: the cluster roles, the two kit schemas and the deny-by-default privilege baseline.
--
-- Why: every later object is owned by sor_owner and reached only through grants made here or in
--      db/policies. Roles are cluster-wide, so they are created only when missing, and a
--      concurrent migration of another database on the same server that wins the race is
--      tolerated (unique_violation on pg_authid is caught).
-- Locks: none on user tables; CREATE ROLE takes a short lock on pg_authid.
-- Reversal: drop schema sor_api, sor cascade (needs a drop-guard approval once the guard exists);
--      the roles are left in place because other databases on the server may use them.
do $$
declare
  _role text;
begin
  foreach _role in array array['sor_owner', 'sor_worker', 'sor_dispatcher', 'sor_tenant',
                                'sor_auditor', 'sor_approver', 'sor_admin'] loop
    if not exists (select 1 from pg_catalog.pg_roles r where r.rolname = _role) then
      begin
        execute format('create role %I nologin', _role);
      exception when duplicate_object or unique_violation then
        null; -- created meanwhile by a migration of another database on this server
      end;
    end if;
  end loop;
end
$$;

create schema if not exists sor authorization sor_owner;
create schema if not exists sor_api authorization sor_owner;

comment on schema sor is 'pg-sor private schema: tables and helpers, reached only through sor_api.';
comment on schema sor_api is 'pg-sor public contract: SECURITY DEFINER functions for writes, security_invoker views and functions for reads.';

-- Deny by default. PostgreSQL 15 already revokes CREATE on public; older clusters upgraded in place
-- may still have it.
revoke create on schema public from public;
revoke all on schema sor from public;
revoke all on schema sor_api from public;

grant usage on schema sor_api to sor_worker, sor_dispatcher, sor_tenant, sor_auditor, sor_approver, sor_admin;
-- Tenants and auditors read through security_invoker views, which need USAGE on the private schema
-- and SELECT on the base tables (with row level security forced). Workers and dispatchers get
-- nothing in sor.
grant usage on schema sor to sor_tenant, sor_auditor;

alter default privileges for role sor_owner revoke execute on functions from public;
alter default privileges for role sor_owner in schema sor revoke all on tables from public;
alter default privileges for role sor_owner in schema sor_api revoke all on tables from public;

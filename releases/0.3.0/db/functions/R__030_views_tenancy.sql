-- Read views over tenancy. security_invoker: the caller's own privileges and the forced row level
-- security policies of sor.tenants and sor.tenant_members decide which rows it sees.
set role sor_owner;

create or replace view sor_api.tenants
with (security_invoker = true, security_barrier = true) as
select t.tenant_id, t.display_name, t.created_at
  from sor.tenants t;
comment on view sor_api.tenants is
  'Tenants visible to the caller: a tenant member sees its own tenants, an auditor sees all.';

create or replace view sor_api.tenant_members
with (security_invoker = true, security_barrier = true) as
select m.tenant_id, m.role_name, m.added_at, m.added_by
  from sor.tenant_members m;
comment on view sor_api.tenant_members is
  'Memberships visible to the caller: a tenant member sees its own memberships, an auditor sees all.';

reset role;

-- Policies and grants for tenancy. Policies are created when missing and altered in place
-- (sor.ensure_policy), never dropped. Policy before grant.
set role sor_owner;

select sor.ensure_policy('sor.tenants', 'tenants_owner_all', 'ALL', array['sor_owner']::name[], 'true', 'true');
select sor.ensure_policy('sor.tenants', 'tenants_tenant_select', 'SELECT', array['sor_tenant']::name[],
                         'tenant_id in (select sor_guard.current_tenants())');
select sor.ensure_policy('sor.tenants', 'tenants_auditor_select', 'SELECT', array['sor_auditor', 'sor_admin']::name[], 'true');

select sor.ensure_policy('sor.tenant_members', 'tenant_members_owner_all', 'ALL', array['sor_owner']::name[], 'true', 'true');
select sor.ensure_policy('sor.tenant_members', 'tenant_members_tenant_select', 'SELECT', array['sor_tenant']::name[],
                         'role_name = current_user');
select sor.ensure_policy('sor.tenant_members', 'tenant_members_auditor_select', 'SELECT', array['sor_auditor', 'sor_admin']::name[], 'true');

comment on policy tenants_owner_all on sor.tenants is 'Definer functions run as sor_owner and enforce their own checks.';
comment on policy tenants_tenant_select on sor.tenants is 'A member reads only the tenants it belongs to (by current_user).';
comment on policy tenants_auditor_select on sor.tenants is 'Auditors and admins read every tenant.';
comment on policy tenant_members_owner_all on sor.tenant_members is 'Definer functions run as sor_owner and enforce their own checks.';
comment on policy tenant_members_tenant_select on sor.tenant_members is 'A role reads only its own memberships; sor_guard.current_tenants() relies on this.';
comment on policy tenant_members_auditor_select on sor.tenant_members is 'Auditors and admins read every membership.';

grant usage on schema sor to sor_admin;
grant select (tenant_id, display_name, created_at) on sor.tenants to sor_tenant, sor_auditor, sor_admin;
grant select (tenant_id, role_name, added_at, added_by) on sor.tenant_members to sor_tenant, sor_auditor, sor_admin;
grant select on sor_api.tenants, sor_api.tenant_members to sor_tenant, sor_auditor, sor_admin;

grant execute on function sor_api.add_tenant(text, text) to sor_admin;
grant execute on function sor_api.add_member(text, text) to sor_admin;
grant execute on function sor_api.remove_member(text, text) to sor_admin;
grant execute on function sor_api.register_domain_schema(text) to sor_admin;

reset role;

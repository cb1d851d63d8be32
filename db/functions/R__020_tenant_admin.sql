-- Tenant administration for the admin (members of sor_admin, or the superuser that migrates):
-- add a tenant, add or remove a member login role, register a domain schema with the kit.
set role sor_owner;

create or replace function sor_api.add_tenant(tenant_id text, display_name text)
returns text
language plpgsql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
begin
  if not sor.is_valid('tenant_id', add_tenant.tenant_id) then
    raise exception 'malformed tenant id: %', coalesce(quote_literal(add_tenant.tenant_id), 'NULL')
      using errcode = 'SR001',
            hint = 'A tenant id is a lowercase slug of 2 to 63 characters: a letter, then letters, digits, _ or -.';
  end if;
  if add_tenant.display_name is null or length(add_tenant.display_name) not between 1 and 200 then
    raise exception 'display name of tenant % must have 1 to 200 characters', add_tenant.tenant_id
      using errcode = 'SR001', hint = 'Pass a non-empty display name of at most 200 characters.';
  end if;
  insert into sor.tenants (tenant_id, display_name)
  values (add_tenant.tenant_id, add_tenant.display_name)
  on conflict on constraint tenants_pkey do nothing;
  if not found then
    raise exception 'tenant % already exists', add_tenant.tenant_id
      using errcode = 'SR004', hint = 'Tenant ids are unique; choose another id or use the existing tenant.';
  end if;
  -- the tenant's quota counters, committed with the tenant (sor.quota_count picks among them)
  perform sor.make_quota_slots(array[add_tenant.tenant_id]);
  return add_tenant.tenant_id;
end
$$;
comment on function sor_api.add_tenant(text, text) is
  'Creates a tenant. SR001 for a malformed id or display name, SR004 when the id exists.';

create or replace function sor_api.add_member(tenant_id text, role_name text)
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
declare
  _role pg_catalog.pg_roles%rowtype;
begin
  if not sor.is_valid('tenant_id', add_member.tenant_id) then
    raise exception 'malformed tenant id: %', coalesce(quote_literal(add_member.tenant_id), 'NULL')
      using errcode = 'SR001',
            hint = 'A tenant id is a lowercase slug of 2 to 63 characters: a letter, then letters, digits, _ or -.';
  end if;
  perform 1 from sor.tenants t where t.tenant_id = add_member.tenant_id;
  if not found then
    raise exception 'unknown tenant %', add_member.tenant_id
      using errcode = 'SR002', hint = 'Create it first with sor_api.add_tenant(tenant_id, display_name).';
  end if;
  select r.* into _role from pg_catalog.pg_roles r where r.rolname = add_member.role_name;
  if not found then
    raise exception 'unknown role %', coalesce(quote_literal(add_member.role_name), 'NULL')
      using errcode = 'SR003', hint = 'Create the login role first: CREATE ROLE name LOGIN; GRANT sor_tenant TO name;';
  end if;
  if _role.rolsuper or _role.rolbypassrls or not _role.rolcanlogin
     or pg_catalog.pg_has_role(_role.oid, 'sor_owner', 'MEMBER') then
    raise exception 'role % cannot be a tenant member: it is a group role (NOLOGIN) or privileged', add_member.role_name
      using errcode = 'SR005',
            hint = 'Tenant members are plain login roles: LOGIN, no SUPERUSER, no BYPASSRLS, not a member of sor_owner. Add each login, never a group role.';
  end if;
  insert into sor.tenant_members (tenant_id, role_name)
  values (add_member.tenant_id, add_member.role_name)
  on conflict on constraint tenant_members_pkey do nothing;
  if not found then
    raise exception 'role % is already a member of tenant %', add_member.role_name, add_member.tenant_id
      using errcode = 'SR004', hint = 'Nothing to do: the membership exists.';
  end if;
end
$$;
comment on function sor_api.add_member(text, text) is
  'Makes an existing, unprivileged LOGIN role a member of a tenant (a NOLOGIN group role is refused: every role that can SET ROLE to it would act for the tenant). SR001 malformed tenant, SR002 unknown tenant, SR003 unknown role, SR004 duplicate, SR005 group role or privileged role.';

create or replace function sor_api.remove_member(tenant_id text, role_name text)
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
begin
  delete from sor.tenant_members m
   where m.tenant_id = remove_member.tenant_id and m.role_name = remove_member.role_name;
  if not found then
    raise exception 'role % is not a member of tenant %',
          coalesce(quote_literal(remove_member.role_name), 'NULL'), coalesce(quote_literal(remove_member.tenant_id), 'NULL')
      using errcode = 'SR006', hint = 'List memberships with: select * from sor_api.tenant_members;';
  end if;
end
$$;
comment on function sor_api.remove_member(text, text) is
  'Ends a role''s membership of a tenant; its next statement sees none of that tenant''s rows. SR006 when there is no such membership.';

create or replace function sor_api.register_domain_schema(schema_name text)
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
begin
  perform 1 from pg_catalog.pg_namespace n where n.nspname = register_domain_schema.schema_name;
  if not found then
    raise exception 'unknown schema %', coalesce(quote_literal(register_domain_schema.schema_name), 'NULL')
      using errcode = 'SR007', hint = 'Create the schema (owned by sor_owner) before registering it.';
  end if;
  insert into sor.domain_schemas (schema_name) values (register_domain_schema.schema_name)
  on conflict on constraint domain_schemas_pkey do nothing;
end
$$;
comment on function sor_api.register_domain_schema(text) is
  'Registers a domain schema so certify() sweeps it and the drop guard protects it. Idempotent; SR007 for an unknown schema.';

reset role;

set role sor_owner;
select sor_guard.classify('function', 'sor_api.add_member(text,text)', 'tenancy');
select sor_guard.classify('function', 'sor_api.remove_member(text,text)', 'tenancy');
reset role;

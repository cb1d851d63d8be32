-- sor.current_tenants(): the tenants of the calling role, read from sor.tenant_members by
-- current_user. Policies call it as (select sor.current_tenants()) so it is evaluated once per
-- statement. It is SECURITY INVOKER on purpose: inside a definer function current_user would be
-- sor_owner. A client-settable GUC plays no part.
set role sor_owner;

create or replace function sor.current_tenants()
returns setof text
language sql
stable
set search_path = pg_catalog, sor, pg_temp
as $$
  select m.tenant_id
    from sor.tenant_members m
   where m.role_name = current_user
$$;
comment on function sor.current_tenants() is
  'Tenants of current_user according to sor.tenant_members; the only source of tenant identity for policies.';

create or replace function sor.kit_schemas()
returns setof name
language sql
stable
set search_path = pg_catalog, sor, pg_temp
as $$
  select 'sor'::name
  union all select 'sor_api'::name
  union all select d.schema_name from sor.domain_schemas d
$$;
comment on function sor.kit_schemas() is
  'Schemas certify() sweeps and the drop guard protects: sor, sor_api and every registered domain schema.';

reset role;

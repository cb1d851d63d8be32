-- V002: tenants, tenant membership and the registry of guarded domain schemas.
--
-- Why: every tenant-scoped row carries tenant_id, and a caller's tenants are found through
--      sor.tenant_members by current_user, never from a client-settable GUC.
-- Locks: creates new tables only.
-- Reversal: drop table sor.tenant_members, sor.tenants, sor.domain_schemas (guarded: needs approval).
set role sor_owner;

create table sor.tenants (
  tenant_id    text        not null,
  display_name text        not null,
  created_at   timestamptz not null default pg_catalog.now(),
  created_by   name        not null default session_user,
  constraint tenants_pkey primary key (tenant_id),
  constraint tenants_tenant_id_format check (tenant_id ~ '^[a-z][a-z0-9_-]{1,62}$'),
  constraint tenants_display_name_length check (pg_catalog.length(display_name) between 1 and 200)
);
comment on table sor.tenants is 'One row per tenant. tenant_id is a stable lowercase slug that leads every tenant-scoped key.';
comment on column sor.tenants.tenant_id is 'Lowercase slug, 2 to 63 characters: a letter, then letters, digits, _ or -.';

create table sor.tenant_members (
  tenant_id  text        not null,
  role_name  name        not null,
  added_at   timestamptz not null default pg_catalog.now(),
  added_by   name        not null default session_user,
  constraint tenant_members_pkey primary key (tenant_id, role_name),
  constraint tenant_members_tenant_fkey foreign key (tenant_id) references sor.tenants (tenant_id)
);
create index tenant_members_role_name_idx on sor.tenant_members (role_name, tenant_id);
comment on table sor.tenant_members is 'Which login roles act for which tenants. Policies find the caller''s tenants here by current_user.';
comment on column sor.tenant_members.role_name is 'A login role name (not an oid: the membership survives dump and restore).';

create table sor.domain_schemas (
  schema_name   name        not null,
  registered_at timestamptz not null default pg_catalog.now(),
  constraint domain_schemas_pkey primary key (schema_name)
);
comment on table sor.domain_schemas is 'Domain schemas (such as reconciler) that certify() sweeps and the drop guard protects, besides sor and sor_api.';

alter table sor.tenants enable row level security;
alter table sor.tenants force row level security;
alter table sor.tenant_members enable row level security;
alter table sor.tenant_members force row level security;

reset role;

-- Journal administration for the admin (members of sor_admin): register a Worker, configure a
-- tenant's journal settings (hash-only mode, idempotency retention).
set role sor_owner;

create or replace function sor_api.register_worker(role_name text, kind text)
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
  if not sor.is_valid('slug', register_worker.kind) then
    raise exception 'malformed worker kind: %', coalesce(quote_literal(register_worker.kind), 'NULL')
      using errcode = 'SR033', hint = 'A kind is a lowercase slug of at most 100 characters, e.g. expense-reconciler.';
  end if;
  select r.* into _role from pg_catalog.pg_roles r where r.rolname = register_worker.role_name;
  if not found or not _role.rolcanlogin or _role.rolsuper or _role.rolbypassrls
     or pg_catalog.pg_has_role(_role.oid, 'sor_owner', 'MEMBER')
     or not pg_catalog.pg_has_role(_role.oid, 'sor_worker', 'MEMBER') then
    raise exception 'role % cannot be a Worker', coalesce(quote_literal(register_worker.role_name), 'NULL')
      using errcode = 'SR031',
            hint = 'A Worker is an existing login role, member of sor_worker, without SUPERUSER, BYPASSRLS or sor_owner.';
  end if;
  insert into sor.workers as w (role_name, kind)
  values (register_worker.role_name, register_worker.kind)
  on conflict on constraint workers_pkey
  do update set kind = excluded.kind, registered_at = pg_catalog.now(), registered_by = session_user;
end
$$;
comment on function sor_api.register_worker(text, text) is
  'Registers (or re-registers with a new kind) a login role that is a member of sor_worker as a Worker. SR031 unfit role, SR033 malformed kind. The Worker still needs add_member for each tenant it works for.';

create or replace function sor_api.configure_tenant(tenant_id text, hash_only boolean default null,
                                                    idempotency_retention interval default null)
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
begin
  perform 1 from sor.tenants t where t.tenant_id = configure_tenant.tenant_id;
  if not found then
    raise exception 'unknown tenant %', coalesce(quote_literal(configure_tenant.tenant_id), 'NULL')
      using errcode = 'SR002', hint = 'Create it first with sor_api.add_tenant(tenant_id, display_name).';
  end if;
  if configure_tenant.idempotency_retention is not null
     and configure_tenant.idempotency_retention not between interval '1 second' and interval '90 days' then
    perform sor.journal_bad_input('idempotency_retention', 'Choose a retention between 1 second and 90 days.');
  end if;
  insert into sor.tenant_settings as s (tenant_id, hash_only, idempotency_retention)
  values (configure_tenant.tenant_id, coalesce(configure_tenant.hash_only, false),
          coalesce(configure_tenant.idempotency_retention, interval '24 hours'))
  on conflict on constraint tenant_settings_pkey
  do update set hash_only = coalesce(configure_tenant.hash_only, s.hash_only),
                idempotency_retention = coalesce(configure_tenant.idempotency_retention, s.idempotency_retention),
                updated_at = pg_catalog.now(), updated_by = session_user;
end
$$;
comment on function sor_api.configure_tenant(text, boolean, interval) is
  'Sets a tenant''s journal settings (NULL keeps the current value): hash_only for its new runs, idempotency_retention (1 second to 90 days, default 24 hours). SR002 unknown tenant, SR033 retention out of range.';

reset role;

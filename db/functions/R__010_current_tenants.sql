-- The cross-cutting rules of the kit, one function each, called by every function that needs them:
--
--   tenancy   sor_guard.current_tenants()      tenants of current_user, for row level security policies
--             sor_guard.is_member(tenant)       is session_user a member (definer functions, filters)
--             sor_guard.member_tenants()        session_user's tenants as an array (claim and lease filters)
--             sor_guard.require_member(tenant)  SR008 unless session_user is a member; an unknown tenant
--                                               gets the same answer, so nothing leaks about tenants
--             sor_guard.can_read_tenant(tenant) an auditor, or a member
--             sor_guard.require_reader(tenant)  SR008 unless sor_guard.can_read_tenant
--   values    sor.is_valid(kind, value)         the one definition of every id and name format
--   size      sor.check_size(value, what)       the one size cap: 1 MiB, SR009
--   clock     sor.lease_clock()                 the one lease clock: clock_timestamp()
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
  if require_reader.tenant_id is null or not sor_guard.can_read_tenant(require_reader.tenant_id) then
    raise exception 'role % may not read tenant %', session_user,
          coalesce(pg_catalog.quote_literal(require_reader.tenant_id), 'NULL')
      using errcode = 'SR008',
            hint = 'A caller reads only tenants it is a member of (sor_api.add_member), or is an auditor. An unknown tenant gets the same answer.';
  end if;
  return require_reader.tenant_id;
end
$$;
comment on function sor_guard.require_reader(text) is
  'The read gate: returns the tenant id when session_user may read it (an auditor, or a member), else SR008, also for an unknown tenant.';

-- The guard functions this file redefined are recorded before the guard runs again (what the
-- afterMigrate callback does at the end of the run): a later statement of the run that the guard
-- judges against every registered function (a GRANT) finds the register current.
select sor_guard.record_guard_upgrade();
reset role;
select sor_guard.pause(false);

set role sor_owner;

create or replace function sor.is_valid(kind text, value text)
returns boolean
language plpgsql
immutable
parallel safe
set jit = off
as $$
begin
  -- plpgsql rather than sql: a SET clause keeps a sql function from being inlined, and plpgsql
  -- runs this one expression at nearly the cost of the inlined function
  return coalesce(case is_valid.kind
    when 'tenant_id'  then is_valid.value ~ '^[a-z][a-z0-9_-]{1,62}$'
    when 'slug'       then is_valid.value ~ '^[a-z][a-z0-9_.-]{0,99}$'
    when 'queue'      then is_valid.value ~ '^[a-z][a-z0-9_.-]{1,62}$'
    when 'stream'     then is_valid.value ~ '^[a-z][a-z0-9_]*(-[A-Za-z0-9_:.@-]+)?$' and pg_catalog.length(is_valid.value) <= 200
    when 'stream_prefix' then is_valid.value ~ '^[a-z][a-z0-9_]*(-[A-Za-z0-9_:.@-]*)?$' and pg_catalog.length(is_valid.value) <= 200
    when 'event_type' then is_valid.value ~ '^[A-Za-z][A-Za-z0-9_.:-]*$' and pg_catalog.length(is_valid.value) <= 100
    when 'tool_name'  then is_valid.value ~ '^[a-z][a-z0-9_]{0,63}$'
    when 'key'        then pg_catalog.length(is_valid.value) between 1 and 255 and is_valid.value !~ '[[:cntrl:]]'
    when 'label'      then pg_catalog.length(is_valid.value) between 1 and 200 and is_valid.value !~ '[[:cntrl:]]'
    when 'sha256_hex' then is_valid.value ~ '^[0-9a-f]{64}$'
  end, false);
end
$$;
comment on function sor.is_valid(text, text) is
  'The value domains of the kit, defined once: tenant_id (lowercase slug, 2-63), slug (workflow, worker kind: lowercase, 1-100), queue (2-63), stream (category-id, at most 200), stream_prefix (the start of a stream name: a category, its dash, part of an id; at most 200), event_type (at most 100), tool_name (lowercase, at most 64), key (idempotency and dedupe keys: 1-255, no control characters), label (subjects, topics, ids: 1-200, no control characters), sha256_hex. NULL or an unknown kind is not valid.';

create or replace function sor.check_size(value jsonb, what text)
returns void
language plpgsql
immutable
set jit = off
as $$
begin
  -- measured on the uncompressed text form: pg_column_size() of a value read back from a table
  -- is its compressed size, and a repetitive 80 MB document compresses below any cap
  if pg_catalog.octet_length(check_size.value::text) > 1048576 then
    raise exception '% is larger than 1 MiB (% bytes as text)', check_size.what, pg_catalog.octet_length(check_size.value::text)
      using errcode = 'SR009', hint = 'Store large content elsewhere and keep its sha256 and a reference instead.';
  end if;
end
$$;
comment on function sor.check_size(jsonb, text) is
  'The one size cap of the kit: SR009 when a JSON value has more than 1 MiB in its text form (UTF-8 bytes, uncompressed, whatever its stored size). Only jit = off is set (hot path).';

create or replace function sor.check_size(value text, what text)
returns void
language plpgsql
immutable
set jit = off
as $$
begin
  if pg_catalog.octet_length(check_size.value) > 1048576 then
    raise exception '% is larger than 1 MiB (% bytes)', check_size.what, pg_catalog.octet_length(check_size.value)
      using errcode = 'SR009', hint = 'Store large content elsewhere and keep its sha256 and a reference instead.';
  end if;
end
$$;
comment on function sor.check_size(text, text) is
  'The one size cap of the kit: SR009 when a text value has more than 1 MiB (UTF-8 bytes). Only jit = off is set (hot path).';

create or replace function sor.lease_clock()
returns timestamptz
language sql
volatile
set jit = off
as $$
  select pg_catalog.clock_timestamp()
$$;
comment on function sor.lease_clock() is
  'The one clock of leases (runs, tasks, outbox): clock_timestamp(), so a transaction begun before a lease lapsed cannot act after the lapse.';

create or replace function sor.kit_schemas()
returns setof name
language sql
stable
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
  select 'sor'::name
  union all select 'sor_api'::name
  union all select d.schema_name from sor.domain_schemas d
$$;
comment on function sor.kit_schemas() is
  'Schemas certify() sweeps: sor, sor_api and every registered domain schema (the guard also protects sor_guard).';

reset role;
set role sor_owner;
select sor_guard.classify('function', 'sor_guard.current_tenants()', 'tenancy');
select sor_guard.classify('function', 'sor_guard.is_member(text)', 'tenancy');
select sor_guard.classify('function', 'sor_guard.member_tenants()', 'tenancy');
select sor_guard.classify('function', 'sor_guard.require_member(text)', 'tenancy');
select sor_guard.classify('function', 'sor_guard.can_read_tenant(text)', 'tenancy');
select sor_guard.classify('function', 'sor_guard.require_reader(text)', 'tenancy');
reset role;

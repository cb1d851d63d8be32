-- Drop guard approvals: what can be approved (sor_api.ddl_guard_targets), the approval itself
-- (sor_api.approve_ddl, for members of sor_approver only) and the trigger function that keeps
-- sor.ddl_approvals honest (rows written only by an approver's session, never changed except to be
-- consumed, never deleted). Its name marks the table append-only, so the drop guard protects its
-- triggers.
set role sor_owner;

create or replace function sor.is_refuse_function(fn oid)
returns boolean
language sql
stable
set search_path = pg_catalog, sor, pg_temp
as $$
  select exists (select 1 from pg_catalog.pg_proc p
                  where p.oid = is_refuse_function.fn
                    and p.pronamespace = 'sor'::regnamespace
                    and p.proname like 'tg\_%\_\_refuse\_change')
$$;
comment on function sor.is_refuse_function(oid) is
  'True for a trigger function named sor.tg_<table>__refuse_change: a table with such a trigger is append-only, and the drop guard protects the trigger.';

create or replace function sor_api.ddl_guard_targets()
returns table (operation text, object_identity text)
language sql
stable
security definer
set search_path = pg_catalog, sor, pg_temp
as $$
  with sch as (
    select n.oid from pg_catalog.pg_namespace n where n.nspname in (select sor.kit_schemas())
  ), tabs as (
    select c.oid from pg_catalog.pg_class c join sch s on s.oid = c.relnamespace where c.relkind in ('r', 'p')
  )
  select 'drop schema', (pg_catalog.pg_identify_object('pg_catalog.pg_namespace'::regclass, s.oid, 0)).identity
    from sch s
  union all
  select o.op, (pg_catalog.pg_identify_object('pg_catalog.pg_class'::regclass, t.oid, 0)).identity
    from tabs t cross join unnest(array['drop table', 'disable row level security', 'no force row level security']) o(op)
  union all
  select o.op, (pg_catalog.pg_identify_object('pg_catalog.pg_class'::regclass, a.attrelid, a.attnum)).identity
    from tabs t join pg_catalog.pg_attribute a on a.attrelid = t.oid and a.attnum > 0 and not a.attisdropped
   cross join unnest(array['drop column', 'alter column type']) o(op)
  union all
  select 'drop policy', (pg_catalog.pg_identify_object('pg_catalog.pg_policy'::regclass, p.oid, 0)).identity
    from tabs t join pg_catalog.pg_policy p on p.polrelid = t.oid
  union all
  select o.op, (pg_catalog.pg_identify_object('pg_catalog.pg_trigger'::regclass, tg.oid, 0)).identity
    from tabs t join pg_catalog.pg_trigger tg on tg.tgrelid = t.oid and not tg.tgisinternal
   cross join unnest(array['drop trigger', 'disable trigger']) o(op)
   where sor.is_refuse_function(tg.tgfoid)
$$;
comment on function sor_api.ddl_guard_targets() is
  'Every (operation, object_identity) the drop guard protects right now: what sor_api.approve_ddl accepts.';

create or replace function sor_api.approve_ddl(
  operation       text,
  object_identity text,
  ticket          text,
  rehearsed_on    text,
  expires_at      timestamptz
) returns bigint
language plpgsql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
as $$
declare
  _op text := lower(btrim(approve_ddl.operation));
  _id bigint;
begin
  if not sor.may_approve_ddl(session_user) then
    raise exception 'role % may not approve DDL', session_user
      using errcode = '42501',
            hint = 'Approvals come from a login role that is a member of sor_approver, never from a superuser or a member of sor_owner.';
  end if;
  if not exists (select 1 from sor_api.ddl_guard_targets() t
                  where t.operation = _op and t.object_identity = approve_ddl.object_identity) then
    raise exception 'nothing to approve: % of % is not a protected operation on an existing object',
          coalesce(quote_literal(approve_ddl.operation), 'NULL'), coalesce(quote_literal(approve_ddl.object_identity), 'NULL')
      using errcode = 'SR021',
            hint = 'List what can be approved with: select * from sor_api.ddl_guard_targets();';
  end if;
  if approve_ddl.expires_at is null or approve_ddl.expires_at <= clock_timestamp()
     or approve_ddl.expires_at > clock_timestamp() + interval '7 days' then
    raise exception 'approval of % on % must expire within 7 days from now, not at %',
          _op, approve_ddl.object_identity, coalesce(approve_ddl.expires_at::text, 'NULL')
      using errcode = 'SR022', hint = 'Pass an expiry such as now() + interval ''2 hours''.';
  end if;
  if coalesce(length(btrim(approve_ddl.ticket)), 0) not between 1 and 200
     or coalesce(length(btrim(approve_ddl.rehearsed_on)), 0) not between 1 and 500 then
    raise exception 'approval of % on % needs a ticket and the branch or backup it was rehearsed on',
          _op, approve_ddl.object_identity
      using errcode = 'SR023',
            hint = 'Pass the change ticket (1 to 200 characters) and the rehearsal branch or backup (1 to 500 characters).';
  end if;
  insert into sor.ddl_approvals (operation, object_identity, ticket, rehearsed_on, expires_at)
  values (_op, approve_ddl.object_identity, btrim(approve_ddl.ticket), btrim(approve_ddl.rehearsed_on), approve_ddl.expires_at)
  returning approval_id into _id;
  return _id;
end
$$;
comment on function sor_api.approve_ddl(text, text, text, text, timestamptz) is
  'Approves one destructive DDL operation on one protected object, once, until expires_at (at most 7 days ahead). Only for members of sor_approver (42501 otherwise); SR021 unknown target, SR022 bad expiry, SR023 missing ticket or rehearsal.';

create or replace function sor.may_approve_ddl(role_name name)
returns boolean
language sql
stable
set search_path = pg_catalog, sor, pg_temp
as $$
  select coalesce((select not r.rolsuper and not r.rolbypassrls
                          and pg_catalog.pg_has_role(r.oid, 'sor_approver', 'MEMBER')
                          and not pg_catalog.pg_has_role(r.oid, 'sor_owner', 'MEMBER')
                     from pg_catalog.pg_roles r where r.rolname = may_approve_ddl.role_name), false)
$$;
comment on function sor.may_approve_ddl(name) is
  'True for a role that may approve DDL: a member of sor_approver that is neither a superuser, nor BYPASSRLS, nor a member of sor_owner.';

create or replace function sor.tg_ddl_approvals__refuse_change()
returns trigger
language plpgsql
volatile
set search_path = pg_catalog, sor, pg_temp
as $$
begin
  if tg_op = 'INSERT' then
    if not sor.may_approve_ddl(session_user) then
      raise exception 'role % may not write DDL approvals', session_user
        using errcode = '42501', hint = 'A member of sor_approver approves through sor_api.approve_ddl.';
    end if;
    new.approved_by := session_user;
    new.approved_at := clock_timestamp();
    new.consumed_at := null;
    new.consumed_by := null;
    new.consumed_statement := null;
    return new;
  end if;
  if tg_op = 'UPDATE' and old.consumed_at is null and new.consumed_at is not null
     and (new.approval_id, new.operation, new.object_identity, new.ticket, new.rehearsed_on,
          new.approved_by, new.approved_at, new.expires_at)
         is not distinct from
         (old.approval_id, old.operation, old.object_identity, old.ticket, old.rehearsed_on,
          old.approved_by, old.approved_at, old.expires_at) then
    return new;
  end if;
  raise exception 'sor.ddl_approvals: % refused', tg_op
    using errcode = 'SR024',
          hint = 'An approval is never changed or removed; it is only consumed by the statement it approves. Let it expire instead.';
end
$$;
comment on function sor.tg_ddl_approvals__refuse_change() is
  'BEFORE INSERT/UPDATE/DELETE (row) and TRUNCATE (statement) on sor.ddl_approvals: only an approver''s own session inserts (stamped with its session_user and the database clock; 42501 otherwise), and nothing is changed but the consumption of an unused approval (SR024).';

reset role;

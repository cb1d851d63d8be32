-- Approvals of guarded DDL. The rules live in sor_guard, owned by sor_guardian: who may approve
-- (sor_guard.may_approve), the trigger that keeps sor.ddl_approvals honest (only an approver's own
-- session inserts, stamped with its session_user and the database clock; nothing changes but the
-- consumption of an unused approval; nothing is deleted), and what can be approved
-- (sor_guard.targets, read from the register). sor_api.approve_ddl and sor_api.ddl_guard_targets
-- are the contract's entry points. This file pauses the guard while it redefines the rules.
select sor_guard.pause(true);
set role sor_guardian;

create or replace function sor_guard.may_approve(role_name name)
returns boolean
language sql
stable
set search_path = pg_catalog, pg_temp
set jit = off
as $$
  select coalesce((select not r.rolsuper and not r.rolbypassrls and r.rolcanlogin
                          and pg_has_role(r.oid, 'sor_approver', 'MEMBER')
                          and not pg_has_role(r.oid, 'sor_owner', 'MEMBER')
                          and not pg_has_role(r.oid, 'sor_guardian', 'MEMBER')
                     from pg_roles r where r.rolname = may_approve.role_name), false)
$$;
comment on function sor_guard.may_approve(name) is
  'True for a role that may approve guarded DDL: a LOGIN member of sor_approver that is neither a superuser, nor BYPASSRLS, nor a member of sor_owner or sor_guardian.';

create or replace function sor_guard.tg_ddl_approvals__check()
returns trigger
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
set jit = off
as $$
begin
  if tg_op = 'INSERT' then
    if not sor_guard.may_approve(session_user) then
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
comment on function sor_guard.tg_ddl_approvals__check() is
  'BEFORE INSERT/UPDATE/DELETE (row) and TRUNCATE (statement) on sor.ddl_approvals: only an approver''s own session inserts (stamped with its session_user and the database clock; 42501 otherwise), and nothing is changed but the consumption of an unused approval (SR024).';

create or replace function sor_guard.targets()
returns table (operation text, object_identity text)
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
set jit = off
as $$
  select o.op, r.identity
    from sor_guard.registered r
   cross join lateral unnest(case r.kind
           when 'schema' then array['drop schema', 'alter schema', 'rename', 'grant']
           when 'table' then array['drop table', 'alter table', 'disable row level security', 'no force row level security',
                                   'detach partition', 'rename', 'grant']
           when 'view' then array['drop view', 'alter view', 'rename', 'grant']
           when 'function' then array['drop function', 'replace function', 'alter function', 'rename', 'grant']
           when 'trigger' then array['drop trigger', 'disable trigger', 'alter trigger', 'rename']
           when 'rule' then array['drop rule', 'alter rule', 'rename']
           when 'policy' then array['drop policy', 'alter policy', 'rename']
           when 'constraint' then array['drop constraint', 'alter constraint', 'rename']
           when 'index' then array['drop index', 'alter index', 'rename']
           else array[]::text[] end) o(op)
   where r.present
  union all
  select o.op, r.identity || '.' || quote_ident(c.col)
    from sor_guard.registered r
   cross join lateral jsonb_object_keys(r.spec -> 'columns') c(col)
   cross join unnest(array['drop column', 'alter column type', 'alter column']) o(op)
   where r.present and r.kind = 'table'
  union all
  select o.op, '<name> on ' || r.identity
    from sor_guard.registered r
   cross join unnest(array['create policy', 'create trigger', 'create rule']) o(op)
   where r.present and r.kind = 'table'
$$;
comment on function sor_guard.targets() is
  'Every (operation, object_identity) the guard protects now, read from the register. For create policy, create trigger and create rule the identity is <name> on <table>: approve the exact name.';

create or replace function sor_guard.is_target(operation text, object_identity text)
returns boolean
language sql
stable
set search_path = pg_catalog, pg_temp
set jit = off
as $$
  select exists (select 1 from sor_guard.targets() t
                  where t.operation = is_target.operation and t.object_identity = is_target.object_identity)
      or (is_target.operation in ('create policy', 'create trigger', 'create rule')
          and exists (select 1 from sor_guard.registered r
                       where r.present and r.kind = 'table'
                         and is_target.object_identity like '% on ' || r.identity
                         and length(is_target.object_identity) > length(' on ' || r.identity)))
      -- a release names itself: pg-sor <version> sha256:<digest of its manifest>
      or (coalesce(is_target.operation = 'upgrade release', false)
          and coalesce(is_target.object_identity ~ '^pg-sor [0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.]+)? sha256:[0-9a-f]{64}$', false))
      -- attach or detach of a partition of a kit table names the partition, registered or not
      or (coalesce(is_target.operation in ('attach partition', 'detach partition'), false)
          and exists (select 1 from pg_class c
                       where c.oid = to_regclass(is_target.object_identity) and c.relkind in ('r', 'p')
                         and sor_guard.ident('pg_class'::regclass, c.oid) = is_target.object_identity))
$$;
comment on function sor_guard.is_target(text, text) is
  'True when the operation on the object is one the guard protects (a create names the new object as <name> on <registered table>; attach partition and detach partition name an existing table, the partition; upgrade release names a release as pg-sor <version> sha256:<manifest digest>).';

create or replace function sor_guard.approve(operation text, object_identity text, ticket text, rehearsed_on text,
                                             expires_at timestamptz)
returns bigint
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
set jit = off
as $$
declare
  _op text := lower(btrim(approve.operation));
  _id bigint;
begin
  if not sor_guard.may_approve(session_user) then
    raise exception 'role % may not approve DDL', session_user
      using errcode = '42501',
            hint = 'Approvals come from a login role that is a member of sor_approver, never from a superuser or a member of sor_owner or sor_guardian.';
  end if;
  if not sor_guard.is_target(_op, approve.object_identity) then
    raise exception 'nothing to approve: % of % is not a protected operation on a registered object',
          coalesce(quote_literal(approve.operation), 'NULL'), coalesce(quote_literal(approve.object_identity), 'NULL')
      using errcode = 'SR021',
            hint = 'List what can be approved with: select * from sor_api.ddl_guard_targets();';
  end if;
  if approve.expires_at is null or approve.expires_at <= clock_timestamp()
     or approve.expires_at > clock_timestamp() + interval '7 days' then
    raise exception 'approval of % on % must expire within 7 days from now, not at %',
          _op, approve.object_identity, coalesce(approve.expires_at::text, 'NULL')
      using errcode = 'SR022', hint = 'Pass an expiry such as now() + interval ''2 hours''.';
  end if;
  if coalesce(length(btrim(approve.ticket)), 0) not between 1 and 200
     or coalesce(length(btrim(approve.rehearsed_on)), 0) not between 1 and 500 then
    raise exception 'approval of % on % needs a ticket and the branch or backup it was rehearsed on',
          _op, approve.object_identity
      using errcode = 'SR023',
            hint = 'Pass the change ticket (1 to 200 characters) and the rehearsal branch or backup (1 to 500 characters).';
  end if;
  insert into sor.ddl_approvals (operation, object_identity, ticket, rehearsed_on, expires_at)
  values (_op, approve.object_identity, btrim(approve.ticket), btrim(approve.rehearsed_on), approve.expires_at)
  returning approval_id into _id;
  return _id;
end
$$;
comment on function sor_guard.approve(text, text, text, text, timestamptz) is
  'Writes one single-use approval for the calling approver (see sor_api.approve_ddl). 42501 not an approver, SR021 not a protected target, SR022 bad expiry, SR023 missing ticket or rehearsal.';

create or replace function sor_guard.approval_used(operation text, object_identity text)
returns bigint
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
set jit = off
as $$
  select a.approval_id from sor.ddl_audit a
   where a.tx_id = pg_current_xact_id_if_assigned() and a.operation = approval_used.operation
     and a.object_identity = approval_used.object_identity and a.approval_id is not null
   order by a.audit_id desc limit 1
$$;
comment on function sor_guard.approval_used(text, text) is
  'The approval the current transaction consumed for this operation on this object, or NULL. sor_api.retire_partition records it.';

-- The guard functions this file redefined are recorded before the guard runs again (what the
-- afterMigrate callback does at the end of the run): a later statement of the run that the guard
-- judges against every registered function (a GRANT) finds the register current.
select sor_guard.record_guard_upgrade();
reset role;
select sor_guard.pause(false);


set role sor_owner;

create or replace function sor_api.ddl_guard_targets()
returns table (operation text, object_identity text)
language sql
stable
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
  select t.operation, t.object_identity from sor_guard.targets() t
$$;
comment on function sor_api.ddl_guard_targets() is
  'Every (operation, object_identity) the drop guard protects right now, read from the register: what sor_api.approve_ddl accepts.';

create or replace function sor_api.approve_ddl(
  operation       text,
  object_identity text,
  ticket          text,
  rehearsed_on    text,
  expires_at      timestamptz
) returns bigint
language sql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
  select sor_guard.approve(approve_ddl.operation, approve_ddl.object_identity, approve_ddl.ticket,
                           approve_ddl.rehearsed_on, approve_ddl.expires_at)
$$;
comment on function sor_api.approve_ddl(text, text, text, text, timestamptz) is
  'Approves one guarded DDL operation on one protected object, once, until expires_at (at most 7 days ahead). Only for LOGIN members of sor_approver (42501 otherwise); the role running the DDL must be another role. SR021 unknown target, SR022 bad expiry, SR023 missing ticket or rehearsal.';

reset role;
set role sor_owner;
select sor_guard.classify('function', 'sor_guard.tg_ddl_approvals__check()', 'refusal');
reset role;

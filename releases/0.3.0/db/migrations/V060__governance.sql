-- V060: governance. The drop guard and the rules it protects (tenancy, the event chain, the refusal
-- triggers, the approval checks) move into their own schema, sor_guard, owned by their own NOLOGIN
-- role sor_guardian, so that neither DROP SCHEMA sor CASCADE nor DROP OWNED BY sor_owner can take
-- them along and the migrating owner cannot replace them. The approval and audit tables are handed
-- to sor_guardian too: the owner can neither forge an approval nor write an audit row. What is protected is declared in
-- one append-only register, sor_guard.register, which the guard and certify() both read; function
-- and table classes (refusal, chain, tenancy, queue, ...) are declared once in sor_guard.classes.
-- The kit's own streams, event types and outbox topics are reserved in sor.reserved_names.
-- sor.ddl_audit also records redefinitions of registered functions and views (no approval, the
-- new definition's sha256), and sor.ddl_approvals accepts the operations the register can guard.
--
-- Why: each rule used to be copied into many functions and hand lists, and the guard kept its
--      state in a setting any session can write (issue: one gate per rule, one register).
-- Locks: creates a role, a schema and new tables; ALTER TABLE on sor.ddl_audit and
--      sor.ddl_approvals takes a short ACCESS EXCLUSIVE lock on these two small tables (no rewrite).
-- Reversal: not reversible without an approval per object: the register and the reserved names are
--      append-only by design.
-- lint: reviewed drop by pg-sor maintainers: only the old guard's event triggers and one check constraint of sor.ddl_audit and sor.ddl_approvals are dropped, each replaced in this release
set lock_timeout = '5s';

-- The old guard kept state in a setting any session could write; its event triggers go first (only
-- a superuser could have created them), and the new guard is installed by db/policies at the end
-- of this run. Until then this migration runs unguarded.
drop event trigger if exists sor_drop_guard_start;
drop event trigger if exists sor_drop_guard_sql_drop;
drop event trigger if exists sor_drop_guard_alter;
drop event trigger if exists sor_drop_guard_rewrite;

do $$
begin
  if not exists (select 1 from pg_catalog.pg_roles r where r.rolname = 'sor_guardian') then
    begin
      create role sor_guardian nologin;
    exception when duplicate_object or unique_violation then
      null; -- created meanwhile by a migration of another database on this server
    end;
  end if;
end
$$;
comment on role sor_guardian is
  'pg-sor: owns the drop guard (schema sor_guard). NOLOGIN, no members: only a superuser can act as it.';
-- the guard restores ENABLE ALWAYS on a trigger CREATE OR REPLACE TRIGGER reset, which takes the
-- owner's rights on the kit's tables
grant sor_owner to sor_guardian;

create schema if not exists sor_guard authorization sor_guardian;
comment on schema sor_guard is
  'pg-sor drop guard: the register of protected objects and the event trigger functions, owned by sor_guardian so the kit owner cannot change them.';
revoke all on schema sor_guard from public;
alter default privileges for role sor_guardian revoke execute on functions from public;
alter default privileges for role sor_guardian in schema sor_guard revoke all on tables from public;

set role sor_guardian;

create table sor_guard.register (
  entry_id     bigint      not null generated always as identity,
  kind         text        not null,
  identity     text        not null,
  root_kind    text        not null,
  root_objid   oid         not null,
  objid        oid         not null,
  present      boolean     not null,
  spec         jsonb,
  reason       text        not null,
  approval_id  bigint,
  recorded_at  timestamptz not null default pg_catalog.clock_timestamp(),
  recorded_by  name        not null default session_user,
  tx_id        xid8        not null default pg_catalog.pg_current_xact_id(),
  constraint register_pkey primary key (entry_id),
  constraint register_kind_check check (kind in ('schema', 'table', 'view', 'function', 'trigger', 'rule',
                                                  'policy', 'constraint', 'index', 'event trigger')),
  constraint register_root_kind_check check (root_kind in ('schema', 'table', 'view', 'function', 'event trigger')),
  constraint register_reason_check check (reason in ('registered', 'approved', 'recorded', 'tightened', 'rebound')),
  constraint register_present_check check (present = (spec is not null))
);
create index register_identity_idx on sor_guard.register (kind, identity, entry_id);
create index register_root_idx on sor_guard.register (root_kind, root_objid);

comment on table sor_guard.register is
  'Append-only register of protected objects: the latest row per (kind, identity) is the expected state (spec) the guard and certify() compare the live catalog with; present = false retires an object. Written only by the guard''s functions.';
comment on column sor_guard.register.identity is 'The object as pg_identify_object() names it (e.g. sor.events, events_chain on sor.events, sor.current_tenants()).';
comment on column sor_guard.register.root_kind is 'Kind of the object that owns this one: a table for its triggers, rules, policies, constraints and unique indexes; the object itself otherwise.';
comment on column sor_guard.register.root_objid is 'oid of the root object when the row was written; lets the guard see a rename or a move out of a protected schema.';
comment on column sor_guard.register.spec is 'Expected state: owner, grants, row level security, columns, definitions, enabled state, definition sha256 (functions, views).';
comment on column sor_guard.register.reason is 'registered (first seen), approved (a destructive change with its approval), recorded (a redefinition, audited), tightened (a change that only narrows), rebound (same object, new oid after a restore).';

create table sor_guard.classes (
  kind        text        not null,
  identity    text        not null,
  class       text        not null,
  declared_at timestamptz not null default pg_catalog.clock_timestamp(),
  declared_by name        not null default session_user,
  constraint classes_pkey primary key (kind, identity, class),
  constraint classes_kind_check check (kind in ('table', 'function', 'constraint', 'index')),
  constraint classes_class_check check (class in ('refusal', 'chain', 'audit', 'tenancy', 'guard', 'reader',
                                                   'queue', 'dedupe'))
);
-- The guard refuses a change of its own functions. A superuser applying a kit upgrade pauses the
-- guard's event triggers for the transaction of one migration file (ALTER EVENT TRIGGER is a
-- superuser's power and fires no event trigger) and resumes them at its end; this function is
-- defined here, once, and never redefined. Executable by no one but a superuser.
create function sor_guard.pause(paused boolean)
returns integer
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
  _e record;
  _n integer := 0;
begin
  for _e in
    select e.evtname from pg_catalog.pg_event_trigger e
      join pg_catalog.pg_proc p on p.oid = e.evtfoid
     where p.pronamespace = 'sor_guard'::regnamespace
  loop
    execute format('alter event trigger %I %s', _e.evtname, case when paused then 'disable' else 'enable always' end);
    _n := _n + 1;
  end loop;
  return _n;
end
$$;
revoke all on function sor_guard.pause(boolean) from public;
comment on function sor_guard.pause(boolean) is
  'Disables (true) or re-enables ALWAYS (false) the guard''s event triggers; a migration file that redefines guard functions calls it at its start and end, in one transaction. Needs a superuser (the event triggers'' owner); returns how many triggers it changed.';

comment on table sor_guard.classes is
  'What a protected object is for, declared once where it is defined (sor_guard.classify): refusal and chain trigger functions, audit triggers, tenancy rules, guard functions, forensic readers, queue tables, dedupe keys. certify() reads it instead of name patterns or hand lists. Append-only.';

reset role;

-- The kit's reserved names: no caller outside the kit's own functions writes these streams, event
-- types or outbox topics.
set role sor_owner;

-- the guard's functions name the kit's tables (they run with their caller's or their own rights)
grant usage on schema sor to sor_guardian;

create table sor.reserved_names (
  kind        text        not null,
  name        text        not null,
  reserved_at timestamptz not null default pg_catalog.now(),
  reserved_by name        not null default session_user,
  constraint reserved_names_pkey primary key (kind, name),
  constraint reserved_names_kind_check check (kind in ('stream category', 'event type prefix', 'outbox topic')),
  constraint reserved_names_name_check check (pg_catalog.length(name) between 1 and 100)
);
comment on table sor.reserved_names is
  'Streams (by category), event types (by prefix, case-insensitive) and outbox topics only the kit writes. Append-only.';
comment on column sor.reserved_names.name is 'A stream category (run matches run-<id>), an event type prefix (task. matches task.completed) or an outbox topic.';

insert into sor.reserved_names (kind, name) values
  ('stream category', 'run'), ('stream category', 'task'), ('stream category', 'outbox'),
  ('event type prefix', 'run_'), ('event type prefix', 'block_'), ('event type prefix', 'task.'),
  ('event type prefix', 'outbox.'), ('outbox topic', 'resume');

insert into sor.append_only_tables (table_schema, table_name)
values ('sor', 'reserved_names'), ('sor', 'ddl_audit'), ('sor_guard', 'register'), ('sor_guard', 'classes');

-- The audit records redefinitions (no approval) besides approved destructive changes.
alter table sor.ddl_audit alter column approval_id drop not null;
alter table sor.ddl_audit drop constraint ddl_audit_outcome_check;
alter table sor.ddl_audit add column definition_sha256 bytea;
alter table sor.ddl_audit add constraint ddl_audit_outcome_check
  check ((outcome = 'allowed' and approval_id is not null) or (outcome = 'recorded' and approval_id is null));
comment on column sor.ddl_audit.outcome is
  'allowed: a destructive change, with the approval it consumed; recorded: a redefinition of a registered function or view, or the drop of a registered function (no approval needed, the new definition''s sha256 is kept). A refused statement rolls back its transaction; its record is the LOG line in the server log.';
comment on column sor.ddl_audit.definition_sha256 is 'sha256 of the new definition, for recorded redefinitions.';
comment on column sor.ddl_audit.approval_id is 'The approval an allowed change consumed; NULL for recorded redefinitions.';

alter table sor.ddl_approvals drop constraint ddl_approvals_operation_check;
alter table sor.ddl_approvals add constraint ddl_approvals_operation_check check (operation in (
  'drop schema', 'alter schema', 'drop table', 'alter table', 'rename', 'drop column', 'alter column',
  'alter column type', 'disable row level security', 'no force row level security', 'detach partition',
  'drop trigger', 'disable trigger', 'alter trigger', 'create trigger', 'drop rule', 'alter rule', 'create rule',
  'drop policy', 'alter policy', 'create policy', 'drop constraint', 'alter constraint', 'drop index',
  'alter index', 'drop view', 'alter view', 'drop function', 'replace function', 'grant'));
comment on column sor.ddl_approvals.operation is
  'The guarded operation (see sor_api.ddl_guard_targets()): drop, alter or create of a registered object or of a policy, trigger or rule on a registered table, rename, grant.';

reset role;

alter table sor.ddl_approvals owner to sor_guardian;
alter table sor.ddl_audit owner to sor_guardian;

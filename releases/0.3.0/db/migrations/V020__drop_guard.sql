-- V020: the drop guard's tables: single-use approvals and the audit of destructive DDL.
--
-- Why: destructive DDL on a protected object (DROP TABLE / SCHEMA / COLUMN / POLICY, a column type
--      change, dropping or disabling an append-only trigger, disabling or un-forcing row level
--      security) is refused by event triggers unless a member of sor_approver, who is not the role
--      running the DDL, approved that exact object and operation. The approval is consumed by the
--      statement it approves; every allowed destructive statement is recorded in sor.ddl_audit.
--      The checking triggers and the event triggers are attached in db/policies once their
--      functions exist.
-- Locks: creates new tables only.
-- Reversal: drop table sor.ddl_audit, sor.ddl_approvals (guarded: needs approvals; the audit is
--      normally never reversed).
set role sor_owner;

create table sor.ddl_approvals (
  approval_id        bigint      not null generated always as identity,
  operation          text        not null,
  object_identity    text        not null,
  ticket             text        not null,
  rehearsed_on       text        not null,
  approved_by        name        not null default session_user,
  approved_at        timestamptz not null default pg_catalog.clock_timestamp(),
  expires_at         timestamptz not null,
  consumed_at        timestamptz,
  consumed_by        name,
  consumed_statement text,
  constraint ddl_approvals_pkey primary key (approval_id),
  constraint ddl_approvals_operation_check check (operation in (
    'drop table', 'drop schema', 'drop column', 'alter column type', 'drop policy', 'drop trigger',
    'disable trigger', 'disable row level security', 'no force row level security')),
  constraint ddl_approvals_ticket_length check (pg_catalog.length(pg_catalog.btrim(ticket)) between 1 and 200),
  constraint ddl_approvals_rehearsed_on_length check (pg_catalog.length(pg_catalog.btrim(rehearsed_on)) between 1 and 500),
  constraint ddl_approvals_expiry_check check (expires_at > approved_at),
  constraint ddl_approvals_consumed_check check ((consumed_at is null) = (consumed_by is null)
                                                 and (consumed_at is null) = (consumed_statement is null))
);
create index ddl_approvals_open_idx on sor.ddl_approvals (operation, object_identity, expires_at)
  where consumed_at is null;

comment on table sor.ddl_approvals is
  'Single-use approvals of destructive DDL on protected objects, written through sor_api.approve_ddl by a member of sor_approver. Never deleted; consumed by the statement they approve.';
comment on column sor.ddl_approvals.operation is
  'drop table, drop schema, drop column, alter column type, drop policy, drop trigger, disable trigger, disable row level security or no force row level security.';
comment on column sor.ddl_approvals.object_identity is
  'The object as pg_identify_object() names it: sor.t (table), sor.t.col (column), sor (schema), p on sor.t (policy), tr on sor.t (trigger).';
comment on column sor.ddl_approvals.ticket is 'Change ticket the approval belongs to.';
comment on column sor.ddl_approvals.rehearsed_on is 'The branch database or backup on which the change was rehearsed.';
comment on column sor.ddl_approvals.approved_by is 'session_user of the approver; the role running the DDL must be another role.';
comment on column sor.ddl_approvals.expires_at is 'After this instant (database clock) the approval no longer counts.';
comment on column sor.ddl_approvals.consumed_at is 'When the approved statement ran; NULL while unused. A rolled-back statement leaves it NULL.';
comment on column sor.ddl_approvals.consumed_by is 'session_user of the statement that consumed the approval.';
comment on column sor.ddl_approvals.consumed_statement is 'Text of the top-level statement that consumed the approval.';

create table sor.ddl_audit (
  audit_id        bigint      not null generated always as identity,
  occurred_at     timestamptz not null default pg_catalog.clock_timestamp(),
  session_role    name        not null default session_user,
  set_role        text        not null,
  command_tag     text        not null,
  operation       text        not null,
  object_identity text        not null,
  statement       text,
  approval_id     bigint      not null,
  outcome         text        not null default 'allowed',
  tx_id           xid8        not null default pg_catalog.pg_current_xact_id(),
  constraint ddl_audit_pkey primary key (audit_id),
  constraint ddl_audit_approval_fkey foreign key (approval_id) references sor.ddl_approvals (approval_id),
  constraint ddl_audit_outcome_check check (outcome = 'allowed')
);
create index ddl_audit_occurred_at_idx on sor.ddl_audit (occurred_at, audit_id);

comment on table sor.ddl_audit is
  'Append-only record of every destructive DDL statement the drop guard allowed, with the approval it consumed. Refusals roll back with their transaction and are written to the server log instead.';
comment on column sor.ddl_audit.session_role is 'session_user of the connection that ran the DDL.';
comment on column sor.ddl_audit.set_role is 'The role set with SET ROLE when the DDL ran, or none.';
comment on column sor.ddl_audit.operation is 'The guarded operation, as in sor.ddl_approvals.operation.';
comment on column sor.ddl_audit.object_identity is 'The object, as pg_identify_object() names it.';
comment on column sor.ddl_audit.statement is 'Text of the top-level statement (current_query()).';
comment on column sor.ddl_audit.outcome is
  'Always allowed: a refused statement rolls back its transaction, this row with it; its record is the LOG line in the server log.';
comment on column sor.ddl_audit.tx_id is 'Transaction that ran the DDL.';

reset role;

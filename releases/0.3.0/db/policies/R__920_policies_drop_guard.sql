-- Drop guard tables: the approval and audit triggers (ENABLE ALWAYS, so session_replication_role =
-- replica cannot silence them) and the grants. Both tables belong to sor_guardian, and so do their
-- trigger functions: the kit owner can neither forge an approval nor write or change an audit row.
-- Triggers are created or replaced, never dropped.
set role sor_guardian;

create or replace trigger ddl_approvals_check_insert
  before insert on sor.ddl_approvals
  for each row execute function sor_guard.tg_ddl_approvals__check();
create or replace trigger ddl_approvals_refuse_update_delete
  before update or delete on sor.ddl_approvals
  for each row execute function sor_guard.tg_ddl_approvals__check();
create or replace trigger ddl_approvals_refuse_truncate
  before truncate on sor.ddl_approvals
  for each statement execute function sor_guard.tg_ddl_approvals__check();
alter table sor.ddl_approvals enable always trigger ddl_approvals_check_insert;
alter table sor.ddl_approvals enable always trigger ddl_approvals_refuse_update_delete;
alter table sor.ddl_approvals enable always trigger ddl_approvals_refuse_truncate;
comment on trigger ddl_approvals_check_insert on sor.ddl_approvals is 'Only an approver''s own session writes an approval; stamps approver and time.';
comment on trigger ddl_approvals_refuse_update_delete on sor.ddl_approvals is 'Approvals are never changed or deleted, only consumed once.';
comment on trigger ddl_approvals_refuse_truncate on sor.ddl_approvals is 'Approvals are never truncated.';

create or replace trigger ddl_audit_refuse_update_delete
  before update or delete on sor.ddl_audit
  for each row execute function sor_guard.tg_ddl_audit__refuse_change();
create or replace trigger ddl_audit_refuse_truncate
  before truncate on sor.ddl_audit
  for each statement execute function sor_guard.tg_ddl_audit__refuse_change();
alter table sor.ddl_audit enable always trigger ddl_audit_refuse_update_delete;
alter table sor.ddl_audit enable always trigger ddl_audit_refuse_truncate;
comment on trigger ddl_audit_refuse_update_delete on sor.ddl_audit is 'Append-only: refuses UPDATE and DELETE for every role.';
comment on trigger ddl_audit_refuse_truncate on sor.ddl_audit is 'Append-only: refuses TRUNCATE for every role.';

revoke all on sor.ddl_approvals, sor.ddl_audit from sor_owner, sor_approver, sor_auditor;
grant select on sor.ddl_approvals to sor_approver, sor_auditor;
grant select on sor.ddl_audit to sor_auditor;

reset role;

set role sor_owner;
grant usage on schema sor to sor_approver;
grant execute on function sor_api.approve_ddl(text, text, text, text, timestamptz) to sor_approver;
grant execute on function sor_api.ddl_guard_targets() to sor_approver, sor_auditor, sor_admin;
grant execute on function sor_api.approve_release(text, text, text, text, timestamptz) to sor_approver;
grant execute on function sor_api.require_kernel(text) to sor_admin, sor_auditor;
grant select on sor_api.releases to sor_approver, sor_auditor, sor_admin;
reset role;

set role sor_owner;
select sor_guard.classify('table', 'sor.ddl_approvals', 'guard');
select sor_guard.classify('table', 'sor.ddl_audit', 'guard');
reset role;

-- Grants of the guard's schema (sor_guard, owned by sor_guardian): which role may call which rule.
-- Row level security policies evaluate sor_guard.current_tenants() as the reading role; the kit's
-- definer functions call the other rules as sor_owner; certify() reads the register as sor_owner;
-- auditors read the register through sor_api.protected_objects. sor_guardian reads what it needs of
-- the kit's own schema (the domain schemas it protects). It changes the guard's own tables, so it
-- pauses the guard for its transaction.
select sor_guard.pause(true);
set role sor_guardian;

grant usage on schema sor_guard to sor_owner, sor_tenant, sor_auditor, sor_approver, sor_admin;

grant execute on function sor_guard.current_tenants() to sor_owner, sor_tenant, sor_auditor, sor_approver, sor_admin;
grant execute on function sor_guard.is_member(text), sor_guard.member_tenants(), sor_guard.require_member(text),
                          sor_guard.can_read_tenant(text), sor_guard.require_reader(text)
  to sor_owner;
grant execute on function sor_guard.event_hash(bytea, text, text, integer, text, jsonb, jsonb, name, timestamptz, bigint),
                          sor_guard.tg_events__chain(), sor_guard.tg_events__refuse_change()
  to sor_owner;
grant execute on function sor_guard.protect_all(), sor_guard.classify(text, text, text),
                          sor_guard.targets(), sor_guard.approve(text, text, text, text, timestamptz),
                          sor_guard.live_objects(text[]), sor_guard.diff(text[]), sor_guard.judge(text, text, jsonb, jsonb, boolean, jsonb),
                          sor_guard.protected_schemas(), sor_guard.acl(aclitem[], oid, "char"), sor_guard.ident(oid, oid, integer),
                          sor_guard.function_sha256(oid), sor_guard.approval_used(text, text)
  to sor_owner;
grant select on sor_guard.register, sor_guard.registered, sor_guard.classes to sor_owner, sor_auditor, sor_admin;
-- the record of the kit's partitions (V083): sor.make_partitions records what it made, certify()
-- and sor_api.verify_events (as sor_owner) read what it does not hold
grant execute on function sor_guard.record_kit_partition(regclass), sor_guard.unrecorded_partitions(), sor_guard.kit_parents() to sor_owner;
grant select on sor_guard.kit_partitions to sor_owner, sor_auditor, sor_admin;
create or replace trigger kit_partitions_refuse_update_delete
  before update or delete on sor_guard.kit_partitions
  for each row execute function sor_guard.tg_events__refuse_change();
create or replace trigger kit_partitions_refuse_truncate
  before truncate on sor_guard.kit_partitions
  for each statement execute function sor_guard.tg_events__refuse_change();
alter table sor_guard.kit_partitions enable always trigger kit_partitions_refuse_update_delete;
alter table sor_guard.kit_partitions enable always trigger kit_partitions_refuse_truncate;
comment on trigger kit_partitions_refuse_update_delete on sor_guard.kit_partitions is 'Append-only: a record of a partition is never changed or removed; a change is a new row.';
comment on trigger kit_partitions_refuse_truncate on sor_guard.kit_partitions is 'Append-only: the record of the kit''s partitions is never truncated.';

-- the record of releases (V084): the release callbacks run as the migrating role, a member of
-- sor_owner (or a superuser), and create the history table's trigger with its function
grant execute on function sor_guard.begin_release(text, text, text, text), sor_guard.end_release(text, text, text, text),
                          sor_guard.fail_release(text), sor_guard.tg_history__release_check(), sor_guard.release_latest(text, text[])
  to sor_owner;
grant select on sor_guard.releases to sor_owner, sor_auditor, sor_admin;
grant execute on function sor_guard.record_contract(text), sor_guard.contract_lines(text) to sor_owner;
grant select on sor_guard.contracts to sor_owner, sor_auditor, sor_admin;
create or replace trigger contracts_refuse_update_delete
  before update or delete on sor_guard.contracts
  for each row execute function sor_guard.tg_events__refuse_change();
create or replace trigger contracts_refuse_truncate
  before truncate on sor_guard.contracts
  for each statement execute function sor_guard.tg_events__refuse_change();
alter table sor_guard.contracts enable always trigger contracts_refuse_update_delete;
alter table sor_guard.contracts enable always trigger contracts_refuse_truncate;
comment on trigger contracts_refuse_update_delete on sor_guard.contracts is 'Append-only: a recorded contract is never changed or removed.';
comment on trigger contracts_refuse_truncate on sor_guard.contracts is 'Append-only: the record of contracts is never truncated.';
create or replace trigger releases_refuse_update_delete
  before update or delete on sor_guard.releases
  for each row execute function sor_guard.tg_events__refuse_change();
create or replace trigger releases_refuse_truncate
  before truncate on sor_guard.releases
  for each statement execute function sor_guard.tg_events__refuse_change();
alter table sor_guard.releases enable always trigger releases_refuse_update_delete;
alter table sor_guard.releases enable always trigger releases_refuse_truncate;
comment on trigger releases_refuse_update_delete on sor_guard.releases is 'Append-only: a record of a release run is never changed or removed.';
comment on trigger releases_refuse_truncate on sor_guard.releases is 'Append-only: the record of releases is never truncated.';

-- the register and the classes are append-only, for every role (ENABLE ALWAYS)
create or replace trigger register_refuse_update_delete
  before update or delete on sor_guard.register
  for each row execute function sor_guard.tg_events__refuse_change();
create or replace trigger register_refuse_truncate
  before truncate on sor_guard.register
  for each statement execute function sor_guard.tg_events__refuse_change();
create or replace trigger classes_refuse_update_delete
  before update or delete on sor_guard.classes
  for each row execute function sor_guard.tg_events__refuse_change();
create or replace trigger classes_refuse_truncate
  before truncate on sor_guard.classes
  for each statement execute function sor_guard.tg_events__refuse_change();
alter table sor_guard.register enable always trigger register_refuse_update_delete;
alter table sor_guard.register enable always trigger register_refuse_truncate;
alter table sor_guard.classes enable always trigger classes_refuse_update_delete;
alter table sor_guard.classes enable always trigger classes_refuse_truncate;
comment on trigger register_refuse_update_delete on sor_guard.register is 'Append-only: a register row is never changed or removed; a change is a new row.';
comment on trigger register_refuse_truncate on sor_guard.register is 'Append-only: the register is never truncated.';
comment on trigger classes_refuse_update_delete on sor_guard.classes is 'Append-only: a class is never changed or removed.';
comment on trigger classes_refuse_truncate on sor_guard.classes is 'Append-only: the classes are never truncated.';

reset role;

set role sor_owner;
grant usage on schema sor to sor_guardian;
grant select on sor.domain_schemas to sor_guardian;
reset role;

set role sor_owner;
grant select on sor_api.protected_objects to sor_auditor, sor_admin;
reset role;
select sor_guard.pause(false);

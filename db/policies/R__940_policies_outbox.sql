-- Outbox policies, the dedupe, status-change event and NOTIFY triggers, and the dispatcher's
-- grants. Reading and writing go through sor_api functions that run as sor_owner. The triggers are
-- ENABLE ALWAYS: session_replication_role = replica cannot silence the audit trail.
set role sor_owner;

select sor.ensure_policy('sor.outbox', 'outbox_owner_all', 'ALL', array['sor_owner']::name[], 'true', 'true');
select sor.ensure_policy('sor.outbox', 'outbox_auditor_select', 'SELECT', array['sor_auditor']::name[], 'true');
comment on policy outbox_owner_all on sor.outbox is 'Definer functions run as sor_owner and enforce their own checks.';
comment on policy outbox_auditor_select on sor.outbox is 'Auditors read every outbox row.';

create or replace trigger outbox_dedupe
  before insert on sor.outbox
  for each row execute function sor.tg_outbox__dedupe();
create or replace trigger outbox_events_update
  after update on sor.outbox
  referencing old table as old_rows new table as new_rows
  for each statement execute function sor.tg_outbox__events_update();
create or replace trigger outbox_notify_insert
  after insert on sor.outbox
  referencing new table as new_rows
  for each statement execute function sor.tg_outbox__notify_insert();
create or replace trigger outbox_notify_update
  after update on sor.outbox
  referencing old table as old_rows new table as new_rows
  for each statement execute function sor.tg_outbox__notify_update();
alter table sor.outbox enable always trigger outbox_dedupe;
alter table sor.outbox enable always trigger outbox_events_update;
alter table sor.outbox enable always trigger outbox_notify_insert;
alter table sor.outbox enable always trigger outbox_notify_update;
comment on trigger outbox_dedupe on sor.outbox is 'Claims the dedupe key in sor.dedupe_keys, or skips a row whose key is taken.';
comment on trigger outbox_events_update on sor.outbox is 'Every lease and outcome of an outbox row writes its event to stream outbox-<id>.';
comment on trigger outbox_notify_insert on sor.outbox is 'NOTIFY sor_outbox once per statement that inserted pending rows.';
comment on trigger outbox_notify_update on sor.outbox is 'NOTIFY sor_outbox once per statement that made rows pending again.';

revoke all on sor.outbox from sor_auditor;
grant select on sor.outbox to sor_auditor;

grant execute on function sor_api.lease_outbox(integer, interval, text[]) to sor_dispatcher;
grant execute on function sor_api.mark_dispatched(bigint, bigint, text) to sor_dispatcher;
grant execute on function sor_api.mark_failed(bigint, bigint, text) to sor_dispatcher;
grant execute on function sor_api.dead_outbox(integer) to sor_admin;
grant execute on function sor_api.retry_outbox(bigint) to sor_admin;
grant execute on function sor_api.set_outbox_broadcast(boolean) to sor_admin;

select sor_guard.classify('table', 'sor.outbox', 'queue');
select sor_guard.classify('function', 'sor.tg_outbox__events_update()', 'audit');

reset role;

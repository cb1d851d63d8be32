-- Events: the chain and refusal triggers (ENABLE ALWAYS, so session_replication_role = replica
-- cannot silence them), the append-only registry's own refusal triggers, policies and grants.
-- Triggers are created or replaced, never dropped.
set role sor_owner;

-- The chain trigger runs once per INSERT statement (V092 replaced 0.3.0's row trigger on upgrade).
create or replace trigger events_chain
  after insert on sor.events
  referencing new table as new_rows
  for each statement execute function sor_guard.tg_events__chain();
create or replace trigger events_refuse_update_delete
  before update or delete on sor.events
  for each row execute function sor_guard.tg_events__refuse_change();
create or replace trigger events_refuse_statement
  before update or delete on sor.events
  for each statement execute function sor_guard.tg_events__refuse_change();
create or replace trigger events_refuse_truncate
  before truncate on sor.events
  for each statement execute function sor_guard.tg_events__refuse_change();
alter table sor.events enable always trigger events_chain;
alter table sor.events enable always trigger events_refuse_update_delete;
alter table sor.events enable always trigger events_refuse_statement;
alter table sor.events enable always trigger events_refuse_truncate;
comment on trigger events_chain on sor.events is 'Once per INSERT statement: checks that the statement''s events continue their streams'' hash chains and moves the stream heads.';
comment on trigger events_refuse_update_delete on sor.events is 'Append-only: refuses UPDATE and DELETE of any row, for every role.';
comment on trigger events_refuse_statement on sor.events is
  'Append-only: refuses every UPDATE or DELETE statement, even one matching no row, and every INSERT ... ON CONFLICT DO UPDATE (which fires UPDATE statement triggers).';
comment on trigger events_refuse_truncate on sor.events is 'Append-only: refuses TRUNCATE for every role.';

create or replace trigger append_only_tables_refuse_update_delete
  before update or delete on sor.append_only_tables
  for each row execute function sor_guard.tg_events__refuse_change();
create or replace trigger append_only_tables_refuse_truncate
  before truncate on sor.append_only_tables
  for each statement execute function sor_guard.tg_events__refuse_change();
alter table sor.append_only_tables enable always trigger append_only_tables_refuse_update_delete;
alter table sor.append_only_tables enable always trigger append_only_tables_refuse_truncate;

create or replace trigger reserved_names_refuse_update_delete
  before update or delete on sor.reserved_names
  for each row execute function sor_guard.tg_events__refuse_change();
create or replace trigger reserved_names_refuse_truncate
  before truncate on sor.reserved_names
  for each statement execute function sor_guard.tg_events__refuse_change();
alter table sor.reserved_names enable always trigger reserved_names_refuse_update_delete;
alter table sor.reserved_names enable always trigger reserved_names_refuse_truncate;
comment on trigger reserved_names_refuse_update_delete on sor.reserved_names is 'Append-only: a reservation is never changed or removed.';
comment on trigger reserved_names_refuse_truncate on sor.reserved_names is 'Append-only: reservations are never truncated.';
grant select on sor.reserved_names to sor_tenant, sor_auditor, sor_admin;
grant select on sor_api.reserved_names to sor_tenant, sor_auditor, sor_admin;
comment on trigger append_only_tables_refuse_update_delete on sor.append_only_tables is 'Append-only: a registered table cannot be un-registered.';
comment on trigger append_only_tables_refuse_truncate on sor.append_only_tables is 'Append-only: refuses TRUNCATE for every role.';

select sor.ensure_policy('sor.events', 'events_owner_all', 'ALL', array['sor_owner']::name[], 'true', 'true');
select sor.ensure_policy('sor.events', 'events_tenant_select', 'SELECT', array['sor_tenant']::name[],
                         'tenant_id in (select sor_guard.current_tenants())');
select sor.ensure_policy('sor.events', 'events_auditor_select', 'SELECT', array['sor_auditor']::name[], 'true');
comment on policy events_owner_all on sor.events is 'Definer functions run as sor_owner and enforce their own checks; the triggers still refuse change.';
comment on policy events_tenant_select on sor.events is 'A tenant member reads only its tenants'' events.';
comment on policy events_auditor_select on sor.events is 'Auditors read every event.';

-- idempotency keys of appends: only the append functions (definer, as sor_owner) read and write them
select sor.ensure_policy('sor.event_keys', 'event_keys_owner_all', 'ALL', array['sor_owner']::name[], 'true', 'true');
select sor.ensure_policy('sor.event_keys', 'event_keys_auditor_select', 'SELECT', array['sor_auditor']::name[], 'true');
comment on policy event_keys_owner_all on sor.event_keys is 'The append functions (definer, membership checked by session_user) claim, bind and read keys as sor_owner; retire_partition removes the keys of retired events.';
comment on policy event_keys_auditor_select on sor.event_keys is 'Auditors read every idempotency key and the event it names.';
grant select on sor.event_keys to sor_auditor;

revoke all on sor.events from sor_tenant, sor_auditor;
grant select (tenant_id, position, stream, version, type, payload, metadata, actor, occurred_at, tx_id, prev_hash, hash)
  on sor.events to sor_tenant, sor_auditor;
grant select on sor_api.events to sor_tenant, sor_auditor;

grant execute on function sor_api.append_event(text, text, text, jsonb, jsonb, integer) to sor_worker;
grant execute on function sor_api.append_event(text, text, text, jsonb, jsonb, integer, text) to sor_worker;
grant execute on function sor_api.events_since(bigint, integer) to sor_worker, sor_tenant, sor_auditor;
grant execute on function sor_api.tenant_events_since(text, bigint, integer) to sor_worker, sor_tenant, sor_auditor;
grant execute on function sor_api.read_stream(text, text, integer, integer) to sor_worker, sor_tenant, sor_auditor;
grant execute on function sor_api.verify_events(text, text) to sor_auditor;
grant execute on function sor_api.verify_events_summary(text, text) to sor_auditor;

reset role;

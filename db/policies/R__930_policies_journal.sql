-- Journal: event triggers on runs and blocks (ENABLE ALWAYS), policies and grants. Policies are
-- created or altered (sor.ensure_policy), never dropped. Policy before grant.
set role sor_owner;

create or replace trigger runs_events
  after insert or update on sor.runs
  for each row execute function sor.tg_runs__events();
create or replace trigger blocks_events
  after insert or update on sor.blocks
  for each row execute function sor.tg_blocks__events();
alter table sor.runs enable always trigger runs_events;
alter table sor.blocks enable always trigger blocks_events;
-- runs_sweep_at_check (V113: a running run's sweep_at never after its lease's expiry) was added
-- NOT VALID; it is validated here, once (a no-op when it already is), so the catalog vouches for
-- every run. VALIDATE CONSTRAINT takes SHARE UPDATE EXCLUSIVE on sor.runs while it reads the
-- runs: reads and writes go on (V113's header says ACCESS EXCLUSIVE; it is not). Here, not in a
-- versioned migration: this file runs after R__005, whose drop guard judges a validation a
-- tightening (the guard of earlier releases read it as another definition and asked an approval).
alter table sor.runs validate constraint runs_sweep_at_check;
comment on trigger runs_events on sor.runs is 'Every run transition (start, state commit, overlay, finish, abandonment) writes its event; refuses writes to finished runs.';
comment on trigger blocks_events on sor.blocks is 'Every block transition (opened, approved, rejected) writes its event; refuses changes to resolved blocks.';

select sor.ensure_policy('sor.workers', 'workers_owner_all', 'ALL', array['sor_owner']::name[], 'true', 'true');
select sor.ensure_policy('sor.workers', 'workers_auditor_select', 'SELECT', array['sor_auditor', 'sor_admin']::name[], 'true');
comment on policy workers_owner_all on sor.workers is 'Definer functions run as sor_owner and enforce their own checks.';
comment on policy workers_auditor_select on sor.workers is 'Auditors and admins read the Worker registry.';

select sor.ensure_policy('sor.tenant_settings', 'tenant_settings_owner_all', 'ALL', array['sor_owner']::name[], 'true', 'true');
select sor.ensure_policy('sor.tenant_settings', 'tenant_settings_auditor_select', 'SELECT', array['sor_auditor', 'sor_admin']::name[], 'true');
comment on policy tenant_settings_owner_all on sor.tenant_settings is 'Definer functions run as sor_owner and enforce their own checks.';
comment on policy tenant_settings_auditor_select on sor.tenant_settings is 'Auditors and admins read every tenant''s settings.';

select sor.ensure_policy('sor.runs', 'runs_owner_all', 'ALL', array['sor_owner']::name[], 'true', 'true');
select sor.ensure_policy('sor.runs', 'runs_tenant_select', 'SELECT', array['sor_tenant', 'sor_approver']::name[],
                         'tenant_id in (select sor_guard.current_tenants())');
select sor.ensure_policy('sor.runs', 'runs_auditor_select', 'SELECT', array['sor_auditor']::name[], 'true');
comment on policy runs_owner_all on sor.runs is 'Definer functions run as sor_owner and enforce their own checks.';
comment on policy runs_tenant_select on sor.runs is 'Tenant members and approvers read only their tenants'' runs.';
comment on policy runs_auditor_select on sor.runs is 'Auditors read every run.';

select sor.ensure_policy('sor.turns', 'turns_owner_all', 'ALL', array['sor_owner']::name[], 'true', 'true');
select sor.ensure_policy('sor.turns', 'turns_tenant_select', 'SELECT', array['sor_tenant']::name[],
                         'tenant_id in (select sor_guard.current_tenants())');
select sor.ensure_policy('sor.turns', 'turns_auditor_select', 'SELECT', array['sor_auditor']::name[], 'true');
comment on policy turns_owner_all on sor.turns is 'Definer functions run as sor_owner and enforce their own checks.';
comment on policy turns_tenant_select on sor.turns is 'Tenant members read only their tenants'' turns.';
comment on policy turns_auditor_select on sor.turns is 'Auditors read every turn.';

select sor.ensure_policy('sor.tool_calls', 'tool_calls_owner_all', 'ALL', array['sor_owner']::name[], 'true', 'true');
select sor.ensure_policy('sor.tool_calls', 'tool_calls_tenant_select', 'SELECT', array['sor_tenant']::name[],
                         'tenant_id in (select sor_guard.current_tenants())');
select sor.ensure_policy('sor.tool_calls', 'tool_calls_auditor_select', 'SELECT', array['sor_auditor']::name[], 'true');
comment on policy tool_calls_owner_all on sor.tool_calls is 'Definer functions run as sor_owner and enforce their own checks.';
comment on policy tool_calls_tenant_select on sor.tool_calls is 'Tenant members read only their tenants'' tool calls.';
comment on policy tool_calls_auditor_select on sor.tool_calls is 'Auditors read every tool call.';

select sor.ensure_policy('sor.steps', 'steps_owner_all', 'ALL', array['sor_owner']::name[], 'true', 'true');
select sor.ensure_policy('sor.steps', 'steps_tenant_select', 'SELECT', array['sor_tenant']::name[],
                         'tenant_id in (select sor_guard.current_tenants())');
select sor.ensure_policy('sor.steps', 'steps_auditor_select', 'SELECT', array['sor_auditor']::name[], 'true');
comment on policy steps_owner_all on sor.steps is 'Definer functions run as sor_owner and enforce their own checks.';
comment on policy steps_tenant_select on sor.steps is 'Tenant members read only their tenants'' steps.';
comment on policy steps_auditor_select on sor.steps is 'Auditors read every step.';

select sor.ensure_policy('sor.blocks', 'blocks_owner_all', 'ALL', array['sor_owner']::name[], 'true', 'true');
select sor.ensure_policy('sor.blocks', 'blocks_tenant_select', 'SELECT', array['sor_tenant', 'sor_approver']::name[],
                         'tenant_id in (select sor_guard.current_tenants())');
select sor.ensure_policy('sor.blocks', 'blocks_auditor_select', 'SELECT', array['sor_auditor']::name[], 'true');
comment on policy blocks_owner_all on sor.blocks is 'Definer functions run as sor_owner and enforce their own checks.';
comment on policy blocks_tenant_select on sor.blocks is 'Tenant members and approvers read only their tenants'' blocks.';
comment on policy blocks_auditor_select on sor.blocks is 'Auditors read every block.';

select sor.ensure_policy('sor.idempotency_keys', 'idempotency_keys_owner_all', 'ALL', array['sor_owner']::name[], 'true', 'true');
select sor.ensure_policy('sor.idempotency_keys', 'idempotency_keys_auditor_select', 'SELECT', array['sor_auditor']::name[], 'true');
comment on policy idempotency_keys_owner_all on sor.idempotency_keys is 'Definer functions run as sor_owner and enforce their own checks.';
comment on policy idempotency_keys_auditor_select on sor.idempotency_keys is 'Auditors read every idempotency key.';

-- approvers find their tenants like tenant members do (sor_guard.current_tenants() reads their own memberships)
select sor.ensure_policy('sor.tenant_members', 'tenant_members_approver_select', 'SELECT', array['sor_approver']::name[],
                         'role_name = current_user');
comment on policy tenant_members_approver_select on sor.tenant_members is 'An approver reads only its own memberships; sor_guard.current_tenants() relies on this.';
grant usage on schema sor to sor_approver;
grant select (tenant_id, role_name) on sor.tenant_members to sor_approver;

revoke all on sor.workers, sor.tenant_settings, sor.runs, sor.turns, sor.tool_calls, sor.steps, sor.blocks,
              sor.idempotency_keys from sor_tenant, sor_auditor, sor_approver, sor_admin;
grant select (role_name, kind, registered_at, registered_by) on sor.workers to sor_auditor, sor_admin;
grant select (tenant_id, hash_only, idempotency_retention, updated_at, updated_by) on sor.tenant_settings to sor_auditor, sor_admin;
grant select (tenant_id, run_id, workflow, worker_role, worker_kind, status, idempotency_key, input, input_sha256,
              hash_only, version, state, overlay, last_step_id, lease_expires_at, heartbeat_at, started_at,
              finished_at, error, error_sha256)
  on sor.runs to sor_tenant, sor_auditor, sor_approver;
grant select (tenant_id, run_id, turn_no, model, role, input_tokens, output_tokens, content, content_sha256,
              hash_only, recorded_at)
  on sor.turns to sor_tenant, sor_auditor;
grant select (tenant_id, tool_call_id, run_id, tool_name, status, args, args_sha256, result, result_sha256,
              error, error_sha256, idempotency_key, hash_only, started_at, finished_at)
  on sor.tool_calls to sor_tenant, sor_auditor;
grant select (tenant_id, run_id, step_id, version, output, event_count, command_count, block_id, committed_at,
              committed_by)
  on sor.steps to sor_tenant, sor_auditor;
grant select (tenant_id, block_id, run_id, step_id, kind, status, command, opened_at, resolved_at, resolved_by,
              approved, note)
  on sor.blocks to sor_tenant, sor_auditor, sor_approver;
grant select (tenant_id, scope, idempotency_key, fingerprint, run_id, tool_call_id, created_at, created_by, expires_at)
  on sor.idempotency_keys to sor_auditor;

grant select on sor_api.journal_runs, sor_api.journal_blocks to sor_tenant, sor_auditor, sor_approver;
grant select on sor_api.journal_turns, sor_api.journal_tool_calls, sor_api.journal_steps to sor_tenant, sor_auditor;

grant execute on function sor_api.register_worker(text, text) to sor_admin;
grant execute on function sor_api.configure_tenant(text, boolean, interval) to sor_admin;
grant execute on function sor_api.start_run(text, text, jsonb, text, integer, boolean, text) to sor_worker;
grant execute on function sor_api.heartbeat(uuid, integer) to sor_worker;
grant execute on function sor_api.finish_run(uuid, text, jsonb) to sor_worker;
grant execute on function sor_api.resume_run(uuid, integer) to sor_worker;
grant execute on function sor_api.cancel_run(uuid, text) to sor_admin;
grant execute on function sor_api.get_run(uuid) to sor_worker;
grant execute on function sor_api.my_runs() to sor_worker;
grant execute on function sor_api.my_runs(text, uuid, integer) to sor_worker;
grant execute on function sor_api.record_turn(uuid, text, text, integer, integer, text, text) to sor_worker;
grant execute on function sor_api.begin_tool_call(uuid, text, jsonb, text) to sor_worker;
grant execute on function sor_api.finish_tool_call(uuid, jsonb, jsonb) to sor_worker;
grant execute on function sor_api.run_tool_calls(uuid) to sor_worker;
grant execute on function sor_api.run_tool_calls(uuid, text, uuid, integer) to sor_worker;
grant execute on function sor_api.commit_step(uuid, text, integer, jsonb, jsonb, jsonb) to sor_worker;
grant execute on function sor_api.sweep_abandoned_runs() to sor_worker, sor_admin;
grant execute on function sor_api.sweep_idempotency_keys() to sor_worker, sor_admin;
grant execute on function sor_api.set_overlay(uuid, jsonb) to sor_approver;
grant execute on function sor_api.resolve_block(bigint, boolean, text) to sor_approver;

reset role;

set role sor_owner;
select sor_guard.classify('constraint', 'idempotency_keys_pkey on sor.idempotency_keys', 'dedupe');
select sor_guard.classify('index', 'sor.blocks_one_active_idx', 'dedupe');
reset role;

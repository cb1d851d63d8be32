-- Read views over the journal. security_invoker: the caller's own column grants and the forced
-- row level security policies decide which rows it sees (an auditor all tenants, a tenant member
-- its tenants). A running run whose lease lapsed (sor.lease_lapsed, the one lease clock) reads
-- abandoned here even before it is marked.
set role sor_owner;

create or replace view sor_api.journal_runs
with (security_invoker = true, security_barrier = true) as
select r.tenant_id, r.run_id, r.workflow, r.worker_role, r.worker_kind,
       case when r.status = 'running' and sor.lease_lapsed(r.lease_expires_at) then 'abandoned'
            else r.status end as status,
       r.idempotency_key, r.input, encode(r.input_sha256, 'hex') as input_sha256, r.hash_only,
       r.version, r.state, r.overlay, r.state || r.overlay as effective_state, r.last_step_id,
       r.lease_expires_at, r.heartbeat_at, r.started_at,
       coalesce(r.finished_at, case when sor.lease_lapsed(r.lease_expires_at) then r.lease_expires_at end) as finished_at,
       r.error, encode(r.error_sha256, 'hex') as error_sha256
  from sor.runs r;
comment on view sor_api.journal_runs is
  'Runs visible to the caller (auditor: all; tenant member or approver: its tenants). status reads abandoned as soon as the lease lapsed.';

create or replace view sor_api.journal_turns
with (security_invoker = true, security_barrier = true) as
select t.tenant_id, t.run_id, t.turn_no, t.model, t.role, t.input_tokens, t.output_tokens, t.content,
       encode(t.content_sha256, 'hex') as content_sha256, t.hash_only, t.recorded_at
  from sor.turns t;
comment on view sor_api.journal_turns is
  'Model turns visible to the caller (auditor: all; tenant member: its tenants). content is NULL in hash-only runs.';

create or replace view sor_api.journal_tool_calls
with (security_invoker = true, security_barrier = true) as
select c.tenant_id, c.tool_call_id, c.run_id, c.tool_name, c.status, c.args,
       encode(c.args_sha256, 'hex') as args_sha256, c.result, encode(c.result_sha256, 'hex') as result_sha256,
       c.error, encode(c.error_sha256, 'hex') as error_sha256, c.idempotency_key, c.hash_only,
       c.started_at, c.finished_at
  from sor.tool_calls c;
comment on view sor_api.journal_tool_calls is
  'Tool calls visible to the caller (auditor: all; tenant member: its tenants). A call still started after its run was abandoned is an unfinished call; arguments are NULL in hash-only runs.';

create or replace view sor_api.journal_steps
with (security_invoker = true, security_barrier = true) as
select s.tenant_id, s.run_id, s.step_id, s.version, s.output, s.event_count, s.command_count, s.block_id,
       s.committed_at, s.committed_by
  from sor.steps s;
comment on view sor_api.journal_steps is
  'Committed steps with their recorded outputs, visible to the caller (auditor: all; tenant member: its tenants).';

create or replace view sor_api.journal_blocks
with (security_invoker = true, security_barrier = true) as
select b.tenant_id, b.block_id, b.run_id, b.step_id, b.kind, b.status, b.command, b.opened_at,
       b.resolved_at, b.resolved_by, b.approved, b.note
  from sor.blocks b;
comment on view sor_api.journal_blocks is
  'Review and suspend blocks visible to the caller (auditor: all; tenant member or approver: its tenants); approvers find active blocks here.';

reset role;

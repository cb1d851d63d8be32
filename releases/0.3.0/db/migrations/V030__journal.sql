-- V030: the Worker journal and run state: workers, tenant settings, runs, turns, tool calls,
-- recorded steps, blocks and idempotency keys.
--
-- Why: a Worker's execution must be reconstructable from rows after a crash (runs, turns, tool
--      calls), its state must advance under optimistic locking with exactly-once steps (runs.version,
--      state, overlay, sor.steps), review and suspend commands hold side effects back (sor.blocks),
--      and a retried Worker must never do the work twice (sor.idempotency_keys). The event triggers
--      are attached in db/policies once their functions exist.
-- Locks: creates new tables only.
-- Reversal: drop table sor.idempotency_keys, sor.blocks, sor.steps, sor.tool_calls, sor.turns,
--      sor.runs, sor.tenant_settings, sor.workers (guarded: needs approvals; the journal is a record
--      of what happened and is normally never reversed).
set role sor_owner;

create table sor.workers (
  role_name     name        not null,
  kind          text        not null,
  registered_at timestamptz not null default pg_catalog.now(),
  registered_by name        not null default session_user,
  constraint workers_pkey primary key (role_name),
  constraint workers_kind_format check (kind ~ '^[a-z][a-z0-9_.-]{0,99}$')
);
comment on table sor.workers is 'Registered Workers: a login role that is a member of sor_worker, with its kind (e.g. expense-reconciler). Functions identify the Worker by session_user.';
comment on column sor.workers.kind is 'What the Worker is; the tool registry allow-lists tools per kind.';

create table sor.tenant_settings (
  tenant_id             text        not null,
  hash_only             boolean     not null default false,
  idempotency_retention interval    not null default interval '24 hours',
  updated_at            timestamptz not null default pg_catalog.now(),
  updated_by            name        not null default session_user,
  constraint tenant_settings_pkey primary key (tenant_id),
  constraint tenant_settings_tenant_fkey foreign key (tenant_id) references sor.tenants (tenant_id),
  constraint tenant_settings_retention_range check (idempotency_retention between interval '1 second' and interval '90 days')
);
comment on table sor.tenant_settings is 'Per-tenant journal settings; a tenant without a row uses the defaults (not hash-only, 24 hours retention).';
comment on column sor.tenant_settings.hash_only is 'Every new run of the tenant is hash-only: content is never stored, only its sha256.';
comment on column sor.tenant_settings.idempotency_retention is 'How long an idempotency key binds its request; an expired key is free again and swept by sweep_idempotency_keys().';

create table sor.runs (
  tenant_id        text        not null,
  run_id           uuid        not null default pg_catalog.gen_random_uuid(),
  workflow         text        not null,
  idempotency_key  text,
  input            jsonb,
  input_sha256     bytea       not null,
  worker_role      name        not null,
  worker_kind      text        not null,
  status           text        not null default 'running',
  lease_seconds    integer     not null,
  lease_expires_at timestamptz not null,
  heartbeat_at     timestamptz,
  version          integer     not null default 0,
  state            jsonb       not null default '{}'::jsonb,
  overlay          jsonb       not null default '{}'::jsonb,
  last_step_id     text,
  hash_only        boolean     not null default false,
  started_at       timestamptz not null default pg_catalog.now(),
  finished_at      timestamptz,
  error            jsonb,
  error_sha256     bytea,
  constraint runs_pkey primary key (tenant_id, run_id),
  constraint runs_tenant_fkey foreign key (tenant_id) references sor.tenants (tenant_id),
  constraint runs_status_check check (status in ('running', 'succeeded', 'failed', 'abandoned')),
  constraint runs_finished_check check ((status = 'running') = (finished_at is null)),
  constraint runs_version_check check (version >= 0),
  constraint runs_lease_check check (lease_seconds between 1 and 3600),
  constraint runs_state_object check (pg_catalog.jsonb_typeof(state) = 'object' and pg_catalog.jsonb_typeof(overlay) = 'object'),
  constraint runs_hash_only_check check (not hash_only or (input is null and error is null)),
  constraint runs_sha256_length check (pg_catalog.length(input_sha256) = 32 and (error_sha256 is null or pg_catalog.length(error_sha256) = 32)),
  constraint runs_error_check check (status = 'failed' or (error is null and error_sha256 is null)),
  constraint runs_workflow_format check (workflow ~ '^[a-z][a-z0-9_.-]{0,99}$')
) with (fillfactor = 80);
create index runs_run_id_idx on sor.runs (run_id);
create index runs_worker_idx on sor.runs (worker_role, started_at);
create index runs_lease_idx on sor.runs (lease_expires_at) where status = 'running';
comment on table sor.runs is 'One row per Worker run: who runs it, its lease, its status, and its Verist state (version, state, overlay). Every status change writes an event from a trigger.';
comment on column sor.runs.idempotency_key is 'Key the run was started with; sor.idempotency_keys binds it to this run for the retention window.';
comment on column sor.runs.input is 'Run input; NULL in hash-only runs.';
comment on column sor.runs.input_sha256 is 'sha256 of the input (of its jsonb text rendering when the database computed it); the fingerprint of start_run.';
comment on column sor.runs.status is 'running, succeeded, failed, or abandoned (the lease lapsed: marked by the next reader or by sweep_abandoned_runs()).';
comment on column sor.runs.lease_expires_at is 'The run is alive while this lies in the future (database clock); heartbeats push it forward.';
comment on column sor.runs.version is 'Optimistic-lock version: 0 after start_run, +1 for each committed step.';
comment on column sor.runs.state is 'Workflow state: each committed step output is merged shallowly (jsonb ||); keys are never deleted.';
comment on column sor.runs.overlay is 'Human corrections, last write wins, not versioned; effective state is state || overlay.';
comment on column sor.runs.last_step_id is 'Step whose commit produced the current version.';
comment on column sor.runs.hash_only is 'Content (input, error, turn content, tool-call arguments, results and errors) is stored only as sha256.';
comment on column sor.runs.error is 'Why a failed run failed; NULL in hash-only runs (see error_sha256).';

create table sor.turns (
  tenant_id      text        not null,
  run_id         uuid        not null,
  turn_no        integer     not null,
  model          text        not null,
  role           text        not null,
  input_tokens   integer     not null default 0,
  output_tokens  integer     not null default 0,
  content        text,
  content_sha256 bytea,
  hash_only      boolean     not null default false,
  recorded_at    timestamptz not null default pg_catalog.now(),
  constraint turns_pkey primary key (tenant_id, run_id, turn_no),
  constraint turns_run_fkey foreign key (tenant_id, run_id) references sor.runs (tenant_id, run_id),
  constraint turns_role_check check (role in ('system', 'user', 'assistant', 'tool')),
  constraint turns_tokens_check check (input_tokens >= 0 and output_tokens >= 0),
  constraint turns_turn_no_check check (turn_no >= 1),
  constraint turns_hash_only_check check (not hash_only or (content is null and content_sha256 is not null)),
  constraint turns_sha256_check check ((content is null or content_sha256 is not null) and (content_sha256 is null or pg_catalog.length(content_sha256) = 32))
);
comment on table sor.turns is 'Model turns of a run: model, role, token counts and content (or only its sha256 in hash-only runs).';
comment on column sor.turns.content_sha256 is 'sha256 of the UTF-8 content; mandatory in hash-only runs, where the content itself is never stored.';
comment on column sor.turns.hash_only is 'Copied from the run: the row holds no content.';

create table sor.tool_calls (
  tenant_id       text        not null,
  tool_call_id    uuid        not null default pg_catalog.gen_random_uuid(),
  run_id          uuid        not null,
  tool_name       text        not null,
  args            jsonb,
  args_sha256     bytea       not null,
  status          text        not null default 'started',
  result          jsonb,
  result_sha256   bytea,
  error           jsonb,
  error_sha256    bytea,
  idempotency_key text,
  hash_only       boolean     not null default false,
  started_at      timestamptz not null default pg_catalog.now(),
  finished_at     timestamptz,
  constraint tool_calls_pkey primary key (tenant_id, tool_call_id),
  constraint tool_calls_run_fkey foreign key (tenant_id, run_id) references sor.runs (tenant_id, run_id),
  constraint tool_calls_status_check check (status in ('started', 'succeeded', 'failed')),
  constraint tool_calls_finished_check check ((status = 'started') = (finished_at is null)),
  constraint tool_calls_outcome_check check (status <> 'succeeded' or (error is null and error_sha256 is null)),
  constraint tool_calls_error_check check (status <> 'failed' or (error_sha256 is not null and result is null and result_sha256 is null)),
  constraint tool_calls_hash_only_check check (not hash_only or (args is null and result is null and error is null)),
  constraint tool_calls_args_check check (hash_only or args is not null),
  constraint tool_calls_sha256_length check (pg_catalog.length(args_sha256) = 32
    and (result_sha256 is null or pg_catalog.length(result_sha256) = 32)
    and (error_sha256 is null or pg_catalog.length(error_sha256) = 32))
) with (fillfactor = 80);
create index tool_calls_run_idx on sor.tool_calls (tenant_id, run_id, started_at);
create index tool_calls_tool_call_id_idx on sor.tool_calls (tool_call_id);
comment on table sor.tool_calls is 'Tool calls of a run, journaled before the tool runs (started) and finished with a result or an error; a call still started after its run was abandoned stays visible with its arguments.';
comment on column sor.tool_calls.args is 'Arguments; NULL in hash-only runs (see args_sha256).';
comment on column sor.tool_calls.args_sha256 is 'sha256 of the arguments'' jsonb text rendering.';
comment on column sor.tool_calls.status is 'started (in flight, or unfinished forever when the run was abandoned), succeeded or failed.';
comment on column sor.tool_calls.idempotency_key is 'Tenant-scoped key the call was made with, if any; see sor.idempotency_keys.';

create table sor.steps (
  tenant_id      text        not null,
  run_id         uuid        not null,
  step_id        text        not null,
  version        integer     not null,
  output         jsonb       not null,
  event_count    integer     not null,
  command_count  integer     not null,
  block_id       bigint,
  committed_at   timestamptz not null default pg_catalog.now(),
  committed_by   name        not null default session_user,
  constraint steps_pkey primary key (tenant_id, run_id, step_id),
  constraint steps_version_key unique (tenant_id, run_id, version),
  constraint steps_run_fkey foreign key (tenant_id, run_id) references sor.runs (tenant_id, run_id),
  constraint steps_version_check check (version >= 1),
  constraint steps_counts_check check (event_count >= 0 and command_count >= 0)
);
comment on table sor.steps is 'Recorded output of every committed step: commit_step returns it instead of committing a step twice (exactly-once steps).';
comment on column sor.steps.version is 'Run version this step''s commit produced.';

create table sor.blocks (
  tenant_id   text        not null,
  block_id    bigint      not null generated always as identity,
  run_id      uuid        not null,
  step_id     text        not null,
  kind        text        not null,
  status      text        not null default 'active',
  command     jsonb       not null,
  opened_at   timestamptz not null default pg_catalog.now(),
  resolved_at timestamptz,
  resolved_by name,
  approved    boolean,
  note        text,
  constraint blocks_pkey primary key (tenant_id, block_id),
  constraint blocks_run_fkey foreign key (tenant_id, run_id) references sor.runs (tenant_id, run_id),
  constraint blocks_kind_check check (kind in ('review', 'suspend')),
  constraint blocks_status_check check (status in ('active', 'approved', 'rejected')),
  constraint blocks_resolved_check check ((status = 'active') = (resolved_at is null and resolved_by is null and approved is null)),
  constraint blocks_note_length check (note is null or pg_catalog.length(note) <= 2000)
);
create unique index blocks_one_active_idx on sor.blocks (tenant_id, run_id) where status = 'active';
create index blocks_block_id_idx on sor.blocks (block_id);
comment on table sor.blocks is 'Review and suspend blocks opened by commit_step. At most one active block per run (partial unique index blocks_one_active_idx).';
comment on column sor.blocks.command is 'The review or suspend command as the step gave it.';
comment on column sor.blocks.status is 'active until an approver resolves it: approved or rejected.';
comment on index sor.blocks_one_active_idx is 'At most one active block per run.';

create table sor.idempotency_keys (
  tenant_id       text        not null,
  scope           text        not null,
  idempotency_key text        not null,
  fingerprint     bytea       not null,
  run_id          uuid,
  tool_call_id    uuid,
  created_at      timestamptz not null default pg_catalog.now(),
  created_by      name        not null default session_user,
  expires_at      timestamptz not null,
  constraint idempotency_keys_pkey primary key (tenant_id, scope, idempotency_key),
  constraint idempotency_keys_tenant_fkey foreign key (tenant_id) references sor.tenants (tenant_id),
  constraint idempotency_keys_key_length check (pg_catalog.length(idempotency_key) between 1 and 255),
  constraint idempotency_keys_fingerprint_length check (pg_catalog.length(fingerprint) = 32),
  constraint idempotency_keys_target_check check (num_nonnulls(run_id, tool_call_id) >= 1)
);
create index idempotency_keys_expires_idx on sor.idempotency_keys (expires_at);
comment on table sor.idempotency_keys is 'Idempotency keys, per tenant and scope (start_run:<workflow> or tool_call), with Stripe''s semantics: same key and fingerprint replays, another fingerprint is refused, an expired key is free.';
comment on column sor.idempotency_keys.scope is 'start_run:<workflow> for run starts, tool_call for tool calls.';
comment on column sor.idempotency_keys.fingerprint is 'sha256 of the request the key was first used with.';
comment on column sor.idempotency_keys.expires_at is 'End of the retention window; sweep_idempotency_keys() deletes expired keys.';

alter table sor.workers enable row level security;
alter table sor.workers force row level security;
alter table sor.tenant_settings enable row level security;
alter table sor.tenant_settings force row level security;
alter table sor.runs enable row level security;
alter table sor.runs force row level security;
alter table sor.turns enable row level security;
alter table sor.turns force row level security;
alter table sor.tool_calls enable row level security;
alter table sor.tool_calls force row level security;
alter table sor.steps enable row level security;
alter table sor.steps force row level security;
alter table sor.blocks enable row level security;
alter table sor.blocks force row level security;
alter table sor.idempotency_keys enable row level security;
alter table sor.idempotency_keys force row level security;

reset role;

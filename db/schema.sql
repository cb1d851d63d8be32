-- pg-sor schema snapshot: the kit's schemas as the migrations leave them.
-- Generated from the catalog; do not edit. Regenerate with the command in README.md.
-- PostgreSQL major version: 17

-- schemas

create schema reconciler authorization sor_owner;
create schema sor authorization sor_owner;
create schema sor_api authorization sor_owner;
create schema sor_guard authorization sor_guardian;

-- sequences

create sequence reconciler.expenses_expense_id_seq as bigint increment 1 minvalue 1 maxvalue 9223372036854775807 start 1 cache 1;
create sequence sor.blocks_block_id_seq as bigint increment 1 minvalue 1 maxvalue 9223372036854775807 start 1 cache 1;
create sequence sor.ddl_approvals_approval_id_seq as bigint increment 1 minvalue 1 maxvalue 9223372036854775807 start 1 cache 1;
create sequence sor.ddl_audit_audit_id_seq as bigint increment 1 minvalue 1 maxvalue 9223372036854775807 start 1 cache 1;
create sequence sor.events_position_seq as bigint increment 1 minvalue 1 maxvalue 9223372036854775807 start 1 cache 1;
create sequence sor.fencing_tokens as bigint increment 1 minvalue 1 maxvalue 9223372036854775807 start 1 cache 1;
create sequence sor.outbox_ids as bigint increment 1 minvalue 1 maxvalue 9223372036854775807 start 1 cache 1;
create sequence sor.tasks_task_id_seq as bigint increment 1 minvalue 1 maxvalue 9223372036854775807 start 1 cache 1;
create sequence sor_guard.contracts_entry_id_seq as bigint increment 1 minvalue 1 maxvalue 9223372036854775807 start 1 cache 1;
create sequence sor_guard.kit_partitions_entry_id_seq as bigint increment 1 minvalue 1 maxvalue 9223372036854775807 start 1 cache 1;
create sequence sor_guard.register_entry_id_seq as bigint increment 1 minvalue 1 maxvalue 9223372036854775807 start 1 cache 1;
create sequence sor_guard.releases_entry_id_seq as bigint increment 1 minvalue 1 maxvalue 9223372036854775807 start 1 cache 1;

-- tables

create table reconciler.categories (
  tenant_id text not null,
  category_id text not null,
  label text not null,
  constraint categories_pkey PRIMARY KEY (tenant_id, category_id),
  constraint categories_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES sor.tenants(tenant_id),
  constraint categories_id_format CHECK ((category_id ~ '^[a-z][a-z0-9_]{0,39}$'::text))
);

create table reconciler.category_rules (
  tenant_id text not null,
  rule_id integer not null,
  pattern text not null,
  category_id text not null,
  constraint category_rules_pkey PRIMARY KEY (tenant_id, rule_id),
  constraint category_rules_category_fkey FOREIGN KEY (tenant_id, category_id) REFERENCES reconciler.categories(tenant_id, category_id)
);

create table reconciler.expenses (
  tenant_id text not null,
  expense_id bigint generated always as identity not null,
  bank_txn_id text not null,
  account_holder text not null,
  category_id text not null,
  amount numeric(12,2) not null,
  currency character(3) not null,
  booked_on date not null,
  description text not null,
  run_id uuid,
  tool_call_id uuid,
  recorded_by name default SESSION_USER not null,
  recorded_at timestamp with time zone default now() not null,
  constraint expenses_source_key UNIQUE (tenant_id, bank_txn_id),
  constraint expenses_pkey PRIMARY KEY (tenant_id, expense_id),
  constraint expenses_category_fkey FOREIGN KEY (tenant_id, category_id) REFERENCES reconciler.categories(tenant_id, category_id),
  constraint expenses_source_fkey FOREIGN KEY (tenant_id, bank_txn_id) REFERENCES reconciler.pending_transactions(tenant_id, bank_txn_id)
);

create table reconciler.pending_transactions (
  tenant_id text not null,
  bank_txn_id text not null,
  account_holder text not null,
  holder_email text not null,
  booked_on date not null,
  description text not null,
  amount numeric(12,2) not null,
  currency character(3) not null,
  status text default 'pending'::text not null,
  ingested_at timestamp with time zone default now() not null,
  constraint pending_transactions_pkey PRIMARY KEY (tenant_id, bank_txn_id),
  constraint pending_transactions_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES sor.tenants(tenant_id),
  constraint pending_transactions_currency_format CHECK ((currency ~ '^[A-Z]{3}$'::text)),
  constraint pending_transactions_email_format CHECK ((holder_email ~ '^[^@\s]+@[^@\s]+$'::text)),
  constraint pending_transactions_status_check CHECK ((status = ANY (ARRAY['pending'::text, 'reconciled'::text]))),
  constraint pending_transactions_txn_format CHECK ((bank_txn_id ~ '^[A-Za-z0-9_.:-]{1,64}$'::text))
) with (fillfactor=90);

create table sor.append_only_tables (
  table_schema name not null,
  table_name name not null,
  registered_at timestamp with time zone default now() not null,
  registered_by name default SESSION_USER not null,
  constraint append_only_tables_pkey PRIMARY KEY (table_schema, table_name)
);

create table sor.blocks (
  tenant_id text not null,
  block_id bigint generated always as identity not null,
  run_id uuid not null,
  step_id text not null,
  kind text not null,
  status text default 'active'::text not null,
  command jsonb not null,
  opened_at timestamp with time zone default now() not null,
  resolved_at timestamp with time zone,
  resolved_by name,
  approved boolean,
  note text,
  constraint blocks_pkey PRIMARY KEY (tenant_id, block_id),
  constraint blocks_run_fkey FOREIGN KEY (tenant_id, run_id) REFERENCES sor.runs(tenant_id, run_id),
  constraint blocks_kind_check CHECK ((kind = ANY (ARRAY['review'::text, 'suspend'::text]))),
  constraint blocks_note_length CHECK (((note IS NULL) OR (length(note) <= 2000))),
  constraint blocks_resolved_check CHECK (((status = 'active'::text) = ((resolved_at IS NULL) AND (resolved_by IS NULL) AND (approved IS NULL)))),
  constraint blocks_status_check CHECK ((status = ANY (ARRAY['active'::text, 'approved'::text, 'rejected'::text])))
);

create table sor.ddl_approvals (
  approval_id bigint generated always as identity not null,
  operation text not null,
  object_identity text not null,
  ticket text not null,
  rehearsed_on text not null,
  approved_by name default SESSION_USER not null,
  approved_at timestamp with time zone default clock_timestamp() not null,
  expires_at timestamp with time zone not null,
  consumed_at timestamp with time zone,
  consumed_by name,
  consumed_statement text,
  constraint ddl_approvals_pkey PRIMARY KEY (approval_id),
  constraint ddl_approvals_consumed_check CHECK ((((consumed_at IS NULL) = (consumed_by IS NULL)) AND ((consumed_at IS NULL) = (consumed_statement IS NULL)))),
  constraint ddl_approvals_expiry_check CHECK ((expires_at > approved_at)),
  constraint ddl_approvals_operation_check CHECK ((operation = ANY (ARRAY['drop schema'::text, 'alter schema'::text, 'drop table'::text, 'alter table'::text, 'rename'::text, 'drop column'::text, 'alter column'::text, 'alter column type'::text, 'disable row level security'::text, 'no force row level security'::text, 'detach partition'::text, 'attach partition'::text, 'drop trigger'::text, 'disable trigger'::text, 'alter trigger'::text, 'create trigger'::text, 'drop rule'::text, 'alter rule'::text, 'create rule'::text, 'drop policy'::text, 'alter policy'::text, 'create policy'::text, 'drop constraint'::text, 'alter constraint'::text, 'drop index'::text, 'alter index'::text, 'drop view'::text, 'alter view'::text, 'drop function'::text, 'replace function'::text, 'grant'::text, 'upgrade release'::text]))),
  constraint ddl_approvals_rehearsed_on_length CHECK (((length(btrim(rehearsed_on)) >= 1) AND (length(btrim(rehearsed_on)) <= 500))),
  constraint ddl_approvals_ticket_length CHECK (((length(btrim(ticket)) >= 1) AND (length(btrim(ticket)) <= 200)))
);

create table sor.ddl_audit (
  audit_id bigint generated always as identity not null,
  occurred_at timestamp with time zone default clock_timestamp() not null,
  session_role name default SESSION_USER not null,
  set_role text not null,
  command_tag text not null,
  operation text not null,
  object_identity text not null,
  statement text,
  approval_id bigint,
  outcome text default 'allowed'::text not null,
  tx_id xid8 default pg_current_xact_id() not null,
  definition_sha256 bytea,
  constraint ddl_audit_pkey PRIMARY KEY (audit_id),
  constraint ddl_audit_approval_fkey FOREIGN KEY (approval_id) REFERENCES sor.ddl_approvals(approval_id),
  constraint ddl_audit_outcome_check CHECK ((((outcome = 'allowed'::text) AND (approval_id IS NOT NULL)) OR ((outcome = 'recorded'::text) AND (approval_id IS NULL))))
);

create table sor.dedupe_keys (
  tenant_id text not null,
  scope text not null,
  dedupe_key text not null,
  target_id bigint not null,
  created_at timestamp with time zone default now() not null,
  constraint dedupe_keys_pkey PRIMARY KEY (tenant_id, scope, dedupe_key),
  constraint dedupe_keys_key_length CHECK (((length(dedupe_key) >= 1) AND (length(dedupe_key) <= 200)))
) with (fillfactor=90);

create table sor.domain_schemas (
  schema_name name not null,
  registered_at timestamp with time zone default now() not null,
  constraint domain_schemas_pkey PRIMARY KEY (schema_name)
);

create table sor.event_keys (
  tenant_id text not null,
  idempotency_key text not null,
  fingerprint bytea not null,
  "position" bigint,
  stream text,
  version integer,
  hash bytea,
  created_at timestamp with time zone default now() not null,
  constraint event_keys_pkey PRIMARY KEY (tenant_id, idempotency_key),
  constraint event_keys_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES sor.tenants(tenant_id),
  constraint event_keys_event CHECK ((num_nulls("position", stream, version, hash) = ANY (ARRAY[0, 4]))),
  constraint event_keys_fingerprint_length CHECK ((length(fingerprint) = 32)),
  constraint event_keys_key_format CHECK (((length(idempotency_key) >= 1) AND (length(idempotency_key) <= 255) AND (idempotency_key !~ '[[:cntrl:]]'::text)))
) with (fillfactor=80, autovacuum_vacuum_scale_factor=0.02, autovacuum_analyze_scale_factor=0.02);

create table sor.events (
  tenant_id text not null,
  "position" bigint not null,
  stream text not null,
  version integer not null,
  type text not null,
  payload jsonb default '{}'::jsonb not null,
  metadata jsonb default '{}'::jsonb not null,
  actor name default SESSION_USER not null,
  occurred_at timestamp with time zone default now() not null,
  tx_id xid8 default pg_current_xact_id() not null,
  prev_hash bytea,
  hash bytea not null,
  constraint events_pkey PRIMARY KEY (tenant_id, "position", occurred_at),
  constraint events_hash_length CHECK (((length(hash) = 32) AND ((prev_hash IS NULL) OR (length(prev_hash) = 32)))),
  constraint events_metadata_object CHECK ((jsonb_typeof(metadata) = 'object'::text)),
  constraint events_payload_object CHECK ((jsonb_typeof(payload) = 'object'::text)),
  constraint events_stream_format CHECK (((stream ~ '^[a-z][a-z0-9_]*(-[A-Za-z0-9_:.@-]+)?$'::text) AND (length(stream) <= 200))),
  constraint events_type_format CHECK (((type ~ '^[A-Za-z][A-Za-z0-9_.:-]*$'::text) AND (length(type) <= 100))),
  constraint events_version_positive CHECK ((version >= 1))
) partition by RANGE (occurred_at);

create table sor.finished_tasks (
  tenant_id text not null,
  task_id bigint not null,
  queue text not null,
  subject text not null,
  payload jsonb not null,
  priority integer not null,
  attempts integer not null,
  max_attempts integer not null,
  dedupe_key text,
  status text not null,
  claimed_by name,
  fencing_token bigint,
  last_error text,
  result jsonb,
  created_at timestamp with time zone not null,
  created_by name not null,
  finished_at timestamp with time zone not null,
  claimed_at timestamp with time zone,
  completion_event boolean default true not null,
  constraint finished_tasks_pkey PRIMARY KEY (tenant_id, task_id, finished_at),
  constraint finished_tasks_status_check CHECK ((status = ANY (ARRAY['completed'::text, 'dead'::text])))
) partition by RANGE (finished_at);

create table sor.idempotency_keys (
  tenant_id text not null,
  scope text not null,
  idempotency_key text not null,
  fingerprint bytea not null,
  run_id uuid,
  tool_call_id uuid,
  created_at timestamp with time zone default now() not null,
  created_by name default SESSION_USER not null,
  expires_at timestamp with time zone not null,
  constraint idempotency_keys_pkey PRIMARY KEY (tenant_id, scope, idempotency_key),
  constraint idempotency_keys_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES sor.tenants(tenant_id),
  constraint idempotency_keys_fingerprint_length CHECK ((length(fingerprint) = 32)),
  constraint idempotency_keys_key_length CHECK (((length(idempotency_key) >= 1) AND (length(idempotency_key) <= 255))),
  constraint idempotency_keys_target_check CHECK ((num_nonnulls(run_id, tool_call_id) >= 1))
) with (autovacuum_vacuum_scale_factor=0.01, autovacuum_vacuum_threshold=200, autovacuum_vacuum_insert_scale_factor=0.05, autovacuum_analyze_scale_factor=0.02, autovacuum_vacuum_cost_delay=0);

create table sor.ledger_blocks (
  block_id bigint not null,
  from_tx xid8 not null,
  to_tx xid8 not null,
  events bigint not null,
  first_position bigint not null,
  last_position bigint not null,
  first_occurred_at timestamp with time zone not null,
  last_occurred_at timestamp with time zone not null,
  events_sha256 bytea not null,
  prev_block_hash bytea,
  block_hash bytea not null,
  sealed_at timestamp with time zone default clock_timestamp() not null,
  sealed_by name default SESSION_USER not null,
  constraint ledger_blocks_pkey PRIMARY KEY (block_id),
  constraint ledger_blocks_chain_check CHECK (((block_id = 1) = (prev_block_hash IS NULL))),
  constraint ledger_blocks_hash_length CHECK (((length(block_hash) = 32) AND (length(events_sha256) = 32))),
  constraint ledger_blocks_range_check CHECK (((from_tx < to_tx) AND (first_position <= last_position) AND (events >= 1) AND (first_occurred_at <= last_occurred_at)))
);

create table sor.outbox (
  tenant_id text not null,
  outbox_id bigint default nextval('sor.outbox_ids'::regclass) not null,
  event_id uuid default gen_random_uuid() not null,
  topic text not null,
  aggregate_type text not null,
  aggregate_id text not null,
  payload jsonb default '{}'::jsonb not null,
  headers jsonb default '{}'::jsonb not null,
  dedupe_key text not null,
  status text default 'pending'::text not null,
  attempts integer default 0 not null,
  max_attempts integer default 8 not null,
  available_at timestamp with time zone default now() not null,
  leased_by name,
  lease_token bigint,
  lease_expires_at timestamp with time zone,
  provider_ref text,
  dispatched_at timestamp with time zone,
  last_error text,
  run_id uuid,
  step_id text,
  block_id bigint,
  created_at timestamp with time zone default now() not null,
  created_by name default SESSION_USER not null,
  constraint outbox_pkey PRIMARY KEY (tenant_id, outbox_id, created_at),
  constraint outbox_attempts_check CHECK (((attempts >= 0) AND (max_attempts >= 1))),
  constraint outbox_dedupe_key_length CHECK (((length(dedupe_key) >= 1) AND (length(dedupe_key) <= 200))),
  constraint outbox_dispatched_check CHECK (((status = 'dispatched'::text) = (dispatched_at IS NOT NULL))),
  constraint outbox_lease_check CHECK (((status = 'leased'::text) = ((lease_token IS NOT NULL) AND (lease_expires_at IS NOT NULL) AND (leased_by IS NOT NULL)))),
  constraint outbox_payload_object CHECK (((jsonb_typeof(payload) = 'object'::text) AND (jsonb_typeof(headers) = 'object'::text))),
  constraint outbox_status_check CHECK ((status = ANY (ARRAY['pending'::text, 'deferred'::text, 'leased'::text, 'dispatched'::text, 'failed'::text, 'dead'::text, 'discarded'::text]))),
  constraint outbox_topic_length CHECK (((length(topic) >= 1) AND (length(topic) <= 200)))
) partition by RANGE (created_at);

create table sor.queues (
  queue text not null,
  description text not null,
  max_attempts integer default 5 not null,
  backoff_base interval default '00:00:01'::interval not null,
  backoff_max interval default '01:00:00'::interval not null,
  created_at timestamp with time zone default now() not null,
  created_by name default SESSION_USER not null,
  completion_record text default 'event'::text not null,
  completion_record_set_at timestamp with time zone,
  completion_record_set_by name,
  constraint queues_pkey PRIMARY KEY (queue),
  constraint queues_backoff_range CHECK (((backoff_base > '00:00:00'::interval) AND (backoff_max >= backoff_base))),
  constraint queues_completion_record_check CHECK ((completion_record = ANY (ARRAY['event'::text, 'row'::text]))),
  constraint queues_description_length CHECK (((length(description) >= 1) AND (length(description) <= 500))),
  constraint queues_max_attempts_range CHECK (((max_attempts >= 1) AND (max_attempts <= 100))),
  constraint queues_queue_format CHECK ((queue ~ '^[a-z][a-z0-9_.-]{1,62}$'::text))
);

create table sor.quota_defaults (
  kind text not null,
  max_pending bigint not null,
  set_at timestamp with time zone default clock_timestamp() not null,
  set_by name default SESSION_USER not null,
  constraint quota_defaults_pkey PRIMARY KEY (kind),
  constraint quota_defaults_kind_check CHECK ((kind = ANY (ARRAY['tasks'::text, 'outbox'::text]))),
  constraint quota_defaults_max_check CHECK (((max_pending >= 0) AND (max_pending <= 1000000000)))
);

create table sor.reserved_names (
  kind text not null,
  name text not null,
  reserved_at timestamp with time zone default now() not null,
  reserved_by name default SESSION_USER not null,
  constraint reserved_names_pkey PRIMARY KEY (kind, name),
  constraint reserved_names_kind_check CHECK ((kind = ANY (ARRAY['stream category'::text, 'event type prefix'::text, 'outbox topic'::text]))),
  constraint reserved_names_name_check CHECK (((length(name) >= 1) AND (length(name) <= 100)))
);

create table sor.retention_policies (
  table_name text not null,
  keep interval not null,
  set_at timestamp with time zone default clock_timestamp() not null,
  set_by name default SESSION_USER not null,
  reason text not null,
  constraint retention_policies_pkey PRIMARY KEY (table_name, set_at),
  constraint retention_policies_keep_check CHECK ((keep >= '1 mon'::interval)),
  constraint retention_policies_table_check CHECK ((table_name = ANY (ARRAY['sor.events'::text, 'sor.outbox'::text, 'sor.finished_tasks'::text])))
);

create table sor.retired_partitions (
  partition_name text not null,
  parent_table text not null,
  range_from timestamp with time zone,
  range_to timestamp with time zone not null,
  row_count bigint not null,
  content_sha256 bytea not null,
  approval_id bigint,
  retired_at timestamp with time zone default clock_timestamp() not null,
  retired_by name default SESSION_USER not null,
  constraint retired_partitions_pkey PRIMARY KEY (partition_name)
);

create table sor.retired_stream_heads (
  tenant_id text not null,
  stream text not null,
  partition_name text not null,
  version integer not null,
  "position" bigint not null,
  hash bytea not null,
  constraint retired_stream_heads_pkey PRIMARY KEY (tenant_id, stream, partition_name)
);

create table sor.run_tasks (
  tenant_id text not null,
  run_id uuid not null,
  task_id bigint not null,
  link text not null,
  fencing_token bigint default 0 not null,
  linked_at timestamp with time zone default clock_timestamp() not null,
  constraint run_tasks_pkey PRIMARY KEY (tenant_id, run_id, task_id, link, fencing_token),
  constraint run_tasks_run_fkey FOREIGN KEY (tenant_id, run_id) REFERENCES sor.runs(tenant_id, run_id),
  constraint run_tasks_link_check CHECK ((link = ANY (ARRAY['enqueued'::text, 'claimed'::text]))),
  constraint run_tasks_token_check CHECK (((link = 'claimed'::text) = (fencing_token > 0)))
);

create table sor.runs (
  tenant_id text not null,
  run_id uuid default gen_random_uuid() not null,
  workflow text not null,
  idempotency_key text,
  input jsonb,
  input_sha256 bytea not null,
  worker_role name not null,
  worker_kind text not null,
  status text default 'running'::text not null,
  lease_seconds integer not null,
  lease_expires_at timestamp with time zone not null,
  heartbeat_at timestamp with time zone,
  version integer default 0 not null,
  state jsonb default '{}'::jsonb not null,
  "overlay" jsonb default '{}'::jsonb not null,
  last_step_id text,
  hash_only boolean default false not null,
  started_at timestamp with time zone default now() not null,
  finished_at timestamp with time zone,
  error jsonb,
  error_sha256 bytea,
  fencing_token bigint default 1 not null,
  resumed_at timestamp with time zone,
  resumed_by name,
  sweep_at timestamp with time zone default '-infinity'::timestamp with time zone not null,
  constraint runs_pkey PRIMARY KEY (tenant_id, run_id),
  constraint runs_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES sor.tenants(tenant_id),
  constraint runs_error_check CHECK (((status = 'failed'::text) OR ((error IS NULL) AND (error_sha256 IS NULL)))),
  constraint runs_finished_check CHECK (((status = 'running'::text) = (finished_at IS NULL))),
  constraint runs_hash_only_check CHECK (((NOT hash_only) OR ((input IS NULL) AND (error IS NULL)))),
  constraint runs_lease_check CHECK (((lease_seconds >= 1) AND (lease_seconds <= 3600))),
  constraint runs_sha256_length CHECK (((length(input_sha256) = 32) AND ((error_sha256 IS NULL) OR (length(error_sha256) = 32)))),
  constraint runs_state_object CHECK (((jsonb_typeof(state) = 'object'::text) AND (jsonb_typeof("overlay") = 'object'::text))),
  constraint runs_status_check CHECK ((status = ANY (ARRAY['running'::text, 'succeeded'::text, 'failed'::text, 'abandoned'::text]))),
  constraint runs_sweep_at_check CHECK (((status <> 'running'::text) OR (sweep_at <= lease_expires_at))),
  constraint runs_version_check CHECK ((version >= 0)),
  constraint runs_workflow_format CHECK ((workflow ~ '^[a-z][a-z0-9_.-]{0,99}$'::text))
) with (fillfactor=80, autovacuum_vacuum_scale_factor=0.01, autovacuum_vacuum_threshold=200, autovacuum_vacuum_insert_scale_factor=0.05, autovacuum_analyze_scale_factor=0.02, autovacuum_vacuum_cost_delay=0);

create table sor.steps (
  tenant_id text not null,
  run_id uuid not null,
  step_id text not null,
  version integer not null,
  output jsonb not null,
  event_count integer not null,
  command_count integer not null,
  block_id bigint,
  committed_at timestamp with time zone default now() not null,
  committed_by name default SESSION_USER not null,
  constraint steps_version_key UNIQUE (tenant_id, run_id, version),
  constraint steps_pkey PRIMARY KEY (tenant_id, run_id, step_id),
  constraint steps_run_fkey FOREIGN KEY (tenant_id, run_id) REFERENCES sor.runs(tenant_id, run_id),
  constraint steps_counts_check CHECK (((event_count >= 0) AND (command_count >= 0))),
  constraint steps_version_check CHECK ((version >= 1))
);

create table sor.streams (
  tenant_id text not null,
  stream text not null,
  version integer not null,
  last_position bigint,
  last_hash bytea,
  constraint streams_pkey PRIMARY KEY (tenant_id, stream),
  constraint streams_version_check CHECK (((version >= 0) AND ((version = 0) = (last_hash IS NULL)) AND ((version = 0) = (last_position IS NULL))))
) with (fillfactor=70, autovacuum_vacuum_scale_factor=0.01, autovacuum_vacuum_threshold=200, autovacuum_vacuum_insert_scale_factor=0.05, autovacuum_analyze_scale_factor=0.02, autovacuum_vacuum_cost_delay=0);

create table sor.subscriptions (
  tenant_id text not null,
  name text not null,
  stream_prefix text,
  last_tx_id xid8 default '0'::xid8 not null,
  last_position bigint default 0 not null,
  created_at timestamp with time zone default clock_timestamp() not null,
  created_by name default SESSION_USER not null,
  acked_at timestamp with time zone,
  acked_by name,
  constraint subscriptions_pkey PRIMARY KEY (tenant_id, name),
  constraint subscriptions_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES sor.tenants(tenant_id),
  constraint subscriptions_checkpoint CHECK (((last_position >= 0) AND ((last_position = 0) = (last_tx_id = '0'::xid8)))),
  constraint subscriptions_name_format CHECK ((name ~ '^[a-z][a-z0-9_.-]{0,99}$'::text)),
  constraint subscriptions_stream_prefix_format CHECK (((stream_prefix IS NULL) OR ((stream_prefix ~ '^[a-z][a-z0-9_]*(-[A-Za-z0-9_:.@-]*)?$'::text) AND (length(stream_prefix) <= 200))))
) with (autovacuum_vacuum_scale_factor=0.01, autovacuum_vacuum_threshold=200, autovacuum_analyze_scale_factor=0.02, autovacuum_vacuum_cost_delay=0);

create table sor.task_listeners (
  queue text not null,
  pid integer not null,
  listened_at timestamp with time zone default clock_timestamp() not null,
  role_name name not null,
  tenant_ids text[] not null,
  constraint task_listeners_pkey PRIMARY KEY (queue, pid)
);

create table sor.tasks (
  tenant_id text not null,
  task_id bigint generated always as identity not null,
  queue text not null,
  subject text not null,
  payload jsonb default '{}'::jsonb not null,
  priority integer default 0 not null,
  run_after timestamp with time zone default now() not null,
  attempts integer default 0 not null,
  max_attempts integer not null,
  dedupe_key text,
  status text default 'ready'::text not null,
  claimed_by name,
  fencing_token bigint,
  lease interval,
  lease_expires_at timestamp with time zone,
  last_error text,
  result jsonb,
  created_at timestamp with time zone default now() not null,
  created_by name default SESSION_USER not null,
  finished_at timestamp with time zone,
  claimed_at timestamp with time zone,
  constraint tasks_pkey PRIMARY KEY (tenant_id, task_id),
  constraint tasks_attempts_check CHECK (((attempts >= 0) AND ((max_attempts >= 1) AND (max_attempts <= 100)))),
  constraint tasks_claim_check CHECK (((status = 'claimed'::text) = ((fencing_token IS NOT NULL) AND (lease_expires_at IS NOT NULL) AND (claimed_by IS NOT NULL) AND (lease IS NOT NULL)))),
  constraint tasks_dedupe_key_length CHECK (((length(dedupe_key) >= 1) AND (length(dedupe_key) <= 200))),
  constraint tasks_payload_object CHECK ((jsonb_typeof(payload) = 'object'::text)),
  constraint tasks_status_check CHECK ((status = ANY (ARRAY['ready'::text, 'claimed'::text, 'failed'::text]))),
  constraint tasks_subject_length CHECK (((length(subject) >= 1) AND (length(subject) <= 200))),
  constraint tasks_unfinished_check CHECK (((finished_at IS NULL) AND (result IS NULL)))
) with (fillfactor=70, autovacuum_vacuum_scale_factor=0.01, autovacuum_vacuum_threshold=200, autovacuum_vacuum_insert_scale_factor=0.05, autovacuum_analyze_scale_factor=0.02, autovacuum_vacuum_cost_delay=0);

create table sor.tenant_members (
  tenant_id text not null,
  role_name name not null,
  added_at timestamp with time zone default now() not null,
  added_by name default SESSION_USER not null,
  constraint tenant_members_pkey PRIMARY KEY (tenant_id, role_name),
  constraint tenant_members_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES sor.tenants(tenant_id)
);

create table sor.tenant_quotas (
  tenant_id text not null,
  kind text not null,
  max_pending bigint not null,
  set_at timestamp with time zone default clock_timestamp() not null,
  set_by name default SESSION_USER not null,
  constraint tenant_quotas_pkey PRIMARY KEY (tenant_id, kind),
  constraint tenant_quotas_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES sor.tenants(tenant_id),
  constraint tenant_quotas_kind_check CHECK ((kind = ANY (ARRAY['tasks'::text, 'outbox'::text]))),
  constraint tenant_quotas_max_check CHECK (((max_pending >= 0) AND (max_pending <= 1000000000)))
);

create table sor.tenant_settings (
  tenant_id text not null,
  hash_only boolean default false not null,
  idempotency_retention interval default '24:00:00'::interval not null,
  updated_at timestamp with time zone default now() not null,
  updated_by name default SESSION_USER not null,
  constraint tenant_settings_pkey PRIMARY KEY (tenant_id),
  constraint tenant_settings_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES sor.tenants(tenant_id),
  constraint tenant_settings_retention_range CHECK (((idempotency_retention >= '00:00:01'::interval) AND (idempotency_retention <= '90 days'::interval)))
);

create table sor.tenant_usage (
  tenant_id text not null,
  kind text not null,
  slot smallint not null,
  pending bigint not null,
  constraint tenant_usage_pkey PRIMARY KEY (tenant_id, kind, slot),
  constraint tenant_usage_kind_check CHECK ((kind = ANY (ARRAY['tasks'::text, 'outbox'::text]))),
  constraint tenant_usage_slot_check CHECK (((slot >= 0) AND (slot <= 15)))
) with (fillfactor=50, autovacuum_vacuum_scale_factor=0.01, autovacuum_vacuum_threshold=200, autovacuum_analyze_scale_factor=0.02, autovacuum_vacuum_cost_delay=0);

create table sor.tenants (
  tenant_id text not null,
  display_name text not null,
  created_at timestamp with time zone default now() not null,
  created_by name default SESSION_USER not null,
  constraint tenants_pkey PRIMARY KEY (tenant_id),
  constraint tenants_display_name_length CHECK (((length(display_name) >= 1) AND (length(display_name) <= 200))),
  constraint tenants_tenant_id_format CHECK ((tenant_id ~ '^[a-z][a-z0-9_-]{1,62}$'::text))
);

create table sor.tool_calls (
  tenant_id text not null,
  tool_call_id uuid default gen_random_uuid() not null,
  run_id uuid not null,
  tool_name text not null,
  args jsonb,
  args_sha256 bytea not null,
  status text default 'started'::text not null,
  result jsonb,
  result_sha256 bytea,
  error jsonb,
  error_sha256 bytea,
  idempotency_key text,
  hash_only boolean default false not null,
  started_at timestamp with time zone default now() not null,
  finished_at timestamp with time zone,
  fencing_token bigint default 1 not null,
  constraint tool_calls_pkey PRIMARY KEY (tenant_id, tool_call_id),
  constraint tool_calls_run_fkey FOREIGN KEY (tenant_id, run_id) REFERENCES sor.runs(tenant_id, run_id),
  constraint tool_calls_args_check CHECK ((hash_only OR (args IS NOT NULL))),
  constraint tool_calls_error_check CHECK (((status <> 'failed'::text) OR ((error_sha256 IS NOT NULL) AND (result IS NULL) AND (result_sha256 IS NULL)))),
  constraint tool_calls_finished_check CHECK (((status = 'started'::text) = (finished_at IS NULL))),
  constraint tool_calls_hash_only_check CHECK (((NOT hash_only) OR ((args IS NULL) AND (result IS NULL) AND (error IS NULL)))),
  constraint tool_calls_outcome_check CHECK (((status <> 'succeeded'::text) OR ((error IS NULL) AND (error_sha256 IS NULL)))),
  constraint tool_calls_sha256_length CHECK (((length(args_sha256) = 32) AND ((result_sha256 IS NULL) OR (length(result_sha256) = 32)) AND ((error_sha256 IS NULL) OR (length(error_sha256) = 32)))),
  constraint tool_calls_status_check CHECK ((status = ANY (ARRAY['started'::text, 'succeeded'::text, 'failed'::text])))
) with (fillfactor=80, autovacuum_vacuum_scale_factor=0.01, autovacuum_vacuum_threshold=200, autovacuum_vacuum_insert_scale_factor=0.05, autovacuum_analyze_scale_factor=0.02, autovacuum_vacuum_cost_delay=0);

create table sor.tools (
  tool_name text not null,
  description text not null,
  input_schema jsonb not null,
  function_oid regprocedure not null,
  allowed_kinds text[] default '{}'::text[] not null,
  side_effects boolean default true not null,
  enabled boolean default true not null,
  registered_at timestamp with time zone default now() not null,
  registered_by name default SESSION_USER not null,
  constraint tools_pkey PRIMARY KEY (tool_name),
  constraint tools_description_length CHECK (((length(description) >= 1) AND (length(description) <= 2000))),
  constraint tools_name_format CHECK ((tool_name ~ '^[a-z][a-z0-9_]{0,63}$'::text)),
  constraint tools_schema_object CHECK ((jsonb_typeof(input_schema) = 'object'::text))
);

create table sor.turns (
  tenant_id text not null,
  run_id uuid not null,
  turn_no integer not null,
  model text not null,
  role text not null,
  input_tokens integer default 0 not null,
  output_tokens integer default 0 not null,
  content text,
  content_sha256 bytea,
  hash_only boolean default false not null,
  recorded_at timestamp with time zone default now() not null,
  constraint turns_pkey PRIMARY KEY (tenant_id, run_id, turn_no),
  constraint turns_run_fkey FOREIGN KEY (tenant_id, run_id) REFERENCES sor.runs(tenant_id, run_id),
  constraint turns_hash_only_check CHECK (((NOT hash_only) OR ((content IS NULL) AND (content_sha256 IS NOT NULL)))),
  constraint turns_role_check CHECK ((role = ANY (ARRAY['system'::text, 'user'::text, 'assistant'::text, 'tool'::text]))),
  constraint turns_sha256_check CHECK ((((content IS NULL) OR (content_sha256 IS NOT NULL)) AND ((content_sha256 IS NULL) OR (length(content_sha256) = 32)))),
  constraint turns_tokens_check CHECK (((input_tokens >= 0) AND (output_tokens >= 0))),
  constraint turns_turn_no_check CHECK ((turn_no >= 1))
);

create table sor.wakeup_secret (
  singleton boolean default true not null,
  secret bytea default decode((replace((gen_random_uuid())::text, '-'::text, ''::text) || replace((gen_random_uuid())::text, '-'::text, ''::text)), 'hex'::text) not null,
  rotated_at timestamp with time zone default clock_timestamp() not null,
  rotated_by name default SESSION_USER not null,
  outbox_broadcast boolean default false not null,
  outbox_broadcast_set_at timestamp with time zone,
  outbox_broadcast_set_by name,
  constraint wakeup_secret_pkey PRIMARY KEY (singleton),
  constraint wakeup_secret_length CHECK ((length(secret) = 32)),
  constraint wakeup_secret_singleton CHECK (singleton)
);

create table sor.workers (
  role_name name not null,
  kind text not null,
  registered_at timestamp with time zone default now() not null,
  registered_by name default SESSION_USER not null,
  constraint workers_pkey PRIMARY KEY (role_name),
  constraint workers_kind_format CHECK ((kind ~ '^[a-z][a-z0-9_.-]{0,99}$'::text))
);

create table sor_guard.classes (
  kind text not null,
  identity text not null,
  class text not null,
  declared_at timestamp with time zone default clock_timestamp() not null,
  declared_by name default SESSION_USER not null,
  constraint classes_pkey PRIMARY KEY (kind, identity, class),
  constraint classes_class_check CHECK ((class = ANY (ARRAY['refusal'::text, 'chain'::text, 'audit'::text, 'tenancy'::text, 'guard'::text, 'reader'::text, 'queue'::text, 'dedupe'::text]))),
  constraint classes_kind_check CHECK ((kind = ANY (ARRAY['table'::text, 'function'::text, 'constraint'::text, 'index'::text])))
);

create table sor_guard.contracts (
  entry_id bigint generated always as identity not null,
  version text not null,
  digest text not null,
  contract text not null,
  recorded_at timestamp with time zone default clock_timestamp() not null,
  recorded_by name default SESSION_USER not null,
  constraint contracts_pkey PRIMARY KEY (entry_id),
  constraint contracts_digest_format CHECK ((digest ~ '^sha256:[0-9a-f]{64}$'::text)),
  constraint contracts_version_format CHECK ((version ~ '^[0-9]+\.[0-9]+\.[0-9]+$'::text))
);

create table sor_guard.kit_partitions (
  entry_id bigint generated always as identity not null,
  partition_name text not null,
  parent_table text not null,
  bound text,
  event text not null,
  approval_id bigint,
  recorded_at timestamp with time zone default clock_timestamp() not null,
  recorded_by name default SESSION_USER not null,
  tx_id xid8 default pg_current_xact_id() not null,
  constraint kit_partitions_pkey PRIMARY KEY (entry_id),
  constraint kit_partitions_event_check CHECK ((event = ANY (ARRAY['installed'::text, 'created'::text, 'attached'::text, 'detached'::text, 'dropped'::text])))
);

create table sor_guard.register (
  entry_id bigint generated always as identity not null,
  kind text not null,
  identity text not null,
  root_kind text not null,
  root_objid oid not null,
  objid oid not null,
  present boolean not null,
  spec jsonb,
  reason text not null,
  approval_id bigint,
  recorded_at timestamp with time zone default clock_timestamp() not null,
  recorded_by name default SESSION_USER not null,
  tx_id xid8 default pg_current_xact_id() not null,
  constraint register_pkey PRIMARY KEY (entry_id),
  constraint register_kind_check CHECK ((kind = ANY (ARRAY['schema'::text, 'table'::text, 'view'::text, 'function'::text, 'trigger'::text, 'rule'::text, 'policy'::text, 'constraint'::text, 'index'::text, 'event trigger'::text]))),
  constraint register_present_check CHECK ((present = (spec IS NOT NULL))),
  constraint register_reason_check CHECK ((reason = ANY (ARRAY['registered'::text, 'approved'::text, 'recorded'::text, 'tightened'::text, 'rebound'::text]))),
  constraint register_root_kind_check CHECK ((root_kind = ANY (ARRAY['schema'::text, 'table'::text, 'view'::text, 'function'::text, 'event trigger'::text])))
);

create table sor_guard.releases (
  entry_id bigint generated always as identity not null,
  history text not null,
  module text not null,
  event text not null,
  version text not null,
  digest text not null,
  from_version text,
  from_digest text,
  approval_id bigint,
  allowed text[] default '{}'::text[] not null,
  manifest text,
  recorded_at timestamp with time zone default clock_timestamp() not null,
  recorded_by name default SESSION_USER not null,
  tx_id xid8 default pg_current_xact_id() not null,
  constraint releases_pkey PRIMARY KEY (entry_id),
  constraint releases_digest_format CHECK ((digest ~ '^sha256:[0-9a-f]{64}$'::text)),
  constraint releases_event_check CHECK ((event = ANY (ARRAY['installed'::text, 'opened'::text, 'upgraded'::text, 'closed'::text, 'failed'::text]))),
  constraint releases_manifest_check CHECK (((manifest IS NOT NULL) = (event = ANY (ARRAY['installed'::text, 'opened'::text, 'upgraded'::text])))),
  constraint releases_version_format CHECK ((version ~ '^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.]+)?$'::text))
);

-- indexes

CREATE INDEX pending_transactions_pending_idx ON reconciler.pending_transactions USING btree (tenant_id, booked_on) WHERE (status = 'pending'::text);
CREATE INDEX blocks_block_id_idx ON sor.blocks USING btree (block_id);
CREATE UNIQUE INDEX blocks_one_active_idx ON sor.blocks USING btree (tenant_id, run_id) WHERE (status = 'active'::text);
CREATE INDEX ddl_approvals_open_idx ON sor.ddl_approvals USING btree (operation, object_identity, expires_at) WHERE (consumed_at IS NULL);
CREATE INDEX ddl_audit_occurred_at_idx ON sor.ddl_audit USING btree (occurred_at, audit_id);
CREATE INDEX events_occurred_at_brin ON ONLY sor.events USING brin (occurred_at);
CREATE INDEX events_position_idx ON ONLY sor.events USING btree ("position");
CREATE INDEX events_stream_version_idx ON ONLY sor.events USING btree (tenant_id, stream, version);
CREATE INDEX events_tenant_tx_position_idx ON ONLY sor.events USING btree (tenant_id, tx_id, "position");
CREATE INDEX events_tx_position_idx ON ONLY sor.events USING btree (tx_id, "position");
CREATE INDEX finished_tasks_dead_idx ON ONLY sor.finished_tasks USING btree (queue, finished_at) WHERE (status = 'dead'::text);
CREATE INDEX finished_tasks_task_id_idx ON ONLY sor.finished_tasks USING btree (task_id);
CREATE INDEX idempotency_keys_expires_idx ON sor.idempotency_keys USING btree (expires_at);
CREATE INDEX outbox_due_idx ON ONLY sor.outbox USING btree (available_at, outbox_id) WHERE (status = ANY (ARRAY['pending'::text, 'failed'::text, 'leased'::text]));
CREATE INDEX outbox_outbox_id_idx ON ONLY sor.outbox USING btree (outbox_id);
CREATE INDEX outbox_run_idx ON ONLY sor.outbox USING btree (tenant_id, run_id) WHERE (run_id IS NOT NULL);
CREATE INDEX runs_run_id_idx ON sor.runs USING btree (run_id);
CREATE INDEX runs_sweep_idx ON sor.runs USING btree (tenant_id, sweep_at) WHERE (status = 'running'::text);
CREATE INDEX runs_worker_run_idx ON sor.runs USING btree (worker_role, started_at, run_id);
CREATE INDEX runs_worker_status_idx ON sor.runs USING btree (worker_role, status, started_at, run_id);
CREATE INDEX tasks_claimed_idx ON sor.tasks USING btree (queue, lease_expires_at) WHERE (status = 'claimed'::text);
CREATE INDEX tasks_ready_idx ON sor.tasks USING btree (queue, priority DESC, run_after, task_id) WHERE (status = ANY (ARRAY['ready'::text, 'failed'::text]));
CREATE INDEX tasks_task_id_idx ON sor.tasks USING btree (task_id);
CREATE INDEX tenant_members_role_name_idx ON sor.tenant_members USING btree (role_name, tenant_id);
CREATE INDEX tool_calls_run_call_idx ON sor.tool_calls USING btree (tenant_id, run_id, started_at, tool_call_id);
CREATE INDEX tool_calls_tool_call_id_idx ON sor.tool_calls USING btree (tool_call_id);
CREATE INDEX kit_partitions_name_idx ON sor_guard.kit_partitions USING btree (partition_name, entry_id);
CREATE INDEX register_identity_idx ON sor_guard.register USING btree (kind, identity, entry_id);
CREATE INDEX register_root_idx ON sor_guard.register USING btree (root_kind, root_objid);
CREATE INDEX releases_history_idx ON sor_guard.releases USING btree (history, entry_id);

-- views

create view sor_api.events with (security_invoker=true, security_barrier=true) as
 SELECT "position",
    tenant_id,
    stream,
    version,
    type,
    payload,
    metadata,
    actor,
    occurred_at,
    tx_id,
    encode(prev_hash, 'hex'::text) AS prev_hash,
    encode(hash, 'hex'::text) AS hash
   FROM sor.events e;

create view sor_api.journal_blocks with (security_invoker=true, security_barrier=true) as
 SELECT tenant_id,
    block_id,
    run_id,
    step_id,
    kind,
    status,
    command,
    opened_at,
    resolved_at,
    resolved_by,
    approved,
    note
   FROM sor.blocks b;

create view sor_api.journal_runs with (security_invoker=true, security_barrier=true) as
 SELECT tenant_id,
    run_id,
    workflow,
    worker_role,
    worker_kind,
        CASE
            WHEN status = 'running'::text AND sor.lease_lapsed(lease_expires_at) THEN 'abandoned'::text
            ELSE status
        END AS status,
    idempotency_key,
    input,
    encode(input_sha256, 'hex'::text) AS input_sha256,
    hash_only,
    version,
    state,
    "overlay",
    state || "overlay" AS effective_state,
    last_step_id,
    lease_expires_at,
    heartbeat_at,
    started_at,
    COALESCE(finished_at,
        CASE
            WHEN sor.lease_lapsed(lease_expires_at) THEN lease_expires_at
            ELSE NULL::timestamp with time zone
        END) AS finished_at,
    error,
    encode(error_sha256, 'hex'::text) AS error_sha256
   FROM sor.runs r;

create view sor_api.journal_steps with (security_invoker=true, security_barrier=true) as
 SELECT tenant_id,
    run_id,
    step_id,
    version,
    output,
    event_count,
    command_count,
    block_id,
    committed_at,
    committed_by
   FROM sor.steps s;

create view sor_api.journal_tool_calls with (security_invoker=true, security_barrier=true) as
 SELECT tenant_id,
    tool_call_id,
    run_id,
    tool_name,
    status,
    args,
    encode(args_sha256, 'hex'::text) AS args_sha256,
    result,
    encode(result_sha256, 'hex'::text) AS result_sha256,
    error,
    encode(error_sha256, 'hex'::text) AS error_sha256,
    idempotency_key,
    hash_only,
    started_at,
    finished_at
   FROM sor.tool_calls c;

create view sor_api.journal_turns with (security_invoker=true, security_barrier=true) as
 SELECT tenant_id,
    run_id,
    turn_no,
    model,
    role,
    input_tokens,
    output_tokens,
    content,
    encode(content_sha256, 'hex'::text) AS content_sha256,
    hash_only,
    recorded_at
   FROM sor.turns t;

create view sor_api.partitions with (security_barrier=true) as
 SELECT parent_table,
    partition_name,
    range_from,
    range_to,
    is_default,
    approx_rows,
    retirable,
    why_not
   FROM sor.partition_list() l(parent_table, partition_name, range_from, range_to, is_default, approx_rows, retirable, why_not);

create view sor_api.protected_objects with (security_invoker=true, security_barrier=true) as
 SELECT kind,
    identity,
    present,
    spec,
    reason,
    approval_id,
    recorded_at,
    recorded_by,
    ( SELECT array_agg(c.class ORDER BY c.class) AS array_agg
           FROM sor_guard.classes c
          WHERE c.kind = r.kind AND c.identity = r.identity) AS classes
   FROM sor_guard.registered r;

create view sor_api.releases as
 SELECT module,
    event,
    version,
    digest,
    from_version,
    from_digest,
    approval_id,
    cardinality(allowed) AS objects_allowed,
    recorded_at,
    recorded_by,
    entry_id
   FROM sor_guard.releases r;

create view sor_api.reserved_names with (security_invoker=true, security_barrier=true) as
 SELECT kind,
    name,
    reserved_at
   FROM sor.reserved_names r;

create view sor_api.tenant_members with (security_invoker=true, security_barrier=true) as
 SELECT tenant_id,
    role_name,
    added_at,
    added_by
   FROM sor.tenant_members m;

create view sor_api.tenants with (security_invoker=true, security_barrier=true) as
 SELECT tenant_id,
    display_name,
    created_at
   FROM sor.tenants t;

create view sor_guard.registered as
 SELECT DISTINCT ON (kind, identity) entry_id,
    kind,
    identity,
    root_kind,
    root_objid,
    objid,
    present,
    spec,
    reason,
    approval_id,
    recorded_at,
    recorded_by
   FROM sor_guard.register r
  ORDER BY kind, identity, entry_id DESC;

-- functions

CREATE OR REPLACE FUNCTION reconciler.ingest_bank_rows(tenant_id text, bank_rows jsonb)
 RETURNS TABLE(ingested integer, tasks_queued integer)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'reconciler', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _ingested integer;
  _queued integer;
begin
  perform 1 from sor.tenants t where t.tenant_id = ingest_bank_rows.tenant_id;
  if not found then
    raise exception 'unknown tenant %', coalesce(quote_literal(ingest_bank_rows.tenant_id), 'NULL')
      using errcode = 'SR002', hint = 'Create the tenant first with sor_api.add_tenant.';
  end if;
  if jsonb_typeof(coalesce(ingest_bank_rows.bank_rows, 'null')) <> 'array' or jsonb_array_length(ingest_bank_rows.bank_rows) > 10000
     -- every element an object: jsonb_to_recordset refuses anything else with an error of its own
     or ingest_bank_rows.bank_rows @? 'strict $[*] ? (@.type() != "object")' then
    raise exception 'bank rows for tenant % must be a JSON array of at most 10000 objects', ingest_bank_rows.tenant_id
      using errcode = 'SR100', hint = 'Pass [{"bank_txn_id": ..., "account_holder": ..., "holder_email": ..., "booked_on": ..., "description": ..., "amount": ..., "currency": ...}, ...].';
  end if;
  begin
    with rows as (
      select r.* from jsonb_to_recordset(ingest_bank_rows.bank_rows)
        as r(bank_txn_id text, account_holder text, holder_email text, booked_on date, description text,
             amount numeric(12,2), currency text)
    ), inserted as (
      insert into reconciler.pending_transactions
             (tenant_id, bank_txn_id, account_holder, holder_email, booked_on, description, amount, currency)
      select ingest_bank_rows.tenant_id, r.bank_txn_id, r.account_holder, r.holder_email, r.booked_on,
             r.description, r.amount, r.currency
        from rows r
      on conflict on constraint pending_transactions_pkey do nothing
      returning bank_txn_id
    ), queued as (
      select sor.enqueue_task(ingest_bank_rows.tenant_id, 'reconcile', 'bank row ' || i.bank_txn_id,
                              jsonb_build_object('bank_txn_id', i.bank_txn_id), i.bank_txn_id) as task_id
        from inserted i
    )
    select (select count(*) from inserted), (select count(*) from queued) into _ingested, _queued;
  exception when not_null_violation or check_violation or invalid_text_representation
                 or invalid_datetime_format or datetime_field_overflow or numeric_value_out_of_range
                 or string_data_right_truncation then
    raise exception 'malformed bank row for tenant %: %', ingest_bank_rows.tenant_id, sqlerrm
      using errcode = 'SR100', hint = 'Every row needs bank_txn_id, account_holder, holder_email, booked_on (date), description, amount and a 3-letter currency.';
  end;
  return query select _ingested, _queued;
end
$function$;

CREATE OR REPLACE FUNCTION reconciler.setup_tenant(tenant_id text)
 RETURNS integer
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'reconciler', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
begin
  perform 1 from sor.tenants t where t.tenant_id = setup_tenant.tenant_id;
  if not found then
    raise exception 'unknown tenant %', coalesce(quote_literal(setup_tenant.tenant_id), 'NULL')
      using errcode = 'SR002', hint = 'Create the tenant first with sor_api.add_tenant.';
  end if;
  insert into reconciler.categories (tenant_id, category_id, label)
  select setup_tenant.tenant_id, c.id, c.label
    from (values ('travel', 'Travel'), ('meals', 'Meals'), ('software', 'Software'),
                 ('office', 'Office supplies'), ('uncategorised', 'Needs review')) c(id, label)
  on conflict on constraint categories_pkey do nothing;
  insert into reconciler.category_rules (tenant_id, rule_id, pattern, category_id)
  select setup_tenant.tenant_id, r.id, r.pattern, r.category
    from (values (10, '(airline|rail|taxi|uber|hotel)', 'travel'),
                 (20, '(restaurant|cafe|coffee|lunch)', 'meals'),
                 (30, '(github|aws|cloud|saas|licen)', 'software'),
                 (40, '(staples|paper|printer|desk)', 'office')) r(id, pattern, category)
  on conflict on constraint category_rules_pkey do nothing;
  return (select count(*)::integer from reconciler.categories c where c.tenant_id = setup_tenant.tenant_id);
end
$function$;

CREATE OR REPLACE FUNCTION reconciler.tool_categorise(ctx jsonb, args jsonb)
 RETURNS jsonb
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'reconciler', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _row reconciler.pending_transactions%rowtype;
  _rule reconciler.category_rules%rowtype;
begin
  select p.* into _row from reconciler.pending_transactions p
   where p.tenant_id = ctx ->> 'tenant_id' and p.bank_txn_id = args ->> 'bank_txn_id';
  if not found then
    raise exception 'unknown bank transaction % for tenant %', args ->> 'bank_txn_id', ctx ->> 'tenant_id'
      using errcode = 'SR101', hint = 'list_pending shows the tenant''s pending bank rows.';
  end if;
  select r.* into _rule from reconciler.category_rules r
   where r.tenant_id = _row.tenant_id and _row.description ~* r.pattern
   order by r.rule_id limit 1;
  return jsonb_build_object('bank_txn_id', _row.bank_txn_id,
                            'category', coalesce(_rule.category_id, 'uncategorised'),
                            'rule_id', _rule.rule_id);
end
$function$;

CREATE OR REPLACE FUNCTION reconciler.tool_list_pending(ctx jsonb, args jsonb)
 RETURNS jsonb
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'reconciler', 'pg_temp'
 SET jit TO 'off'
AS $function$
  select coalesce(jsonb_agg(jsonb_build_object('bank_txn_id', p.bank_txn_id, 'booked_on', p.booked_on,
                                               'description', p.description, 'amount', p.amount,
                                               'currency', p.currency) order by p.booked_on, p.bank_txn_id), '[]'::jsonb)
    from (select * from reconciler.pending_transactions p
           where p.tenant_id = ctx ->> 'tenant_id' and p.status = 'pending'
           order by p.booked_on, p.bank_txn_id
           limit coalesce((args ->> 'limit')::integer, 50)) p
$function$;

CREATE OR REPLACE FUNCTION reconciler.tool_record_expense(ctx jsonb, args jsonb)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'reconciler', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _tenant text := ctx ->> 'tenant_id';
  _row reconciler.pending_transactions%rowtype;
  _expense reconciler.expenses%rowtype;
  _created boolean := false;
  _outbox bigint;
begin
  select p.* into _row from reconciler.pending_transactions p
   where p.tenant_id = _tenant and p.bank_txn_id = args ->> 'bank_txn_id';
  if not found then
    raise exception 'unknown bank transaction % for tenant %', args ->> 'bank_txn_id', _tenant
      using errcode = 'SR101', hint = 'list_pending shows the tenant''s pending bank rows.';
  end if;
  perform 1 from reconciler.categories c where c.tenant_id = _tenant and c.category_id = args ->> 'category';
  if not found then
    raise exception 'unknown category % for tenant %', args ->> 'category', _tenant
      using errcode = 'SR102', hint = 'Use the category categorise returned.';
  end if;

  insert into reconciler.expenses (tenant_id, bank_txn_id, account_holder, category_id, amount, currency,
                                   booked_on, description, run_id, tool_call_id)
  values (_tenant, _row.bank_txn_id, _row.account_holder, args ->> 'category', _row.amount, _row.currency,
          _row.booked_on, _row.description, (ctx ->> 'run_id')::uuid, (ctx ->> 'tool_call_id')::uuid)
  on conflict on constraint expenses_source_key do nothing
  returning * into _expense;
  _created := found;

  if _created then
    update reconciler.pending_transactions p set status = 'reconciled'
     where p.tenant_id = _tenant and p.bank_txn_id = _row.bank_txn_id;
    perform sor.append_event(_tenant, 'expense-' || _row.bank_txn_id, 'ExpenseRecorded',
      jsonb_build_object('bank_txn_id', _row.bank_txn_id, 'account_holder', _row.account_holder,
                         'category_id', _expense.category_id, 'amount', _expense.amount, 'currency', _expense.currency,
                         'booked_on', _expense.booked_on, 'description', _expense.description),
      jsonb_build_object('run_id', ctx ->> 'run_id', 'tool_call_id', ctx ->> 'tool_call_id', 'tool', 'record_expense'));
  else
    select e.* into _expense from reconciler.expenses e where e.tenant_id = _tenant and e.bank_txn_id = _row.bank_txn_id;
  end if;

  -- the confirmation email, in the same transaction; its dedupe key makes a retry queue nothing
  _outbox := sor.enqueue_outbox(_tenant, 'email.expense_confirmation', 'expense', _row.bank_txn_id,
    jsonb_build_object('to', _row.holder_email,
                       'subject', format('Expense recorded: %s %s', _expense.amount, _expense.currency),
                       'body', format('Hello %s, your %s expense of %s %s on %s ("%s") was recorded as %s.',
                                      _row.account_holder, _expense.booked_on, _expense.amount, _expense.currency,
                                      _expense.booked_on, _expense.description, _expense.category_id)),
    '{}'::jsonb, 'expense-email:' || _row.bank_txn_id, 8, (ctx ->> 'run_id')::uuid, null, null);

  return jsonb_build_object('expense_id', _expense.expense_id, 'created', _created, 'outbox_id', _outbox,
                            'category', _expense.category_id);
end
$function$;

CREATE OR REPLACE FUNCTION sor.announce_append(tenant_id text)
 RETURNS void
 LANGUAGE plpgsql
 SET jit TO 'off'
AS $function$
declare
  _last bigint := coalesce(pg_catalog.pg_sequence_last_value('sor.events_position_seq'::pg_catalog.regclass), 0);
  _kept text[] := pg_catalog.string_to_array(pg_catalog.current_setting('sor.append_bound', true), '|');
  _bound bigint := _last;
  _key integer := 5459794;
  _step bigint := 1;
  _tries integer := 0;
begin
  if pg_catalog.cardinality(_kept) = 2 and _kept[1] ~ '^-?[0-9]{1,18}$' and _kept[2] ~ '^-?[0-9]{1,10}$'
     and _kept[1]::bigint <= _last and _kept[2]::bigint between -2147483648 and 2147483647 then
    _bound := _kept[1]::bigint;
    _key := _kept[2]::integer;
  end if;
  while not pg_catalog.pg_try_advisory_xact_lock_shared(_bound) loop
    _tries := _tries + 1;
    if _tries > 60 then
      raise exception 'the append of tenant % cannot announce itself: every bound it tried is held exclusively by another session', announce_append.tenant_id
        using errcode = '55P03', hint = 'A session holds advisory locks it should not (see pg_locks, locktype advisory); end it and retry.';
    end if;
    _bound := _bound - 1 - (pg_catalog.random() * _step)::bigint;
    _step := least(_step * 2, 1099511627776);
  end loop;
  _tries := 0;
  while not pg_catalog.pg_try_advisory_xact_lock_shared(pg_catalog.hashtext(announce_append.tenant_id), _key) loop
    _tries := _tries + 1;
    if _tries > 60 then
      raise exception 'the append of tenant % cannot announce itself: every tenant key it tried is held exclusively by another session', announce_append.tenant_id
        using errcode = '55P03', hint = 'A session holds advisory locks it should not (see pg_locks, locktype advisory); end it and retry.';
    end if;
    _key := (pg_catalog.random() * 2147483646)::integer;
  end loop;
  if _kept is null or _kept[1] is distinct from _bound::text or _kept[2] is distinct from _key::text then
    perform pg_catalog.set_config('sor.append_bound', _bound::text || '|' || _key::text, true);
  end if;
end
$function$;

CREATE OR REPLACE FUNCTION sor.append_event(tenant_id text, stream text, type text, payload jsonb DEFAULT '{}'::jsonb, metadata jsonb DEFAULT '{}'::jsonb, expected_version integer DEFAULT NULL::integer)
 RETURNS sor.events
 LANGUAGE plpgsql
 SET jit TO 'off'
AS $function$
declare
  _version integer;
  _hash bytea;
  _position bigint;
  _row sor.events;
begin
  -- every value rule in one expression; the reserved names are the caller's rule (sor_api.append_event)
  if append_event.tenant_id is null or append_event.stream is null or append_event.type is null
     or not sor.is_valid('stream', append_event.stream) or not sor.is_valid('event_type', append_event.type)
     or pg_catalog.jsonb_typeof(coalesce(append_event.payload, 'null')) <> 'object'
     or pg_catalog.jsonb_typeof(coalesce(append_event.metadata, 'null')) <> 'object'
     or append_event.expected_version < 0 then
    raise exception 'bad event for stream %: %', coalesce(pg_catalog.quote_literal(append_event.stream), 'NULL'),
          case when append_event.tenant_id is null or append_event.stream is null or append_event.type is null
                 then 'tenant_id, stream and type are required'
               when not sor.is_valid('stream', append_event.stream) then 'malformed stream name'
               when not sor.is_valid('event_type', append_event.type)
                 then 'malformed event type ' || pg_catalog.quote_literal(append_event.type)
               when append_event.expected_version < 0
                 then 'expected version ' || append_event.expected_version || ' is negative'
               else 'payload and metadata must be JSON objects' end
      using errcode = 'SR011',
            hint = 'A stream is category-id (e.g. expense-42, at most 200 characters); a type starts with a letter (at most 100 of letters, digits, _ . : -); payload and metadata are JSON objects; expected_version is 0 for a new stream or the version you last read.';
  end if;
  if sor.over_cap(append_event.payload) or sor.over_cap(append_event.metadata) then
    perform sor.check_size(append_event.payload, 'the payload of an event for stream ' || append_event.stream);
    perform sor.check_size(append_event.metadata, 'the metadata of an event for stream ' || append_event.stream);
  end if;
  -- The stream's head row is its lock, held to commit: appends to one stream are serialised, to
  -- different streams never wait on each other. A new stream is claimed by a version 0 head, so
  -- two appends both expecting version 0 cannot both succeed; an unknown tenant fails its foreign
  -- key there. Under READ COMMITTED each statement reads the head the previous appender left.
  loop
    select h.version, h.last_hash into _version, _hash
      from sor.streams h
     where h.tenant_id = append_event.tenant_id and h.stream = append_event.stream
       for no key update;
    exit when found;
    if not exists (select 1 from sor.tenants t where t.tenant_id = append_event.tenant_id) then
      raise exception 'unknown tenant %', pg_catalog.quote_literal(append_event.tenant_id)
        using errcode = 'SR002', hint = 'Create the tenant first with sor_api.add_tenant.';
    end if;
    insert into sor.streams (tenant_id, stream, version)
    values (append_event.tenant_id, append_event.stream, 0)
    on conflict on constraint streams_pkey do nothing;
  end loop;
  if _version <> append_event.expected_version then
    raise exception 'wrong expected version % for stream % (stream version: %)',
          append_event.expected_version, append_event.stream, _version
      using errcode = 'SR013', hint = 'Another writer appended first: read the stream again and retry with its current version.';
  end if;
  -- the position is drawn under the head lock, so within a stream positions rise with versions;
  -- the statement trigger (sor_guard.tg_events__chain) checks the link and moves the head
  perform sor.announce_append(append_event.tenant_id);
  _position := pg_catalog.nextval('sor.events_position_seq'::regclass);
  insert into sor.events (tenant_id, position, stream, version, type, payload, metadata, prev_hash, hash)
  values (append_event.tenant_id, _position, append_event.stream, _version + 1, append_event.type,
          append_event.payload, append_event.metadata, _hash,
          sor_guard.event_hash(_hash, append_event.tenant_id, append_event.stream, _version + 1, append_event.type,
                               append_event.payload, append_event.metadata, session_user, pg_catalog.now(), _position))
  returning * into _row;
  perform sor.wake_events(append_event.tenant_id);
  return _row;
end
$function$;

CREATE OR REPLACE FUNCTION sor.append_event_rows(tenant_ids text[], streams text[], types text[], payloads jsonb[], metadatas jsonb[], expected integer[] DEFAULT NULL::integer[], serialized boolean DEFAULT false)
 RETURNS TABLE(ordinal integer, "position" bigint, stream text, version integer, hash bytea)
 LANGUAGE plpgsql
 SET jit TO 'off'
AS $function$
#variable_conflict use_column
declare
  _ht text[];
  _hs text[];
  _hv integer[];
  _hh bytea[];
  _bad record;
  _version integer;
  _hash bytea;
  _position bigint;
  _row sor.events;
begin
  -- One event (a single task's or outbox entry's outcome, a batch of one): the same steps with
  -- statements of one row each, which start and run in a fraction of the set-based statements'
  -- time (their plans have a node per step of the batch's bookkeeping).
  if pg_catalog.cardinality(append_event_rows.tenant_ids) = 1 then
    if append_event_rows.serialized then
      select h.version, h.last_hash into _version, _hash
        from sor.streams h
       where h.tenant_id = append_event_rows.tenant_ids[1] and h.stream = append_event_rows.streams[1]
         for no key update;
    else
      insert into sor.streams as s (tenant_id, stream, version)
      values (append_event_rows.tenant_ids[1], append_event_rows.streams[1], 0)
      on conflict on constraint streams_pkey do update set version = s.version
      returning s.version, s.last_hash into _version, _hash;
    end if;
    _version := coalesce(_version, 0);
    if append_event_rows.expected[1] is not null and append_event_rows.expected[1] <> _version then
      raise exception 'event 1 of the batch: wrong expected version % for stream % (stream version: %)',
            append_event_rows.expected[1], append_event_rows.streams[1], _version
        using errcode = 'SR013', hint = 'Another writer appended first: read the stream again and retry the batch with its current version.';
    end if;
    perform sor.announce_append(append_event_rows.tenant_ids[1]);
    _position := pg_catalog.nextval('sor.events_position_seq'::regclass);
    insert into sor.events (tenant_id, position, stream, version, type, payload, metadata, prev_hash, hash)
    values (append_event_rows.tenant_ids[1], _position, append_event_rows.streams[1], _version + 1, append_event_rows.types[1],
            append_event_rows.payloads[1], append_event_rows.metadatas[1], _hash,
            sor_guard.event_hash(_hash, append_event_rows.tenant_ids[1], append_event_rows.streams[1], _version + 1,
                                 append_event_rows.types[1], append_event_rows.payloads[1], append_event_rows.metadatas[1],
                                 session_user, pg_catalog.now(), _position))
    returning * into _row;
    perform sor.wake_events(append_event_rows.tenant_ids[1]);
    return query select 1, _row.position, _row.stream, _row.version, _row.hash;
    return;
  end if;

  -- 1. the heads, each locked (in tenant and stream order, so two batches over the same streams
  --    never deadlock) and read as it is now.
  --    Claimed: a new stream is claimed by a head at version 0, so writers of a new stream that
  --    nothing else serialises (append_events) wait for each other here; the chain trigger moves
  --    the head. Serialized: the caller's writers of each stream are already serialised (the
  --    kit's triggers write task-<id> and outbox-<id> under the lock of that task's or entry's
  --    row), so only existing heads are locked, and the chain trigger makes a new stream's head at
  --    its final link: one row written per new stream, not a claim and then an update.
  if append_event_rows.serialized then
    select pg_catalog.array_agg(h.tenant_id), pg_catalog.array_agg(h.stream), pg_catalog.array_agg(h.version),
           pg_catalog.array_agg(h.last_hash)
      into _ht, _hs, _hv, _hh
      from (select distinct u.tenant_id, u.stream
              from unnest(append_event_rows.tenant_ids, append_event_rows.streams) as u(tenant_id, stream)
             order by 1, 2) u
     -- one probe of the key per stream, in order (a join could read every head)
     cross join lateral (select h.tenant_id, h.stream, h.version, h.last_hash
                           from sor.streams h
                          where h.tenant_id = u.tenant_id and h.stream = u.stream
                            for no key update) h;
  else
    with h as (
      insert into sor.streams as s (tenant_id, stream, version)
      select distinct u.tenant_id, u.stream, 0
        from unnest(append_event_rows.tenant_ids, append_event_rows.streams) as u(tenant_id, stream)
       order by 1, 2
      on conflict on constraint streams_pkey do update set version = s.version
      returning s.tenant_id, s.stream, s.version, s.last_hash
    )
    select pg_catalog.array_agg(h.tenant_id), pg_catalog.array_agg(h.stream), pg_catalog.array_agg(h.version),
           pg_catalog.array_agg(h.last_hash)
      into _ht, _hs, _hv, _hh
      from h;
  end if;

  -- 2. expected versions against the head plus the stream's events earlier in the batch
  if append_event_rows.expected is not null then
    select e.o, e.stream, e.expected, e.actual into _bad
      from (select u.o::integer as o, u.stream, u.expected,
                   coalesce(h.version, 0) + (pg_catalog.row_number() over (partition by u.tenant_id, u.stream order by u.o))::integer - 1 as actual
              from unnest(append_event_rows.tenant_ids, append_event_rows.streams, append_event_rows.expected)
                   with ordinality as u(tenant_id, stream, expected, o)
              left join unnest(_ht, _hs, _hv) as h(tenant_id, stream, version)
                on h.tenant_id = u.tenant_id and h.stream = u.stream) e
     where e.expected <> e.actual
     order by e.o
     limit 1;
    if found then
      raise exception 'event % of the batch: wrong expected version % for stream % (stream version: %)',
            _bad.o, _bad.expected, _bad.stream, _bad.actual
        using errcode = 'SR013', hint = 'Another writer appended first: read the stream again and retry the batch with its current version.';
    end if;
  end if;

  -- the tenants' readers are told positions are about to be drawn (sor.announce_append, R__100)
  perform sor.announce_append(t.tenant_id)
     from (select distinct x.tenant_id from unnest(append_event_rows.tenant_ids) as x(tenant_id)) t;

  -- 3. the rows: positions are drawn after every head is locked and handed out in batch order, so
  --    within a stream positions rise with versions; each row links to its stream's head (a new
  --    stream without one starts at version 1 with no prev_hash)
  return query
  with b as (
    select u.o::integer as o, u.tenant_id, u.stream, u.type, u.payload, u.metadata
      from unnest(append_event_rows.tenant_ids, append_event_rows.streams, append_event_rows.types,
                             append_event_rows.payloads, append_event_rows.metadatas)
           with ordinality as u(tenant_id, stream, type, payload, metadata, o)
  ), d as materialized (
    select pg_catalog.nextval('sor.events_position_seq'::regclass) as position from b
  ), p as (
    select d.position, (pg_catalog.row_number() over (order by d.position))::integer as o from d
  ), r as (
    select b.o, b.tenant_id, b.stream, b.type, b.payload, b.metadata, p.position, h.last_hash,
           coalesce(h.version, 0) + (pg_catalog.row_number() over (partition by b.tenant_id, b.stream order by b.o))::integer as version
      from b
      join p on p.o = b.o
      left join unnest(_ht, _hs, _hv, _hh) as h(tenant_id, stream, version, last_hash)
        on h.tenant_id = b.tenant_id and h.stream = b.stream
  ), ins as (
    insert into sor.events (tenant_id, position, stream, version, type, payload, metadata, prev_hash, hash)
    select r.tenant_id, r.position, r.stream, r.version, r.type, r.payload, r.metadata, r.last_hash,
           -- sor_guard.event_hash's expression, inlined (no function call per row); verify_events
           -- recomputes every hash with the function itself, so the two cannot drift unseen
           pg_catalog.sha256(coalesce(r.last_hash, '\x'::bytea) || pg_catalog.convert_to(
             pg_catalog.jsonb_build_array(r.tenant_id, r.stream, r.version, r.type, r.payload, r.metadata, session_user::text,
               pg_catalog.to_char(pg_catalog.now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), r.position)::text,
             'UTF8'))
      from r
     order by r.o
    returning events.position, events.stream, events.version, events.hash
  )
  select p.o, i.position, i.stream, i.version, i.hash
    from ins i join p on p.position = i.position
   order by p.o;
  -- a wake-up for each tenant's readers (R__135)
  perform sor.wake_events(w.tenant_id)
     from (select distinct u.tenant_id from unnest(append_event_rows.tenant_ids) as u(tenant_id)) w;
end
$function$;

CREATE OR REPLACE FUNCTION sor.certify__010_foundation()
 RETURNS TABLE(property text, check_name text, object text, ok boolean, detail text)
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
  with kit as (
    select n.oid, n.nspname from pg_catalog.pg_namespace n
     where n.nspname in (select sor.kit_schemas()) or n.nspname = 'sor_guard'
  ), guard_tables as (
    -- the guard's tables (declared guard) and the sequences they own
    select pg_catalog.to_regclass(c.identity)::oid as oid from sor_guard.classes c where c.kind = 'table' and c.class = 'guard'
    union all
    select d.objid from pg_catalog.pg_depend d
      join sor_guard.classes c on c.kind = 'table' and c.class = 'guard' and d.refobjid = pg_catalog.to_regclass(c.identity)::oid
     where d.classid = 'pg_catalog.pg_class'::regclass and d.refclassid = 'pg_catalog.pg_class'::regclass and d.deptype in ('a', 'i')
  ), rels as (
    select c.oid, c.relname, c.relkind, c.relacl, c.relowner, c.relrowsecurity, c.relforcerowsecurity,
           format('%I.%I', k.nspname, c.relname) as qname,
           case when k.nspname = 'sor_guard' or c.oid in (select g.oid from guard_tables g)
                then 'sor_guardian' else 'sor_owner' end as expected_owner
      from pg_catalog.pg_class c join kit k on k.oid = c.relnamespace
     where c.relkind in ('r', 'p', 'v', 'm', 'S', 'f')
       and not exists (select 1 from pg_catalog.pg_depend d
                        where d.classid = 'pg_catalog.pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
  ), funcs as (
    select p.oid, p.proname, p.proacl, p.proowner, p.prosecdef, p.proconfig, p.prokind, p.prolang, p.provolatile, p.proretset,
           format('%I.%I(%s)', k.nspname, p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid)) as qname,
           case when k.nspname = 'sor_guard' then 'sor_guardian' else 'sor_owner' end as expected_owner,
           k.nspname, p.prosrc, sor.code_text(p.prosrc) as code, p.proargnames, p.proargmodes
      from pg_catalog.pg_proc p join kit k on k.oid = p.pronamespace
     where not exists (select 1 from pg_catalog.pg_depend d
                        where d.classid = 'pg_catalog.pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')
  ), tenant_tables as (
    select r.* from rels r
     where r.relkind in ('r', 'p')
       and exists (select 1 from pg_catalog.pg_attribute a
                    where a.attrelid = r.oid and a.attname = 'tenant_id' and not a.attisdropped)
  ), definer_path as (
    select f.qname, f.proconfig,
           (select substr(c, length('search_path=') + 1) from unnest(f.proconfig) c where c like 'search_path=%') as path
      from funcs f where f.prosecdef
  ), group_roles as (
    select g.name, r.rolcanlogin, r.rolsuper, r.rolbypassrls
      from unnest(array['sor_owner', 'sor_worker', 'sor_dispatcher', 'sor_tenant', 'sor_auditor',
                        'sor_approver', 'sor_admin', 'sor_guardian']) g(name)
      left join pg_catalog.pg_roles r on r.rolname = g.name
  ), login_roles as (
    select r.oid, r.rolname, r.rolbypassrls,
           pg_catalog.pg_has_role(r.oid, 'sor_owner', 'MEMBER') or pg_catalog.pg_has_role(r.oid, 'sor_guardian', 'MEMBER') as owner_member
      from pg_catalog.pg_roles r
     where r.rolcanlogin and not r.rolsuper
       and r.oid <> (select d.datdba from pg_catalog.pg_database d where d.datname = current_database())
  ), low_roles as (
    select r.oid, r.rolname from pg_catalog.pg_roles r where r.rolname in ('sor_worker', 'sor_dispatcher')
  ), caller_groups as (
    -- the kit's caller roles: none of them, nor a login of one, may create objects outside the kit
    select g.oid, g.rolname from pg_catalog.pg_roles g
     where g.rolname in ('sor_worker', 'sor_dispatcher', 'sor_tenant', 'sor_auditor', 'sor_approver')
  ), callers as (
    -- those roles and their logins (superusers and members of sor_owner or sor_admin aside: other
    -- rows name them)
    select g.oid, g.rolname, false as login from caller_groups g
    union all
    select r.oid, r.rolname, true from pg_catalog.pg_roles r
     where r.rolcanlogin and not r.rolsuper
       and not pg_catalog.pg_has_role(r.oid, 'sor_owner', 'MEMBER')
       and not pg_catalog.pg_has_role(r.oid, 'sor_admin', 'MEMBER')
       and exists (select 1 from caller_groups g where pg_catalog.pg_has_role(r.oid, g.oid, 'MEMBER'))
  ), gates as (
    -- functions that check membership: the tenancy rules, and every kit function whose body calls
    -- one of them, transitively
    with recursive g(oid) as (
      select f.oid from funcs f
       where (pg_catalog.pg_identify_object('pg_catalog.pg_proc'::regclass, f.oid, 0)).identity
             in (select c.identity from sor_guard.classes c where c.kind = 'function' and c.class = 'tenancy')
      union
      select f.oid
        from g
        join funcs callee on callee.oid = g.oid
        join funcs f on f.code is not null
                    and pg_catalog.strpos(f.code, callee.nspname || '.' || callee.proname || '(') > 0
    )
    select g.oid from g
  ), tenant_facing as (
    -- sor_api functions a Worker, tenant, dispatcher or approver can execute that take a run, task,
    -- tool call, outbox row, block, stream or tenant
    select f.* from funcs f
     where f.nspname = 'sor_api'
       and (pg_catalog.has_function_privilege('sor_worker', f.oid, 'EXECUTE')
            or pg_catalog.has_function_privilege('sor_tenant', f.oid, 'EXECUTE')
            or pg_catalog.has_function_privilege('sor_dispatcher', f.oid, 'EXECUTE')
            or pg_catalog.has_function_privilege('sor_approver', f.oid, 'EXECUTE'))
       and exists (select 1 from unnest(f.proargnames) with ordinality a(name, ord)
                    where a.name in ('tenant_id', 'run_id', 'task_id', 'tool_call_id', 'outbox_id', 'block_id',
                                     'stream', 'tenants', 'for_tenant')
                      and coalesce(f.proargmodes[a.ord], 'i') in ('i', 'b', 'v'))
  )
  -- governed: every tenant-scoped table has RLS enabled, forced, and at least one policy
  select 'governed', 'tenant tables have row level security enabled and forced', t.qname,
         t.relrowsecurity and t.relforcerowsecurity
           and exists (select 1 from pg_catalog.pg_policy p where p.polrelid = t.oid),
         case when not t.relrowsecurity then 'row level security is not enabled'
              when not t.relforcerowsecurity then 'row level security is not forced'
              when not exists (select 1 from pg_catalog.pg_policy p where p.polrelid = t.oid) then 'no policy'
              else 'enabled, forced, ' || (select count(*) from pg_catalog.pg_policy p where p.polrelid = t.oid) || ' policies' end
    from tenant_tables t
  union all
  -- governed: PUBLIC holds no privilege on a kit schema, relation or function
  select 'governed', 'nothing is reachable by PUBLIC', format('schema %I', k.nspname),
         not exists (select 1 from pg_catalog.aclexplode(coalesce(n.nspacl, pg_catalog.acldefault('n', n.nspowner))) a
                      where a.grantee = 0),
         'schema privileges of PUBLIC'
    from kit k join pg_catalog.pg_namespace n on n.oid = k.oid
  union all
  select 'governed', 'nothing is reachable by PUBLIC', r.qname,
         not exists (select 1 from pg_catalog.aclexplode(coalesce(r.relacl,
                       pg_catalog.acldefault((case when r.relkind = 'S' then 's' else 'r' end)::"char", r.relowner))) a
                      where a.grantee = 0),
         'PUBLIC holds a privilege on this relation'
    from rels r
  union all
  select 'governed', 'nothing is reachable by PUBLIC', f.qname,
         not exists (select 1 from pg_catalog.aclexplode(coalesce(f.proacl, pg_catalog.acldefault('f', f.proowner))) a
                      where a.grantee = 0),
         'PUBLIC may execute this function'
    from funcs f
  union all
  -- governed: every SECURITY DEFINER function pins a search_path that ends in pg_temp
  select 'governed', 'definer functions pin search_path ending in pg_temp', d.qname,
         coalesce(btrim(reverse(split_part(reverse(d.path), ',', 1))) = 'pg_temp', false),
         coalesce('search_path=' || d.path, 'no search_path set')
    from definer_path d
  union all
  -- policy-bound: every kit function runs with jit = off (JIT compiled the guard's, certify's and
  -- the write paths' statements for longer than they ran). A function with no statement of its
  -- own needs no setting: a SQL function that is one SELECT of an expression (no FROM, no SET, not
  -- SECURITY DEFINER, not set-returning) is inlined into the statement that calls it
  -- and runs under that statement's jit = off (a SET clause would keep it from being inlined:
  -- the kit's per-row value checks are written this way)
  select 'policy-bound', 'kit functions run with jit = off', f.qname,
         coalesce(not j.setting::boolean, false)
           or (j.setting is null and f.inlined),
         case when j.setting is null and f.inlined then 'no jit setting: inlined into the statements that call it'
              else coalesce('jit=' || j.setting, 'no jit setting: its statements follow the session''s jit (add SET jit = off)') end
    from (select f.*,
                 f.prolang = (select l.oid from pg_catalog.pg_language l where l.lanname = 'sql')
                   and not f.prosecdef and not f.proretset and f.proconfig is null
                   and f.code ~* '^\s*select\M' and f.code !~* '\m(from|into)\M'
                   and pg_catalog.btrim(f.code, E' \t\r\n;') !~ ';' as inlined
            from funcs f) f
    left join lateral (select substr(c, length('jit=') + 1) as setting
                         from unnest(f.proconfig) c where c like 'jit=%') j on true
   where f.prokind in ('f', 'p')
  union all
  -- governed: the kit's group roles are NOLOGIN and carry no superuser or BYPASSRLS
  select 'governed', 'kit group roles are NOLOGIN without SUPERUSER or BYPASSRLS', g.name,
         g.rolcanlogin is not null and not g.rolcanlogin and not g.rolsuper and not g.rolbypassrls,
         case when g.rolcanlogin is null then 'role is missing'
              when g.rolcanlogin then 'role can log in'
              when g.rolsuper or g.rolbypassrls then 'role is SUPERUSER or BYPASSRLS'
              else 'nologin' end
    from group_roles g
  union all
  -- governed: no login role but the admin bypasses RLS or belongs to sor_owner
  select 'governed', 'no login role bypasses RLS or belongs to sor_owner', l.rolname,
         not l.rolbypassrls and not l.owner_member,
         case when l.rolbypassrls then 'login role has BYPASSRLS'
              when l.owner_member then 'login role is a member of sor_owner'
              else 'plain login role' end
    from login_roles l
  union all
  select 'governed', 'no login role bypasses RLS or belongs to sor_owner', '(no login roles besides the admin)', true,
         'only superusers and the database owner can log in'
   where not exists (select 1 from login_roles)
  union all
  -- governed: every kit relation and function is owned by sor_owner
  select 'governed', 'kit objects are owned by sor_owner, the guard''s by sor_guardian', r.qname,
         r.relowner::regrole::text = r.expected_owner, 'owner ' || r.relowner::regrole::text
    from rels r
  union all
  select 'governed', 'kit objects are owned by sor_owner, the guard''s by sor_guardian', f.qname,
         f.proowner::regrole::text = f.expected_owner, 'owner ' || f.proowner::regrole::text
    from funcs f
  union all
  -- governed: every tenant-facing function checks membership now, through the one rule
  select 'governed', 'functions that take a tenant''s run, task, call, row, stream or tenant check membership', t.qname,
         t.oid in (select g.oid from gates g),
         case when t.oid in (select g.oid from gates g) then 'calls a tenancy rule (directly or through a kit function)'
              else 'never calls sor_guard.require_member, is_member, member_tenants or can_read_tenant: a removed member or another tenant could act through it' end
    from tenant_facing t
  union all
  -- governed: the membership table is read only by the tenancy rules (no inline copy to drift)
  select 'governed', 'membership is read only by the tenancy rules', f.qname,
         false, 'reads sor.tenant_members itself instead of calling a tenancy rule'
    from funcs f
   where f.code ~* '(from|join)\s+sor\.tenant_members\M'
     and (pg_catalog.pg_identify_object('pg_catalog.pg_proc'::regclass, f.oid, 0)).identity
         not in (select c.identity from sor_guard.classes c where c.kind = 'function' and c.class = 'tenancy')
  union all
  select 'governed', 'membership is read only by the tenancy rules', '(kit functions)', true,
         'no kit function reads sor.tenant_members but the tenancy rules'
   where not exists (select 1 from funcs f
                      where f.code ~* '(from|join)\s+sor\.tenant_members\M'
                        and (pg_catalog.pg_identify_object('pg_catalog.pg_proc'::regclass, f.oid, 0)).identity
                            not in (select c.identity from sor_guard.classes c where c.kind = 'function' and c.class = 'tenancy'))
  union all
  -- governed: workers and dispatchers touch no table, view or sequence directly
  select 'governed', 'workers and dispatchers have no direct table access', l.rolname || ' on ' || r.qname,
         not (pg_catalog.has_table_privilege(l.oid, r.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')
              or (r.relkind = 'S' and pg_catalog.has_sequence_privilege(l.oid, r.oid, 'USAGE, SELECT, UPDATE'))
              or pg_catalog.has_any_column_privilege(l.oid, r.oid, 'SELECT, INSERT, UPDATE, REFERENCES')),
         'table privileges of ' || l.rolname
    from low_roles l cross join rels r
  union all
  -- governed: storage and shared memory outside the kit's tables (sor.closed_catalog_functions):
  -- large objects live outside every kit table, cap and retention; an advisory lock is an entry
  -- of the lock table the whole server shares, and nothing bounds how many a session takes; a
  -- logical decoding message goes straight into the WAL. No kit role reaches them. Per check, one
  -- row for PUBLIC (what a managed service's admin cannot revoke), one per kit role or Worker's or
  -- Dispatcher's login granted EXECUTE by name.
  (select 'governed', c.check_name, '(PUBLIC)', pg_catalog.count(*) filter (where c.open) = 0,
          coalesce('EXECUTE on '
                   || case when not pg_catalog.bool_and(c.open) or c.ordinal = 1
                             then pg_catalog.string_agg(c.sig, ', ' order by c.sig) filter (where c.open)
                           when c.ordinal = 2 then 'all ' || pg_catalog.count(*) || ' advisory lock functions'
                           else 'every form of pg_catalog.pg_logical_emit_message' end
                   || ' is granted to PUBLIC: '
                   || case c.ordinal
                        when 1 then 'every role may keep data in large objects, outside the kit''s tables, size cap and retention'
                        when 2 then 'one login may fill the server''s shared lock table, and then no session can take a lock'
                                    || ' nor a new connection start'
                        else 'every role may write up to a gigabyte of WAL a call, kept when its transaction rolls back,'
                             || ' outside the kit''s tables and quotas, and read by every logical decoding consumer' end
                   || ' (the role that migrated is no superuser and could not revoke it: a managed service)',
                   'revoked from PUBLIC by db/policies/R__905_policies_storage.sql')
     from (select f.ordinal, f.check_name, f.sig, pg_catalog.has_function_privilege('public', f.sig::regprocedure, 'EXECUTE') as open
             from sor.closed_catalog_functions() f) c
    group by c.ordinal, c.check_name
    order by c.ordinal)
  union all
  (select 'governed', f.check_name, g.rolname || ' on ' || f.sig, false,
          'EXECUTE granted by name; grant it to no kit role or login of a Worker or Dispatcher'
     from (select r.oid, r.rolname from pg_catalog.pg_roles r
            where r.rolname in ('sor_owner', 'sor_worker', 'sor_dispatcher', 'sor_tenant', 'sor_auditor',
                                'sor_approver', 'sor_admin', 'sor_guardian')
               or (r.rolcanlogin and not r.rolsuper
                   and exists (select 1 from low_roles l where pg_catalog.pg_has_role(r.oid, l.oid, 'MEMBER')))) g
    cross join sor.closed_catalog_functions() f
    where not pg_catalog.has_function_privilege('public', f.sig::regprocedure, 'EXECUTE')
      and pg_catalog.has_function_privilege(g.oid, f.sig::regprocedure, 'EXECUTE')
      -- sor_owner (and the roles that act as it) keeps what the kit's code needs (owner_keeps)
      and not (f.owner_keeps and pg_catalog.pg_has_role(g.oid, 'sor_owner', 'USAGE'))
    order by f.ordinal, g.rolname, f.sig)
  union all
  -- governed: storage outside the kit's tables, through the catalog. No caller of the kit may
  -- create an object (a table, a function, a schema) in any schema of the database, nor a schema
  -- in it: what it created would sit outside every kit table, policy, cap, quota and retention.
  -- PostgreSQL 15 and later grant PUBLIC no CREATE on schema public; a cluster upgraded from an
  -- earlier major keeps that grant, and a DBA may give one. One row per schema (temporary and
  -- system schemas aside) and one for the database, naming who holds CREATE among PUBLIC and the
  -- callers (the kit's caller roles and their logins, above).
  (select 'governed', 'kit roles cannot create objects outside the kit', o.what, o.holders is null,
          coalesce('CREATE held by ' || o.holders || ': they may keep objects here outside every kit table, policy, quota and retention'
                   || case when o.holders ~ '^PUBLIC(,|$)' and o.what = 'schema public'
                             then ' (PUBLIC''s, which a cluster upgraded from PostgreSQL 14 or earlier keeps, is revoked by'
                                  || ' db/policies/R__905_policies_storage.sql when a superuser or the database''s owner migrates)'
                           when o.holders ~ '^PUBLIC(,|$)' and o.what like 'database %'
                             then ' (PUBLIC''s is revoked by db/policies/R__905_policies_storage.sql when a superuser or the database''s owner migrates)'
                           else '' end,
                   'no caller of the kit may create here')
     from (select x.what,
                  (select pg_catalog.string_agg(c.name, ', ' order by c.ord, c.name)
                     from (select 0 as ord, 'PUBLIC'::text as name, 'public'::name as role
                           union all
                           select case when k.login then 2 else 1 end, k.rolname::text, k.rolname from callers k) c
                    where case when x.nsp is null then pg_catalog.has_database_privilege(c.role, pg_catalog.current_database(), 'CREATE')
                               else pg_catalog.has_schema_privilege(c.role, x.nsp, 'CREATE') end
                      -- a role is named only when it holds more than PUBLIC does
                      and (c.ord = 0 or not case when x.nsp is null then pg_catalog.has_database_privilege('public', pg_catalog.current_database(), 'CREATE')
                                                 else pg_catalog.has_schema_privilege('public', x.nsp, 'CREATE') end)) as holders
             from (select pg_catalog.format('schema %I', n.nspname) as what, n.oid as nsp, n.nspname as sort
                     from pg_catalog.pg_namespace n
                    where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
                      and n.nspname !~ '^pg_(toast_)?temp_'
                   union all
                   select pg_catalog.format('database %I', pg_catalog.current_database()), null, null) x) o
    order by o.what like 'database %', o.what)
  union all
  -- and what such a role created while it could (or was given) is named by its owner: objects of
  -- this database owned by a caller role of the kit or its login, temporary ones aside
  (select 'governed', 'kit roles cannot create objects outside the kit', 'objects owned by ' || r.rolname, false,
          pg_catalog.count(*) || ' owned: ' || pg_catalog.string_agg(o.type || ' ' || o.identity, ', ' order by o.type, o.identity)
          || '; drop them or give them to their application''s owner (ALTER ... OWNER TO)'
     from pg_catalog.pg_shdepend d
     join callers r on r.oid = d.refobjid
     cross join lateral pg_catalog.pg_identify_object(d.classid, d.objid, 0) o
    where d.deptype = 'o' and d.refclassid = 'pg_catalog.pg_authid'::regclass
      and d.dbid = (select db.oid from pg_catalog.pg_database db where db.datname = pg_catalog.current_database())
      and coalesce(o.schema, '') !~ '^pg_(toast_)?temp_'
    group by r.rolname
    order by r.rolname)
  union all
  -- inspectable: every table, view and function carries a COMMENT
  select 'inspectable', 'every table, view and function has a comment', r.qname,
         pg_catalog.obj_description(r.oid, 'pg_class') is not null,
         coalesce(left(pg_catalog.obj_description(r.oid, 'pg_class'), 60), 'no comment')
    from rels r where r.relkind in ('r', 'p', 'v', 'm', 'f')
  union all
  select 'inspectable', 'every table, view and function has a comment', f.qname,
         pg_catalog.obj_description(f.oid, 'pg_proc') is not null,
         coalesce(left(pg_catalog.obj_description(f.oid, 'pg_proc'), 60), 'no comment')
    from funcs f
$function$;

CREATE OR REPLACE FUNCTION sor.certify__020_events()
 RETURNS TABLE(property text, check_name text, object text, ok boolean, detail text)
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
  with classed as (
    select p.oid, c.class
      from sor_guard.classes c
      join pg_catalog.pg_proc p on (pg_catalog.pg_identify_object('pg_catalog.pg_proc'::regclass, p.oid, 0)).identity = c.identity
     where c.kind = 'function' and c.class in ('refusal', 'chain')
       and p.pronamespace in (select n.oid from pg_catalog.pg_namespace n where n.nspname in ('sor', 'sor_guard'))
  ), triggers as (
    -- tgtype bits: 1 row, 2 before, 4 insert, 8 delete, 16 update, 32 truncate. A trigger counts
    -- only without a WHEN condition and, for UPDATE, without a column list (UPDATE OF x).
    select t.tgrelid, t.tgname, t.tgenabled, t.tgtype::integer as tgtype, t.tgfoid,
           t.tgqual is null as no_when,
           coalesce(pg_catalog.array_length(t.tgattr::int2[], 1), 0) = 0 as all_columns,
           (select c.class from classed c where c.oid = t.tgfoid and c.class = 'refusal') is not null as refuses,
           (select c.class from classed c where c.oid = t.tgfoid and c.class = 'chain') is not null as chains
      from pg_catalog.pg_trigger t
     where not t.tgisinternal
  ), registered as (
    select r.table_schema::text as table_schema, r.table_name::text as table_name,
           pg_catalog.to_regclass(pg_catalog.format('%I.%I', r.table_schema, r.table_name))::oid as relid
      from sor.append_only_tables r
  ), append_only as (
    -- a partitioned table's partitions each need their own TRUNCATE refusal (statement triggers are
    -- not inherited) and keep the cloned row refusals
    select * from registered
    union
    select n.nspname::text, c.relname::text, c.oid
      from registered r
      join pg_catalog.pg_inherits i on i.inhparent = r.relid
      join pg_catalog.pg_class c on c.oid = i.inhrelid
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
  ), needs as (
    select a.table_schema, a.table_name, a.relid, k.kind, k.bits
      from append_only a
     cross join (values ('UPDATE', 1 | 2 | 16), ('DELETE', 1 | 2 | 8), ('TRUNCATE', 2 | 32)) k(kind, bits)
  ), judged as (
    select n.*,
           (select pg_catalog.string_agg(t.tgname, ', ' order by t.tgname) from triggers t
             where t.tgrelid = n.relid and t.refuses
               and t.tgtype & n.bits = n.bits and t.tgtype & 1 = n.bits & 1
               and t.no_when and (t.all_columns or n.bits & 16 = 0) and t.tgenabled = 'A') as good,
           (select pg_catalog.string_agg(t.tgname || ' (enabled ' || t.tgenabled::text || ')', ', ' order by t.tgname) from triggers t
             where t.tgrelid = n.relid and t.refuses
               and t.tgtype & n.bits = n.bits and t.tgtype & 1 = n.bits & 1
               and t.tgenabled <> 'A') as weak
      from needs n
  ), event_triggers as (
    select k.what, k.bits, k.want,
           (select pg_catalog.string_agg(t.tgname, ', ' order by t.tgname) from triggers t
             where t.tgrelid = k.relid
               and (case k.want when 'chain' then t.chains else t.refuses end)
               and t.tgtype & k.bits = k.bits and t.tgtype & 1 = k.bits & 1
               and t.no_when and (t.all_columns or k.bits & 16 = 0) and t.tgenabled = 'A') as good
      from (select v.what, v.bits, v.want, 'sor.events'::regclass::oid as relid
              from (values ('sor.events: chain on INSERT', 4, 'chain'),
                           ('sor.events: refuse UPDATE statements', 2 | 16, 'refusal'),
                           ('sor.events: refuse DELETE statements', 2 | 8, 'refusal')) v(what, bits, want)
            union all
            -- every partition refuses UPDATE and DELETE statements naming it (the chain is checked once
            -- per INSERT statement on sor.events, which statement triggers of partitions do not see)
            select pg_catalog.format('sor.%I: %s', (select c.relname from pg_catalog.pg_class c where c.oid = i.inhrelid), v.what),
                   v.bits, v.want, i.inhrelid
              from pg_catalog.pg_inherits i
             cross join (values ('refuse UPDATE statements', 2 | 16, 'refusal'),
                                ('refuse DELETE statements', 2 | 8, 'refusal')) v(what, bits, want)
             where i.inhparent = 'sor.events'::regclass) k
  ), chains as (
    select c.* from sor.verify_event_chains(null, null) c
  )
  select 'policy-bound', 'append-only tables refuse UPDATE, DELETE and TRUNCATE (ENABLE ALWAYS)',
         pg_catalog.format('%I.%I: %s', j.table_schema, j.table_name, j.kind),
         j.relid is not null and j.good is not null,
         case when j.relid is null then 'registered in sor.append_only_tables but missing'
              when j.good is not null then 'BEFORE ' || j.kind || ' trigger ' || j.good
              when j.weak is not null then 'not ENABLE ALWAYS: ' || j.weak
              else 'no unconditional BEFORE ' || j.kind
                   || case when j.kind = 'TRUNCATE' then ' statement' else ' row' end
                   || ' trigger calling a function declared refusal' end
    from judged j
  union all
  select 'replayable', 'event log triggers are ENABLE ALWAYS', e.what, e.good is not null,
         coalesce('trigger ' || e.good, 'no unconditional ENABLE ALWAYS trigger calling a function declared ' || e.want)
    from event_triggers e
  union all
  select 'replayable', 'event hash chains verify', 'sor.events', true,
         pg_catalog.format('%s streams, %s events intact',
                           (select pg_catalog.count(*) from chains), (select coalesce(pg_catalog.sum(x.events), 0) from chains x))
   where not exists (select 1 from chains c where c.problem is not null)
  union all
  select 'replayable', 'event hash chains verify', pg_catalog.format('sor.events %s/%s', c.tenant_id, c.stream), false,
         pg_catalog.format('%s at position %s: %s', c.problem, c.position, c.detail)
    from chains c
   where c.problem is not null
  union all
  -- the list callers read (sor.reserved_names) is the list the kit applies (sor.reserved_list, in
  -- sor.reserved_kind's expression), name for name, and each listed name is refused with its kind
  select 'governed', 'reserved names are the names the kit refuses', 'sor.reserved_names: ' || k.kind,
         r.listed is not distinct from r.applied and r.unrefused is null,
         case when r.listed is not distinct from r.applied and r.unrefused is null then coalesce(r.listed, 'none')
              else pg_catalog.concat_ws('; ',
                     'listed but not applied: ' || (select pg_catalog.string_agg(x, ', ' order by x)
                                                      from pg_catalog.unnest(pg_catalog.string_to_array(r.listed, ', ')) x
                                                     where x <> all (coalesce(pg_catalog.string_to_array(r.applied, ', '), '{}'))),
                     'applied but not listed: ' || (select pg_catalog.string_agg(x, ', ' order by x)
                                                      from pg_catalog.unnest(pg_catalog.string_to_array(r.applied, ', ')) x
                                                     where x <> all (coalesce(pg_catalog.string_to_array(r.listed, ', '), '{}'))),
                     'not refused as ' || k.kind || ': ' || r.unrefused) end
    from (values ('stream category'), ('event type prefix'), ('outbox topic')) k(kind)
   cross join lateral (
     select (select pg_catalog.string_agg(n.name, ', ' order by n.name) from sor.reserved_names n where n.kind = k.kind) as listed,
            (select pg_catalog.string_agg(a.name, ', ' order by a.name) from pg_catalog.unnest(sor.reserved_list(k.kind)) a(name)) as applied,
            (select pg_catalog.string_agg(n.name, ', ' order by n.name) from sor.reserved_names n
              where n.kind = k.kind
                and sor.reserved_kind(case when k.kind = 'stream category' then n.name || '-1' end,
                                      case when k.kind = 'event type prefix' then n.name || 'x' end,
                                      case when k.kind = 'outbox topic' then n.name end) is distinct from k.kind) as unrefused) r
  union all
  -- wake-up channels are named from the database's secret (sor.wakeup_channel): one row of 32
  -- bytes, granted to no role, readable under forced row level security by sor_owner's policy alone
  select 'governed', 'wake-up channels cannot be named without asking the kit', 'sor.wakeup_secret',
         w.rows = 1 and w.sized = 1 and w.forced and w.grantees is null and w.policies is null,
         case when w.rows = 0 then 'no secret: wake-ups have stopped (sor_api.rotate_wakeup_channels makes one)'
              when w.rows <> 1 or w.sized <> 1 then w.rows || ' rows, ' || w.sized || ' of 32 bytes'
              when not w.forced then 'row level security is not enabled and forced'
              when w.grantees is not null then 'privileges granted to ' || w.grantees
              when w.policies is not null then 'policies for roles other than sor_owner: ' || w.policies
              else 'one secret of 32 bytes, read by sor_owner only' end
    from (select (select pg_catalog.count(*) from sor.wakeup_secret) as rows,
                 (select pg_catalog.count(*) from sor.wakeup_secret x where pg_catalog.length(x.secret) = 32) as sized,
                 c.relrowsecurity and c.relforcerowsecurity as forced,
                 (select pg_catalog.string_agg(distinct case when a.grantee = 0 then 'PUBLIC' else a.grantee::regrole::text end, ', ')
                    from pg_catalog.aclexplode(c.relacl) a where a.grantee <> c.relowner) as grantees,
                 (select pg_catalog.string_agg(p.polname, ', ' order by p.polname) from pg_catalog.pg_policy p
                   where p.polrelid = c.oid
                     and p.polroles <> array[(select r.oid from pg_catalog.pg_roles r where r.rolname = 'sor_owner')]) as policies
            from pg_catalog.pg_class c where c.oid = 'sor.wakeup_secret'::regclass) w
$function$;

CREATE OR REPLACE FUNCTION sor.certify__030_guard()
 RETURNS TABLE(property text, check_name text, object text, ok boolean, detail text)
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
  with live as materialized (
    select l.* from sor_guard.live_objects(null) l
  ), reg as materialized (
    select r.* from sor_guard.registered r where r.present
  ), drift as materialized (
    select d.* from sor_guard.diff(null) d
  ), guard_triggers as (
    select r.identity, e.evtenabled, e.evtevent
      from reg r left join pg_catalog.pg_event_trigger e on pg_catalog.quote_ident(e.evtname) = r.identity
     where r.kind = 'event trigger'
  ), unregistered as (
    select l.kind, l.identity,
           (select pg_catalog.count(*) from live c where c.root_kind = l.root_kind and c.root_objid = l.root_objid) - 1 as children
      from live l
     where l.kind = l.root_kind and l.objid = l.root_objid
       and not exists (select 1 from reg r where r.kind = l.kind and r.identity = l.identity)
  ), guardian as (
    select r.oid, r.rolcanlogin, r.rolsuper,
           (select pg_catalog.string_agg(m.member::regrole::text, ', ') from pg_catalog.pg_auth_members m where m.roleid = r.oid) as members
      from pg_catalog.pg_roles r where r.rolname = 'sor_guardian'
  ), unrecorded_partitions as materialized (
    select u.* from sor_guard.unrecorded_partitions() u
  ), et_off as (
    select coalesce(r.rolname, 'every role') || ' in ' || coalesce(d.datname, 'every database') as who
      from pg_catalog.pg_db_role_setting s
      left join pg_catalog.pg_roles r on r.oid = s.setrole
      left join pg_catalog.pg_database d on d.oid = s.setdatabase
     cross join lateral pg_catalog.unnest(s.setconfig) as cfg(setting)
     where (s.setdatabase = 0 or d.datname = pg_catalog.current_database())
       and pg_catalog.lower(cfg.setting) in ('event_triggers=off', 'event_triggers=false', 'event_triggers=0', 'event_triggers=no')
  )
  select 'policy-bound', 'drop guard event triggers are installed and ENABLE ALWAYS', '(drop guard)', false,
         'not installed: the role that migrated could not create event triggers (a managed service); nothing refuses guarded DDL, certify() still sees every difference from the register'
   where not exists (select 1 from guard_triggers)
  union all
  select 'policy-bound', 'drop guard event triggers are installed and ENABLE ALWAYS', g.identity,
         coalesce(g.evtenabled = 'A', false),
         case when g.evtenabled is null then 'missing: dropped past the guard (a superuser''s power)'
              when g.evtenabled <> 'A' then 'not ENABLE ALWAYS (evtenabled ' || g.evtenabled::text || '): paused by a superuser'
              else 'enabled always on ' || g.evtevent end
    from guard_triggers g
  union all
  select 'policy-bound', 'the live catalog matches the register of protected objects', '(register)', true,
         (select pg_catalog.count(*) from reg) || ' registered objects, none differs'
   where not exists (select 1 from drift)
  union all
  select 'policy-bound', 'the live catalog matches the register of protected objects', d.kind || ' ' || d.object, false,
         d.operation || ': ' || d.detail || ' (made past the guard, or a new ' || d.kind || ' never approved)'
    from drift d
  union all
  select 'policy-bound', 'every protected object is registered', '(register)', true,
         'no unregistered table, view, function or schema in a protected schema'
   where not exists (select 1 from unregistered)
  union all
  select 'policy-bound', 'every protected object is registered', u.kind || ' ' || u.identity, false,
         'not registered' || case when u.children > 0 then ' (with ' || u.children || ' dependent objects)' else '' end
           || ': flyway migrate registers new objects (afterMigrate), or select sor_guard.protect_all()'
    from unregistered u
  union all
  select 'governed', 'no session can act as sor_guardian', 'sor_guardian',
         coalesce(not g.rolcanlogin and not g.rolsuper and g.members is null, false),
         case when g.oid is null then 'role is missing'
              when g.rolcanlogin or g.rolsuper then 'the role can log in or is a superuser'
              when g.members is not null then 'members: ' || g.members
              else 'NOLOGIN, no members' end
    from (select 1) one left join guardian g on true
  union all
  select 'policy-bound', 'every partition of a kit table is the kit''s own', '(partitions)', true,
         'every partition of ' || (select pg_catalog.string_agg(k.identity, ', ' order by k.identity) from sor_guard.kit_parents() k)
           || ' was made by the kit or attached with an approval (sor_guard.kit_partitions)'
   where not exists (select 1 from unrecorded_partitions)
  union all
  select 'policy-bound', 'every partition of a kit table is the kit''s own', u.partition_name, false, u.detail
    from unrecorded_partitions u
  union all
  select 'policy-bound', 'event triggers are not switched off', pg_catalog.current_database(),
         case when pg_catalog.current_setting('event_triggers', true) is null then true
              else pg_catalog.current_setting('event_triggers', true) = 'on' and not exists (select 1 from et_off) end,
         case when pg_catalog.current_setting('event_triggers', true) is null
                then 'not applicable: this server has no event_triggers setting (before PostgreSQL 17)'
              when pg_catalog.current_setting('event_triggers', true) <> 'on'
                then 'event_triggers is off (' || (select s.source from pg_catalog.pg_settings s where s.name = 'event_triggers') || ')'
              when exists (select 1 from et_off)
                then 'event_triggers = off for ' || (select pg_catalog.string_agg(o.who, ', ' order by o.who) from et_off o)
              else 'on' end
$function$;

CREATE OR REPLACE FUNCTION sor.certify__040_journal()
 RETURNS TABLE(property text, check_name text, object text, ok boolean, detail text)
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
  with audit_triggers as (
    select (pg_catalog.pg_identify_object('pg_catalog.pg_class'::regclass, t.tgrelid, 0)).identity as tbl, t.tgname, t.tgenabled,
           (pg_catalog.pg_identify_object('pg_catalog.pg_proc'::regclass, t.tgfoid, 0)).identity as fn
      from pg_catalog.pg_trigger t
     where not t.tgisinternal
       and (pg_catalog.pg_identify_object('pg_catalog.pg_proc'::regclass, t.tgfoid, 0)).identity
           in (select c.identity from sor_guard.classes c where c.kind = 'function' and c.class = 'audit')
  ), hash_only_leaks(tbl, n) as (
    select 'sor.runs', count(*) from sor.runs r
     where r.hash_only and (r.input is not null or r.error is not null)
    union all
    select 'sor.turns', count(*) from sor.turns t join sor.runs r on r.tenant_id = t.tenant_id and r.run_id = t.run_id
     where (r.hash_only or t.hash_only) and (t.content is not null or t.content_sha256 is null or not t.hash_only)
    union all
    select 'sor.tool_calls', count(*) from sor.tool_calls c join sor.runs r on r.tenant_id = c.tenant_id and r.run_id = c.run_id
     where (r.hash_only or c.hash_only)
       and (c.args is not null or c.result is not null or c.error is not null or not c.hash_only)
    union all
    select 'sor.events', count(*) from sor.events e join sor.runs r on r.tenant_id = e.tenant_id and e.stream = 'run-' || r.run_id::text
     where r.hash_only and e.type in ('run_started', 'run_succeeded', 'run_failed', 'run_abandoned')
       and (e.payload ? 'input' or coalesce(e.payload -> 'error', 'null'::jsonb) <> 'null'::jsonb)
  ), diverging as (
    select r.tenant_id, r.run_id, r.version,
           (select count(*) from sor.steps s where s.tenant_id = r.tenant_id and s.run_id = r.run_id) as steps,
           (select count(*) from sor.events e where e.tenant_id = r.tenant_id and e.stream = 'run-' || r.run_id::text
                                               and e.type = 'run_state_committed') as commits
      from sor.runs r
  )
  select 'replayable', 'state transitions write their events from ENABLE ALWAYS triggers', t.tgname || ' on ' || t.tbl,
         t.tgenabled = 'A',
         case when t.tgenabled = 'A' then 'enabled always, calls ' || t.fn
              else 'not ENABLE ALWAYS (tgenabled ' || t.tgenabled::text || '), calls ' || t.fn end
    from audit_triggers t
  union all
  select 'governed', 'hash-only runs hold no content', h.tbl, h.n = 0,
         case when h.n = 0 then 'no content in hash-only rows' else h.n || ' hash-only rows hold content' end
    from hash_only_leaks h
  union all
  select 'replayable', 'run versions agree with their committed steps and events', 'sor.runs',
         not exists (select 1 from diverging d where d.version <> d.steps or d.version <> d.commits),
         coalesce((select count(*) || ' runs diverge, e.g. ' || min(d.run_id::text)
                     from diverging d where d.version <> d.steps or d.version <> d.commits
                   having count(*) > 0),
                  'every run version equals its steps and run_state_committed events')
$function$;

CREATE OR REPLACE FUNCTION sor.certify__050_claims()
 RETURNS TABLE(property text, check_name text, object text, ok boolean, detail text)
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
  with queue_rels as (
    select k.identity as tbl, c.oid, c.reloptions
      from sor_guard.classes k
      left join pg_catalog.pg_class c on c.oid = pg_catalog.to_regclass(k.identity)
     where k.kind = 'table' and k.class = 'queue'
  ), queue_leaves as (
    -- a partitioned queue keeps its fillfactor on each partition
    select r.tbl, r.oid, r.reloptions from queue_rels r
     where r.oid is null or (select c.relkind from pg_catalog.pg_class c where c.oid = r.oid) <> 'p'
    union all
    select pg_catalog.format('%I.%I', n.nspname, c.relname), c.oid, c.reloptions
      from queue_rels r
      join pg_catalog.pg_inherits i on i.inhparent = r.oid
      join pg_catalog.pg_class c on c.oid = i.inhrelid
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
  ), publication as (
    select pt.attnames
      from pg_catalog.pg_publication_tables pt
     where pt.pubname = 'sor_outbox_cdc' and pt.schemaname = 'sor' and pt.tablename = 'outbox'
  )
  -- policy-bound: queue tables leave room for HOT updates
  select 'policy-bound', 'queue tables have fillfactor below 100', r.tbl,
         coalesce((select substr(o, length('fillfactor=') + 1)::int from unnest(r.reloptions) o where o like 'fillfactor=%'), 100) < 100
           and r.oid is not null,
         case when r.oid is null then 'table is missing'
              else 'fillfactor ' || coalesce((select substr(o, length('fillfactor=') + 1) from unnest(r.reloptions) o where o like 'fillfactor=%'), '100 (default)') end
    from queue_leaves r
  union all
  -- policy-bound: the claim's WHERE clause has a partial index on the rows it reads
  select 'policy-bound', 'queue tables have a partial index on the rows a claim reads', r.tbl,
         exists (select 1 from pg_catalog.pg_index i
                  where i.indrelid = r.oid and i.indisvalid and i.indpred is not null
                    and pg_catalog.pg_get_expr(i.indpred, i.indrelid) like '%status%'),
         coalesce((select pg_catalog.string_agg(ic.relname || ' where ' || pg_catalog.pg_get_expr(i.indpred, i.indrelid), '; ' order by ic.relname)
                     from pg_catalog.pg_index i join pg_catalog.pg_class ic on ic.oid = i.indexrelid
                    where i.indrelid = r.oid and i.indisvalid and i.indpred is not null
                      and pg_catalog.pg_get_expr(i.indpred, i.indrelid) like '%status%'),
                  'no valid partial index on status')
    from queue_rels r
  union all
  -- policy-bound: the one lease machine, checked once for both of its tables (sor.leases()): every
  -- held lease has its holder, a fencing token sor.fencing_tokens issued, and an expiry
  select 'policy-bound', 'held leases have a holder, an issued fencing token and an expiry', k.kind,
         pg_catalog.count(*) filter (where l.kind is not null
                                       and (l.holder is null or l.fencing_token is null or l.lease_expires_at is null
                                            or l.fencing_token > (select s.last_value from sor.fencing_tokens s))) = 0,
         pg_catalog.count(*) filter (where l.kind is not null
                                       and (l.holder is null or l.fencing_token is null or l.lease_expires_at is null
                                            or l.fencing_token > (select s.last_value from sor.fencing_tokens s)))
           || ' of ' || pg_catalog.count(l.kind) || ' held leases malformed'
    from (select 'sor.tasks' as kind union all select 'sor.outbox') k
    left join sor.leases() l on l.kind = k.kind and l.held
   group by k.kind
  union all
  -- durable: a published table whose replica identity is FULL (the row filter reads status) needs
  -- it on every partition too, or updates of that partition's rows fail while published
  select 'durable', 'outbox partitions carry the replica identity of the outbox', pg_catalog.format('%I.%I', n.nspname, c.relname),
         c.relreplident = 'f', case when c.relreplident = 'f' then 'replica identity full'
                                    else 'replica identity ' || c.relreplident::text || ': updates of its rows fail while sor.outbox is published with its row filter' end
    from pg_catalog.pg_inherits i
    join pg_catalog.pg_class c on c.oid = i.inhrelid
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
   where i.inhparent = 'sor.outbox'::regclass
     and (select p.relreplident from pg_catalog.pg_class p where p.oid = 'sor.outbox'::regclass) = 'f'
  union all
  -- durable: the outbox is published for a CDC relay wherever the server can decode it
  select 'durable', 'the outbox is published for CDC where wal_level is logical', 'publication sor_outbox_cdc',
         case when pg_catalog.current_setting('wal_level') <> 'logical' then true
              else coalesce((select array['event_id', 'aggregate_type', 'aggregate_id', 'topic', 'payload']::name[] <@ p.attnames
                               from publication p), false) end,
         case when pg_catalog.current_setting('wal_level') <> 'logical'
                then 'not applicable: wal_level is ' || pg_catalog.current_setting('wal_level')
              when not exists (select 1 from publication) then 'publication of sor.outbox is missing'
              else 'columns ' || (select array_to_string(p.attnames, ', ') from publication p) end
$function$;

CREATE OR REPLACE FUNCTION sor.certify__060_tools()
 RETURNS TABLE(property text, check_name text, object text, ok boolean, detail text)
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
  with t as (
    select t.tool_name, t.input_schema, p.oid, p.prosecdef, p.proacl, p.proowner,
           (select substr(c, 13) from unnest(p.proconfig) c where c like 'search_path=%') as path
      from sor.tools t left join pg_catalog.pg_proc p on p.oid = t.function_oid
  )
  select 'governed', 'tool functions are definer, pinned and not directly executable', t.tool_name,
         t.oid is not null and t.prosecdef
           and coalesce(btrim(reverse(split_part(reverse(t.path), ',', 1))) = 'pg_temp', false)
           and not exists (select 1 from pg_catalog.aclexplode(coalesce(t.proacl, pg_catalog.acldefault('f', t.proowner))) a
                            where a.grantee = 0 and a.privilege_type = 'EXECUTE')
           and not pg_catalog.has_function_privilege('sor_worker', t.oid, 'EXECUTE'),
         case when t.oid is null then 'function is missing'
              when not t.prosecdef then 'not SECURITY DEFINER'
              when not coalesce(btrim(reverse(split_part(reverse(t.path), ',', 1))) = 'pg_temp', false) then 'search_path not pinned ending in pg_temp'
              when pg_catalog.has_function_privilege('sor_worker', t.oid, 'EXECUTE') then 'Workers can execute it directly'
              else 'definer, pinned, reachable only through call_tool' end
    from t
  union all
  select 'policy-bound', 'tool input schemas use only enforced keywords', t.tool_name,
         sor.json_schema_problem(t.input_schema) is null,
         coalesce(sor.json_schema_problem(t.input_schema), 'schema enforceable')
    from t
  union all
  select 'governed', 'Workers reach tools only through call_tool', 'sor_worker',
         pg_catalog.has_function_privilege('sor_worker', 'sor_api.call_tool(uuid, text, jsonb, text)', 'EXECUTE')
           and pg_catalog.has_function_privilege('sor_worker', 'sor_api.list_tools()', 'EXECUTE'),
         'sor_worker may execute call_tool and list_tools'
$function$;

CREATE OR REPLACE FUNCTION sor.certify__070_capstone()
 RETURNS TABLE(property text, check_name text, object text, ok boolean, detail text)
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
  with tables as (
    select c.oid, format('%I.%I', n.nspname, c.relname) as name, c.relpersistence,
           exists (select 1 from pg_catalog.pg_attribute a
                    where a.attrelid = c.oid and a.attname = 'tenant_id' and a.attnum > 0 and not a.attisdropped) as tenant_scoped
      from pg_catalog.pg_class c
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
     where n.nspname in (select sor.kit_schemas())
       and c.relkind in ('r', 'p')
  ), sync_off as (
    select coalesce(r.rolname, 'every role') || ' in ' || coalesce(d.datname, 'every database') as who
      from pg_catalog.pg_db_role_setting s
      left join pg_catalog.pg_roles r on r.oid = s.setrole
      left join pg_catalog.pg_database d on d.oid = s.setdatabase
     cross join lateral pg_catalog.unnest(s.setconfig) as cfg(setting)
     where (s.setdatabase = 0 or d.datname = pg_catalog.current_database())
       and (s.setrole = 0 or r.rolname like 'sor\_%'
            or exists (select 1 from pg_catalog.pg_auth_members m join pg_catalog.pg_roles g on g.oid = m.roleid
                        where m.member = s.setrole and g.rolname like 'sor\_%'))
       and pg_catalog.lower(cfg.setting) in ('synchronous_commit=off', 'synchronous_commit=false', 'synchronous_commit=0', 'synchronous_commit=no')
  ), unique_keys as (
    select t.name as tbl, ic.relname as idx,
           (select a.attname from pg_catalog.pg_attribute a
             where a.attrelid = i.indrelid and a.attnum = i.indkey[0]) as first_column
      from tables t
      join pg_catalog.pg_index i on i.indrelid = t.oid and i.indisunique
      join pg_catalog.pg_class ic on ic.oid = i.indexrelid
     where t.tenant_scoped
  ), reader_state as (
    select c.identity as sig, p.oid, p.prosecdef
      from sor_guard.classes c
      left join pg_catalog.pg_proc p
        on p.pronamespace = 'sor_api'::regnamespace
       and (pg_catalog.pg_identify_object('pg_catalog.pg_proc'::regclass, p.oid, 0)).identity = c.identity
     where c.kind = 'function' and c.class = 'reader'
  ), dedupe_state as (
    -- keys declared dedupe: a unique constraint or a unique index, valid, leading with tenant_id
    select c.kind || ' ' || c.identity as what,
           i.indexrelid is not null and i.indisunique and i.indisvalid and i.indexprs is null
             and (select a.attname from pg_catalog.pg_attribute a
                   where a.attrelid = i.indrelid and a.attnum = i.indkey[0]) = 'tenant_id' as unique_ok,
           (select pg_catalog.pg_get_indexdef(i.indexrelid)) as def
      from sor_guard.classes c
      left join pg_catalog.pg_index i on i.indexrelid = case c.kind
             when 'index' then pg_catalog.to_regclass(c.identity)::oid
             when 'constraint' then (select k.conindid from pg_catalog.pg_constraint k
                                      where (pg_catalog.pg_identify_object('pg_catalog.pg_constraint'::regclass, k.oid, 0)).identity = c.identity
                                        and k.conrelid = pg_catalog.to_regclass(pg_catalog.split_part(c.identity, ' on ', 2))) end
     where c.class = 'dedupe'
  ), event_gaps(tbl, missing) as (
    select 'sor.runs', count(*) from sor.runs r
     where not exists (select 1 from sor.events e where e.tenant_id = r.tenant_id
                          and e.stream = 'run-' || r.run_id::text and e.type = 'run_started')
        or (r.status <> 'running'
            and not exists (select 1 from sor.events e where e.tenant_id = r.tenant_id
                               and e.stream = 'run-' || r.run_id::text and e.type = 'run_' || r.status))
    union all
    -- a task or outbox row is queued without an event (its row says who and when), and a task's
    -- claim is recorded by the event of its outcome; every outcome and outbox lease has one.
    -- Finished rows are checked back to the start of last month: older months are sealed into
    -- the ledger and leave with their partitions.
    -- A completion written without its event (completion_event false: its queue recorded
    -- completions as rows, V109) is recorded by its finished row alone; a dead task never is.
    select 'sor.finished_tasks', count(*) from sor.finished_tasks f
     where f.finished_at >= pg_catalog.date_trunc('month', pg_catalog.now()) - interval '1 month'
       and (f.completion_event or f.status <> 'completed')
       and not exists (select 1 from sor.events e where e.tenant_id = f.tenant_id
                          and e.stream = 'task-' || f.task_id and e.type = 'task.' || f.status)
    union all
    select 'sor.outbox', count(*) from sor.outbox o
     where o.created_at >= pg_catalog.date_trunc('month', pg_catalog.now()) - interval '1 month'
       and o.status in ('leased', 'dispatched', 'dead')
       and not exists (select 1 from sor.events e where e.tenant_id = o.tenant_id
                          and e.stream = 'outbox-' || o.outbox_id and e.type = 'outbox.' || o.status)
  )
  select 'durable', 'kit tables are LOGGED (not UNLOGGED or temporary)', t.name, t.relpersistence = 'p',
         case t.relpersistence when 'p' then 'logged' when 'u' then 'UNLOGGED: emptied after a crash' else 'temporary' end
    from tables t
  union all
  select 'durable', 'synchronous_commit is not off for the database or a kit role', pg_catalog.current_database(),
         not exists (select 1 from sync_off)
           and ((select s.reset_val from pg_catalog.pg_settings s where s.name = 'synchronous_commit') <> 'off'
                or pg_catalog.current_setting('fsync') = 'off'),
         format('synchronous_commit %s%s; fsync %s%s',
                (select s.reset_val from pg_catalog.pg_settings s where s.name = 'synchronous_commit'),
                coalesce(' (off for ' || (select pg_catalog.string_agg(o.who, ', ' order by o.who) from sync_off o) || ')', ''),
                pg_catalog.current_setting('fsync'),
                case when pg_catalog.current_setting('fsync') = 'off'
                     then ': a disposable server, not durable against an operating system crash' else '' end)
  union all
  select 'addressable', 'kit tables have a primary key', t.name,
         exists (select 1 from pg_catalog.pg_index i where i.indrelid = t.oid and i.indisprimary),
         case when exists (select 1 from pg_catalog.pg_index i where i.indrelid = t.oid and i.indisprimary)
              then 'has a primary key' else 'no primary key: rows cannot be addressed' end
    from tables t
  union all
  select 'addressable', 'tenant tables lead every primary and unique key with tenant_id', u.tbl || ' ' || u.idx,
         u.first_column = 'tenant_id',
         case when u.first_column = 'tenant_id' then 'leads with tenant_id'
              else 'leads with ' || coalesce(u.first_column::text, 'an expression') end
    from unique_keys u
  union all
  select 'replayable', 'runs, tasks and outbox rows have the events of their state', g.tbl, g.missing = 0,
         case when g.missing = 0 then 'every row has its events' else g.missing || ' rows without their events' end
    from event_gaps g
  union all
  select 'inspectable', 'forensic readers exist, decide access themselves and are granted to sor_auditor and sor_tenant', r.sig,
         r.oid is not null and r.prosecdef
           and pg_catalog.has_function_privilege('sor_auditor', r.oid, 'EXECUTE')
           and pg_catalog.has_function_privilege('sor_tenant', r.oid, 'EXECUTE'),
         case when r.oid is null then 'missing'
              when not r.prosecdef then 'not SECURITY DEFINER'
              when not pg_catalog.has_function_privilege('sor_auditor', r.oid, 'EXECUTE') then 'sor_auditor may not execute it'
              when not pg_catalog.has_function_privilege('sor_tenant', r.oid, 'EXECUTE') then 'sor_tenant may not execute it'
              else 'present and granted' end
    from reader_state r
  union all
  select 'policy-bound', 'dedupe and idempotency keys are unique per tenant', d.what,
         coalesce(d.unique_ok, false),
         case when d.unique_ok then d.def
              else 'not a valid unique key leading with tenant_id: a retry could write twice' end
    from dedupe_state d
$function$;

CREATE OR REPLACE FUNCTION sor.certify__080_volume()
 RETURNS TABLE(property text, check_name text, object text, ok boolean, detail text)
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _t record;
  _p record;
  _has_rows boolean;
  _next timestamptz := pg_catalog.date_trunc('month', pg_catalog.now()) + interval '1 month';
  _ready timestamptz;
begin
  -- durable: a partition takes this month's and next month's rows; nothing falls to the default
  for _t in select * from sor.partitioned_tables() loop
    select max(b.range_to) into _ready
      from pg_catalog.pg_inherits i cross join lateral sor.partition_bounds(i.inhrelid::regclass) b
     where i.inhparent = _t.parent and not b.is_default
       and coalesce(b.range_from, '-infinity') <= pg_catalog.now();
    -- the covered range from now on, following contiguous monthly partitions
    loop
      exit when _ready is null or not exists (
        select 1 from pg_catalog.pg_inherits i cross join lateral sor.partition_bounds(i.inhrelid::regclass) b
         where i.inhparent = _t.parent and not b.is_default and b.range_from = _ready);
      select b.range_to into _ready
        from pg_catalog.pg_inherits i cross join lateral sor.partition_bounds(i.inhrelid::regclass) b
       where i.inhparent = _t.parent and not b.is_default and b.range_from = _ready;
    end loop;
    property := 'durable'; check_name := 'partitioned tables have partitions for this month and the next';
    object := pg_catalog.format('%s', _t.parent::text);
    ok := _ready is not null and _ready >= _next + interval '1 month';
    detail := case when _ready is null then 'no partition takes this month''s rows: run select * from sor_api.maintain_partitions();'
                   when not ok then pg_catalog.format('partitions end at %s: run select * from sor_api.maintain_partitions();', pg_catalog.to_char(_ready, 'YYYY-MM-DD'))
                   else pg_catalog.format('ready until %s', pg_catalog.to_char(_ready, 'YYYY-MM-DD')) end;
    return next;
    for _p in select i.inhrelid::regclass as part from pg_catalog.pg_inherits i
               cross join lateral sor.partition_bounds(i.inhrelid::regclass) b
              where i.inhparent = _t.parent and b.is_default loop
      execute pg_catalog.format('select exists (select 1 from %s)', _p.part) into _has_rows;
      property := 'durable'; check_name := 'default partitions hold no rows';
      object := pg_catalog.format('%s', _p.part::text); ok := not _has_rows;
      detail := case when _has_rows then 'rows no monthly partition takes: create their months (maintain_partitions reports them blocked) and move the rows'
                     else 'empty' end;
      return next;
    end loop;
  end loop;

  -- addressable: ready to distribute by tenant_id (Citus); tables without tenant_id are reference tables
  return query
  with scoped as (
    select c.oid, n.nspname, c.relname
      from pg_catalog.pg_class c
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
     where n.nspname in (select s from sor.kit_schemas() s)
       and c.relkind in ('r', 'p') and not c.relispartition
       and exists (select 1 from pg_catalog.pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped)
  ), keys as (
    -- primary and unique keys are the check of certify__010; here the foreign keys, which on Citus
    -- must join distributed tables on the distribution column (or point at a reference table)
    select s.nspname, s.relname, k.conname::text as key_name,
           (select a.attname from pg_catalog.pg_attribute a where a.attrelid = s.oid and a.attnum = k.conkey[1]) as first_column,
           exists (select 1 from pg_catalog.pg_attribute a where a.attrelid = k.confrelid and a.attname = 'tenant_id') as to_scoped
      from scoped s join pg_catalog.pg_constraint k on k.conrelid = s.oid and k.contype = 'f'
  )
  select 'addressable', 'foreign keys between tenant-scoped tables lead with tenant_id (co-located on Citus)',
         pg_catalog.format('%I.%I: %s', k.nspname, k.relname, k.key_name),
         not k.to_scoped or k.first_column is not distinct from 'tenant_id',
         case when not k.to_scoped then 'references a reference table'
              when k.first_column is not distinct from 'tenant_id' then 'leads with tenant_id'
              else pg_catalog.format('leads with %s: tables distributed by tenant_id join on it first', coalesce(k.first_column::text, 'an expression')) end
    from keys k;

  return query
  with fns as (
    select p.oid, n.nspname, p.proname, p.prosrc
      from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
     where (n.nspname in (select s from sor.kit_schemas() s) or n.nspname = 'sor_guard') and p.prolang <> 13
  ), locked as (
    select f.*, (pg_catalog.regexp_match(f.prosrc, 'lock\s+table\s+(?:only\s+)?([a-z_][a-z0-9_."]*)', 'i'))[1] as locked_table
      from fns f
  )
  select 'addressable', 'no kit function takes an advisory lock or locks a tenant-scoped table',
         pg_catalog.format('%I.%I', l.nspname, l.proname), false,
         case when l.prosrc ~* 'pg_(try_)?advisory' then 'takes an advisory lock: a lock key does not route to a tenant''s shard'
              else pg_catalog.format('locks %s, a tenant-scoped table', l.locked_table) end
    from locked l
   where (l.prosrc ~* 'pg_(try_)?advisory' and (l.nspname, l.proname) <> ('sor', 'announce_append'))
      or (l.locked_table is not null
          and exists (select 1 from pg_catalog.pg_attribute a
                       where a.attrelid = pg_catalog.to_regclass(l.locked_table) and a.attname = 'tenant_id'))
  union all
  select 'addressable', 'no kit function takes an advisory lock or locks a tenant-scoped table', 'kit functions', true,
         pg_catalog.format('%s functions read', (select pg_catalog.count(*) from fns))
   where not exists (select 1 from locked l
                      where (l.prosrc ~* 'pg_(try_)?advisory' and (l.nspname, l.proname) <> ('sor', 'announce_append'))
                         or (l.locked_table is not null
                             and exists (select 1 from pg_catalog.pg_attribute a
                                          where a.attrelid = pg_catalog.to_regclass(l.locked_table) and a.attname = 'tenant_id')));

  return query
  select 'addressable', 'kit sequences are bigint (distributed sequences on Citus)',
         pg_catalog.format('%I.%I', n.nspname, c.relname), s.seqtypid = 'bigint'::regtype,
         pg_catalog.format('%s', s.seqtypid::regtype)
    from pg_catalog.pg_sequence s
    join pg_catalog.pg_class c on c.oid = s.seqrelid
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
   where n.nspname in (select x from sor.kit_schemas() x);
end
$function$;

CREATE OR REPLACE FUNCTION sor.certify__085_bodies()
 RETURNS TABLE(property text, check_name text, object text, ok boolean, detail text)
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _checker text;
  _f record;
  _errors text;
  _checked integer := 0;
  _failed integer := 0;
begin
  property := 'governed';
  check_name := 'kit functions compile against the tables they use (plpgsql_check)';
  select pg_catalog.quote_ident(n.nspname) into _checker
    from pg_catalog.pg_extension e join pg_catalog.pg_namespace n on n.oid = e.extnamespace
   where e.extname = 'plpgsql_check';
  if _checker is null then
    object := 'plpgsql_check'; ok := true;
    detail := 'plpgsql_check is not installed in this database: not checked (CREATE EXTENSION plpgsql_check to check)';
    return next;
    return;
  end if;
  for _f in
    select p.oid, p.oid::regprocedure::text as name, p.prorettype = 'trigger'::regtype as is_trigger,
           t.tgrelid as relid, t.tgoldtable as old_table, t.tgnewtable as new_table
      from pg_catalog.pg_proc p
      join pg_catalog.pg_language l on l.oid = p.prolang
      -- a trigger function is checked on one table it is a trigger of, with its transition tables
      left join lateral (select g.tgrelid, g.tgoldtable, g.tgnewtable from pg_catalog.pg_trigger g
                          where g.tgfoid = p.oid order by g.tgrelid, g.tgname limit 1) t on true
     where l.lanname = 'plpgsql'
       and p.pronamespace in (select n.oid from pg_catalog.pg_namespace n
                               where n.nspname in (select s from sor.kit_schemas() s) or n.nspname = 'sor_guard')
       and p.prorettype <> 'event_trigger'::regtype
     order by 2
  loop
    if _f.is_trigger and _f.relid is null then
      continue;  -- a trigger function no table uses yet: nothing to check it against
    end if;
    _checked := _checked + 1;
    begin
      execute pg_catalog.format(
        'select pg_catalog.string_agg(c.message || coalesce('' ('' || c.query || '')'', ''''), ''; '' order by c.lineno)'
        ' from %s.plpgsql_check_function_tb($1, $2, oldtable => $3, newtable => $4) c where c.level = ''error''', _checker)
        into _errors using _f.oid, coalesce(_f.relid, 0), _f.old_table, _f.new_table;
    exception when others then
      _errors := 'plpgsql_check could not check it: ' || sqlerrm;
    end;
    if _errors is not null then
      _failed := _failed + 1;
      object := _f.name; ok := false; detail := _errors;
      return next;
    end if;
  end loop;
  if _failed = 0 then
    object := 'plpgsql_check'; ok := true;
    detail := pg_catalog.format('%s PL/pgSQL functions of the kit checked: no errors', _checked);
    return next;
  end if;
end
$function$;

CREATE OR REPLACE FUNCTION sor.certify__087_surface()
 RETURNS TABLE(property text, check_name text, object text, ok boolean, detail text)
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _r record;
  _schema name;
  _checked integer;
  _bad integer;
begin
  property := 'governed';
  check_name := 'the domain author''s surface names objects that exist';
  for _r in
    select s.kind, s.object,
           case s.kind when 'function' then pg_catalog.to_regprocedure(s.object)::oid
                       when 'table' then pg_catalog.to_regclass(s.object)::oid end as oid
      from sor.domain_surface() s
     order by s.kind, s.object
  loop
    object := _r.kind || ' ' || _r.object;
    ok := _r.oid is not null;
    detail := case when ok then 'exists'
                   else 'no such ' || _r.kind || ': declare it as it exists (sor.domain_surface(), db/functions/R__002_domain_surface.sql)' end;
    return next;
  end loop;

  check_name := 'domain objects use the kit only through sor_api and the domain author''s surface';
  for _schema in select d.schema_name from sor.domain_schemas d order by 1
  loop
    _checked := 0;
    _bad := 0;
    for _r in
      with kit as (
        select n.oid from pg_catalog.pg_namespace n where n.nspname in ('sor', 'sor_guard')
      ), surface as (
        select 'pg_catalog.pg_proc'::regclass::oid as classid, pg_catalog.to_regprocedure(s.object)::oid as objid,
               s.object as name
          from sor.domain_surface() s where s.kind = 'function'
        union all
        select 'pg_catalog.pg_class'::regclass::oid, pg_catalog.to_regclass(s.object)::oid, s.object
          from sor.domain_surface() s where s.kind = 'table'
      ), dep as (
        -- each dependency of an object of the domain schema (itself, or a part of one of its tables)
        select d.classid, d.objid, d.objsubid, d.refclassid, d.refobjid,
               coalesce(
                 case d.classid
                   when 'pg_catalog.pg_class'::regclass then (select c.relnamespace from pg_catalog.pg_class c where c.oid = d.objid)
                   when 'pg_catalog.pg_proc'::regclass then (select p.pronamespace from pg_catalog.pg_proc p where p.oid = d.objid)
                   when 'pg_catalog.pg_type'::regclass then (select t.typnamespace from pg_catalog.pg_type t where t.oid = d.objid)
                   when 'pg_catalog.pg_constraint'::regclass then (select k.connamespace from pg_catalog.pg_constraint k where k.oid = d.objid)
                   when 'pg_catalog.pg_trigger'::regclass then
                     (select c.relnamespace from pg_catalog.pg_trigger g join pg_catalog.pg_class c on c.oid = g.tgrelid where g.oid = d.objid)
                   when 'pg_catalog.pg_policy'::regclass then
                     (select c.relnamespace from pg_catalog.pg_policy y join pg_catalog.pg_class c on c.oid = y.polrelid where y.oid = d.objid)
                   when 'pg_catalog.pg_rewrite'::regclass then
                     (select c.relnamespace from pg_catalog.pg_rewrite w join pg_catalog.pg_class c on c.oid = w.ev_class where w.oid = d.objid)
                   when 'pg_catalog.pg_attrdef'::regclass then
                     (select c.relnamespace from pg_catalog.pg_attrdef a join pg_catalog.pg_class c on c.oid = a.adrelid where a.oid = d.objid)
                 end, 0) as nsp
          from pg_catalog.pg_depend d
         where d.deptype in ('n', 'a')
      ), ref as (
        -- the kit object each depends on, counted as the table of an index, row type or constraint
        select dep.classid, dep.objid, dep.objsubid, t.tclass, t.toid
          from dep
          cross join lateral (
            select case when dep.refclassid in ('pg_catalog.pg_class'::regclass, 'pg_catalog.pg_constraint'::regclass)
                          or (dep.refclassid = 'pg_catalog.pg_type'::regclass
                              and exists (select 1 from pg_catalog.pg_type y where y.oid = dep.refobjid and y.typrelid <> 0))
                        then 'pg_catalog.pg_class'::regclass::oid else dep.refclassid end as tclass,
                   case dep.refclassid
                     when 'pg_catalog.pg_class'::regclass
                       then coalesce((select i.indrelid from pg_catalog.pg_index i where i.indexrelid = dep.refobjid), dep.refobjid)
                     when 'pg_catalog.pg_type'::regclass
                       then coalesce((select nullif(y.typrelid, 0) from pg_catalog.pg_type y where y.oid = dep.refobjid), dep.refobjid)
                     when 'pg_catalog.pg_constraint'::regclass
                       then coalesce((select nullif(k.conrelid, 0) from pg_catalog.pg_constraint k where k.oid = dep.refobjid), dep.refobjid)
                     else dep.refobjid
                   end as toid
          ) t
         where dep.nsp = (select n.oid from pg_catalog.pg_namespace n where n.nspname = _schema)
      ), used as (
        select case when ref.classid = 'pg_catalog.pg_proc'::regclass then 'function ' || ref.objid::regprocedure::text
                    else pg_catalog.format('%s %s', o.type, o.identity) end as user_object,
               case when ref.tclass = 'pg_catalog.pg_proc'::regclass then ref.toid::regprocedure::text
                    else (pg_catalog.pg_identify_object(ref.tclass, ref.toid, 0)).identity end as kit_object,
               ref.tclass, ref.toid,
               case ref.tclass
                 when 'pg_catalog.pg_class'::regclass then (select c.relnamespace from pg_catalog.pg_class c where c.oid = ref.toid)
                 when 'pg_catalog.pg_proc'::regclass then (select p.pronamespace from pg_catalog.pg_proc p where p.oid = ref.toid)
                 when 'pg_catalog.pg_type'::regclass then (select y.typnamespace from pg_catalog.pg_type y where y.oid = ref.toid)
                 when 'pg_catalog.pg_constraint'::regclass then (select k.connamespace from pg_catalog.pg_constraint k where k.oid = ref.toid)
               end as target_nsp
          from ref
          cross join lateral pg_catalog.pg_identify_object(ref.classid, ref.objid, ref.objsubid) o
      ), outside as (
        select u.user_object, u.kit_object
          from used u
         where u.target_nsp in (select kit.oid from kit)
           and not exists (select 1 from surface s where s.classid = u.tclass and s.objid = u.toid)
        union
        -- the kit names each function body of the schema uses
        select pg_catalog.format('function %s', p.oid::regprocedure), x.name
          from pg_catalog.pg_proc p
          join pg_catalog.pg_language l on l.oid = p.prolang
          cross join lateral (
            select pg_catalog.lower(m[1]) || '.' || pg_catalog.lower(m[2]) as name
              from pg_catalog.regexp_matches(sor.code_text(p.prosrc), '\m(sor|sor_guard)\s*\.\s*([A-Za-z_][A-Za-z0-9_$]*)', 'g') m
          ) x
         where p.pronamespace = (select n.oid from pg_catalog.pg_namespace n where n.nspname = _schema)
           and l.lanname in ('plpgsql', 'sql')
           and x.name not in (select pg_catalog.regexp_replace(s.object, '\(.*$', '') from sor.domain_surface() s)
      )
      select o.user_object, pg_catalog.string_agg(o.kit_object collate "C", ', ' order by o.kit_object collate "C") as outside
        from outside o
       group by o.user_object
       order by 1
    loop
      _bad := _bad + 1;
      object := _r.user_object;
      ok := false;
      detail := pg_catalog.format('uses %s, outside sor_api and the domain author''s surface: use sor_api or an object of the surface (db/contract.txt, docs/domains.md)',
                                  _r.outside);
      return next;
    end loop;
    if _bad = 0 then
      select pg_catalog.count(*)::integer into _checked
        from pg_catalog.pg_proc p where p.pronamespace = (select n.oid from pg_catalog.pg_namespace n where n.nspname = _schema);
      object := 'schema ' || pg_catalog.quote_ident(_schema);
      ok := true;
      detail := pg_catalog.format('its objects and the bodies of its %s functions use no kit object outside the surface', _checked);
      return next;
    end if;
  end loop;
end
$function$;

CREATE OR REPLACE FUNCTION sor.certify_raw()
 RETURNS TABLE(property text, check_name text, object text, ok boolean, detail text)
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _fn name;
begin
  for _fn in
    select p.proname
      from pg_catalog.pg_proc p
     where p.pronamespace = 'sor'::regnamespace
       and p.proname like 'certify\_\_%'
       and p.pronargs = 0
     order by p.proname
  loop
    return query execute format('select c.property, c.check_name, c.object, c.ok, c.detail from sor.%I() c', _fn);
  end loop;
end
$function$;

CREATE OR REPLACE FUNCTION sor.check_horizon_context()
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
begin
  if pg_catalog.current_setting('transaction_isolation') <> 'read committed' or pg_catalog.pg_is_in_recovery() then
    raise exception 'a tenant''s events are read in position order only on the primary and at READ COMMITTED (this is %)',
          case when pg_catalog.pg_is_in_recovery() then 'a standby'
               else pg_catalog.upper(pg_catalog.current_setting('transaction_isolation')) end
      using errcode = 'SR086',
            hint = 'Call it outside an explicit REPEATABLE READ or SERIALIZABLE transaction; on a standby read sor_api.events_since, whose horizon is every transaction in flight.';
  end if;
end
$function$;

CREATE OR REPLACE FUNCTION sor.check_max_rows(max_rows integer)
 RETURNS void
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
begin
  if check_max_rows.max_rows is null or check_max_rows.max_rows < 1 or check_max_rows.max_rows > 10000 then
    raise exception 'max_rows % is out of range', coalesce(check_max_rows.max_rows::text, 'NULL')
      using errcode = 'SR016', hint = 'Ask for 1 to 10000 rows per call and page on.';
  end if;
end
$function$;

CREATE OR REPLACE FUNCTION sor.check_size(value jsonb, what text)
 RETURNS void
 LANGUAGE plpgsql
 IMMUTABLE
 SET jit TO 'off'
AS $function$
begin
  if sor.over_cap(check_size.value) then
    raise exception '% is larger than 1 MiB (% bytes as text)', check_size.what, pg_catalog.octet_length(check_size.value::text)
      using errcode = 'SR009', hint = 'Store large content elsewhere and keep its sha256 and a reference instead.';
  end if;
end
$function$;

CREATE OR REPLACE FUNCTION sor.check_size(value text, what text)
 RETURNS void
 LANGUAGE plpgsql
 IMMUTABLE
 SET jit TO 'off'
AS $function$
begin
  if sor.over_cap(check_size.value) then
    raise exception '% is larger than 1 MiB (% bytes)', check_size.what, pg_catalog.octet_length(check_size.value)
      using errcode = 'SR009', hint = 'Store large content elsewhere and keep its sha256 and a reference instead.';
  end if;
end
$function$;

CREATE OR REPLACE FUNCTION sor.check_verify_scope(for_tenant text, for_stream text)
 RETURNS void
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
begin
  if check_verify_scope.for_stream is not null and check_verify_scope.for_tenant is null then
    raise exception 'stream % needs a tenant', pg_catalog.quote_literal(check_verify_scope.for_stream)
      using errcode = 'SR011', hint = 'Pass the tenant id with the stream, or neither to verify everything.';
  end if;
  if check_verify_scope.for_tenant is not null
     and not exists (select 1 from sor.tenants t where t.tenant_id = check_verify_scope.for_tenant) then
    raise exception 'unknown tenant %', pg_catalog.quote_literal(check_verify_scope.for_tenant)
      using errcode = 'SR002', hint = 'List the tenants in sor_api.tenants.';
  end if;
  if check_verify_scope.for_stream is not null
     and not exists (select 1 from sor.events e
                      where e.tenant_id = check_verify_scope.for_tenant and e.stream = check_verify_scope.for_stream) then
    raise exception 'unknown stream % of tenant %', pg_catalog.quote_literal(check_verify_scope.for_stream),
          pg_catalog.quote_literal(check_verify_scope.for_tenant)
      using errcode = 'SR015', hint = 'A stream exists once its first event is appended; list streams in sor_api.events.';
  end if;
end
$function$;

CREATE OR REPLACE FUNCTION sor.claim_tasks_for(queue text, batch integer, lease interval, tenants text[])
 RETURNS TABLE(task_id bigint, tenant_id text, subject text, payload jsonb, attempts integer, fencing_token bigint, lease_expires_at timestamp with time zone)
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET plan_cache_mode TO 'force_generic_plan'
 SET jit TO 'off'
AS $function$
#variable_conflict use_column
declare
  _now timestamptz := sor.lease_clock();
  _tenants text[] := coalesce(claim_tasks_for.tenants, '{}'::text[]);
  -- the request's rule, an inlined expression; sor.lease_check_request runs only to raise why
  _bad_request boolean := not sor.lease_request_ok(claim_tasks_for.batch, claim_tasks_for.lease);
  _queue boolean;
  _lapsed boolean;
begin
  -- the session's limits: their rule is an inlined expression, the function runs only when due
  if sor.session_defaults_due() then
    perform sor.session_defaults();
  end if;
  -- One query asks whether the queue exists and what the first batch of lapsed leases holds:
  -- NULL none (the usual case), false some to take back, true one among them whose attempts are
  -- used up (it ends dead first)
  select exists (select 1 from sor.queues q where q.queue = claim_tasks_for.queue),
         (select pg_catalog.bool_or(l.exhausted)
            from (select t.attempts >= t.max_attempts as exhausted
                    from sor.tasks t
                   where t.queue = claim_tasks_for.queue and t.status = 'claimed' and t.lease_expires_at <= _now
                     and t.tenant_id = any (_tenants)
                   order by t.lease_expires_at
                   limit case when _bad_request then 0 else claim_tasks_for.batch end) l)
    into _queue, _lapsed;
  if not _queue then
    raise exception 'unknown queue %', coalesce(quote_literal(claim_tasks_for.queue), 'NULL')
      using errcode = 'SR050', hint = 'An admin creates queues with sor_api.create_queue(queue, description).';
  end if;
  if _bad_request then
    perform sor.lease_check_request('queue ' || claim_tasks_for.queue, claim_tasks_for.batch, claim_tasks_for.lease);
  end if;

  -- Lapsed leases are taken in lease order, batch at a time; one on its last allowed attempt ends
  -- as dead (only when the look-ahead saw one: a claim that finds none to end runs no DELETE and
  -- no finished-task insert).
  if _lapsed then
    with lapsed as (
      select t.tenant_id, t.task_id, t.attempts >= t.max_attempts as exhausted
        from sor.tasks t
       where t.queue = claim_tasks_for.queue and t.status = 'claimed' and t.lease_expires_at <= _now
         and t.tenant_id = any (_tenants)
       order by t.lease_expires_at
       limit claim_tasks_for.batch
         for update skip locked
    ), gone as (
      delete from sor.tasks t
       using lapsed l
       where l.exhausted and t.tenant_id = l.tenant_id and t.task_id = l.task_id
      returning t.*
    )
    insert into sor.finished_tasks
    select f.* from gone g cross join lateral sor.finish_task(row(g.*)::sor.tasks, 'dead', null, 'lease expired', _now, true) f;
  end if;

  -- Other lapsed leases come first (they are the oldest work), read only when the look-ahead saw
  -- one, then the due tasks. One UPDATE claims; a claim writes no event: its holder, token and
  -- start stay on the row and go into the event of the attempt's outcome (task.lease_expired, when
  -- this claim takes a lapsed one back). The tasks are locked as they are picked, then found again
  -- by their ids: an index probe each, whatever the planner guesses of the batch's size (a join
  -- with them could hash every task of the table).
  return query
  with claimed as (
    update sor.tasks t
       set status           = 'claimed',
           attempts         = t.attempts + 1,
           claimed_by       = session_user,
           fencing_token    = pg_catalog.nextval('sor.fencing_tokens'),
           lease            = claim_tasks_for.lease,
           lease_expires_at = _now + claim_tasks_for.lease,
           claimed_at       = _now,
           last_error       = case when t.status = 'claimed' then 'lease expired' else t.last_error end
     where t.tenant_id = any (_tenants) and t.task_id = any (array(
             select p.task_id
               from (select l.task_id
                       from (select l.task_id
                               from sor.tasks l
                              where _lapsed is not null
                                and l.queue = claim_tasks_for.queue and l.status = 'claimed' and l.lease_expires_at <= _now
                                and l.attempts < l.max_attempts and l.tenant_id = any (_tenants)
                              order by l.lease_expires_at
                              limit claim_tasks_for.batch
                                for update skip locked) l
                     union all
                     select d.task_id
                       from (select d.task_id
                               from sor.tasks d
                              where d.queue = claim_tasks_for.queue and d.status in ('ready', 'failed') and d.run_after <= _now
                                and d.tenant_id = any (_tenants)
                              order by d.priority desc, d.run_after, d.task_id
                              limit claim_tasks_for.batch
                                for update skip locked) d) p
              limit claim_tasks_for.batch))
    returning t.task_id, t.tenant_id, t.subject, t.payload, t.attempts, t.fencing_token, t.lease_expires_at
  )
  select c.task_id, c.tenant_id, c.subject, c.payload, c.attempts, c.fencing_token, c.lease_expires_at
    from claimed c
   order by c.task_id;
end
$function$;

CREATE OR REPLACE FUNCTION sor.closed_catalog_functions()
 RETURNS TABLE(ordinal integer, check_name text, sig text, owner_keeps boolean, database_owner_keeps boolean)
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
  select k.ordinal, k.check_name, 'pg_catalog.' || p.oid::pg_catalog.regprocedure::text,
         k.ordinal = 2 and (p.proname ~ '^pg_(try_)advisory_xact_lock_shared$'
                            or (p.proname ~ '^pg_(try_advisory_(xact_)?lock|advisory_xact_lock)$'
                                and p.proargtypes = '20'::pg_catalog.oidvector)),
         k.ordinal = 2 and p.proname ~ '^pg_(try_)advisory_(xact_)?lock$' and p.proargtypes = '20'::pg_catalog.oidvector
    from pg_catalog.pg_proc p
    join (values (1, 'kit roles cannot create large objects', '^lo_(creat|create|from_bytea)$'),
                 (2, 'kit roles cannot take advisory locks', '^pg_(try_)?advisory_(xact_)?lock(_shared)?$'),
                 (3, 'kit roles cannot write logical decoding messages', '^pg_logical_emit_message$'))
         as k(ordinal, check_name, name_pattern) on p.proname ~ k.name_pattern
   where p.pronamespace = 'pg_catalog'::pg_catalog.regnamespace
$function$;

CREATE OR REPLACE FUNCTION sor.code_text(src text)
 RETURNS text
 LANGUAGE plpgsql
 IMMUTABLE STRICT
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _out text := '';
  _rest text := code_text.src;
  _line integer;
  _block integer;
  _quote integer;
  _dollar integer;
  _next integer;
  _tag text;
  _m text[];
begin
  loop
    _line := strpos(_rest, '--');
    _block := strpos(_rest, '/*');
    _quote := strpos(_rest, '''');
    _m := regexp_match(_rest, '\$([A-Za-z_][A-Za-z_0-9]*)?\$');
    _dollar := case when _m is null then 0 else strpos(_rest, '$' || coalesce(_m[1], '') || '$') end;
    _next := least(nullif(_line, 0), nullif(_block, 0), nullif(_quote, 0), nullif(_dollar, 0));
    if _next is null then
      return _out || _rest;
    end if;
    _out := _out || substr(_rest, 1, _next - 1);
    if _next = _line then
      _rest := substr(_rest, _next + 2);
      _next := strpos(_rest, E'\n');
      if _next = 0 then
        return _out;
      end if;
      _out := _out || ' ';
      _rest := substr(_rest, _next);
    elsif _next = _block then
      _rest := substr(_rest, _next + 2);
      _next := strpos(_rest, '*/');
      if _next = 0 then
        return _out;
      end if;
      _out := _out || ' ';
      _rest := substr(_rest, _next + 2);
    elsif _next = _quote then
      _rest := substr(_rest, _next + 1);
      loop
        _next := strpos(_rest, '''');
        if _next = 0 then
          return _out;
        end if;
        if substr(_rest, _next + 1, 1) = '''' then
          _rest := substr(_rest, _next + 2);
        else
          _rest := substr(_rest, _next + 1);
          exit;
        end if;
      end loop;
      _out := _out || '''''';
    else
      _tag := '$' || coalesce(_m[1], '') || '$';
      _rest := substr(_rest, _next + length(_tag));
      _next := strpos(_rest, _tag);
      if _next = 0 then
        return _out;
      end if;
      _out := _out || '''''';
      _rest := substr(_rest, _next + length(_tag));
    end if;
  end loop;
end
$function$;

CREATE OR REPLACE FUNCTION sor.command_dedupe_key(run_id uuid, step_id text, ordinal integer, command jsonb)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
  select encode(sha256(convert_to(jsonb_build_array(command_dedupe_key.run_id::text, command_dedupe_key.step_id,
                                                     command_dedupe_key.ordinal, command_dedupe_key.command)::text,
                                  'UTF8')), 'hex')
$function$;

CREATE OR REPLACE FUNCTION sor.current_worker()
 RETURNS sor.workers
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _w sor.workers;
begin
  select w.* into _w from sor.workers w where w.role_name = session_user;
  if not found or not pg_catalog.pg_has_role(session_user, 'sor_worker', 'MEMBER') then
    raise exception 'role % is not a registered Worker', session_user
      using errcode = 'SR030', hint = 'An admin registers it with sor_api.register_worker(role_name, kind); the role must be a member of sor_worker.';
  end if;
  return _w;
end
$function$;

CREATE OR REPLACE FUNCTION sor.domain_surface()
 RETURNS TABLE(kind text, object text, use text)
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
  values
    ('function', 'sor.append_event(text,text,text,jsonb,jsonb,integer)',
     'call from a tool or a definer function: appends a domain event in the same transaction, returns the row written'),
    ('function', 'sor.enqueue_outbox(text,text,text,text,jsonb,jsonb,text,integer,uuid,text,bigint)',
     'call from a tool or a definer function: queues a side effect with its dedupe key, returns its outbox id'),
    ('function', 'sor.enqueue_task(text,text,text,jsonb,text,integer,interval,integer)',
     'call from a definer function: queues a task on a queue, idempotent on its dedupe key, returns its task id'),
    ('function', 'sor.register_tool(text,text,jsonb,regprocedure,text[],boolean,boolean)',
     'call from a migration or a repeatable script: registers or updates a tool of the module'),
    ('function', 'sor.ensure_policy(regclass,name,text,name[],text,text)',
     'call from a policies script: creates a policy on a module table when missing, alters it in place otherwise'),
    ('function', 'sor_guard.current_tenants()',
     'policy helper: the tenants the current login is a member of, in a policy''s expression'),
    ('function', 'sor_guard.tg_events__refuse_change()',
     'trigger function: BEFORE UPDATE OR DELETE (row) and BEFORE TRUNCATE (statement) on an append-only module table'),
    ('table', 'sor.tenants',
     'select, and reference tenant_id from a foreign key'),
    ('table', 'sor.append_only_tables',
     'insert (table_schema, table_name) to register an append-only module table')
$function$;

CREATE OR REPLACE FUNCTION sor.enqueue_outbox(tenant_id text, topic text, aggregate_type text, aggregate_id text, payload jsonb, headers jsonb DEFAULT '{}'::jsonb, dedupe_key text DEFAULT NULL::text, max_attempts integer DEFAULT 8, run_id uuid DEFAULT NULL::uuid, step_id text DEFAULT NULL::text, block_id bigint DEFAULT NULL::bigint)
 RETURNS bigint
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _id bigint;
begin
  if enqueue_outbox.tenant_id is null
     or not sor.is_valid('label', enqueue_outbox.topic)
     or not sor.is_valid('label', enqueue_outbox.aggregate_type)
     or not sor.is_valid('label', enqueue_outbox.aggregate_id)
     or jsonb_typeof(coalesce(enqueue_outbox.payload, 'null'::jsonb)) <> 'object'
     or jsonb_typeof(coalesce(enqueue_outbox.headers, 'null'::jsonb)) <> 'object'
     or not sor.is_valid('label', enqueue_outbox.dedupe_key)
     or enqueue_outbox.max_attempts is null or enqueue_outbox.max_attempts not between 1 and 100 then
    raise exception 'invalid outbox row for tenant % (topic %)', coalesce(quote_literal(enqueue_outbox.tenant_id), 'NULL'),
          coalesce(quote_literal(enqueue_outbox.topic), 'NULL')
      using errcode = 'SR060',
            hint = 'tenant_id, topic, aggregate_type, aggregate_id and dedupe_key are required (at most 200 characters), payload and headers are JSON objects, max_attempts between 1 and 100.';
  end if;
  if sor.reserved_kind(null, null, enqueue_outbox.topic) is not null then
    perform sor.refuse_reserved(null, null, enqueue_outbox.topic);
  end if;
  if sor.over_cap(enqueue_outbox.payload) or sor.over_cap(enqueue_outbox.headers) then
    perform sor.check_size(enqueue_outbox.payload, 'the payload of outbox topic ' || enqueue_outbox.topic);
    perform sor.check_size(enqueue_outbox.headers, 'the headers of outbox topic ' || enqueue_outbox.topic);
  end if;
  perform 1 from sor.tenants t where t.tenant_id = enqueue_outbox.tenant_id;
  if not found then
    raise exception 'unknown tenant %', quote_literal(enqueue_outbox.tenant_id)
      using errcode = 'SR002', hint = 'Create the tenant first with sor_api.add_tenant.';
  end if;
  insert into sor.outbox as o (tenant_id, topic, aggregate_type, aggregate_id, payload, headers, dedupe_key,
                               max_attempts, status, run_id, step_id, block_id)
  values (enqueue_outbox.tenant_id, enqueue_outbox.topic, enqueue_outbox.aggregate_type,
          enqueue_outbox.aggregate_id, enqueue_outbox.payload, enqueue_outbox.headers,
          enqueue_outbox.dedupe_key, enqueue_outbox.max_attempts,
          case when enqueue_outbox.block_id is null then 'pending' else 'deferred' end,
          enqueue_outbox.run_id, enqueue_outbox.step_id, enqueue_outbox.block_id)
  returning o.outbox_id into _id;
  if _id is null then
    select k.target_id into _id
      from sor.dedupe_keys k
     where k.tenant_id = enqueue_outbox.tenant_id and k.scope = 'outbox' and k.dedupe_key = enqueue_outbox.dedupe_key;
  end if;
  return _id;
end
$function$;

CREATE OR REPLACE FUNCTION sor.enqueue_task(tenant_id text, queue text, subject text, payload jsonb DEFAULT '{}'::jsonb, dedupe_key text DEFAULT NULL::text, priority integer DEFAULT 0, delay interval DEFAULT NULL::interval, max_attempts integer DEFAULT NULL::integer)
 RETURNS bigint
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET plan_cache_mode TO 'force_generic_plan'
 SET jit TO 'off'
AS $function$
declare
  _queue sor.queues;
  _problem text;
  _id bigint;
begin
  select q.* into _queue from sor.queues q where q.queue = enqueue_task.queue;
  if not found then
    raise exception 'unknown queue %', coalesce(quote_literal(enqueue_task.queue), 'NULL')
      using errcode = 'SR050', hint = 'An admin creates queues with sor_api.create_queue(queue, description).';
  end if;
  _problem := sor.task_input_problem(enqueue_task.subject, enqueue_task.payload, enqueue_task.dedupe_key,
                                     enqueue_task.priority, enqueue_task.delay, enqueue_task.max_attempts);
  if _problem is not null then
    raise exception 'invalid task for queue %: %', enqueue_task.queue, _problem
      using errcode = 'SR054',
            hint = 'subject 1 to 200 characters, payload a JSON object, dedupe_key NULL or 1 to 200 characters (no control characters), priority between -1000 and 1000, delay not negative, max_attempts between 1 and 100.';
  end if;
  if sor.over_cap(enqueue_task.payload) then
    perform sor.check_size(enqueue_task.payload, 'the payload of a task for queue ' || enqueue_task.queue);
  end if;

  -- the dedupe trigger claims the key in sor.dedupe_keys, or skips the row when it is taken
  insert into sor.tasks as t (tenant_id, queue, subject, payload, dedupe_key, priority, run_after, max_attempts)
  values (enqueue_task.tenant_id, enqueue_task.queue, enqueue_task.subject, enqueue_task.payload,
          enqueue_task.dedupe_key, enqueue_task.priority, sor.lease_clock() + coalesce(enqueue_task.delay, '0'::interval),
          coalesce(enqueue_task.max_attempts, _queue.max_attempts))
  returning t.task_id into _id;
  if _id is not null then
    perform sor.wake_tasks(enqueue_task.queue, array[enqueue_task.tenant_id]);  -- queued: the tenant's listeners of the queue, once per transaction
  end if;
  if _id is null then
    select k.target_id into _id from sor.dedupe_keys k
     where k.tenant_id = enqueue_task.tenant_id and k.scope = 'task:' || enqueue_task.queue
       and k.dedupe_key = enqueue_task.dedupe_key;
  end if;
  return _id;
end
$function$;

CREATE OR REPLACE FUNCTION sor.ensure_policy(tbl regclass, policy name, command text, roles name[], using_expr text DEFAULT NULL::text, check_expr text DEFAULT NULL::text)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _existing "char";
  _cmd "char";
  _roles text;
begin
  _cmd := case upper(ensure_policy.command)
            when 'ALL' then '*' when 'SELECT' then 'r' when 'INSERT' then 'a'
            when 'UPDATE' then 'w' when 'DELETE' then 'd' end;
  if _cmd is null then
    raise exception 'unknown policy command %', ensure_policy.command
      using errcode = '22023', hint = 'Use ALL, SELECT, INSERT, UPDATE or DELETE.';
  end if;
  select string_agg(quote_ident(r), ', ') into _roles from unnest(ensure_policy.roles) r;

  select p.polcmd into _existing
    from pg_catalog.pg_policy p
   where p.polrelid = ensure_policy.tbl and p.polname = ensure_policy.policy;

  if not found then
    execute format('create policy %I on %s as permissive for %s to %s%s%s',
                   ensure_policy.policy, ensure_policy.tbl, upper(ensure_policy.command), _roles,
                   coalesce(' using (' || using_expr || ')', ''),
                   coalesce(' with check (' || check_expr || ')', ''));
  elsif _existing <> _cmd then
    raise exception 'policy % on % exists for another command', ensure_policy.policy, ensure_policy.tbl
      using errcode = '22023',
            hint = 'A policy''s command cannot be altered: give the new policy a new name in a versioned migration.';
  else
    execute format('alter policy %I on %s to %s%s%s',
                   ensure_policy.policy, ensure_policy.tbl, _roles,
                   coalesce(' using (' || using_expr || ')', ''),
                   coalesce(' with check (' || check_expr || ')', ''));
  end if;
end
$function$;

CREATE OR REPLACE FUNCTION sor.event_fingerprint(stream text, type text, payload jsonb, metadata jsonb)
 RETURNS bytea
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
 SET jit TO 'off'
AS $function$
  select pg_catalog.sha256(pg_catalog.convert_to(
           pg_catalog.jsonb_build_array(event_fingerprint.stream, event_fingerprint.type,
                                        event_fingerprint.payload, event_fingerprint.metadata)::text, 'UTF8'))
$function$;

CREATE OR REPLACE FUNCTION sor.event_summary(stream text, type text, payload jsonb, actor name)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
  select case
    when type = 'run_started' then
      format('%s started (workflow %s, Worker %s of kind %s)', stream, payload ->> 'workflow',
             payload ->> 'worker_role', payload ->> 'worker_kind')
    when type = 'run_state_committed' then
      format('%s committed step %s (version %s)', stream, payload ->> 'step_id', payload ->> 'version')
    when type = 'run_overlay_set' then
      format('%s overlay set by %s (keys %s)', stream, actor, payload -> 'keys')
    when type in ('run_succeeded', 'run_failed', 'run_abandoned') then
      format('%s %s at version %s', stream, substr(type, 5), payload ->> 'version')
        || case when type = 'run_failed' and payload ? 'error' and jsonb_typeof(payload -> 'error') <> 'null'
                then ': ' || (payload -> 'error')::text else '' end
    when type = 'block_opened' then
      format('%s: %s block %s opened by step %s', stream, payload ->> 'kind', payload ->> 'block_id', payload ->> 'step_id')
    when type in ('block_approved', 'block_rejected') then
      format('%s: %s block %s %s by %s', stream, payload ->> 'kind', payload ->> 'block_id', substr(type, 7), actor)
    when type = 'task.enqueued' then
      format('task %s enqueued on %s: %s', payload ->> 'task_id', payload ->> 'queue', payload ->> 'subject')
    when type = 'task.claimed' then
      format('task %s on %s claimed by %s (attempt %s)', payload ->> 'task_id', payload ->> 'queue',
             actor, payload ->> 'attempts')
    when type = 'task.completed' then
      format('task %s on %s completed by %s', payload ->> 'task_id', payload ->> 'queue', actor)
        || case when payload ? 'claimed_at'
                then format(' (attempt %s, claimed at %s, token %s)', payload ->> 'attempts', payload ->> 'claimed_at',
                            payload ->> 'fencing_token') else '' end
    when type in ('task.failed', 'task.dead') then
      format('task %s on %s %s (attempt %s): %s', payload ->> 'task_id', payload ->> 'queue', substr(type, 6),
             payload ->> 'attempts', payload ->> 'error')
    when type = 'task.retried' then
      format('task %s on %s made ready again', payload ->> 'task_id', payload ->> 'queue')
    when type = 'task.lease_expired' then
      format('task %s: the claim of %s lapsed at %s', payload ->> 'task_id', payload ->> 'claimed_by',
             payload ->> 'lease_expires_at')
    when type = 'outbox.queued' then
      format('outbox #%s queued: %s (%s)', payload ->> 'outbox_id', payload ->> 'topic', payload ->> 'status')
        || case when payload ? 'run_id' then ' by run ' || (payload ->> 'run_id') else '' end
    when type = 'outbox.leased' then
      format('outbox #%s leased by %s', payload ->> 'outbox_id', actor)
    when type = 'outbox.dispatched' then
      format('outbox #%s dispatched by %s, provider reference %s', payload ->> 'outbox_id', actor,
             payload ->> 'provider_ref')
    when type in ('outbox.failed', 'outbox.dead') then
      format('outbox #%s %s (attempt %s): %s', payload ->> 'outbox_id', substr(type, 8), payload ->> 'attempts',
             payload ->> 'error')
    when type like 'outbox.%' then
      format('outbox #%s %s', payload ->> 'outbox_id', replace(substr(type, 8), '_', ' '))
    else format('%s on %s by %s', type, stream, actor)
  end
$function$;

CREATE OR REPLACE FUNCTION sor.failure_recorded(task_id bigint, fencing_token bigint, error text)
 RETURNS TABLE(status text, run_after timestamp with time zone)
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
begin
  return query
  select 'dead'::text, null::timestamptz
    from sor.finished_tasks f
   where f.task_id = failure_recorded.task_id and f.status = 'dead' and f.fencing_token = failure_recorded.fencing_token
     and f.claimed_by = session_user and f.last_error = failure_recorded.error and sor_guard.is_member(f.tenant_id)
  union all
  select 'failed'::text, (e.payload ->> 'run_after')::timestamptz
    from sor.tasks t
    join sor.events e on e.tenant_id = t.tenant_id and e.stream = 'task-' || t.task_id
   where t.task_id = failure_recorded.task_id and sor_guard.is_member(t.tenant_id)
     and e.type = 'task.failed' and (e.payload ->> 'fencing_token')::bigint = failure_recorded.fencing_token
     and e.payload ->> 'claimed_by' = session_user::text and e.payload ->> 'error' = failure_recorded.error
   limit 1;
end
$function$;

CREATE OR REPLACE FUNCTION sor.finish_task(t sor.tasks, status text, result jsonb, last_error text, finished_at timestamp with time zone, completion_event boolean DEFAULT true)
 RETURNS sor.finished_tasks
 LANGUAGE sql
 IMMUTABLE
AS $function$
  -- one expression, no SET clause: inlined into the statement that moves the tasks (a row
  -- built per task, not a function called per task)
  select (t.tenant_id, t.task_id, t.queue, t.subject, t.payload, t.priority, t.attempts, t.max_attempts, t.dedupe_key,
          finish_task.status, t.claimed_by, t.fencing_token, coalesce(finish_task.last_error, t.last_error), finish_task.result,
          t.created_at, t.created_by, finish_task.finished_at, t.claimed_at,
          finish_task.status <> 'completed' or coalesce(finish_task.completion_event, true))::sor.finished_tasks
$function$;

CREATE OR REPLACE FUNCTION sor.forensic_run(run_id uuid)
 RETURNS sor.runs
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _r sor.runs;
begin
  if forensic_run.run_id is null then
    raise exception 'run_id must not be null'
      using errcode = 'SR091', hint = 'Pass the run id that start_run returned.';
  end if;
  select r.* into _r from sor.runs r where r.run_id = forensic_run.run_id;
  if not found or not sor_guard.can_read_tenant(_r.tenant_id) then
    raise exception 'unknown run %', forensic_run.run_id
      using errcode = 'SR090', hint = 'A caller reads the runs of tenants it is a member of; an auditor reads every run.';
  end if;
  return _r;
end
$function$;

CREATE OR REPLACE FUNCTION sor.forensic_time(at timestamp with time zone)
 RETURNS text
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
  select pg_catalog.to_char(at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS') || ' UTC'
$function$;

CREATE OR REPLACE FUNCTION sor.idempotency_claim(tenant_id text, scope text, idempotency_key text, fingerprint bytea, run_id uuid, tool_call_id uuid)
 RETURNS sor.idempotency_keys
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _row sor.idempotency_keys;
  _retention interval;
begin
  select coalesce((select s.idempotency_retention from sor.tenant_settings s
                    where s.tenant_id = idempotency_claim.tenant_id), interval '24 hours')
    into _retention;
  loop
    -- a concurrent first use of the key holds the unique index entry: this insert waits for it,
    -- and finds its row if it committed, or takes the key if it rolled back
    insert into sor.idempotency_keys as k (tenant_id, scope, idempotency_key, fingerprint, run_id, tool_call_id, expires_at)
    values (idempotency_claim.tenant_id, idempotency_claim.scope, idempotency_claim.idempotency_key,
            idempotency_claim.fingerprint, idempotency_claim.run_id, idempotency_claim.tool_call_id,
            pg_catalog.now() + _retention)
    on conflict on constraint idempotency_keys_pkey do nothing
    returning k.* into _row;
    if found then
      return _row;
    end if;
    select k.* into _row from sor.idempotency_keys k
     where k.tenant_id = idempotency_claim.tenant_id and k.scope = idempotency_claim.scope
       and k.idempotency_key = idempotency_claim.idempotency_key
     for update;
    if found then
      if _row.expires_at <= pg_catalog.now() then
        update sor.idempotency_keys k
           set fingerprint = idempotency_claim.fingerprint, run_id = idempotency_claim.run_id,
               tool_call_id = idempotency_claim.tool_call_id, created_at = pg_catalog.now(),
               created_by = session_user, expires_at = pg_catalog.now() + _retention
         where k.tenant_id = _row.tenant_id and k.scope = _row.scope and k.idempotency_key = _row.idempotency_key
        returning k.* into _row;
      end if;
      return _row;
    end if;
  end loop;
end
$function$;

CREATE OR REPLACE FUNCTION sor.is_interval(value text)
 RETURNS boolean
 LANGUAGE plpgsql
 IMMUTABLE
 SET jit TO 'off'
AS $function$
begin
  perform is_interval.value::interval;
  return true;
exception when invalid_text_representation or invalid_datetime_format or datetime_field_overflow
               or interval_field_overflow then
  return false;
end
$function$;

CREATE OR REPLACE FUNCTION sor.is_reserved(kind text, name text)
 RETURNS boolean
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
AS $function$
  select coalesce(sor.reserved_kind(case when is_reserved.kind = 'stream category' then is_reserved.name end,
                                    case when is_reserved.kind = 'event type prefix' then is_reserved.name end,
                                    case when is_reserved.kind = 'outbox topic' then is_reserved.name end) = is_reserved.kind, false)
$function$;

CREATE OR REPLACE FUNCTION sor.is_valid(kind text, value text)
 RETURNS boolean
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
AS $function$
  -- one expression, no SET clause: the planner inlines it into the statement that calls it, which
  -- runs with that statement's jit = off (certify accepts such a function without its own
  -- setting). A batch checks every row with it at the cost of the expression alone, not of a
  -- function call with a setting to save and restore per row.
  select coalesce(case is_valid.kind
    when 'tenant_id'  then is_valid.value ~ '^[a-z][a-z0-9_-]{1,62}$'
    when 'slug'       then is_valid.value ~ '^[a-z][a-z0-9_.-]{0,99}$'
    when 'queue'      then is_valid.value ~ '^[a-z][a-z0-9_.-]{1,62}$'
    when 'stream'     then is_valid.value ~ '^[a-z][a-z0-9_]*(-[A-Za-z0-9_:.@-]+)?$' and pg_catalog.length(is_valid.value) <= 200
    when 'stream_prefix' then is_valid.value ~ '^[a-z][a-z0-9_]*(-[A-Za-z0-9_:.@-]*)?$' and pg_catalog.length(is_valid.value) <= 200
    when 'event_type' then is_valid.value ~ '^[A-Za-z][A-Za-z0-9_.:-]*$' and pg_catalog.length(is_valid.value) <= 100
    when 'tool_name'  then is_valid.value ~ '^[a-z][a-z0-9_]{0,63}$'
    when 'key'        then pg_catalog.length(is_valid.value) between 1 and 255 and is_valid.value !~ '[[:cntrl:]]'
    when 'label'      then pg_catalog.length(is_valid.value) between 1 and 200 and is_valid.value !~ '[[:cntrl:]]'
    when 'sha256_hex' then is_valid.value ~ '^[0-9a-f]{64}$'
    when 'error_text' then pg_catalog.length(is_valid.value) between 1 and 4000
  end, false)
$function$;

CREATE OR REPLACE FUNCTION sor.journal_bad_input(what text, hint text)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
begin
  raise exception 'malformed argument: %', journal_bad_input.what
    using errcode = 'SR033', hint = journal_bad_input.hint;
end
$function$;

CREATE OR REPLACE FUNCTION sor.journal_check_id(value text, what text, max_length integer DEFAULT 200)
 RETURNS text
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
begin
  if not sor.is_valid(case when journal_check_id.max_length > 200 then 'key' else 'label' end, journal_check_id.value)
     or length(journal_check_id.value) > journal_check_id.max_length then
    perform sor.journal_bad_input(journal_check_id.what,
      format('%s must be a non-empty string of at most %s characters without control characters.',
             journal_check_id.what, journal_check_id.max_length));
  end if;
  return journal_check_id.value;
end
$function$;

CREATE OR REPLACE FUNCTION sor.journal_digest(content text, given_sha256 text, hash_only boolean, what text)
 RETURNS bytea
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _given bytea;
  _computed bytea;
begin
  if journal_digest.given_sha256 is not null then
    if not sor.is_valid('sha256_hex', journal_digest.given_sha256) then
      perform sor.journal_bad_input(journal_digest.what || '_sha256',
        'A sha256 is 64 lowercase hexadecimal digits.');
    end if;
    _given := decode(journal_digest.given_sha256, 'hex');
  end if;
  if journal_digest.content is not null then
    perform sor.check_size(journal_digest.content, journal_digest.what);
    _computed := sha256(convert_to(journal_digest.content, 'UTF8'));
    if _given is not null and _given <> _computed then
      raise exception 'the sha256 given for % does not match its content', journal_digest.what
        using errcode = 'SR039', hint = 'Pass the sha256 of the UTF-8 content, or omit it and let the database compute it.';
    end if;
    return _computed;
  end if;
  if _given is null and journal_digest.hash_only then
    raise exception 'hash-only run: the sha256 of % is mandatory', journal_digest.what
      using errcode = 'SR039', hint = 'In hash-only mode pass the content''s sha256 (the content itself is never stored).';
  end if;
  return _given;
end
$function$;

CREATE OR REPLACE FUNCTION sor.json_path_append(path text, key text)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE STRICT
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
  select case when json_path_append.key ~ '^[A-Za-z_][A-Za-z0-9_]*$'
              then json_path_append.path || '.' || json_path_append.key
              else json_path_append.path || '[' || to_jsonb(json_path_append.key)::text || ']' end
$function$;

CREATE OR REPLACE FUNCTION sor.json_schema_problem(schema jsonb, path text DEFAULT '$'::text)
 RETURNS text
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _key text;
  _val jsonb;
  _problem text;
  _t text;
begin
  if json_schema_problem.schema is null then
    return json_schema_problem.path || ': schema is NULL';
  end if;
  if jsonb_typeof(json_schema_problem.schema) = 'boolean' then
    return null;
  end if;
  if jsonb_typeof(json_schema_problem.schema) <> 'object' then
    return json_schema_problem.path || ': a schema must be an object or a boolean';
  end if;
  for _key, _val in select e.key, e.value from jsonb_each(json_schema_problem.schema) e loop
    case _key
      when 'title', 'description', 'default', 'examples', '$schema', '$id', '$comment' then
        null;
      when 'type' then
        for _t in select x #>> '{}' from jsonb_array_elements(case when jsonb_typeof(_val) = 'array' then _val else jsonb_build_array(_val) end) x loop
          if _t is null or _t not in ('string', 'number', 'integer', 'boolean', 'object', 'array', 'null') then
            return json_schema_problem.path || ': unknown type ' || coalesce(_t, 'NULL');
          end if;
        end loop;
      when 'enum' then
        if jsonb_typeof(_val) <> 'array' then return json_schema_problem.path || ': enum must be an array'; end if;
      when 'const' then
        null;
      when 'required' then
        if jsonb_typeof(_val) <> 'array' or exists (select 1 from jsonb_array_elements(_val) x where jsonb_typeof(x) <> 'string') then
          return json_schema_problem.path || ': required must be an array of strings';
        end if;
      when 'properties' then
        if jsonb_typeof(_val) <> 'object' then return json_schema_problem.path || ': properties must be an object'; end if;
        select p into _problem from (
          select sor.json_schema_problem(e.value, json_schema_problem.path || '.properties.' || e.key) p
            from jsonb_each(_val) e) s where p is not null limit 1;
        if _problem is not null then return _problem; end if;
      when 'additionalProperties', 'items' then
        _problem := sor.json_schema_problem(_val, json_schema_problem.path || '.' || _key);
        if _problem is not null then return _problem; end if;
      when 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum' then
        if jsonb_typeof(_val) <> 'number' then return json_schema_problem.path || ': ' || _key || ' must be a number'; end if;
      when 'minLength', 'maxLength', 'minItems', 'maxItems' then
        if jsonb_typeof(_val) <> 'number' or (_val #>> '{}')::numeric < 0 or (_val #>> '{}')::numeric <> trunc((_val #>> '{}')::numeric) then
          return json_schema_problem.path || ': ' || _key || ' must be a non-negative integer';
        end if;
      when 'pattern' then
        if jsonb_typeof(_val) <> 'string' then return json_schema_problem.path || ': pattern must be a string'; end if;
        begin
          perform '' ~ (_val #>> '{}');
        exception when invalid_regular_expression then
          return json_schema_problem.path || ': pattern is not a valid regular expression';
        end;
      else
        return json_schema_problem.path || ': unsupported keyword ' || _key;
    end case;
  end loop;
  return null;
end
$function$;

CREATE OR REPLACE FUNCTION sor.json_schema_violation(schema jsonb, value jsonb, at_path text DEFAULT '$'::text)
 RETURNS TABLE(path text, keyword text, detail text)
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _s jsonb := json_schema_violation.schema;
  _v jsonb := json_schema_violation.value;
  _p text := json_schema_violation.at_path;
  _type text := jsonb_typeof(json_schema_violation.value);
  _ok boolean;
  _t text;
  _num numeric;
  _len integer;
  _key text;
  _elem jsonb;
  _i integer;
  _sub record;
begin
  if _s is null or _s = 'true'::jsonb then
    return;
  end if;
  if _s = 'false'::jsonb then
    return query select _p, 'false'::text, 'no value is allowed here'::text;
    return;
  end if;
  if _v is null then
    return query select _p, 'type'::text, 'value is missing'::text;
    return;
  end if;

  if _s ? 'type' then
    _ok := false;
    for _t in select x #>> '{}' from jsonb_array_elements(case when jsonb_typeof(_s -> 'type') = 'array'
                                                               then _s -> 'type' else jsonb_build_array(_s -> 'type') end) x loop
      if _t = _type or (_t = 'integer' and _type = 'number' and (_v #>> '{}')::numeric = trunc((_v #>> '{}')::numeric)) then
        _ok := true;
        exit;
      end if;
    end loop;
    if not _ok then
      return query select _p, 'type'::text, format('expected %s, found %s', _s -> 'type', _type);
      return;
    end if;
  end if;

  if _s ? 'enum' and not exists (select 1 from jsonb_array_elements(_s -> 'enum') e where e = _v) then
    return query select _p, 'enum'::text, format('must be one of %s', _s -> 'enum');
    return;
  end if;
  if _s ? 'const' and _s -> 'const' <> _v then
    return query select _p, 'const'::text, format('must be %s', _s -> 'const');
    return;
  end if;

  if _type = 'number' then
    _num := (_v #>> '{}')::numeric;
    if _s ? 'minimum' and _num < (_s ->> 'minimum')::numeric then
      return query select _p, 'minimum'::text, format('%s is less than %s', _num, _s ->> 'minimum');
      return;
    end if;
    if _s ? 'maximum' and _num > (_s ->> 'maximum')::numeric then
      return query select _p, 'maximum'::text, format('%s is greater than %s', _num, _s ->> 'maximum');
      return;
    end if;
    if _s ? 'exclusiveMinimum' and _num <= (_s ->> 'exclusiveMinimum')::numeric then
      return query select _p, 'exclusiveMinimum'::text, format('%s is not greater than %s', _num, _s ->> 'exclusiveMinimum');
      return;
    end if;
    if _s ? 'exclusiveMaximum' and _num >= (_s ->> 'exclusiveMaximum')::numeric then
      return query select _p, 'exclusiveMaximum'::text, format('%s is not less than %s', _num, _s ->> 'exclusiveMaximum');
      return;
    end if;
  elsif _type = 'string' then
    _len := char_length(_v #>> '{}');
    if _s ? 'minLength' and _len < (_s ->> 'minLength')::integer then
      return query select _p, 'minLength'::text, format('%s characters, at least %s required', _len, _s ->> 'minLength');
      return;
    end if;
    if _s ? 'maxLength' and _len > (_s ->> 'maxLength')::integer then
      return query select _p, 'maxLength'::text, format('%s characters, at most %s allowed', _len, _s ->> 'maxLength');
      return;
    end if;
    if _s ? 'pattern' and not ((_v #>> '{}') ~ (_s ->> 'pattern')) then
      return query select _p, 'pattern'::text, format('does not match %s', _s ->> 'pattern');
      return;
    end if;
  elsif _type = 'array' then
    _len := jsonb_array_length(_v);
    if _s ? 'minItems' and _len < (_s ->> 'minItems')::integer then
      return query select _p, 'minItems'::text, format('%s items, at least %s required', _len, _s ->> 'minItems');
      return;
    end if;
    if _s ? 'maxItems' and _len > (_s ->> 'maxItems')::integer then
      return query select _p, 'maxItems'::text, format('%s items, at most %s allowed', _len, _s ->> 'maxItems');
      return;
    end if;
    if _s ? 'items' then
      for _i in 0 .. _len - 1 loop
        for _sub in select * from sor.json_schema_violation(_s -> 'items', _v -> _i, _p || '[' || _i || ']') limit 1 loop
          return query select _sub.path, _sub.keyword, _sub.detail;
          return;
        end loop;
      end loop;
    end if;
  elsif _type = 'object' then
    if _s ? 'required' then
      for _key in select x #>> '{}' from jsonb_array_elements(_s -> 'required') x loop
        if not _v ? _key then
          return query select sor.json_path_append(_p, _key), 'required'::text, 'is required'::text;
          return;
        end if;
      end loop;
    end if;
    for _key, _elem in select e.key, e.value from jsonb_each(_v) e order by e.key loop
      if _s -> 'properties' ? _key then
        for _sub in select * from sor.json_schema_violation(_s -> 'properties' -> _key, _elem, sor.json_path_append(_p, _key)) limit 1 loop
          return query select _sub.path, _sub.keyword, _sub.detail;
          return;
        end loop;
      elsif _s ? 'additionalProperties' then
        for _sub in select * from sor.json_schema_violation(_s -> 'additionalProperties', _elem, sor.json_path_append(_p, _key)) limit 1 loop
          return query select _sub.path,
                              case when _sub.keyword = 'false' then 'additionalProperties' else _sub.keyword end,
                              case when _sub.keyword = 'false' then 'is not an allowed property' else _sub.detail end;
          return;
        end loop;
      end if;
    end loop;
  end if;
end
$function$;

CREATE OR REPLACE FUNCTION sor.kit_schemas()
 RETURNS SETOF name
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
  select 'sor'::name
  union all select 'sor_api'::name
  union all select d.schema_name from sor.domain_schemas d
$function$;

CREATE OR REPLACE FUNCTION sor.lease_check_request(what text, batch integer, lease interval)
 RETURNS void
 LANGUAGE plpgsql
 IMMUTABLE
 SET jit TO 'off'
AS $function$
begin
  if sor.lease_request_ok(lease_check_request.batch, lease_check_request.lease) then
    return;
  end if;
  -- why: the batch judged by the same rule with a lease it accepts, else the lease (the bounds
  -- live in sor.lease_request_ok alone, so a request it refuses always raises here)
  if not sor.lease_request_ok(lease_check_request.batch, '1 minute'::interval) then
    raise exception 'batch % for % is out of range', coalesce(lease_check_request.batch::text, 'NULL'), lease_check_request.what
      using errcode = 'SR051', hint = 'Lease between 1 and 1000 rows at a time.';
  end if;
  raise exception 'lease % for % is out of range', coalesce(lease_check_request.lease::text, 'NULL'), lease_check_request.what
    using errcode = 'SR052', hint = 'A lease is longer than 0 and at most 1 day; heartbeat a task to extend it.';
end
$function$;

CREATE OR REPLACE FUNCTION sor.lease_clock()
 RETURNS timestamp with time zone
 LANGUAGE sql
AS $function$
  -- one expression, no SET clause: inlined into its callers' statements and expressions (a SQL
  -- function that is not inlined costs an executor of its own per call)
  select pg_catalog.clock_timestamp()
$function$;

CREATE OR REPLACE FUNCTION sor.lease_held(holder name, fencing_token bigint, lease_expires_at timestamp with time zone, given_token bigint, at timestamp with time zone)
 RETURNS boolean
 LANGUAGE sql
 STABLE
AS $function$
  -- one expression, no SET clause: inlined into the statement it guards (a batch's tasks are
  -- judged without a function call each)
  select coalesce(lease_held.holder = session_user and lease_held.fencing_token = lease_held.given_token
                  and lease_held.lease_expires_at > lease_held.at, false)
$function$;

CREATE OR REPLACE FUNCTION sor.lease_lapsed(lease_expires_at timestamp with time zone)
 RETURNS boolean
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
begin
  return sor.lease_lapsed_at(lease_lapsed.lease_expires_at, sor.lease_clock());
end
$function$;

CREATE OR REPLACE FUNCTION sor.lease_lapsed_at(lease_expires_at timestamp with time zone, at timestamp with time zone)
 RETURNS boolean
 LANGUAGE sql
 IMMUTABLE
AS $function$
  -- one expression, no SET clause: inlined into the statement that scans many leases (a sweep of
  -- lapsed runs reads the clock once and compares every lease with it, no function call each)
  select lease_lapsed_at.lease_expires_at <= lease_lapsed_at.at
$function$;

CREATE OR REPLACE FUNCTION sor.lease_request_ok(batch integer, lease interval)
 RETURNS boolean
 LANGUAGE sql
 IMMUTABLE
AS $function$
  -- one expression, no SET clause: inlined where a claim looks at its request before anything
  -- else (sor.lease_check_request raises the reason when it is false)
  select coalesce(lease_request_ok.batch between 1 and 1000 and lease_request_ok.lease > '0'::interval
                  and lease_request_ok.lease <= '1 day'::interval, false)
$function$;

CREATE OR REPLACE FUNCTION sor.lease_retry_at(attempts integer, max_attempts integer, base interval, cap interval)
 RETURNS timestamp with time zone
 LANGUAGE plpgsql
 SET jit TO 'off'
AS $function$
begin
  if lease_retry_at.attempts >= lease_retry_at.max_attempts then
    return null;
  end if;
  return sor.lease_clock() + sor.retry_delay(lease_retry_at.attempts, lease_retry_at.base, lease_retry_at.cap);
end
$function$;

CREATE OR REPLACE FUNCTION sor.leases()
 RETURNS TABLE(kind text, tenant_id text, id bigint, status text, held boolean, holder name, fencing_token bigint, leased_at timestamp with time zone, lease_expires_at timestamp with time zone, available_at timestamp with time zone, attempts integer, max_attempts integer)
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
begin
  return query
  select 'sor.tasks'::text, t.tenant_id, t.task_id, t.status, t.status = 'claimed',
         t.claimed_by, t.fencing_token, t.claimed_at, t.lease_expires_at,
         t.run_after, t.attempts, t.max_attempts
    from sor.tasks t
  union all
  select 'sor.outbox'::text, o.tenant_id, o.outbox_id, o.status, o.status = 'leased',
         o.leased_by, o.lease_token, null::timestamptz, o.lease_expires_at,
         o.available_at, o.attempts, o.max_attempts
    from sor.outbox o
   where o.status in ('pending', 'deferred', 'leased', 'failed');
end
$function$;

CREATE OR REPLACE FUNCTION sor.ledger_block_hash(prev_block_hash bytea, block_id bigint, from_tx xid8, to_tx xid8, events bigint, first_position bigint, last_position bigint, events_sha256 bytea)
 RETURNS bytea
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
  select sha256(coalesce(ledger_block_hash.prev_block_hash, ''::bytea)
                || convert_to(format('%s|%s|%s|%s|%s|%s', ledger_block_hash.block_id, ledger_block_hash.from_tx,
                                     ledger_block_hash.to_tx, ledger_block_hash.events, ledger_block_hash.first_position,
                                     ledger_block_hash.last_position), 'UTF8')
                || ledger_block_hash.events_sha256)
$function$;

CREATE OR REPLACE FUNCTION sor.lock_stream(tenant_id text, stream text, claim_new boolean)
 RETURNS integer
 LANGUAGE plpgsql
 SET jit TO 'off'
AS $function$
begin
  raise exception 'pg-sor was upgraded while this call ran: its code locked stream % the way an earlier release did',
        coalesce(pg_catalog.quote_literal(lock_stream.stream), 'NULL')
    using errcode = '40001', hint = 'Retry the call: it runs the code of the release now installed.';
end
$function$;

CREATE OR REPLACE FUNCTION sor.make_partitions(months_ahead integer)
 RETURNS TABLE(partition_name text, action text, detail text)
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _t record;
  _m timestamptz;
  _month timestamptz := pg_catalog.date_trunc('month', pg_catalog.now());
  _name text;
  _part record;
begin
  if make_partitions.months_ahead is null or make_partitions.months_ahead not between 1 and 24 then
    raise exception 'months_ahead must be 1 to 24, not %', coalesce(make_partitions.months_ahead::text, 'NULL')
      using errcode = 'SR084', hint = 'The default, 3, keeps a quarter of months ready.';
  end if;
  for _t in select * from sor.partitioned_tables() loop
    _m := _month;
    while _m <= _month + pg_catalog.make_interval(months => make_partitions.months_ahead) loop
      _name := pg_catalog.format('%s_p%s', (select c.relname from pg_class c where c.oid = _t.parent), pg_catalog.to_char(_m, 'YYYYMM'));
      if not exists (select 1 from pg_class c where c.relnamespace = 'sor'::regnamespace and c.relname = _name) then
        begin
          execute pg_catalog.format('create table sor.%I partition of %s for values from (%L) to (%L)',
                                    _name, _t.parent, _m, _m + interval '1 month');
          -- the kit's own partition: recorded by the guard, or here when the guard is paused or absent
          perform sor_guard.record_kit_partition(pg_catalog.format('sor.%I', _name)::regclass);
          partition_name := 'sor.' || _name; action := 'created';
          detail := pg_catalog.format('%s from %s to %s', _t.key_column, pg_catalog.to_char(_m, 'YYYY-MM-DD'),
                                      pg_catalog.to_char(_m + interval '1 month', 'YYYY-MM-DD'));
          return next;
        exception
          when invalid_object_definition then
            null; -- an existing partition (an attached legacy table) already covers the month
          when check_violation then
            partition_name := 'sor.' || _name; action := 'blocked';
            detail := pg_catalog.format('the default partition of %s holds rows of this month: move them out before the month gets its partition', _t.parent);
            return next;
        end;
      end if;
      _m := _m + interval '1 month';
    end loop;
  end loop;
  for _part in
    select i.inhrelid::regclass as part
      from sor.partitioned_tables() t join pg_inherits i on i.inhparent = t.parent
  loop
    perform sor.prepare_partition(_part.part);
  end loop;
end
$function$;

CREATE OR REPLACE FUNCTION sor.make_quota_slots(tenant_ids text[])
 RETURNS void
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
  -- every slot of each kind, at 0 where it has no row: sor.quota_count takes a slot no other open
  -- transaction holds (SKIP LOCKED), which only a committed row can say
  insert into sor.tenant_usage (tenant_id, kind, slot, pending)
  select t.tenant_id, k.kind, s.slot, 0
    from pg_catalog.unnest(make_quota_slots.tenant_ids) as t(tenant_id)
   cross join (values ('tasks'), ('outbox')) as k(kind)
   cross join pg_catalog.generate_series(0, 15) as s(slot)
  on conflict on constraint tenant_usage_pkey do nothing
$function$;

CREATE OR REPLACE FUNCTION sor.mark_abandoned(run_id uuid DEFAULT NULL::uuid, worker_role name DEFAULT NULL::name)
 RETURNS integer
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _n integer;
  -- the lease clock read once, each lease judged at it by the inlined rule (sor.lease_lapsed_at),
  -- not by a function called for each running run
  _now timestamptz := sor.lease_clock();
begin
  -- a run whose row another transaction holds is skipped: its holder is at work on it and meets
  -- its lapsed lease itself, and no sweep waits behind a long call. One statement per case, so
  -- that each is planned for what it is given: a run by its id (get_run), a Worker's runs
  -- (my_runs), every running run (sweep_abandoned_runs); a single statement with "id is null or"
  -- conditions had a generic plan that read every running run of every tenant for one run.
  if mark_abandoned.run_id is not null then
    update sor.runs r
       set status = 'abandoned', finished_at = r.lease_expires_at
     where (r.tenant_id, r.run_id) in (
             select x.tenant_id, x.run_id from sor.runs x
              where x.run_id = mark_abandoned.run_id
                and x.status = 'running'
                and sor.lease_lapsed_at(x.lease_expires_at, _now)
                and (mark_abandoned.worker_role is null or x.worker_role = mark_abandoned.worker_role)
                for no key update skip locked)
       and r.status = 'running';
  elsif mark_abandoned.worker_role is not null then
    update sor.runs r
       set status = 'abandoned', finished_at = r.lease_expires_at
     where (r.tenant_id, r.run_id) in (
             select x.tenant_id, x.run_id from sor.runs x
              where x.worker_role = mark_abandoned.worker_role
                and x.status = 'running'
                and x.sweep_at <= _now
                and sor.lease_lapsed_at(x.lease_expires_at, _now)
                for no key update skip locked)
       and r.status = 'running';
  else
    update sor.runs r
       set status = 'abandoned', finished_at = r.lease_expires_at
     where (r.tenant_id, r.run_id) in (
             select x.tenant_id, x.run_id from sor.runs x
              where x.status = 'running'
                and x.sweep_at <= _now
                and sor.lease_lapsed_at(x.lease_expires_at, _now)
                for no key update skip locked)
       and r.status = 'running';
  end if;
  get diagnostics _n = row_count;
  return _n;
end
$function$;

CREATE OR REPLACE FUNCTION sor.outbox_counts(status text)
 RETURNS boolean
 LANGUAGE plpgsql
 IMMUTABLE
 SET jit TO 'off'
AS $function$
begin
  return outbox_counts.status in ('pending', 'deferred', 'leased', 'failed');
end
$function$;

CREATE OR REPLACE FUNCTION sor.over_cap(value jsonb)
 RETURNS boolean
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
AS $function$
  -- measured on the uncompressed text form: pg_column_size() of a value read back from a table
  -- is its compressed size, and a repetitive 80 MB document compresses below any cap. One
  -- expression without settings, inlined: a caller tests it and calls sor.check_size (a PL/pgSQL
  -- call with its setting saved and restored) only to raise
  select pg_catalog.octet_length(over_cap.value::text) > 1048576
$function$;

CREATE OR REPLACE FUNCTION sor.over_cap(value text)
 RETURNS boolean
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
AS $function$
  select pg_catalog.octet_length(over_cap.value) > 1048576
$function$;

CREATE OR REPLACE FUNCTION sor.partition_bounds(part regclass)
 RETURNS TABLE(range_from timestamp with time zone, range_to timestamp with time zone, is_default boolean)
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _bound text := pg_get_expr((select c.relpartbound from pg_class c where c.oid = partition_bounds.part), partition_bounds.part);
  _m text[];
begin
  if _bound = 'DEFAULT' then
    return query select null::timestamptz, null::timestamptz, true;
    return;
  end if;
  _m := regexp_match(_bound, '^FOR VALUES FROM \((.*)\) TO \((.*)\)$');
  if _m is null then
    return;
  end if;
  return query select case when _m[1] = 'MINVALUE' then null else btrim(_m[1], '''')::timestamptz end,
                      case when _m[2] = 'MAXVALUE' then 'infinity'::timestamptz else btrim(_m[2], '''')::timestamptz end,
                      false;
end
$function$;

CREATE OR REPLACE FUNCTION sor.partition_list()
 RETURNS TABLE(parent_table text, partition_name text, range_from timestamp with time zone, range_to timestamp with time zone, is_default boolean, approx_rows bigint, retirable boolean, why_not text)
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
  with parts as (
    select t.parent, t.keep, i.inhrelid::regclass as part, b.*
      from sor.partitioned_tables() t
      join pg_inherits i on i.inhparent = t.parent
     cross join lateral sor.partition_bounds(i.inhrelid::regclass) b
  )
  select p.parent::text, p.part::text, p.range_from, p.range_to, p.is_default,
         greatest((select c.reltuples from pg_class c where c.oid = p.part), 0)::bigint,
         w.why is null, w.why
    from parts p
   cross join lateral (
     select case
       when p.is_default then 'the default partition stays'
       when p.range_to > pg_catalog.now() - p.keep then pg_catalog.format('inside the retention of %s (%s)', p.parent, p.keep)
       when exists (select 1 from parts q where q.parent = p.parent and not q.is_default
                       and coalesce(q.range_from, '-infinity') < coalesce(p.range_from, '-infinity'))
         then 'an older partition must retire first'
     end as why) w
   order by p.parent::text, p.range_from nulls first, p.is_default
$function$;

CREATE OR REPLACE FUNCTION sor.partitioned_tables()
 RETURNS TABLE(parent regclass, key_column name, append_only boolean, keep interval)
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
  select c.oid::regclass, a.attname,
         exists (select 1 from sor.append_only_tables t where t.table_schema = 'sor' and t.table_name = c.relname),
         (select r.keep from sor.retention_policies r
           where r.table_name = 'sor.' || c.relname order by r.set_at desc limit 1)
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace and n.nspname = 'sor'
    join pg_partitioned_table p on p.partrelid = c.oid
    join pg_attribute a on a.attrelid = c.oid and a.attnum = p.partattrs[0]
   where c.relkind = 'p'
   order by c.relname
$function$;

CREATE OR REPLACE FUNCTION sor.prepare_partition(part regclass)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _c record;
  _parent regclass;
  _p record;
  _b record;
  _name text;
  _tg record;
begin
  select c.relname, c.relrowsecurity, c.relforcerowsecurity, c.reloptions, obj_description(c.oid, 'pg_class') as note
    into _c from pg_class c where c.oid = prepare_partition.part;
  select i.inhparent::regclass into _parent from pg_inherits i where i.inhrelid = prepare_partition.part;
  select * into _p from sor.partitioned_tables() t where t.parent = _parent;
  if _p.parent is null then
    raise exception '% is not a partition of a kit table', prepare_partition.part
      using errcode = 'SR080', hint = 'List the kit''s partitions in sor_api.partitions.';
  end if;
  _name := pg_catalog.format('%s', prepare_partition.part);
  -- row level security: direct access to a partition is the owner's alone; readers go through the parent
  if not _c.relrowsecurity then
    execute pg_catalog.format('alter table %s enable row level security', _name);
  end if;
  if not _c.relforcerowsecurity then
    execute pg_catalog.format('alter table %s force row level security', _name);
  end if;
  perform sor.ensure_policy(prepare_partition.part, 'partition_owner_all', 'ALL', array['sor_owner']::name[], 'true', 'true');
  if _c.note is null then
    select * into _b from sor.partition_bounds(prepare_partition.part);
    execute pg_catalog.format('comment on table %s is %L', _name,
      case when _b.is_default then
             pg_catalog.format('Default partition of %s: catches rows no monthly partition takes; certify() reports it when it holds any (run sor_api.maintain_partitions).', _parent)
           else pg_catalog.format('Partition of %s: %s from %s to %s.', _parent, _p.key_column,
                                  coalesce(pg_catalog.to_char(_b.range_from, 'YYYY-MM-DD'), 'the beginning'),
                                  pg_catalog.to_char(_b.range_to, 'YYYY-MM-DD')) end);
  end if;
  if _p.append_only then
    -- row triggers are cloned from the parent, statement and TRUNCATE triggers are not; a partition
    -- also carries its own row refusal, which stays with it when it is detached
    execute pg_catalog.format('create or replace trigger partition_refuse_update_delete before update or delete on %s '
                              'for each row execute function sor_guard.tg_events__refuse_change()', _name);
    execute pg_catalog.format('create or replace trigger partition_refuse_statement before update or delete on %s '
                              'for each statement execute function sor_guard.tg_events__refuse_change()', _name);
    execute pg_catalog.format('create or replace trigger partition_refuse_truncate before truncate on %s '
                              'for each statement execute function sor_guard.tg_events__refuse_change()', _name);
    for _tg in select tg.tgname from pg_trigger tg
                where tg.tgrelid = prepare_partition.part and not tg.tgisinternal and tg.tgenabled <> 'A' loop
      execute pg_catalog.format('alter table %s enable always trigger %I', _name, _tg.tgname);
    end loop;
  elsif _parent = 'sor.outbox'::regclass then
    -- a queue partition: room on each page for the status updates to stay HOT
    if not coalesce(_c.reloptions @> array['fillfactor=80'], false) then
      execute pg_catalog.format('alter table %s set (fillfactor = 80)', _name);
    end if;
    -- vacuumed at the pace of a queue (V081): not after 20% of the partition is dead
    if not coalesce(_c.reloptions @> array['autovacuum_vacuum_scale_factor=0.01'], false) then
      execute pg_catalog.format('alter table %s set (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 200, '
                                'autovacuum_vacuum_insert_scale_factor = 0.05, autovacuum_analyze_scale_factor = 0.02, '
                                'autovacuum_vacuum_cost_delay = 0)', _name);
    end if;
  end if;
  -- the replica identity of its table: a publication whose row filter reads status (V080) needs it
  -- on every partition, or updates of the partition's rows fail while published
  if (select c.relreplident from pg_class c where c.oid = _parent) = 'f'
     and (select c.relreplident from pg_class c where c.oid = prepare_partition.part) <> 'f' then
    execute pg_catalog.format('alter table %s replica identity full', _name);
  end if;
end
$function$;

CREATE OR REPLACE FUNCTION sor.queues_recording_rows()
 RETURNS text[]
 LANGUAGE plpgsql
 STABLE
 SET jit TO 'off'
AS $function$
begin
  -- PL/pgSQL, not SQL: its query's plan is kept for the session (a SQL function that is not inlined
  -- is planned again by every statement that calls it)
  return (select coalesce(pg_catalog.array_agg(q.queue), '{}'::text[]) from sor.queues q where q.completion_record = 'row');
end
$function$;

CREATE OR REPLACE FUNCTION sor.quota_count(kind text, tenants text[], deltas bigint[])
 RETURNS void
 LANGUAGE plpgsql
 SET jit TO 'off'
AS $function$
declare
  -- where this backend starts looking for a slot of the tenant's count
  _slot smallint := (pg_catalog.pg_backend_pid() % 16)::smallint;
  _others smallint[];
  _t record;
  _hint text[];
  _at tid;
  _got smallint;
  _pending bigint;
  _other_pending bigint;
  _max bigint;
begin
  if quota_count.tenants is null then
    return;
  end if;
  if pg_catalog.cardinality(quota_count.tenants) <> 1 then
    -- a statement of several tenants: each counted alone, in tenant order (a refusal names the
    -- first tenant, in that order, that would pass its quota; nothing of the statement is kept)
    for _t in select u.tenant_id, pg_catalog.sum(u.delta)::bigint as delta
                from rows from (pg_catalog.unnest(quota_count.tenants), pg_catalog.unnest(quota_count.deltas)) as u(tenant_id, delta)
               group by u.tenant_id
              having pg_catalog.sum(u.delta) <> 0
               order by u.tenant_id loop
      perform sor.quota_count(quota_count.kind, array[_t.tenant_id], array[_t.delta]);
    end loop;
    return;
  end if;
  if quota_count.deltas[1] = 0 then
    return;
  end if;
  -- The slot's row is updated where this transaction last left it: updating one row many times in
  -- one transaction leaves a chain of versions that a lookup by key walks from its start
  -- (quadratic over the transaction); the version's address, kept in a transaction-local setting,
  -- is only a hint: the update still names the tenant, kind and slot, and a hint that misses (set
  -- by hand, stale, another tenant) finds no row and the slot is looked for again.
  _hint := pg_catalog.string_to_array(pg_catalog.current_setting('sor.quota_hint', true), '|');
  if pg_catalog.cardinality(_hint) = 4 and _hint[1] = quota_count.kind and _hint[2] ~ '^[0-9]{1,2}$'
     and _hint[4] = quota_count.tenants[1] and _hint[3] ~ '^\([0-9]{1,9},[0-9]{1,4}\)$' then
    -- (a block below 10^9 and an offset below 10^4 always read as a tid)
    update sor.tenant_usage x set pending = x.pending + quota_count.deltas[1]
     where x.ctid = _hint[3]::tid
       and x.tenant_id = quota_count.tenants[1] and x.kind = quota_count.kind and x.slot = _hint[2]::smallint
    returning x.ctid, x.pending, x.slot into _at, _pending, _got;
  end if;
  if _at is null then
    -- the transaction's first count of the tenant: this backend's own slot unless another open
    -- transaction holds it, else the first of the tenant's slots after it that none holds (SKIP
    -- LOCKED; a slot this transaction holds is not skipped), so a writer never waits for another's
    -- commit on a shared slot, and two transactions counting two tenants in opposite orders never
    -- deadlock on them. (The own slot first, by its key: a probe, where the ordered look reads and
    -- sorts the tenant's 16 rows.)
    update sor.tenant_usage x set pending = x.pending + quota_count.deltas[1]
     where x.ctid = (select u.ctid from sor.tenant_usage u
                      where u.tenant_id = quota_count.tenants[1] and u.kind = quota_count.kind and u.slot = _slot
                        for update skip locked)
    returning x.ctid, x.pending, x.slot into _at, _pending, _got;
    if _at is null then
      update sor.tenant_usage x set pending = x.pending + quota_count.deltas[1]
       where x.ctid = (select u.ctid from sor.tenant_usage u
                        where u.tenant_id = quota_count.tenants[1] and u.kind = quota_count.kind
                        order by (u.slot - _slot + 16) % 16
                        limit 1
                          for update skip locked)
      returning x.ctid, x.pending, x.slot into _at, _pending, _got;
    end if;
    if _at is null then
      -- every slot row of the tenant is held by another open transaction, or some are missing
      -- (sor_api.add_tenant and R__941 make all 16; the owner may have deleted some): a slot that
      -- has no row yet (one another transaction is making meanwhile is waited for)
      insert into sor.tenant_usage as x (tenant_id, kind, slot, pending)
      select quota_count.tenants[1], quota_count.kind, s.slot, quota_count.deltas[1]
        from pg_catalog.generate_series(0, 15) as s(slot)
       where not exists (select 1 from sor.tenant_usage u
                          where u.tenant_id = quota_count.tenants[1] and u.kind = quota_count.kind and u.slot = s.slot)
       order by (s.slot - _slot + 16) % 16
       limit 1
      on conflict on constraint tenant_usage_pkey do nothing
      returning x.ctid, x.pending, x.slot into _at, _pending, _got;
    end if;
    if _at is null then
      -- all 16 slots held by other open transactions of the tenant (or one made meanwhile):
      -- this backend's own slot, waiting for its holder
      insert into sor.tenant_usage as x (tenant_id, kind, slot, pending)
      values (quota_count.tenants[1], quota_count.kind, _slot, quota_count.deltas[1])
      on conflict on constraint tenant_usage_pkey do update set pending = x.pending + excluded.pending
      returning x.ctid, x.pending, x.slot into _at, _pending, _got;
    end if;
  end if;
  _slot := _got;  -- (a statement that found no row set it NULL: assigned once a row is counted)
  perform pg_catalog.set_config('sor.quota_hint',
                                quota_count.kind || '|' || _slot || '|' || _at::text || '|' || quota_count.tenants[1], true);
  -- only a growth is checked: the tenant's other slots as committed (each read by its own key:
  -- this transaction's slot may hold many versions of its own), and its quota
  if quota_count.deltas[1] > 0 then
    _others := pg_catalog.array_remove('{0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15}'::smallint[], _slot);
    select (select pg_catalog.sum(u.pending) from sor.tenant_usage u
             where u.tenant_id = quota_count.tenants[1] and u.kind = quota_count.kind and u.slot = any (_others)),
           coalesce((select t.max_pending from sor.tenant_quotas t
                      where t.tenant_id = quota_count.tenants[1] and t.kind = quota_count.kind),
                    (select f.max_pending from sor.quota_defaults f where f.kind = quota_count.kind))
      into _other_pending, _max;
    if _pending + coalesce(_other_pending, 0) > _max then
      if quota_count.kind = 'tasks' then
        raise exception 'tenant % would have % live tasks, over its quota of %', quota_count.tenants[1], _pending + coalesce(_other_pending, 0), _max
          using errcode = 'SR065',
                hint = 'Nothing of the statement was queued. Let Workers drain the queue first, or have an admin raise the quota: sor_api.set_quota(tenant_id, ''tasks'', n).';
      end if;
      raise exception 'tenant % would have % undelivered outbox rows, over its quota of %', quota_count.tenants[1], _pending + coalesce(_other_pending, 0), _max
        using errcode = 'SR066',
              hint = 'Nothing of the statement was queued. Let dispatchers deliver first, or have an admin raise the quota: sor_api.set_quota(tenant_id, ''outbox'', n).';
    end if;
  end if;
end
$function$;

CREATE OR REPLACE FUNCTION sor.reader_caught_up(tenant_id text, after_position bigint, reader text)
 RETURNS boolean
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET plan_cache_mode TO 'force_generic_plan'
 SET enable_sort TO 'off'
 SET enable_incremental_sort TO 'off'
 SET jit TO 'off'
AS $function$
declare
  _next text;
begin
  if pg_catalog.current_setting('sor.reader_idle_' || pg_catalog.to_hex(pg_catalog.hashtext(reader_caught_up.reader)), true)
     is distinct from 'on' then
    return false;
  end if;
  -- bounded and ordered as the readers read, so it probes the primary key of each month once
  select e.stream into _next from sor.events e
    where (e.tenant_id, e.position) > (reader_caught_up.tenant_id, reader_caught_up.after_position)
      and (e.tenant_id, e.position) < (reader_caught_up.tenant_id, 9223372036854775807::bigint)
    order by e.tenant_id, e.position
    limit 1;
  return not found;
end
$function$;

CREATE OR REPLACE FUNCTION sor.reader_page_read(reader text, rows_read bigint)
 RETURNS void
 LANGUAGE plpgsql
 SET jit TO 'off'
AS $function$
declare
  _setting text := 'sor.reader_idle_' || pg_catalog.to_hex(pg_catalog.hashtext(reader_page_read.reader));
begin
  if (reader_page_read.rows_read = 0) <> (pg_catalog.current_setting(_setting, true) is not distinct from 'on') then
    perform pg_catalog.set_config(_setting, case when reader_page_read.rows_read = 0 then 'on' else '' end, false);
  end if;
end
$function$;

CREATE OR REPLACE FUNCTION sor.refuse_lease_call(kind text, id bigint, given_token bigint, action text, known boolean, status text, leased boolean, holder name, fencing_token bigint, lease_expires_at timestamp with time zone)
 RETURNS void
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _what text := case refuse_lease_call.kind when 'task' then 'task' else 'outbox row' end;
  _message text;
begin
  if not refuse_lease_call.known then
    raise exception 'unknown % % (%)', _what, coalesce(refuse_lease_call.id::text, 'NULL'), refuse_lease_call.action
      using errcode = case refuse_lease_call.kind when 'task' then 'SR055' else 'SR061' end,
            hint = case refuse_lease_call.kind
                     when 'task' then 'Pass the task_id claim_tasks returned; a Worker sees only tasks of its tenants.'
                     else 'Pass the outbox_id lease_outbox returned; a dispatcher sees only rows of its tenants.' end;
  end if;
  if refuse_lease_call.given_token is null or not refuse_lease_call.leased
     or refuse_lease_call.fencing_token is distinct from refuse_lease_call.given_token
     or refuse_lease_call.holder is distinct from session_user then
    _message := pg_catalog.format('stale fencing token %s for %s %s (%s: status %s)', coalesce(refuse_lease_call.given_token::text, 'NULL'),
                                  _what, refuse_lease_call.id, refuse_lease_call.action, refuse_lease_call.status);
    if refuse_lease_call.kind = 'task' then
      raise exception '%', _message
        using errcode = 'SR056', hint = 'The claim was taken back, ended, or is held by another role: drop the work, do not write its results. Claim again.';
    end if;
    raise exception '%', _message
      using errcode = 'SR062', hint = 'The lease was taken back, ended, or is held by another role: drop it, the current holder reports.';
  end if;
  raise exception 'lease of % % lapsed at % (%)', _what, refuse_lease_call.id, refuse_lease_call.lease_expires_at, refuse_lease_call.action
    using errcode = 'SR057',
          hint = case refuse_lease_call.kind
                   when 'task' then 'Heartbeat more often than the lease length; the task will be taken back by the next claim.'
                   else 'Lease for longer than a delivery takes; the row will be leased again by the next lease_outbox.' end;
end
$function$;

CREATE OR REPLACE FUNCTION sor.refuse_outbox_call(outbox_id bigint, lease_token bigint, action text)
 RETURNS void
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _row sor.outbox;
begin
  select o.* into _row from sor.outbox o
   where o.outbox_id = refuse_outbox_call.outbox_id and sor_guard.is_member(o.tenant_id);
  if found and _row.status = 'dispatched' then
    raise exception 'outbox row % is already dispatched (provider_ref %)', _row.outbox_id, _row.provider_ref
      using errcode = 'SR063', hint = 'Another lease delivered it; with the dedupe key as the provider''s idempotency key the provider saw one message.';
  end if;
  perform sor.refuse_lease_call('outbox', refuse_outbox_call.outbox_id, refuse_outbox_call.lease_token, refuse_outbox_call.action,
                                found, _row.status, _row.status = 'leased', _row.leased_by, _row.lease_token,
                                _row.lease_expires_at);
end
$function$;

CREATE OR REPLACE FUNCTION sor.refuse_reserved(stream text, type text, topic text)
 RETURNS void
 LANGUAGE plpgsql
 IMMUTABLE
 SET jit TO 'off'
AS $function$
declare
  _kind text := sor.reserved_kind(refuse_reserved.stream, refuse_reserved.type, refuse_reserved.topic);
begin
  -- hot callers test sor.reserved_kind(...) is not null themselves and call this only to raise
  if _kind = 'stream category' then
    raise exception 'stream % is reserved for the kit', pg_catalog.quote_literal(refuse_reserved.stream)
      using errcode = 'SR017',
            hint = 'The kit alone writes the run-, task- and outbox- streams (see sor_api.reserved_names). Choose another category, e.g. expense-42.';
  elsif _kind = 'event type prefix' then
    raise exception 'event type % is reserved for the kit', pg_catalog.quote_literal(refuse_reserved.type)
      using errcode = 'SR017',
            hint = 'Event types starting with run_, block_, task. or outbox. are the kit''s own (see sor_api.reserved_names). Name yours after your domain, e.g. ExpenseRecorded.';
  elsif _kind = 'outbox topic' then
    raise exception 'outbox topic % is reserved for the kit', pg_catalog.quote_literal(refuse_reserved.topic)
      using errcode = 'SR017',
            hint = 'The kit alone queues this topic (resume is queued when a suspend block is resolved). Choose another command type.';
  end if;
end
$function$;

CREATE OR REPLACE FUNCTION sor.refuse_task_call(task_id bigint, fencing_token bigint, action text)
 RETURNS void
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _task sor.tasks;
begin
  select t.* into _task
    from sor.tasks t
   where t.task_id = refuse_task_call.task_id
     and sor_guard.is_member(t.tenant_id);
  if found then
    perform sor.refuse_lease_call('task', refuse_task_call.task_id, refuse_task_call.fencing_token, refuse_task_call.action,
                                  true, _task.status, _task.status = 'claimed', _task.claimed_by, _task.fencing_token,
                                  _task.lease_expires_at);
  end if;
  -- a finished task's token is stale: the task is known, its lease is over
  perform sor.refuse_lease_call('task', refuse_task_call.task_id, refuse_task_call.fencing_token, refuse_task_call.action,
                                exists (select 1 from sor.finished_tasks f
                                         where f.task_id = refuse_task_call.task_id and sor_guard.is_member(f.tenant_id)),
                                'finished', false, null, null, null);
end
$function$;

CREATE OR REPLACE FUNCTION sor.register_tool(tool_name text, description text, input_schema jsonb, function_oid regprocedure, allowed_kinds text[], side_effects boolean DEFAULT true, enabled boolean DEFAULT true)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _problem text;
  _proc pg_catalog.pg_proc%rowtype;
  _path text;
begin
  if not sor.is_valid('tool_name', register_tool.tool_name) then
    raise exception 'malformed tool name %', coalesce(quote_literal(register_tool.tool_name), 'NULL')
      using errcode = 'SR073', hint = 'A tool name is lowercase letters, digits and _, starting with a letter, at most 64 characters.';
  end if;
  if register_tool.description is null or length(register_tool.description) not between 1 and 2000 then
    raise exception 'tool % needs a description of 1 to 2000 characters', register_tool.tool_name
      using errcode = 'SR073', hint = 'The description is what a Worker''s model reads to decide when to call the tool.';
  end if;
  _problem := sor.json_schema_problem(register_tool.input_schema);
  if _problem is not null or jsonb_typeof(register_tool.input_schema) <> 'object'
     or register_tool.input_schema ->> 'type' is distinct from 'object' then
    raise exception 'input schema of tool % is not usable: %', register_tool.tool_name,
          coalesce(_problem, 'the top level must be {"type": "object", ...}')
      using errcode = 'SR073', hint = 'Use only the JSON Schema keywords the kit enforces (README, Tool boundary) with an object at the top level.';
  end if;
  select p.* into _proc from pg_catalog.pg_proc p where p.oid = register_tool.function_oid;
  if _proc.prorettype <> 'jsonb'::regtype or _proc.pronargs <> 2
     or _proc.proargtypes[0] <> 'jsonb'::regtype or _proc.proargtypes[1] <> 'jsonb'::regtype then
    raise exception 'tool function % must take (ctx jsonb, args jsonb) and return jsonb', register_tool.function_oid
      using errcode = 'SR073', hint = 'Declare it as: create function schema.name(ctx jsonb, args jsonb) returns jsonb ...';
  end if;
  select substr(c, 13) into _path from unnest(_proc.proconfig) c where c like 'search_path=%';
  if not _proc.prosecdef or _path is null or btrim(reverse(split_part(reverse(_path), ',', 1))) <> 'pg_temp' then
    raise exception 'tool function % must be SECURITY DEFINER with a search_path ending in pg_temp', register_tool.function_oid
      using errcode = 'SR074', hint = 'Add: security definer set search_path = pg_catalog, <schemas>, pg_temp';
  end if;
  if exists (select 1 from pg_catalog.aclexplode(coalesce(_proc.proacl, pg_catalog.acldefault('f', _proc.proowner))) a
              where a.grantee = 0 and a.privilege_type = 'EXECUTE')
     or pg_catalog.has_function_privilege('sor_worker', register_tool.function_oid, 'EXECUTE') then
    raise exception 'tool function % is executable by PUBLIC or by Workers directly', register_tool.function_oid
      using errcode = 'SR074', hint = 'revoke execute on function ... from public; Workers reach tools only through sor_api.call_tool.';
  end if;
  insert into sor.tools as t (tool_name, description, input_schema, function_oid, allowed_kinds, side_effects, enabled)
  values (register_tool.tool_name, register_tool.description, register_tool.input_schema, register_tool.function_oid,
          coalesce(register_tool.allowed_kinds, '{}'), coalesce(register_tool.side_effects, true), coalesce(register_tool.enabled, true))
  on conflict on constraint tools_pkey do update
     set description = excluded.description, input_schema = excluded.input_schema,
         function_oid = excluded.function_oid, allowed_kinds = excluded.allowed_kinds,
         side_effects = excluded.side_effects, enabled = excluded.enabled,
         registered_at = pg_catalog.now(), registered_by = session_user;
end
$function$;

CREATE OR REPLACE FUNCTION sor.reserved_kind(stream text, type text, topic text)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
AS $function$
  select case
           when pg_catalog.lower(pg_catalog.split_part(reserved_kind.stream, '-', 1)) = any (sor.reserved_list('stream category'))
             then 'stream category'
           when pg_catalog.lower(reserved_kind.type) ^@ any (sor.reserved_list('event type prefix'))
             then 'event type prefix'
           when pg_catalog.lower(reserved_kind.topic) = any (sor.reserved_list('outbox topic'))
             then 'outbox topic'
         end
$function$;

CREATE OR REPLACE FUNCTION sor.reserved_list(kind text)
 RETURNS text[]
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
AS $function$
  select case reserved_list.kind
           when 'stream category' then '{run,task,outbox}'::text[]
           when 'event type prefix' then '{run_,block_,task.,outbox.}'::text[]
           when 'outbox topic' then '{resume}'::text[]
         end
$function$;

CREATE OR REPLACE FUNCTION sor.resume(run_id uuid, lease_seconds integer DEFAULT NULL::integer)
 RETURNS sor.runs
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _w sor.workers := sor.current_worker();
  _r sor.runs;
  _lease integer;
  _now timestamptz;
begin
  if resume.run_id is null then
    perform sor.journal_bad_input('run_id', 'Pass the id of the run to resume.');
  end if;
  if resume.lease_seconds is not null and resume.lease_seconds not between 1 and 3600 then
    perform sor.journal_bad_input('lease_seconds', 'A lease lasts 1 to 3600 seconds; heartbeat to extend it.');
  end if;
  select r.* into _r from sor.runs r where r.run_id = resume.run_id for update;
  -- another tenant's run, or another kind's, is as unknown as a run that does not exist
  if not found or _r.worker_kind <> _w.kind then
    raise exception 'unknown run % for Worker %', resume.run_id, session_user
      using errcode = 'SR034', hint = 'A Worker resumes a run of its own kind, of a tenant it is a member of: pass the run id start_run returned.';
  end if;
  perform sor_guard.require_member(_r.tenant_id);
  if _r.status = 'running' and not sor.lease_lapsed(_r.lease_expires_at) then
    if _r.worker_role = session_user then
      return _r;  -- still held by this Worker: nothing to resume
    end if;
    raise exception 'run % is held by % until %', _r.run_id, _r.worker_role, _r.lease_expires_at
      using errcode = 'SR036',
            hint = 'A run is taken over only once its lease lapsed: retry after lease_expires_at, or ask its holder to finish it.';
  end if;
  if _r.status not in ('running', 'abandoned') then
    raise exception 'run % is %', _r.run_id, _r.status
      using errcode = 'SR035', hint = 'Only a run whose lease lapsed can be resumed; a finished or cancelled run is final: start a new run.';
  end if;
  _lease := coalesce(resume.lease_seconds, _r.lease_seconds);
  _now := sor.lease_clock();
  update sor.runs r
     set status = 'running', finished_at = null, worker_role = session_user,
         fencing_token = r.fencing_token + 1, resumed_at = pg_catalog.clock_timestamp(), resumed_by = session_user,
         lease_seconds = _lease, lease_expires_at = _now + make_interval(secs => _lease),
         sweep_at = _now + make_interval(secs => _lease), heartbeat_at = _now
   where r.tenant_id = _r.tenant_id and r.run_id = _r.run_id
  returning r.* into _r;
  return _r;
end
$function$;

CREATE OR REPLACE FUNCTION sor.retry_delay(attempts integer, base interval, cap interval)
 RETURNS interval
 LANGUAGE sql
 STRICT
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
  -- "equal jitter": half of the capped exponential delay, plus a random part of the other half,
  -- so retries of many rows that failed together spread out but never come back too early.
  select d / 2 + d / 2 * pg_catalog.random()
    from (select least(retry_delay.cap,
                       retry_delay.base * pg_catalog.power(2, least(greatest(retry_delay.attempts, 1) - 1, 30))) as d) x
$function$;

CREATE OR REPLACE FUNCTION sor.run_timeline_entries(run_row sor.runs, from_at timestamp with time zone)
 RETURNS TABLE(at timestamp with time zone, ord integer, sub bigint, key text, source text, what text, details jsonb)
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _r sor.runs := run_timeline_entries.run_row;
  _after timestamptz := coalesce(run_timeline_entries.from_at, '-infinity');
  _stream text := 'run-' || _r.run_id::text;
  _lapsed boolean := _r.status = 'abandoned'
                     or (_r.status = 'running' and sor.lease_lapsed(_r.lease_expires_at));
begin
  return query
  select x.at, x.ord, x.sub, x.key, x.source, x.what, x.details
    from (
      select _r.started_at as at, 1 as ord, 0::bigint as sub, ''::text as key, 'sor.runs'::text as source,
             'run started'::text as what,
             jsonb_build_object('workflow', _r.workflow, 'worker_role', _r.worker_role, 'worker_kind', _r.worker_kind,
                                'lease_seconds', _r.lease_seconds, 'hash_only', _r.hash_only) as details
       where _r.started_at >= _after
      union all
      select t.recorded_at, 2, t.turn_no::bigint, '', 'sor.turns',
             format('turn %s: %s (%s)', t.turn_no, t.role, t.model),
             jsonb_build_object('turn_no', t.turn_no, 'model', t.model, 'role', t.role,
                                'input_tokens', t.input_tokens, 'output_tokens', t.output_tokens)
        from sor.turns t where t.tenant_id = _r.tenant_id and t.run_id = _r.run_id and t.recorded_at >= _after
      union all
      select c.started_at, 3, 0, c.tool_call_id::text, 'sor.tool_calls', 'tool call begun: ' || c.tool_name,
             jsonb_build_object('tool_call_id', c.tool_call_id, 'tool_name', c.tool_name, 'args', c.args,
                                'args_sha256', encode(c.args_sha256, 'hex'), 'idempotency_key', c.idempotency_key)
        from sor.tool_calls c where c.tenant_id = _r.tenant_id and c.run_id = _r.run_id and c.started_at >= _after
      union all
      select c.finished_at, 4, 0, c.tool_call_id::text, 'sor.tool_calls',
             case when c.status = 'failed' and c.error @> '{"interrupted": true}'
                  then 'tool call interrupted: ' || c.tool_name || ' (in flight under fencing token ' || c.fencing_token
                       || ' when its run lapsed)'
                  else 'tool call ' || c.status || ': ' || c.tool_name end,
             jsonb_build_object('tool_call_id', c.tool_call_id, 'tool_name', c.tool_name,
                                'result', c.result, 'error', c.error, 'fencing_token', c.fencing_token)
        from sor.tool_calls c
       where c.tenant_id = _r.tenant_id and c.run_id = _r.run_id and c.finished_at >= _after
      union all
      select s.committed_at, 5, s.version::bigint, s.step_id, 'sor.steps', format('step %s committed (version %s)', s.step_id, s.version),
             jsonb_build_object('step_id', s.step_id, 'version', s.version, 'output', s.output,
                                'event_count', s.event_count, 'command_count', s.command_count, 'block_id', s.block_id)
        from sor.steps s where s.tenant_id = _r.tenant_id and s.run_id = _r.run_id and s.committed_at >= _after
      union all
      select b.opened_at, 6, b.block_id, 'opened', 'sor.blocks', format('%s block %s opened', b.kind, b.block_id),
             jsonb_build_object('block_id', b.block_id, 'kind', b.kind, 'step_id', b.step_id, 'command', b.command)
        from sor.blocks b where b.tenant_id = _r.tenant_id and b.run_id = _r.run_id and b.opened_at >= _after
      union all
      select b.resolved_at, 6, b.block_id, 'resolved', 'sor.blocks', format('%s block %s %s', b.kind, b.block_id, b.status),
             jsonb_build_object('block_id', b.block_id, 'resolved_by', b.resolved_by, 'approved', b.approved, 'note', b.note)
        from sor.blocks b where b.tenant_id = _r.tenant_id and b.run_id = _r.run_id and b.resolved_at >= _after
      union all
      select o.created_at, 7, o.outbox_id, '', 'sor.outbox', format('outbox #%s queued: %s', o.outbox_id, o.topic),
             jsonb_build_object('outbox_id', o.outbox_id, 'topic', o.topic, 'step_id', o.step_id,
                                'dedupe_key', o.dedupe_key, 'payload', o.payload)
        from sor.outbox o where o.tenant_id = _r.tenant_id and o.run_id = _r.run_id and o.created_at >= _after
      union all
      select o.dispatched_at, 8, o.outbox_id, '', 'sor.outbox', format('outbox #%s dispatched: %s', o.outbox_id, o.topic),
             jsonb_build_object('outbox_id', o.outbox_id, 'provider_ref', o.provider_ref, 'attempts', o.attempts)
        from sor.outbox o
       where o.tenant_id = _r.tenant_id and o.run_id = _r.run_id and o.dispatched_at >= _after
      union all
      select e.occurred_at, 9, e.position, 'event', 'sor.events', format('event %s on %s v%s', e.type, e.stream, e.version),
             jsonb_build_object('position', e.position, 'stream', e.stream, 'version', e.version, 'type', e.type,
                                'actor', e.actor, 'payload', e.payload, 'metadata', e.metadata)
        from sor.events e
       where e.tenant_id = _r.tenant_id and e.occurred_at >= _after
         and (e.stream = _stream
              or e.stream in (select 'outbox-' || o.outbox_id from sor.outbox o
                               where o.tenant_id = _r.tenant_id and o.run_id = _r.run_id))
      union all
      -- the events the run appended to the tenant's own streams, tagged with its id in their
      -- metadata (as the MCP server tags every append of a session), from the run's start on
      select e.occurred_at, 9, e.position, 'event', 'sor.events', format('event %s on %s v%s', e.type, e.stream, e.version),
             jsonb_build_object('position', e.position, 'stream', e.stream, 'version', e.version, 'type', e.type,
                                'actor', e.actor, 'payload', e.payload, 'metadata', e.metadata)
        from sor.events e
       where e.tenant_id = _r.tenant_id
         and e.occurred_at >= greatest(_r.started_at, _after)
         and e.metadata ->> 'run_id' = _r.run_id::text
         and not sor.is_reserved('stream category', e.stream)
      union all
      -- the tasks the run enqueued and the attempts it claimed, by id (sor.run_tasks)
      select l.linked_at, 9, 0, pg_catalog.format('task %s %s %s', l.task_id, l.link, l.fencing_token), 'sor.run_tasks',
             case when l.link = 'enqueued' then format('task %s enqueued on %s: %s', l.task_id, t.queue, t.subject)
                  else format('task %s claimed on %s (fencing token %s)', l.task_id, t.queue, l.fencing_token) end,
             jsonb_build_object('task_id', l.task_id, 'queue', t.queue, 'subject', t.subject, 'link', l.link,
                                'fencing_token', nullif(l.fencing_token, 0))
        from sor.run_tasks l
        left join lateral (select x.queue, x.subject from sor.tasks x where x.tenant_id = l.tenant_id and x.task_id = l.task_id
                           union all
                           select y.queue, y.subject from sor.finished_tasks y where y.tenant_id = l.tenant_id and y.task_id = l.task_id
                           limit 1) t on true
       where l.tenant_id = _r.tenant_id and l.run_id = _r.run_id and l.linked_at >= _after
      union all
      -- how each attempt claimed in the run ended: the kit's event with the same fencing token
      select e.occurred_at, 9, e.position, 'event', 'sor.events', format('task %s %s (fencing token %s)', l.task_id,
             pg_catalog.substr(e.type, 6), l.fencing_token),
             jsonb_build_object('position', e.position, 'stream', e.stream, 'type', e.type, 'actor', e.actor,
                                'payload', e.payload)
        from sor.run_tasks l
        join sor.events e on e.tenant_id = l.tenant_id and e.stream = 'task-' || l.task_id
       where l.tenant_id = _r.tenant_id and l.run_id = _r.run_id and l.link = 'claimed'
         and e.type in ('task.completed', 'task.failed', 'task.dead', 'task.lease_expired') and e.occurred_at >= _after
         and (e.payload ->> 'fencing_token')::bigint = l.fencing_token
      union all
      -- an attempt claimed in the run that completed on a queue recording completions by the
      -- finished row alone (completion_record row): the finished row, when no event records it
      select f.finished_at, 9, 0, pg_catalog.format('finished %s %s', f.task_id, f.fencing_token), 'sor.finished_tasks', format('task %s completed (fencing token %s)', l.task_id, l.fencing_token),
             jsonb_build_object('task_id', f.task_id, 'queue', f.queue, 'status', f.status, 'claimed_by', f.claimed_by,
                                'claimed_at', f.claimed_at, 'attempts', f.attempts)
        from sor.run_tasks l
        join sor.finished_tasks f on f.tenant_id = l.tenant_id and f.task_id = l.task_id
       where l.tenant_id = _r.tenant_id and l.run_id = _r.run_id and l.link = 'claimed'
         and f.status = 'completed' and f.fencing_token = l.fencing_token and f.finished_at >= _after
         and not exists (select 1 from sor.events e
                          where e.tenant_id = l.tenant_id and e.stream = 'task-' || l.task_id and e.type = 'task.completed'
                            and (e.payload ->> 'fencing_token')::bigint = l.fencing_token)
      union all
      select _r.lease_expires_at, 10, 0, '', 'sor.runs', 'lease lapsed',
             jsonb_build_object('lease_seconds', _r.lease_seconds, 'last_heartbeat_at', _r.heartbeat_at)
       where _lapsed and _r.lease_expires_at >= _after
      union all
      select _r.finished_at, 11, 0, '', 'sor.runs', 'run ' || _r.status,
             jsonb_build_object('version', _r.version, 'error', _r.error)
       where _r.finished_at >= _after
    ) x;
end
$function$;

CREATE OR REPLACE FUNCTION sor.session_defaults()
 RETURNS void
 LANGUAGE plpgsql
 SET jit TO 'off'
AS $function$
begin
  if sor.session_defaults_due() then
    if pg_catalog.current_setting('idle_in_transaction_session_timeout') = '0' then
      perform pg_catalog.set_config('idle_in_transaction_session_timeout', '1min', false);
    end if;
    if pg_catalog.current_setting('lock_timeout') = '0' then
      perform pg_catalog.set_config('lock_timeout', '10s', false);
    end if;
  end if;
end
$function$;

CREATE OR REPLACE FUNCTION sor.session_defaults_due()
 RETURNS boolean
 LANGUAGE sql
 STABLE
AS $function$
  -- one expression, no SET clause: inlined into its callers' conditions
  select coalesce(pg_catalog.current_setting('sor.session_defaults', true), '') <> 'off'
         and (pg_catalog.current_setting('idle_in_transaction_session_timeout') = '0'
              or pg_catalog.current_setting('lock_timeout') = '0')
$function$;

CREATE OR REPLACE FUNCTION sor.sqlstate_words(code text)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE STRICT
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
  select case code
    when '57P01' then 'the connection was terminated by an administrator (pg_terminate_backend) or the server shut down'
    when '57P02' then 'the server crashed and ended every connection'
    when '57P03' then 'the server was not accepting connections (starting up or shutting down)'
    when '57P04' then 'the database was dropped'
    when '57P05' then 'the connection was closed after idling too long (idle_session_timeout)'
    when '57014' then 'the statement was cancelled (statement_timeout, or a cancel request)'
    when '25P03' then 'the connection was closed after idling inside a transaction (idle_in_transaction_session_timeout)'
    when '25P04' then 'the transaction ran longer than transaction_timeout'
    when '40001' then 'a concurrent transaction conflicted with it (serialization failure); a retry may succeed'
    when '40P01' then 'it deadlocked with another transaction; a retry may succeed'
    when '55P03' then 'a lock was not granted in time (lock_timeout or NOWAIT)'
    when '53100' then 'the server ran out of disk space'
    when '53200' then 'the server ran out of memory'
    when '53300' then 'the server had no connection slot left (max_connections)'
    when '08006' then 'the connection broke mid-session (network failure, or the server went away)'
    when '08003' then 'the connection no longer existed'
    when '42501' then 'a privilege was missing'
    when 'P0001' then 'the code raised an error of its own'
    else case pg_catalog.left(code, 2)
      when 'SR' then 'a refusal by pg-sor, listed in the SQLSTATE table of the docs'
      when '08' then 'the connection failed'
      when '57' then 'an operator or the server stopped it'
      when '53' then 'the server ran out of a resource'
      when '54' then 'it went past a limit of the server (program limit exceeded)'
      when '58' then 'a system error outside PostgreSQL (disk or operating system)'
      when 'XX' then 'an internal error of PostgreSQL'
      when '40' then 'its transaction was rolled back'
      when '22' then 'invalid data'
      when '23' then 'a constraint refused the data'
      when '42' then 'a statement was invalid or not allowed'
      when '28' then 'authentication failed'
      else 'an error (SQLSTATE class ' || pg_catalog.left(code, 2) || ')'
    end
  end
$function$;

CREATE OR REPLACE FUNCTION sor.subscription(tenant_id text, name text, for_update boolean DEFAULT false)
 RETURNS sor.subscriptions
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _s sor.subscriptions;
begin
  if subscription.for_update then
    select s.* into _s from sor.subscriptions s
     where s.tenant_id = subscription.tenant_id and s.name = subscription.name for update;
  else
    select s.* into _s from sor.subscriptions s
     where s.tenant_id = subscription.tenant_id and s.name = subscription.name;
  end if;
  if _s.tenant_id is null then
    raise exception 'tenant % has no subscription %', pg_catalog.quote_literal(subscription.tenant_id),
                    coalesce(pg_catalog.quote_literal(subscription.name), 'NULL')
      using errcode = 'SR015',
            hint = 'Create it with sor_api.subscribe(tenant_id, name); sor_api.subscriptions(tenant_id) lists the tenant''s subscriptions.';
  end if;
  return _s;
end
$function$;

CREATE OR REPLACE FUNCTION sor.sweep_lapsed(tenant_ids text[])
 RETURNS integer
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _n integer;
  -- the lease clock read once, each lease judged at it by the inlined rule (sor.lease_lapsed_at).
  -- The scan reads the running runs of the tenants whose sweep_at has come (runs_sweep_idx, V113):
  -- sweep_at is never after a running run's lease expiry (runs_sweep_at_check), so every lapsed
  -- run is among them, and a run whose Worker heartbeats is not (its heartbeats keep sweep_at
  -- ahead). The index leaves the lease itself out, so that most heartbeats stay HOT updates.
  _now timestamptz := sor.lease_clock();
begin
  update sor.runs r
     set status = 'abandoned', finished_at = r.lease_expires_at
   where (r.tenant_id, r.run_id) in (
           select x.tenant_id, x.run_id from sor.runs x
            where x.status = 'running'
              and x.tenant_id = any (sweep_lapsed.tenant_ids)
              and x.sweep_at <= _now
              and sor.lease_lapsed_at(x.lease_expires_at, _now)
              for no key update skip locked)
     and r.status = 'running';
  get diagnostics _n = row_count;
  return _n;
end
$function$;

CREATE OR REPLACE FUNCTION sor.task_input_problem(subject text, payload jsonb, dedupe_key text, priority integer, delay interval, max_attempts integer)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE
AS $function$
  -- one expression, no SET clause: inlined into the statement that calls it (enqueue_tasks judges
  -- every task of a batch with it in one query), like sor.is_valid
  select case
    when not sor.is_valid('label', task_input_problem.subject) then 'subject must have 1 to 200 characters (no control characters)'
    when pg_catalog.jsonb_typeof(coalesce(task_input_problem.payload, 'null'::jsonb)) <> 'object' then 'payload must be a JSON object'
    when task_input_problem.dedupe_key is not null and not sor.is_valid('label', task_input_problem.dedupe_key)
      then 'dedupe_key must be NULL or 1 to 200 characters (no control characters)'
    when task_input_problem.priority is null or task_input_problem.priority not between -1000 and 1000
      then 'priority must be between -1000 and 1000'
    when task_input_problem.delay is not null and task_input_problem.delay < '0'::interval then 'delay must not be negative'
    when task_input_problem.max_attempts is not null and task_input_problem.max_attempts not between 1 and 100
      then 'max_attempts must be between 1 and 100'
  end
$function$;

CREATE OR REPLACE FUNCTION sor.task_listen(queue text)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
begin
  if not exists (select 1 from sor.queues q where q.queue = task_listen.queue) then
    return;
  end if;
  delete from sor.task_listeners l
   where not exists (select 1 from pg_catalog.pg_stat_get_activity(l.pid) a);
  insert into sor.task_listeners as l (queue, pid, role_name, tenant_ids)
  values (task_listen.queue, pg_catalog.pg_backend_pid(), session_user, sor_guard.member_tenants())
  on conflict on constraint task_listeners_pkey do update
     set listened_at = pg_catalog.clock_timestamp(), role_name = excluded.role_name, tenant_ids = excluded.tenant_ids;
exception when read_only_sql_transaction then
  null;
end
$function$;

CREATE OR REPLACE FUNCTION sor.tenant_horizon(tenant_id text)
 RETURNS bigint
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _last bigint;
  _bound bigint;
begin
  perform sor.check_horizon_context();
  if (select s.seqcache from pg_catalog.pg_sequence s where s.seqrelid = 'sor.events_position_seq'::pg_catalog.regclass) <> 1 then
    raise exception 'sor.events_position_seq caches positions per session, so a position drawn later may be lower than one drawn earlier'
      using errcode = 'SR086', hint = 'As the kit owner: alter sequence sor.events_position_seq cache 1.';
  end if;
  -- 1. the last position drawn: every position at or below it was drawn before this statement
  _last := coalesce(pg_catalog.pg_sequence_last_value('sor.events_position_seq'::pg_catalog.regclass), 0);
  -- 2. the tenant's writers in flight now, and the lowest bound any of them announced
  with l as materialized (
    select x.virtualtransaction, x.classid, x.objid, x.objsubid
      from pg_catalog.pg_locks x
     where x.locktype = 'advisory' and x.mode = 'ShareLock' and x.granted
       and x.database = (select d.oid from pg_catalog.pg_database d where d.datname = pg_catalog.current_database())
  )
  select pg_catalog.min((b.classid::bigint << 32) | b.objid::bigint) into _bound
    from l t
    join l b on b.virtualtransaction = t.virtualtransaction and b.objsubid = 1
   where t.objsubid = 2
     and t.classid = (pg_catalog.hashtext(tenant_horizon.tenant_id)::bigint & 4294967295)::oid;
  return least(_last + 1, coalesce(_bound + 1, _last + 1));
end
$function$;

CREATE OR REPLACE FUNCTION sor.tg_blocks__events()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _stream text := 'run-' || new.run_id::text;
  _meta jsonb := jsonb_build_object('run_id', new.run_id, 'step_id', new.step_id, 'block_id', new.block_id);
begin
  if tg_op = 'INSERT' then
    perform sor.append_event(new.tenant_id, _stream, 'block_opened',
      jsonb_build_object('block_id', new.block_id, 'kind', new.kind, 'step_id', new.step_id), _meta);
    return null;
  end if;
  if old.status <> 'active' or old.block_id <> new.block_id or old.run_id <> new.run_id or old.kind <> new.kind then
    raise exception 'block % is % and cannot change', old.block_id, old.status
      using errcode = 'SR043', hint = 'A block is resolved once, by sor_api.resolve_block.';
  end if;
  if new.status <> old.status then
    perform sor.append_event(new.tenant_id, _stream, 'block_' || new.status,
      jsonb_build_object('block_id', new.block_id, 'kind', new.kind, 'approved', new.approved,
                         'resolved_by', new.resolved_by, 'note', new.note), _meta);
  end if;
  return null;
end
$function$;

CREATE OR REPLACE FUNCTION sor.tg_events__refuse_unchained()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
begin
  raise exception 'an event of stream % arrived without its chain fields: code from before the kit''s upgrade ran this statement', new.stream
    using errcode = '40001', hint = 'Run the call again: it runs the upgraded append path now.';
end
$function$;

CREATE OR REPLACE FUNCTION sor.tg_finished_tasks__events_delete()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
begin
  -- the statement's events go through the set-based append path in one call, in order; each
  -- stream (task-<id>) is written under the lock of its task's row this statement holds, so it
  -- is serialized: a new stream's head is made at its final link
  perform 1
    from (select pg_catalog.array_agg(e.tenant_id order by e.ord) as tenant_ids, pg_catalog.array_agg(e.stream order by e.ord) as streams,
                 pg_catalog.array_agg(e.type order by e.ord) as types, pg_catalog.array_agg(e.payload order by e.ord) as payloads,
                 pg_catalog.array_agg('{}'::jsonb order by e.ord) as metadatas
            from (
            select o.tenant_id, 'task-' || o.task_id as stream, 'task.retried' as type,
                   pg_catalog.jsonb_build_object('task_id', o.task_id, 'queue', o.queue, 'from', o.status, 'to', 'ready') as payload,
                   (pg_catalog.row_number() over (order by o.task_id)) as ord
              from old_rows o
            ) e
          having pg_catalog.count(*) > 0) x
   cross join lateral sor.append_event_rows(x.tenant_ids, x.streams, x.types, x.payloads, x.metadatas, null, true) a;
  return null;
end
$function$;

CREATE OR REPLACE FUNCTION sor.tg_finished_tasks__events_insert()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _tenant_ids text[];
  _streams text[];
  _types text[];
  _payloads jsonb[];
  _metadatas jsonb[];
begin
  -- the statement's events, in order, gathered by one query; a statement that writes none (the
  -- completions of a queue whose record is 'row') stops there and runs no append
  select pg_catalog.array_agg(e.tenant_id order by e.ord), pg_catalog.array_agg(e.stream order by e.ord),
         pg_catalog.array_agg(e.type order by e.ord), pg_catalog.array_agg(e.payload order by e.ord),
         pg_catalog.array_agg('{}'::jsonb order by e.ord)
    into _tenant_ids, _streams, _types, _payloads, _metadatas
    from (
    select n.tenant_id, 'task-' || n.task_id as stream, 'task.' || n.status as type,
           pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
             'task_id', n.task_id, 'queue', n.queue, 'subject', n.subject, 'attempts', n.attempts,
             'claimed_by', n.claimed_by, 'fencing_token', n.fencing_token, 'claimed_at', n.claimed_at,
             'error', case when n.status = 'dead' then n.last_error end)) as payload,
           (pg_catalog.row_number() over (order by n.task_id)) as ord
      from new_rows n
     -- a completion of a queue that records its completions by the finished row alone
     -- (completion_record 'row', V109) writes no event: its row says so (completion_event
     -- false, set by the statement that moved it). The mark is honoured only there: a dead
     -- task, or a row marked so on a queue that records events (written by hand, or
     -- completed as the queue was switched back), still gets its event
     where n.completion_event or n.status <> 'completed' or n.queue <> all ((select sor.queues_recording_rows())::text[])
    ) e;
  -- each stream (task-<id>) is written under the lock of its task's row this statement holds, so
  -- it is serialized: a new stream's head is made at its final link; one call of the set-based
  -- append path for the whole statement
  if _tenant_ids is not null then
    perform 1 from sor.append_event_rows(_tenant_ids, _streams, _types, _payloads, _metadatas, null, true);
  end if;
  -- a finished task left the live queue: it no longer counts against its tenant's quota
  perform sor.quota_count('tasks', pg_catalog.array_agg(c.tenant_id), pg_catalog.array_agg(-c.n))
     from (select n.tenant_id, count(*) as n from new_rows n group by n.tenant_id) c;
  return null;
end
$function$;

CREATE OR REPLACE FUNCTION sor.tg_outbox__dedupe()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
begin
  insert into sor.dedupe_keys (tenant_id, scope, dedupe_key, target_id)
  values (new.tenant_id, 'outbox', new.dedupe_key, new.outbox_id)
  on conflict on constraint dedupe_keys_pkey do nothing;
  if found then
    return new;
  end if;
  return null;
end
$function$;

CREATE OR REPLACE FUNCTION sor.tg_outbox__events_update()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
begin
  -- the statement's events go through the set-based append path in one call, in order; each
  -- stream (outbox-<id>) is written under the lock of its row this statement holds, so it is
  -- serialized: a new stream's head is made at its final link
  perform 1
    from (select pg_catalog.array_agg(e.tenant_id order by e.ord) as tenant_ids, pg_catalog.array_agg(e.stream order by e.ord) as streams,
                 pg_catalog.array_agg(e.type order by e.ord) as types, pg_catalog.array_agg(e.payload order by e.ord) as payloads,
                 pg_catalog.array_agg('{}'::jsonb order by e.ord) as metadatas
            from (
            select c.tenant_id, 'outbox-' || c.outbox_id as stream, c.type, c.payload as payload, (pg_catalog.row_number() over (order by c.outbox_id, c.seq)) as ord
              from (
                select n.outbox_id, n.tenant_id, 1 as seq, 'outbox.lease_expired' as type,
                       pg_catalog.jsonb_build_object('outbox_id', n.outbox_id, 'leased_by', o.leased_by,
                                                     'lease_token', o.lease_token, 'lease_expires_at', o.lease_expires_at,
                                                     'attempts', o.attempts) as payload
                  from new_rows n join old_rows o on o.tenant_id = n.tenant_id and o.outbox_id = n.outbox_id
                 where o.status = 'leased' and n.status = 'leased' and o.lease_token <> n.lease_token
                union all
                select n.outbox_id, n.tenant_id, 2,
                       case when n.status = 'pending' and o.status = 'deferred' then 'outbox.released'
                            when n.status = 'pending' then 'outbox.retried'
                            else 'outbox.' || n.status end,
                       pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
                         'outbox_id', n.outbox_id, 'from', o.status, 'to', n.status, 'attempts', n.attempts,
                         'leased_by', coalesce(n.leased_by, o.leased_by),
                         'lease_token', coalesce(n.lease_token, o.lease_token),
                         'lease_expires_at', n.lease_expires_at,
                         'provider_ref', case when n.status = 'dispatched' then n.provider_ref end,
                         'available_at', case when n.status = 'failed' then n.available_at end,
                         'error', case when n.status in ('failed', 'dead') then n.last_error end,
                         'block_id', n.block_id))
                  from new_rows n join old_rows o on o.tenant_id = n.tenant_id and o.outbox_id = n.outbox_id
                 where o.status is distinct from n.status or o.lease_token is distinct from n.lease_token
              ) c
            ) e
          having pg_catalog.count(*) > 0) x
   cross join lateral sor.append_event_rows(x.tenant_ids, x.streams, x.types, x.payloads, x.metadatas, null, true) a;
  -- a row delivered, dead or discarded stops counting against its tenant's quota; one queued
  -- again counts again (SR066 past the quota; R__415_quotas.sql says why this trigger counts)
  perform sor.quota_count('outbox', pg_catalog.array_agg(c.tenant_id), pg_catalog.array_agg(c.n))
     from (select n.tenant_id, sum(case when sor.outbox_counts(n.status) then 1 else -1 end)::bigint as n
             from new_rows n join old_rows o on o.tenant_id = n.tenant_id and o.outbox_id = n.outbox_id
            where sor.outbox_counts(n.status) <> sor.outbox_counts(o.status)
            group by n.tenant_id) c;
  return null;
end
$function$;

CREATE OR REPLACE FUNCTION sor.tg_outbox__notify_insert()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
begin
  -- undelivered rows count against their tenant's quota (SR066 past it; R__415_quotas.sql says
  -- why this trigger counts)
  perform sor.quota_count('outbox', pg_catalog.array_agg(c.tenant_id), pg_catalog.array_agg(c.n))
     from (select n.tenant_id, count(*) as n from new_rows n where sor.outbox_counts(n.status) group by n.tenant_id) c;
  perform sor.wake_outbox(pg_catalog.array_agg(c.tenant_id order by c.tenant_id), pg_catalog.array_agg(c.n order by c.tenant_id))
     from (select n.tenant_id, count(*) as n from new_rows n where n.status = 'pending' group by n.tenant_id) c
   having pg_catalog.count(*) > 0;
  return null;
end
$function$;

CREATE OR REPLACE FUNCTION sor.tg_outbox__notify_update()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
begin
  perform sor.wake_outbox(pg_catalog.array_agg(c.tenant_id order by c.tenant_id), pg_catalog.array_agg(c.n order by c.tenant_id))
     from (select n.tenant_id, count(*) as n
             from new_rows n join old_rows o on o.tenant_id = n.tenant_id and o.outbox_id = n.outbox_id
            where n.status = 'pending' and o.status <> 'pending'
            group by n.tenant_id) c
   having pg_catalog.count(*) > 0;
  return null;
end
$function$;

CREATE OR REPLACE FUNCTION sor.tg_runs__events()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _stream text := 'run-' || new.run_id::text;
  _meta jsonb := jsonb_build_object('run_id', new.run_id);
begin
  if tg_op = 'INSERT' then
    perform sor.append_event(new.tenant_id, _stream, 'run_started',
      jsonb_build_object('workflow', new.workflow, 'worker_role', new.worker_role, 'worker_kind', new.worker_kind,
                         'input_sha256', encode(new.input_sha256, 'hex'), 'hash_only', new.hash_only,
                         'lease_expires_at', new.lease_expires_at, 'idempotency_key', new.idempotency_key),
      _meta);
    return null;
  end if;
  if old.run_id <> new.run_id or old.tenant_id <> new.tenant_id or old.worker_kind <> new.worker_kind
     or (old.worker_role <> new.worker_role and new.fencing_token <= old.fencing_token)
     or new.fencing_token < old.fencing_token
     or old.hash_only <> new.hash_only or old.input_sha256 <> new.input_sha256 then
    raise exception 'the identity of run % cannot change', old.run_id
      using errcode = 'SR035', hint = 'Runs keep their tenant, Worker kind, input and hash-only mode for life; only a resume (a higher fencing token) hands a run to another Worker of its kind.';
  end if;
  if new.fencing_token > old.fencing_token then
    -- a resume: only of a run whose lease lapsed, back to running, nothing else in the same change
    if not (old.status = 'abandoned' or (old.status = 'running' and sor.lease_lapsed(old.lease_expires_at)))
       or new.status <> 'running' or new.version <> old.version or new.state <> old.state then
      raise exception 'run % cannot be resumed from %', old.run_id, old.status
        using errcode = 'SR035', hint = 'Only a run whose lease lapsed is resumed (sor_api.resume_run), and a resume changes nothing but its holder and lease.';
    end if;
    perform sor.append_event(new.tenant_id, _stream, 'run_resumed',
      jsonb_build_object('from', old.status, 'from_worker', old.worker_role, 'to_worker', new.worker_role,
                         'fencing_token', new.fencing_token, 'version', new.version, 'last_step_id', new.last_step_id,
                         'lease_expires_at', new.lease_expires_at),
      _meta);
    return null;
  end if;
  if old.status <> 'running' and (new.status <> old.status or new.version <> old.version or new.state <> old.state) then
    raise exception 'run % is %', old.run_id, old.status
      using errcode = 'SR035', hint = 'A finished or cancelled run takes no more writes; an abandoned one takes them again once resumed (sor_api.resume_run).';
  end if;
  if new.version <> old.version then
    if new.version <> old.version + 1 then
      raise exception 'run % version must advance by one (from % to %)', old.run_id, old.version, new.version
        using errcode = 'SR035', hint = 'Versions advance only through commit_step.';
    end if;
    perform sor.append_event(new.tenant_id, _stream, 'run_state_committed',
      jsonb_build_object('version', new.version, 'step_id', new.last_step_id), _meta || jsonb_build_object('step_id', new.last_step_id));
  end if;
  if new.overlay <> old.overlay then
    perform sor.append_event(new.tenant_id, _stream, 'run_overlay_set',
      jsonb_build_object('keys', (select coalesce(jsonb_agg(k order by k), '[]'::jsonb)
                                    from jsonb_each(new.overlay) e(k, v)
                                   where not (old.overlay ? e.k) or old.overlay -> e.k <> e.v)),
      _meta);
  end if;
  if new.status <> old.status then
    perform sor.append_event(new.tenant_id, _stream,
      case when new.status = 'failed' and coalesce(current_setting('sor.cancel_reason', true), '') <> ''
           then 'run_cancelled' else 'run_' || new.status end,
      jsonb_build_object('from', old.status, 'to', new.status, 'version', new.version,
                         'finished_at', new.finished_at,
                         'error', case when new.hash_only then null else new.error end,
                         'error_sha256', encode(new.error_sha256, 'hex'))
      || case when new.status = 'failed' and coalesce(current_setting('sor.cancel_reason', true), '') <> ''
              then jsonb_build_object('cancelled_by', session_user::text,
                                      'reason', nullif(current_setting('sor.cancel_reason', true), ''))
              else '{}'::jsonb end,
      _meta);
  end if;
  return null;
end
$function$;

CREATE OR REPLACE FUNCTION sor.tg_tasks__dedupe()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
begin
  -- (the trigger runs only for a row with a dedupe key: WHEN (new.dedupe_key IS NOT NULL))
  -- a concurrent first use of the key holds it: this insert waits, then finds it taken or free
  insert into sor.dedupe_keys (tenant_id, scope, dedupe_key, target_id)
  values (new.tenant_id, 'task:' || new.queue, new.dedupe_key, new.task_id)
  on conflict on constraint dedupe_keys_pkey do nothing;
  -- kept: a new key, or this very task coming back (an operator's retry)
  if not found and not exists (select 1 from sor.dedupe_keys k
                                where k.tenant_id = new.tenant_id and k.scope = 'task:' || new.queue
                                  and k.dedupe_key = new.dedupe_key and k.target_id = new.task_id) then
    return null;
  end if;
  return new;
end
$function$;

CREATE OR REPLACE FUNCTION sor.tg_tasks__events_update()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
begin
  -- a claim (ready or failed rows made claimed) ends no claim: nothing to record, and the query
  -- below would cost the claim as much again
  if not exists (select 1 from old_rows o where o.status = 'claimed') then
    return null;
  end if;
  -- the statement's events go through the set-based append path in one call, in order; each
  -- stream (task-<id>) is written under the lock of its task's row this statement holds, so it
  -- is serialized: a new stream's head is made at its final link
  perform 1
    from (select pg_catalog.array_agg(e.tenant_id order by e.ord) as tenant_ids, pg_catalog.array_agg(e.stream order by e.ord) as streams,
                 pg_catalog.array_agg(e.type order by e.ord) as types, pg_catalog.array_agg(e.payload order by e.ord) as payloads,
                 pg_catalog.array_agg('{}'::jsonb order by e.ord) as metadatas
            from (
            -- only a claim that ended: a failure, or a lapsed claim taken back by another claim
            select n.tenant_id, 'task-' || n.task_id as stream,
                   case when n.status = 'claimed' then 'task.lease_expired' else 'task.' || n.status end as type,
                   pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
                     'task_id', n.task_id, 'queue', n.queue, 'subject', n.subject, 'from', o.status, 'to', n.status,
                     'attempts', o.attempts, 'claimed_by', o.claimed_by, 'fencing_token', o.fencing_token,
                     'claimed_at', o.claimed_at, 'lease_expires_at', o.lease_expires_at,
                     'run_after', case when n.status = 'failed' then n.run_after end,
                     'error', case when n.status = 'failed' then n.last_error end)) as payload,
                   (pg_catalog.row_number() over (order by n.task_id)) as ord
              from new_rows n join old_rows o on o.tenant_id = n.tenant_id and o.task_id = n.task_id
             where o.status = 'claimed' and (n.status <> 'claimed' or n.fencing_token <> o.fencing_token)
            ) e
          having pg_catalog.count(*) > 0) x
   cross join lateral sor.append_event_rows(x.tenant_ids, x.streams, x.types, x.payloads, x.metadatas, null, true) a;
  return null;
end
$function$;

CREATE OR REPLACE FUNCTION sor.tg_tasks__quota()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
begin
  -- AFTER INSERT, once per statement: the tasks it queued (the rows the dedupe trigger kept) count
  -- against their tenants' quotas, one count per tenant (SR065 past it; R__415_quotas.sql)
  perform sor.quota_count('tasks', pg_catalog.array_agg(c.tenant_id order by c.tenant_id), pg_catalog.array_agg(c.n order by c.tenant_id))
     from (select n.tenant_id, pg_catalog.count(*) as n from new_rows n group by n.tenant_id) c
   having pg_catalog.count(*) > 0;
  return null;
end
$function$;

CREATE OR REPLACE FUNCTION sor.tool_call_begin(run_id uuid, tool_name text, args jsonb, idempotency_key text DEFAULT NULL::text)
 RETURNS TABLE(tool_call_id uuid, replayed boolean, status text, result jsonb, error jsonb)
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _w sor.workers;
  _r sor.runs;
  _args_digest bytea;
  _fingerprint bytea;
  _new uuid := pg_catalog.gen_random_uuid();
  _claim sor.idempotency_keys;
  _call sor.tool_calls;
begin
  _w := sor.current_worker();
  if not sor.is_valid('slug', tool_call_begin.tool_name) then
    perform sor.journal_bad_input('tool_name', 'A tool name is a lowercase slug of at most 100 characters, e.g. send_email.');
  end if;
  if tool_call_begin.args is null or jsonb_typeof(tool_call_begin.args) <> 'object' then
    perform sor.journal_bad_input('args', 'Tool arguments are a JSON object, e.g. {"to": "alice@example.com"}.');
  end if;
  if tool_call_begin.idempotency_key is not null then
    perform sor.journal_check_id(tool_call_begin.idempotency_key, 'idempotency_key', 255);
  end if;
  _r := sor.worker_run(tool_call_begin.run_id, true);
  _args_digest := sor.journal_digest(tool_call_begin.args::text, null, false, 'args');
  _fingerprint := sha256(convert_to(jsonb_build_array(tool_call_begin.tool_name, encode(_args_digest, 'hex'))::text, 'UTF8'));

  if tool_call_begin.idempotency_key is not null then
    -- keys are scoped by tenant and Worker kind: a Worker of another kind can neither forge a result
    -- for this kind's key nor read one
    _claim := sor.idempotency_claim(_r.tenant_id, 'tool_call:' || _w.kind, tool_call_begin.idempotency_key,
                                    _fingerprint, null, _new);
    if _claim.tool_call_id is distinct from _new then
      if _claim.fingerprint <> _fingerprint then
        raise exception 'idempotency key % was used with another tool or other arguments', tool_call_begin.idempotency_key
          using errcode = 'SR037', hint = 'A retry must send the same tool and arguments; a new request needs a new key.';
      end if;
      select c.* into _call from sor.tool_calls c
       where c.tenant_id = _r.tenant_id and c.tool_call_id = _claim.tool_call_id;
      if _call.status = 'started'
         and ((_call.run_id = _r.run_id and _call.fencing_token < _r.fencing_token)
              or exists (select 1 from sor.runs o
                          where o.tenant_id = _call.tenant_id and o.run_id = _call.run_id
                            and (o.status <> 'running' or sor.lease_lapsed(o.lease_expires_at)))) then
        -- in flight when its run lapsed: the attempt is closed as interrupted (it may or may not have
        -- reached the tool: the provider dedupes by the same key) and this attempt takes the key over
        perform sor.tool_call_interrupt(_call, _r);
        update sor.idempotency_keys k
           set tool_call_id = _new, run_id = null
         where k.tenant_id = _claim.tenant_id and k.scope = _claim.scope and k.idempotency_key = _claim.idempotency_key;
        _call := null;
      end if;
      if _call.status = 'started' then
        raise exception 'tool call % with idempotency key % is in progress', _call.tool_call_id, tool_call_begin.idempotency_key
          using errcode = 'SR038',
                hint = 'Another attempt holds this key and has not finished (or its run was abandoned mid-call): retry later, or check the tool''s provider.';
      end if;
      if _call.tool_call_id is not null then
        return query select _call.tool_call_id, true, _call.status, _call.result, _call.error;
        return;
      end if;
    end if;
  end if;

  insert into sor.tool_calls (tenant_id, tool_call_id, run_id, tool_name, args, args_sha256, idempotency_key, hash_only,
                              fencing_token)
  values (_r.tenant_id, _new, _r.run_id, tool_call_begin.tool_name,
          case when _r.hash_only then null else tool_call_begin.args end, _args_digest,
          tool_call_begin.idempotency_key, _r.hash_only, _r.fencing_token);
  return query select _new, false, 'started'::text, null::jsonb, null::jsonb;
end
$function$;

CREATE OR REPLACE FUNCTION sor.tool_call_finish(tool_call_id uuid, result jsonb, error jsonb)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _call sor.tool_calls;
  _r sor.runs;
  _result_digest bytea;
  _error_digest bytea;
begin
  perform sor.current_worker();
  if tool_call_finish.tool_call_id is null then
    perform sor.journal_bad_input('tool_call_id', 'Pass the id begin_tool_call returned.');
  end if;
  if tool_call_finish.error is not null and tool_call_finish.result is not null then
    perform sor.journal_bad_input('result/error', 'A tool call either succeeds with a result or fails with an error, not both.');
  end if;
  select c.* into _call from sor.tool_calls c
    join sor.runs r on r.tenant_id = c.tenant_id and r.run_id = c.run_id
   where c.tool_call_id = tool_call_finish.tool_call_id and r.worker_role = session_user;
  if not found then
    raise exception 'unknown tool call % for Worker %', tool_call_finish.tool_call_id, session_user
      using errcode = 'SR034', hint = 'A Worker finishes only tool calls of its own runs.';
  end if;
  _result_digest := sor.journal_digest(tool_call_finish.result::text, null, false, 'result');
  _error_digest := sor.journal_digest(tool_call_finish.error::text, null, false, 'error');
  -- the same outcome again (a retry after the answer was lost): it is recorded; nothing to do.
  -- A finished call never changes, so the row read above is its last word.
  if _call.status <> 'started'
     and _call.status = (case when tool_call_finish.error is null then 'succeeded' else 'failed' end)
     and _call.result_sha256 is not distinct from _result_digest
     and _call.error_sha256 is not distinct from _error_digest then
    return;
  end if;
  _r := sor.worker_run(_call.run_id, true);
  select c.* into _call from sor.tool_calls c
   where c.tenant_id = _call.tenant_id and c.tool_call_id = _call.tool_call_id
   for update;
  if _call.status <> 'started' then
    raise exception 'tool call % is already % with another outcome', _call.tool_call_id, _call.status
      using errcode = 'SR044', hint = 'A tool call is finished once: the same outcome again is accepted as a retry, another is refused; begin a new call to try again.';
  end if;
  update sor.tool_calls c
     set status = case when tool_call_finish.error is null then 'succeeded' else 'failed' end,
         result = case when _r.hash_only then null else tool_call_finish.result end,
         result_sha256 = _result_digest,
         error = case when _r.hash_only then null else tool_call_finish.error end,
         error_sha256 = _error_digest,
         finished_at = pg_catalog.clock_timestamp()
   where c.tenant_id = _call.tenant_id and c.tool_call_id = _call.tool_call_id;
end
$function$;

CREATE OR REPLACE FUNCTION sor.tool_call_interrupt(call sor.tool_calls, resumed sor.runs)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _error jsonb := jsonb_build_object('interrupted', true,
                                     'reason', 'in flight when its run''s lease lapsed; retried by a later attempt with the same key',
                                     'retried_by_run', resumed.run_id, 'fencing_token', resumed.fencing_token);
begin
  update sor.tool_calls c
     set status = 'failed', finished_at = pg_catalog.clock_timestamp(),
         error = case when c.hash_only then null else _error end,
         error_sha256 = sor.journal_digest(_error::text, null, false, 'error'),
         result = null, result_sha256 = null
   where c.tenant_id = call.tenant_id and c.tool_call_id = call.tool_call_id and c.status = 'started';
end
$function$;

CREATE OR REPLACE FUNCTION sor.verify_event_chains(for_tenant text, for_stream text)
 RETURNS TABLE(tenant_id text, stream text, events bigint, "position" bigint, version integer, expected_hash bytea, found_hash bytea, problem text, detail text)
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
  -- Each event is judged against its predecessor in version order. The events one statement
  -- appended to a stream share their prev_hash (the stream's link before the statement), so a
  -- group starts where prev_hash changes; a group's link is its one event's hash, or sha256 over
  -- its events' hashes in version order. Checks, first failing wins:
  --   version_gap         version is not the previous version + 1 (a deleted event, or a stream
  --                       whose first events are gone without a retired partition recording them)
  --   out_of_order        position is not above the previous event's (reordered events)
  --   prev_hash_mismatch  a group's prev_hash is not the link of the group before (deleted, spliced,
  --                       swapped, or an event of an earlier statement changed and re-hashed)
  --   hash_mismatch       hash is not sor_guard.event_hash() of the row's own content (a modified event)
  --   head_mismatch       the chain is intact but the stream's head row (sor.streams) names another last
  --                       version or link (events cut off the tail, or the last group changed)
  -- For version_gap and out_of_order expected/found are the previous event's hash and this event's
  -- prev_hash; for prev_hash_mismatch the link of the group before and this event's prev_hash; for
  -- hash_mismatch the recomputed and the stored hash.
  -- A stream whose oldest events left in a retired partition links its first remaining event to
  -- the link of the last retired group, recorded in sor.retired_stream_heads before the partition left.
  with boundary as (
    select distinct on (h.tenant_id, h.stream) h.tenant_id, h.stream, h.version, h.position, h.hash
      from sor.retired_stream_heads h
     where (verify_event_chains.for_tenant is null or h.tenant_id = verify_event_chains.for_tenant)
       and (verify_event_chains.for_stream is null or h.stream = verify_event_chains.for_stream)
     order by h.tenant_id, h.stream, h.version desc
  ), ev as materialized (
    select e.tenant_id, e.stream, e.position, e.version, e.prev_hash, e.hash,
           sor_guard.event_hash(e.prev_hash, e.tenant_id, e.stream, e.version, e.type, e.payload,
                          e.metadata, e.actor, e.occurred_at, e.position) as computed,
           coalesce(pg_catalog.lag(e.hash) over w, b.hash) as link_hash,
           coalesce(pg_catalog.lag(e.position) over w, b.position) as link_position,
           coalesce(pg_catalog.lag(e.version) over w, b.version) as link_version,
           b.hash as boundary_hash,
           pg_catalog.lag(e.version) over w is null or e.prev_hash is distinct from pg_catalog.lag(e.prev_hash) over w as starts
      from sor.events e
      left join boundary b on b.tenant_id = e.tenant_id and b.stream = e.stream
     where (verify_event_chains.for_tenant is null or e.tenant_id = verify_event_chains.for_tenant)
       and (verify_event_chains.for_stream is null or e.stream = verify_event_chains.for_stream)
    window w as (partition by e.tenant_id, e.stream order by e.version)
  ), grouped as (
    select ev.*,
           pg_catalog.count(*) filter (where ev.starts)
             over (partition by ev.tenant_id, ev.stream order by ev.version rows between unbounded preceding and current row) as grp
      from ev
  ), links as (
    select g.tenant_id, g.stream, g.grp,
           case when pg_catalog.count(*) = 1 then pg_catalog.string_agg(g.hash, ''::bytea)
                else sha256(pg_catalog.string_agg(g.hash, ''::bytea order by g.version)) end as link
      from grouped g
     group by g.tenant_id, g.stream, g.grp
  ), judged as (
    select g.*, case when g.grp = 1 then g.boundary_hash else l.link end as group_link,
           case when g.version <> coalesce(g.link_version, 0) + 1 then 'version_gap'
                when g.link_position is not null and g.position <= g.link_position then 'out_of_order'
                when g.starts and g.prev_hash is distinct from case when g.grp = 1 then g.boundary_hash else l.link end
                  then 'prev_hash_mismatch'
                when g.hash is distinct from g.computed then 'hash_mismatch'
           end as problem
      from grouped g
      left join links l on l.tenant_id = g.tenant_id and l.stream = g.stream and l.grp = g.grp - 1
  ), firsts as (
    select distinct on (j.tenant_id, j.stream) j.*
      from judged j
     where j.problem is not null
     order by j.tenant_id, j.stream, j.version
  ), streams as (
    select g.tenant_id, g.stream, pg_catalog.count(*) as events,
           (pg_catalog.array_agg(g.version order by g.version desc))[1] as last_version,
           (pg_catalog.array_agg(g.position order by g.version desc))[1] as last_position,
           pg_catalog.max(g.grp) as last_grp
      from grouped g
     group by g.tenant_id, g.stream
  ), heads as (
    -- the stream's head row must name its last link: a truncated tail leaves the head ahead
    select s.*, l.link as last_hash, h.version as head_version, h.last_hash as head_hash,
           h.version is distinct from s.last_version or h.last_hash is distinct from l.link as head_differs
      from streams s
      join links l on l.tenant_id = s.tenant_id and l.stream = s.stream and l.grp = s.last_grp
      left join sor.streams h on h.tenant_id = s.tenant_id and h.stream = s.stream
  )
  select s.tenant_id, s.stream, s.events,
         case when f.problem is null and s.head_differs then s.last_position else f.position end,
         case when f.problem is null and s.head_differs then s.last_version else f.version end,
         case when f.problem is null and s.head_differs then s.head_hash
              when f.problem = 'hash_mismatch' then f.computed
              when f.problem = 'prev_hash_mismatch' then f.group_link else f.link_hash end,
         case when f.problem is null and s.head_differs then s.last_hash
              when f.problem = 'hash_mismatch' then f.hash else f.prev_hash end,
         coalesce(f.problem, case when s.head_differs then 'head_mismatch' end),
         case when f.problem is null and s.head_differs then
                pg_catalog.format('the stream''s head records version %s, its last event is version %s',
                                  coalesce(s.head_version::text, '(no head)'), s.last_version)
         else case f.problem
           when 'version_gap' then pg_catalog.format('version %s follows version %s: expected version %s',
                                                     f.version, coalesce(f.link_version, 0), coalesce(f.link_version, 0) + 1)
           when 'out_of_order' then pg_catalog.format('position %s of version %s is not above position %s of version %s',
                                                      f.position, f.version, f.link_position, f.link_version)
           when 'prev_hash_mismatch' then pg_catalog.format('prev_hash of version %s is not the link of the events before it (up to version %s)',
                                                            f.version, coalesce(f.link_version::text, '(none)'))
           when 'hash_mismatch' then pg_catalog.format('content of version %s does not match its hash', f.version)
         end end
    from heads s
    left join firsts f on f.tenant_id = s.tenant_id and f.stream = s.stream
   order by s.tenant_id, s.stream
$function$;

CREATE OR REPLACE FUNCTION sor.wake_events(tenant_id text)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
begin
  if exists (select 1 from sor.subscriptions s where s.tenant_id = wake_events.tenant_id) then
    perform pg_catalog.pg_notify(c.channel, '')
       from (select sor.wakeup_channel('events', wake_events.tenant_id) as channel) c
      where c.channel is not null;
  end if;
end
$function$;

CREATE OR REPLACE FUNCTION sor.wake_outbox(tenant_ids text[], counts bigint[])
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
begin
  if exists (select 1 from sor.wakeup_secret w where w.singleton and w.outbox_broadcast) then
    perform pg_catalog.pg_notify('sor_outbox', (select pg_catalog.sum(x)::text from pg_catalog.unnest(wake_outbox.counts) x));
  end if;
  perform pg_catalog.pg_notify(c.channel, c.n::text)
     from (select sor.wakeup_channel('outbox', t.tenant_id) as channel, t.n, t.ord
             from unnest(wake_outbox.tenant_ids, wake_outbox.counts) with ordinality t(tenant_id, n, ord)) c
    where c.channel is not null
    order by c.ord;
end
$function$;

CREATE OR REPLACE FUNCTION sor.wake_tasks(queue text, tenant_ids text[] DEFAULT NULL::text[])
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
begin
  perform pg_catalog.pg_notify(c.channel, '')
     from (select distinct sor.wakeup_channel('tasks', l.queue || '/' || l.role_name) as channel
             from sor.task_listeners l
            where l.queue = wake_tasks.queue
              and (wake_tasks.tenant_ids is null or l.tenant_ids && wake_tasks.tenant_ids)
              and exists (select 1 from pg_catalog.pg_stat_get_activity(l.pid) a)) c
    where c.channel is not null;
end
$function$;

CREATE OR REPLACE FUNCTION sor.wakeup_channel(kind text, key text)
 RETURNS text
 LANGUAGE sql
 STABLE STRICT
 SET jit TO 'off'
AS $function$
  select 'sor_' || wakeup_channel.kind || '_'
         || pg_catalog.left(pg_catalog.encode(pg_catalog.sha256(
              w.secret || pg_catalog.convert_to(wakeup_channel.kind || ':' || wakeup_channel.key, 'UTF8')), 'hex'), 32)
    from sor.wakeup_secret w
   where w.singleton
$function$;

CREATE OR REPLACE FUNCTION sor.worker_run(run_id uuid, for_write boolean)
 RETURNS sor.runs
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _r sor.runs;
begin
  if worker_run.run_id is null then
    perform sor.journal_bad_input('run_id', 'Pass the run id start_run returned.');
  end if;
  select r.* into _r from sor.runs r
   where r.run_id = worker_run.run_id and r.worker_role = session_user
   for update;
  if not found then
    -- a run this Worker held and another login of its kind took over: say so, to it only
    select r.* into _r from sor.runs r
     where r.run_id = worker_run.run_id and r.resumed_by is not null and r.resumed_by <> session_user
       and exists (select 1 from sor.events e
                    where e.tenant_id = r.tenant_id and e.stream = 'run-' || r.run_id::text
                      and e.type = 'run_resumed' and e.payload ->> 'from_worker' = session_user::text);
    if found then
      raise exception 'run % was taken over by % (fencing token %): this Worker holds it no more', worker_run.run_id, _r.resumed_by, _r.fencing_token
        using errcode = 'SR036',
              hint = 'Its lease lapsed and another Worker of its kind resumed it; this Worker''s late writes are refused. Stop working on it.';
    end if;
    raise exception 'unknown run % for Worker %', worker_run.run_id, session_user
      using errcode = 'SR034', hint = 'A Worker sees only its own runs: pass a run id that start_run returned to this role.';
  end if;
  -- membership now, not when the run started: a Worker removed from the tenant acts for it no more
  perform sor_guard.require_member(_r.tenant_id);
  if worker_run.for_write then
    if _r.status <> 'running' then
      raise exception 'run % is %', worker_run.run_id, _r.status
        using errcode = 'SR035', hint = 'A finished or cancelled run takes no more writes; an abandoned one takes them again once resumed (sor_api.resume_run).';
    end if;
    if sor.lease_lapsed(_r.lease_expires_at) then
      raise exception 'the lease of run % lapsed at %', worker_run.run_id, _r.lease_expires_at
        using errcode = 'SR036', hint = 'The run reads abandoned; resume it with sor_api.resume_run (or start_run with its key), and heartbeat more often than lease_seconds.';
    end if;
  end if;
  return _r;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.ack_subscription(tenant_id text, name text, up_to_position bigint)
 RETURNS TABLE(last_position bigint, moved boolean)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _s sor.subscriptions;
  _tx xid8;
  _horizon bigint;
begin
  perform sor_guard.require_reader(ack_subscription.tenant_id);
  if ack_subscription.up_to_position is null or ack_subscription.up_to_position < 1 then
    raise exception 'up_to_position % is not a position', coalesce(ack_subscription.up_to_position::text, 'NULL')
      using errcode = 'SR011', hint = 'Pass the position of the last event of read_subscription you have processed.';
  end if;
  _s := sor.subscription(ack_subscription.tenant_id, ack_subscription.name, true);
  -- only an event read_subscription can have returned: below the tenant's horizon, so no event
  -- before it can still appear
  _horizon := sor.tenant_horizon(_s.tenant_id);
  select e.tx_id into _tx
    from sor.events e
   where e.position = ack_subscription.up_to_position and e.tenant_id = _s.tenant_id
     and (_s.stream_prefix is null
          or pg_catalog.left(e.stream, pg_catalog.length(_s.stream_prefix)) = _s.stream_prefix)
     and e.position < _horizon;
  if _tx is null then
    raise exception 'no event at position % for subscription % of tenant %', ack_subscription.up_to_position,
                    pg_catalog.quote_literal(_s.name), pg_catalog.quote_literal(_s.tenant_id)
      using errcode = 'SR015',
            hint = 'Acknowledge a position read_subscription returned for this subscription.';
  end if;
  if ack_subscription.up_to_position <= _s.last_position then
    -- already acknowledged (a retried or late acknowledgement): the checkpoint never goes back
    return query select _s.last_position, false;
    return;
  end if;
  update sor.subscriptions s
     set last_tx_id = _tx, last_position = ack_subscription.up_to_position,
         acked_at = pg_catalog.clock_timestamp(), acked_by = session_user
   where s.tenant_id = _s.tenant_id and s.name = _s.name;
  return query select ack_subscription.up_to_position, true;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.add_member(tenant_id text, role_name text)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _role pg_catalog.pg_roles%rowtype;
begin
  if not sor.is_valid('tenant_id', add_member.tenant_id) then
    raise exception 'malformed tenant id: %', coalesce(quote_literal(add_member.tenant_id), 'NULL')
      using errcode = 'SR001',
            hint = 'A tenant id is a lowercase slug of 2 to 63 characters: a letter, then letters, digits, _ or -.';
  end if;
  perform 1 from sor.tenants t where t.tenant_id = add_member.tenant_id;
  if not found then
    raise exception 'unknown tenant %', add_member.tenant_id
      using errcode = 'SR002', hint = 'Create it first with sor_api.add_tenant(tenant_id, display_name).';
  end if;
  select r.* into _role from pg_catalog.pg_roles r where r.rolname = add_member.role_name;
  if not found then
    raise exception 'unknown role %', coalesce(quote_literal(add_member.role_name), 'NULL')
      using errcode = 'SR003', hint = 'Create the login role first: CREATE ROLE name LOGIN; GRANT sor_tenant TO name;';
  end if;
  if _role.rolsuper or _role.rolbypassrls or not _role.rolcanlogin
     or pg_catalog.pg_has_role(_role.oid, 'sor_owner', 'MEMBER') then
    raise exception 'role % cannot be a tenant member: it is a group role (NOLOGIN) or privileged', add_member.role_name
      using errcode = 'SR005',
            hint = 'Tenant members are plain login roles: LOGIN, no SUPERUSER, no BYPASSRLS, not a member of sor_owner. Add each login, never a group role.';
  end if;
  insert into sor.tenant_members (tenant_id, role_name)
  values (add_member.tenant_id, add_member.role_name)
  on conflict on constraint tenant_members_pkey do nothing;
  if not found then
    raise exception 'role % is already a member of tenant %', add_member.role_name, add_member.tenant_id
      using errcode = 'SR004', hint = 'Nothing to do: the membership exists.';
  end if;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.add_tenant(tenant_id text, display_name text)
 RETURNS text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
begin
  if not sor.is_valid('tenant_id', add_tenant.tenant_id) then
    raise exception 'malformed tenant id: %', coalesce(quote_literal(add_tenant.tenant_id), 'NULL')
      using errcode = 'SR001',
            hint = 'A tenant id is a lowercase slug of 2 to 63 characters: a letter, then letters, digits, _ or -.';
  end if;
  if add_tenant.display_name is null or length(add_tenant.display_name) not between 1 and 200 then
    raise exception 'display name of tenant % must have 1 to 200 characters', add_tenant.tenant_id
      using errcode = 'SR001', hint = 'Pass a non-empty display name of at most 200 characters.';
  end if;
  insert into sor.tenants (tenant_id, display_name)
  values (add_tenant.tenant_id, add_tenant.display_name)
  on conflict on constraint tenants_pkey do nothing;
  if not found then
    raise exception 'tenant % already exists', add_tenant.tenant_id
      using errcode = 'SR004', hint = 'Tenant ids are unique; choose another id or use the existing tenant.';
  end if;
  -- the tenant's quota counters, committed with the tenant (sor.quota_count picks among them)
  perform sor.make_quota_slots(array[add_tenant.tenant_id]);
  return add_tenant.tenant_id;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.append_event(tenant_id text, stream text, type text, payload jsonb DEFAULT '{}'::jsonb, metadata jsonb DEFAULT '{}'::jsonb, expected_version integer DEFAULT NULL::integer)
 RETURNS TABLE("position" bigint, version integer, hash text)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET plan_cache_mode TO 'force_generic_plan'
 SET jit TO 'off'
AS $function$
declare
  _row sor.events;
begin
  -- Membership first: a caller learns nothing about tenants it does not belong to.
  perform sor_guard.require_member(append_event.tenant_id);
  if sor.reserved_kind(append_event.stream, append_event.type, null) is not null then
    perform sor.refuse_reserved(append_event.stream, append_event.type, null);
  end if;
  _row := sor.append_event(append_event.tenant_id, append_event.stream, append_event.type,
                           append_event.payload,
                           coalesce(append_event.metadata, '{}'::jsonb), append_event.expected_version);
  append_event.position := _row.position;
  append_event.version := _row.version;
  append_event.hash := pg_catalog.encode(_row.hash, 'hex');
  return next;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.append_event(tenant_id text, stream text, type text, payload jsonb, metadata jsonb, expected_version integer, idempotency_key text)
 RETURNS TABLE("position" bigint, version integer, hash text)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET plan_cache_mode TO 'force_generic_plan'
 SET jit TO 'off'
AS $function$
declare
  _row sor.events;
  _fp bytea;
  _key sor.event_keys;
begin
  perform sor_guard.require_member(append_event.tenant_id);
  if append_event.idempotency_key is not null and not sor.is_valid('key', append_event.idempotency_key) then
    raise exception 'malformed idempotency key for stream %', coalesce(pg_catalog.quote_literal(append_event.stream), 'NULL')
      using errcode = 'SR011',
            hint = 'An idempotency key is 1 to 255 characters without control characters (a UUID event id is one); pass NULL to append without a key.';
  end if;
  if sor.reserved_kind(append_event.stream, append_event.type, null) is not null then
    perform sor.refuse_reserved(append_event.stream, append_event.type, null);
  end if;
  if append_event.idempotency_key is not null then
    -- Insert-first: the key's row is claimed before the append, so a concurrent append with the
    -- same key waits here for this transaction and then finds the key (committed) or claims it
    -- (rolled back). A key found was bound to its event by the transaction that claimed it.
    _fp := sor.event_fingerprint(append_event.stream, append_event.type, append_event.payload,
                                 coalesce(append_event.metadata, '{}'::jsonb));
    loop
      insert into sor.event_keys (tenant_id, idempotency_key, fingerprint)
      values (append_event.tenant_id, append_event.idempotency_key, _fp)
      on conflict on constraint event_keys_pkey do nothing;
      exit when found;
      select k.* into _key from sor.event_keys k
       where k.tenant_id = append_event.tenant_id and k.idempotency_key = append_event.idempotency_key;
      if found then
        if _key.fingerprint <> _fp then
          raise exception 'idempotency key % was used for another event: % version % at position %',
                pg_catalog.quote_literal(append_event.idempotency_key), _key.stream, _key.version, _key.position
            using errcode = 'SR019',
                  hint = 'A key names one event: retry with the same stream, type, payload and metadata to get it back, or use a new key for a new event. Nothing was written.';
        end if;
        append_event.position := _key.position;
        append_event.version := _key.version;
        append_event.hash := pg_catalog.encode(_key.hash, 'hex');
        return next;
        return;
      end if;
      -- the key left with its retired event between the two statements: claim it again
    end loop;
  end if;
  _row := sor.append_event(append_event.tenant_id, append_event.stream, append_event.type,
                           append_event.payload,
                           coalesce(append_event.metadata, '{}'::jsonb), append_event.expected_version);
  if append_event.idempotency_key is not null then
    update sor.event_keys k
       set position = _row.position, stream = _row.stream, version = _row.version, hash = _row.hash
     where k.tenant_id = append_event.tenant_id and k.idempotency_key = append_event.idempotency_key;
  end if;
  append_event.position := _row.position;
  append_event.version := _row.version;
  append_event.hash := pg_catalog.encode(_row.hash, 'hex');
  return next;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.append_events(tenant_id text, events jsonb)
 RETURNS TABLE(ordinal integer, "position" bigint, stream text, version integer, hash text)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
#variable_conflict use_column
declare
  _bad record;
  _tenants text[];
  _streams text[];
  _types text[];
  _payloads jsonb[];
  _metadatas jsonb[];
  _expected integer[];
  _keys text[];
  _fps bytea[];
  _states text[];
  _write integer[];
  _bind text[];
  _source integer[];
  _written boolean[];
  _positions bigint[];
  _versions integer[];
  _hashes bytea[];
  _message text;
  _hint text;
begin
  perform sor_guard.require_member(append_events.tenant_id);
  if pg_catalog.jsonb_typeof(append_events.events) is distinct from 'array'
     or pg_catalog.jsonb_array_length(append_events.events) not between 1 and 10000 then
    raise exception 'events must be a JSON array of 1 to 10000 events'
      using errcode = 'SR011', hint = 'Pass [{"stream": "expense-42", "type": "Noted", "payload": {...}}, ...]; split larger batches.';
  end if;
  perform sor.check_size(append_events.events, 'the batch of events');

  -- every event is checked before anything is written, in one query over the whole batch: its
  -- shape, its tenant, the value rules, and the reserved names (sor.reserved_kind, an expression
  -- inlined per event: no query, no call)
  with b as (
    select t.o::integer as o, t.x,
           case when pg_catalog.jsonb_typeof(t.x) = 'object' then t.x ->> 'stream' end as stream,
           case when pg_catalog.jsonb_typeof(t.x) = 'object' then t.x ->> 'type' end as type
      from pg_catalog.jsonb_array_elements(append_events.events) with ordinality as t(x, o)
  )
  select v.o, v.code,
         case when pg_catalog.jsonb_typeof(v.x) <> 'object'
                   or (v.x - array['tenant_id', 'stream', 'type', 'payload', 'metadata', 'expected_version', 'idempotency_key']) <> '{}'::jsonb
                then 'is not an object of stream, type, payload, metadata, expected_version and idempotency_key'
              when v.x ? 'tenant_id' and (v.x -> 'tenant_id') is distinct from pg_catalog.to_jsonb(append_events.tenant_id)
                then pg_catalog.format('names tenant %s, and the batch is for tenant %s', v.x -> 'tenant_id',
                                       pg_catalog.quote_literal(append_events.tenant_id))
              when not sor.is_valid('stream', v.stream)
                then 'malformed stream name ' || coalesce(pg_catalog.quote_literal(v.stream), 'NULL')
              when not sor.is_valid('event_type', v.type)
                then 'malformed event type ' || coalesce(pg_catalog.quote_literal(v.type), 'NULL')
              when v.code = 'SR011' and coalesce(pg_catalog.jsonb_typeof(v.x -> 'idempotency_key'), 'null') <> 'null'
                   and (pg_catalog.jsonb_typeof(v.x -> 'idempotency_key') <> 'string' or not sor.is_valid('key', v.x ->> 'idempotency_key'))
                then 'idempotency_key must be a string of 1 to 255 characters without control characters'
              when v.code = 'SR011' and v.x ? 'expected_version' and coalesce(pg_catalog.jsonb_typeof(v.x -> 'payload'), 'object') = 'object'
                   and coalesce(pg_catalog.jsonb_typeof(v.x -> 'metadata'), 'object') = 'object'
                then 'expected_version must be a whole number, 0 or more'
              when v.code = 'SR011' then 'payload and metadata must be JSON objects'
              when v.kind = 'stream category' then 'stream ' || pg_catalog.quote_literal(v.stream) || ' is reserved for the kit'
              else 'event type ' || pg_catalog.quote_literal(v.type) || ' is reserved for the kit'
         end as problem
    into _bad
    from (
      select b.o, b.x, b.stream, b.type, sor.reserved_kind(b.stream, b.type, null) as kind,
             case when pg_catalog.jsonb_typeof(b.x) <> 'object'
                       or (b.x - array['tenant_id', 'stream', 'type', 'payload', 'metadata', 'expected_version', 'idempotency_key']) <> '{}'::jsonb
                       or (b.x ? 'tenant_id' and (b.x -> 'tenant_id') is distinct from pg_catalog.to_jsonb(append_events.tenant_id))
                       or not sor.is_valid('stream', b.stream) or not sor.is_valid('event_type', b.type)
                       or coalesce(pg_catalog.jsonb_typeof(b.x -> 'payload'), 'object') <> 'object'
                       or coalesce(pg_catalog.jsonb_typeof(b.x -> 'metadata'), 'object') <> 'object'
                       or (b.x ? 'expected_version'
                           and (pg_catalog.jsonb_typeof(b.x -> 'expected_version') <> 'number'
                                or (b.x ->> 'expected_version')::numeric not between 0 and 2147483647
                                or (b.x ->> 'expected_version')::numeric <> pg_catalog.trunc((b.x ->> 'expected_version')::numeric)))
                       or (coalesce(pg_catalog.jsonb_typeof(b.x -> 'idempotency_key'), 'null') <> 'null'
                           and (pg_catalog.jsonb_typeof(b.x -> 'idempotency_key') <> 'string'
                                or not sor.is_valid('key', b.x ->> 'idempotency_key')))
                    then 'SR011'
                  when sor.reserved_kind(b.stream, b.type, null) is not null then 'SR017'
             end as code
        from b
    ) v
   where v.code is not null
   order by v.o
   limit 1;
  if found and _bad.code = 'SR017' then
    raise exception 'event % of the batch: %', _bad.o, _bad.problem
      using errcode = 'SR017', hint = 'The kit alone writes its streams and event types (see sor_api.reserved_names); nothing of the batch was written.';
  elsif found then
    raise exception 'event % of the batch: %', _bad.o, _bad.problem
      using errcode = 'SR011',
            hint = 'Each event is {"stream": ..., "type": ..., "payload": {...}, "metadata": {...}, "expected_version": n, "idempotency_key": "..."} (only stream and type are required; a tenant_id, if given, is the batch''s); nothing of the batch was written.';
  end if;

  select pg_catalog.array_agg(append_events.tenant_id order by t.o), pg_catalog.array_agg(t.x ->> 'stream' order by t.o),
         pg_catalog.array_agg(t.x ->> 'type' order by t.o),
         pg_catalog.array_agg(coalesce(t.x -> 'payload', '{}'::jsonb) order by t.o),
         pg_catalog.array_agg(coalesce(t.x -> 'metadata', '{}'::jsonb) order by t.o),
         case when pg_catalog.bool_or(t.x ? 'expected_version')
              then pg_catalog.array_agg((t.x ->> 'expected_version')::integer order by t.o) end,
         case when pg_catalog.bool_or(pg_catalog.jsonb_typeof(t.x -> 'idempotency_key') = 'string')
              then pg_catalog.array_agg(t.x ->> 'idempotency_key' order by t.o) end
    into _tenants, _streams, _types, _payloads, _metadatas, _expected, _keys
    from pg_catalog.jsonb_array_elements(append_events.events) with ordinality as t(x, o);
  if _keys is null then
    return query
    select a.ordinal, a.position, a.stream, a.version, pg_catalog.encode(a.hash, 'hex')
      from sor.append_event_rows(_tenants, _streams, _types, _payloads, _metadatas, _expected) a;
    return;
  end if;

  -- Keyed events. Each event's fingerprint is sor.event_fingerprint's expression, inlined (no
  -- function call per event). A key given twice in the batch with the same content is one event
  -- (the later ordinals answer with the first's); with other content the batch is refused.
  select pg_catalog.array_agg(pg_catalog.sha256(pg_catalog.convert_to(
           pg_catalog.jsonb_build_array(u.stream, u.type, u.payload, u.metadata)::text, 'UTF8')) order by u.o)
    into _fps
    from unnest(_streams, _types, _payloads, _metadatas) with ordinality as u(stream, type, payload, metadata, o);
  select d.key, d.first_o, d.o into _bad
    from (select u.key, u.o, u.fp, pg_catalog.first_value(u.o) over w as first_o, pg_catalog.first_value(u.fp) over w as first_fp
            from unnest(_keys, _fps) with ordinality as u(key, fp, o)
           where u.key is not null
          window w as (partition by u.key order by u.o)) d
   where d.fp <> d.first_fp
   order by d.o
   limit 1;
  if found then
    raise exception 'event % of the batch: idempotency key % was given to event % with other content',
          _bad.o, pg_catalog.quote_literal(_bad.key), _bad.first_o
      using errcode = 'SR019', hint = 'A key names one event: give each event of the batch its own key. Nothing of the batch was written.';
  end if;

  -- Insert-first, in key order (two batches sharing keys never deadlock): a key held by a
  -- concurrent transaction is waited for, then found (it committed) or claimed (it rolled back).
  -- Then each event's key is looked up by its primary key, one probe per event (OFFSET 0 keeps it
  -- a probe, never a scan of the tenant's keys): a row without an event is one this call claimed
  -- (a committed key is always bound to its event); a found key must have been used for the same
  -- content; a key gone by then left with its retired event, and the loop claims it again.
  loop
    insert into sor.event_keys (tenant_id, idempotency_key, fingerprint)
    select append_events.tenant_id, u.key, (pg_catalog.array_agg(u.fp))[1]
      from unnest(_keys, _fps) as u(key, fp)
     where u.key is not null
     group by u.key
     order by u.key
    on conflict on constraint event_keys_pkey do nothing;
    select pg_catalog.array_agg(case when u.key is null then null
                                     when k.idempotency_key is null then 'gone'
                                     when k.position is null then 'claimed'
                                     when k.fingerprint = u.fp then 'found'
                                     else 'other' end order by u.o)
      into _states
      from unnest(_keys, _fps) with ordinality as u(key, fp, o)
      left join lateral (select k.idempotency_key, k.fingerprint, k.position
                           from sor.event_keys k
                          where u.key is not null and k.tenant_id = append_events.tenant_id and k.idempotency_key = u.key
                         offset 0) k on true;
    exit when not coalesce('gone' = any(_states), false);
  end loop;
  if 'other' = any(_states) then
    select u.o, k.idempotency_key as key, k.stream, k.version, k.position into _bad
      from unnest(_keys, _states) with ordinality as u(key, state, o)
      join sor.event_keys k on k.tenant_id = append_events.tenant_id and k.idempotency_key = u.key
     where u.state = 'other'
     order by u.o
     limit 1;
    raise exception 'event % of the batch: idempotency key % was used for another event: % version % at position %',
          _bad.o, pg_catalog.quote_literal(_bad.key), _bad.stream, _bad.version, _bad.position
      using errcode = 'SR019',
            hint = 'A key names one event: retry with the same stream, type, payload and metadata to get it back, or use a new key for a new event. Nothing of the batch was written.';
  end if;

  -- Written: the events without a key and the first event of each key claimed here, in batch order
  -- (their expected versions count only the events written); the keys are bound to their events;
  -- every ordinal answers with its event, a retried one with the event its key names. No statement
  -- joins two of the batch's arrays: a generic plan cannot turn a join of two arrays of 10000 into
  -- a nested loop.
  select pg_catalog.array_agg(x.o order by x.o) filter (where x.written),
         pg_catalog.array_agg(x.key order by x.o) filter (where x.written),
         pg_catalog.array_agg(x.source_o order by x.o), pg_catalog.array_agg(x.written order by x.o)
    into _write, _bind, _source, _written
    from (select u.o::integer as o, u.key,
                 u.key is null or (u.state = 'claimed' and u.o = pg_catalog.min(u.o) over (partition by u.key)) as written,
                 (case when u.key is null then u.o else pg_catalog.min(u.o) over (partition by u.key) end)::integer as source_o
            from unnest(_keys, _states) with ordinality as u(key, state, o)) x;
  select pg_catalog.array_agg(e.tenant_id order by e.o), pg_catalog.array_agg(e.stream order by e.o),
         pg_catalog.array_agg(e.type order by e.o), pg_catalog.array_agg(e.payload order by e.o),
         pg_catalog.array_agg(e.metadata order by e.o),
         case when _expected is not null then pg_catalog.array_agg(e.expected order by e.o) end
    into _tenants, _streams, _types, _payloads, _metadatas, _expected
    from unnest(_tenants, _streams, _types, _payloads, _metadatas, _expected, _written)
         with ordinality as e(tenant_id, stream, type, payload, metadata, expected, written, o)
   where e.written;
  if _write is not null then
    begin
      select pg_catalog.array_agg(a.position order by a.ordinal), pg_catalog.array_agg(a.version order by a.ordinal),
             pg_catalog.array_agg(a.hash order by a.ordinal)
        into _positions, _versions, _hashes
        from sor.append_event_rows(_tenants, _streams, _types, _payloads, _metadatas, _expected) a;
    exception when sqlstate 'SR013' then
      -- sor.append_event_rows names the event by its place among the events written: name it by the batch's
      get stacked diagnostics _message = message_text, _hint = pg_exception_hint;
      raise exception '%', pg_catalog.regexp_replace(_message, '^event [0-9]+',
                                                     'event ' || _write[(pg_catalog.substring(_message, '^event ([0-9]+)'))::integer])
        using errcode = 'SR013', hint = _hint;
    end;
    -- planned for this batch (EXECUTE): one probe of the primary key per key bound
    execute 'update sor.event_keys k
                set position = b.position, stream = b.stream, version = b.version, hash = b.hash
               from unnest($2, $3, $4, $5, $6) as b(key, position, stream, version, hash)
              where k.tenant_id = $1 and k.idempotency_key = b.key'
      using append_events.tenant_id, _bind, _positions, _streams, _versions, _hashes;
  end if;
  -- each ordinal's answer: a written event's from its place among the written (the ordinal of its
  -- key's first event), a retried one's from its key; planned for this batch (EXECUTE), so the
  -- batch's arrays are hashed, never scanned once per event
  return query execute
    'select u.o::integer, coalesce(r.position, k.position), coalesce(r.stream, k.stream), coalesce(r.version, k.version),
            pg_catalog.encode(coalesce(r.hash, k.hash), ''hex'')
       from unnest($2, $3) with ordinality as u(key, source_o, o)
       left join unnest($4, $5, $6, $7, $8) as r(o, position, stream, version, hash) on r.o = u.source_o
       left join lateral (select k.position, k.stream, k.version, k.hash
                            from sor.event_keys k
                           where r.position is null and k.tenant_id = $1 and k.idempotency_key = u.key
                          offset 0) k on true
      order by u.o'
    using append_events.tenant_id, _keys, _source, _write, _positions, _streams, _versions, _hashes;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.approve_ddl(operation text, object_identity text, ticket text, rehearsed_on text, expires_at timestamp with time zone)
 RETURNS bigint
 LANGUAGE sql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
  select sor_guard.approve(approve_ddl.operation, approve_ddl.object_identity, approve_ddl.ticket,
                           approve_ddl.rehearsed_on, approve_ddl.expires_at)
$function$;

CREATE OR REPLACE FUNCTION sor_api.approve_release(version text, digest text, ticket text, rehearsed_on text, expires_at timestamp with time zone DEFAULT (now() + '1 day'::interval))
 RETURNS bigint
 LANGUAGE sql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
  select sor_guard.approve('upgrade release', 'pg-sor ' || approve_release.version || ' ' || approve_release.digest,
                           approve_release.ticket, approve_release.rehearsed_on, approve_release.expires_at)
$function$;

CREATE OR REPLACE FUNCTION sor_api.begin_tool_call(run_id uuid, tool_name text, args jsonb, idempotency_key text DEFAULT NULL::text)
 RETURNS TABLE(tool_call_id uuid, replayed boolean, status text, result jsonb, error jsonb)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
begin
  -- a registered tool runs only through call_tool, which checks the allow-list and runs it
  if exists (select 1 from sor.tools t where t.tool_name = begin_tool_call.tool_name) then
    raise exception 'tool % is registered: call it with sor_api.call_tool', begin_tool_call.tool_name
      using errcode = 'SR075',
            hint = 'begin_tool_call journals calls a plain-code Worker makes outside the database (an HTTP API, a mail server); registered tools run only through call_tool.';
  end if;
  return query
  select b.tool_call_id, b.replayed, b.status, b.result, b.error
    from sor.tool_call_begin(begin_tool_call.run_id, begin_tool_call.tool_name, begin_tool_call.args,
                             begin_tool_call.idempotency_key) b;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.call_tool(run_id uuid, tool text, args jsonb, idempotency_key text DEFAULT NULL::text)
 RETURNS TABLE(tool_call_id uuid, ok boolean, result jsonb, error jsonb, replayed boolean)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _tool sor.tools%rowtype;
  _kind text;
  _violation record;
  _begin record;
  _tenant text;
  _fn text;
  _result jsonb;
  _error jsonb;
  _state text;
  _message text;
  _hint text;
  _detail text;
begin
  select t.* into _tool from sor.tools t where t.tool_name = call_tool.tool and t.enabled;
  if not found then
    raise exception 'unknown or disabled tool %', coalesce(quote_literal(call_tool.tool), 'NULL')
      using errcode = 'SR070', hint = 'sor_api.list_tools() lists the tools you may call.';
  end if;
  _kind := (sor.current_worker()).kind;
  if not (_kind = any (_tool.allowed_kinds)) then
    raise exception 'worker kind % may not call tool %', _kind, _tool.tool_name
      using errcode = 'SR071', hint = 'sor_api.list_tools() lists the tools your kind may call.';
  end if;
  if call_tool.args is null or jsonb_typeof(call_tool.args) <> 'object' then
    raise exception 'arguments of tool % must be a JSON object', _tool.tool_name
      using errcode = 'SR072', hint = 'Pass the arguments as one JSON object matching the tool''s input schema.';
  end if;
  select v.* into _violation from sor.json_schema_violation(_tool.input_schema, call_tool.args) v limit 1;
  if found then
    raise exception 'argument % of tool % violates %: %', _violation.path, _tool.tool_name, _violation.keyword, _violation.detail
      using errcode = 'SR072', hint = 'Fix that argument to match the tool''s input schema (see sor_api.list_tools()).';
  end if;

  select b.* into _begin from sor.tool_call_begin(call_tool.run_id, _tool.tool_name, call_tool.args, call_tool.idempotency_key) b;
  if _begin.replayed then
    return query select _begin.tool_call_id, _begin.status = 'succeeded', _begin.result, _begin.error, true;
    return;
  end if;

  select r.tenant_id into _tenant from sor.runs r where r.run_id = call_tool.run_id;
  select format('%I.%I', n.nspname, p.proname) into _fn
    from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
   where p.oid = _tool.function_oid;
  begin
    execute format('select %s($1, $2)', _fn) into _result
      using jsonb_build_object('tenant_id', _tenant, 'run_id', call_tool.run_id, 'tool_call_id', _begin.tool_call_id,
                               'tool', _tool.tool_name, 'worker', session_user::text, 'kind', _kind),
            call_tool.args;
  exception when others then
    get stacked diagnostics _state = returned_sqlstate, _message = message_text, _hint = pg_exception_hint,
                            _detail = pg_exception_detail;
    _result := null;
    _error := jsonb_strip_nulls(jsonb_build_object('sqlstate', _state, 'message', _message,
                                                   'hint', nullif(_hint, ''), 'detail', nullif(_detail, '')));
  end;
  if _error is null then
    _result := coalesce(_result, 'null'::jsonb);
  end if;
  perform sor.tool_call_finish(_begin.tool_call_id, _result, _error);
  return query select _begin.tool_call_id, _error is null, _result, _error, false;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.cancel_run(run_id uuid, reason text)
 RETURNS text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _r sor.runs;
  _error jsonb;
begin
  if not pg_catalog.pg_has_role(session_user, 'sor_admin', 'MEMBER') then
    raise exception 'role % may not cancel runs', session_user
      using errcode = 'SR034', hint = 'An operator (a member of sor_admin) cancels runs.';
  end if;
  if cancel_run.run_id is null or cancel_run.reason is null or pg_catalog.length(pg_catalog.btrim(cancel_run.reason)) not between 1 and 500 then
    perform sor.journal_bad_input('reason', 'Pass the run id and a reason of 1 to 500 characters.');
  end if;
  select r.* into _r from sor.runs r where r.run_id = cancel_run.run_id for update;
  if not found then
    raise exception 'unknown run %', cancel_run.run_id
      using errcode = 'SR034', hint = 'Pass a run id (sor_api.journal_runs lists them).';
  end if;
  if _r.status = 'failed' and _r.error_sha256 is not null
     and exists (select 1 from sor.events e where e.tenant_id = _r.tenant_id and e.stream = 'run-' || _r.run_id::text
                  and e.type = 'run_cancelled') then
    return 'cancelled';
  end if;
  if _r.status not in ('running', 'abandoned') then
    raise exception 'run % is %', _r.run_id, _r.status
      using errcode = 'SR035', hint = 'Only a running or abandoned run can be cancelled; a finished run is final.';
  end if;
  -- a cancelled run ends as failed, its error saying who cancelled it and why; the runs trigger
  -- writes run_cancelled for it (it reads the reason set here)
  _error := jsonb_build_object('cancelled', true, 'cancelled_by', session_user::text, 'reason', pg_catalog.btrim(cancel_run.reason));
  perform pg_catalog.set_config('sor.cancel_reason', pg_catalog.btrim(cancel_run.reason), true);
  update sor.runs r
     set status = 'failed', finished_at = pg_catalog.clock_timestamp(),
         error = case when r.hash_only then null else _error end,
         error_sha256 = sor.journal_digest(_error::text, null, false, 'error')
   where r.tenant_id = _r.tenant_id and r.run_id = _r.run_id;
  perform pg_catalog.set_config('sor.cancel_reason', '', true);
  return 'cancelled';
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.certify()
 RETURNS TABLE(property text, "check" text, object text, ok boolean, detail text)
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
  with raw as (
    select r.property, r.check_name, r.object, r.ok, r.detail,
           row_number() over () as n
      from sor.certify_raw() r
  ), summary as (
    select r.property, r.check_name, bool_and(r.ok) as all_ok, count(*) as objects, min(r.n) as first_n
      from raw r
     group by r.property, r.check_name
  ), rows as (
    select s.property, s.check_name, r.object, r.ok, r.detail, s.first_n, r.n
      from raw r join summary s on s.property = r.property and s.check_name = r.check_name
     where not s.all_ok and not r.ok
    union all
    select s.property, s.check_name,
           case when s.objects = 1 then (select r.object from raw r where r.n = s.first_n)
                else s.objects || ' objects' end,
           true,
           case when s.objects = 1 then (select r.detail from raw r where r.n = s.first_n)
                else 'all ' || s.objects || ' pass' end,
           s.first_n, s.first_n
      from summary s
     where s.all_ok
  )
  select x.property, x.check_name, x.object, x.ok, x.detail
    from rows x
   order by array_position(array['durable', 'addressable', 'governed', 'replayable', 'inspectable', 'policy-bound'],
                           x.property), x.first_n, x.n
$function$;

CREATE OR REPLACE FUNCTION sor_api.check_contract(client_contract text)
 RETURNS TABLE(compatible boolean, change text)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _db sor_guard.contracts;
  _client text := substring(check_contract.client_contract from '(?m)^contract_version ([0-9]+\.[0-9]+\.[0-9]+)$');
  _have integer[];
  _need integer[];
  _n integer := 0;
begin
  if _client is null then
    raise exception 'pg-sor: check_contract takes the contract snapshot a client was built with (db/contract.txt, pgsor/contract.txt in the schema artifact)'
      using errcode = '22023', hint = 'Pass the snapshot''s whole text; its contract_version line names the version.';
  end if;
  select c.* into _db from sor_guard.contracts c order by c.entry_id desc limit 1;
  if _db.entry_id is null then
    raise exception 'pg-sor: this database records no contract (its kernel was not migrated with the release callbacks of 0.3.0 or later)'
      using errcode = 'SR029', hint = 'Migrate the kernel with its own configuration (flyway migrate, or pg-sor migrate), then ask again.';
  end if;
  _have := string_to_array(_db.version, '.')::integer[];
  _need := string_to_array(_client, '.')::integer[];
  if _have[1] <> _need[1] or _have[2] < _need[2] then
    compatible := false;
    change := format('contract_version: the client was built for %s, the database keeps %s (%s)', _client, _db.version,
                     case when _have[1] <> _need[1] then 'another major version' else 'an older minor version' end);
    _n := _n + 1;
    return next;
  end if;
  for change in
    with c as (select * from sor_guard.contract_lines(check_contract.client_contract) where line !~ '^contract_version '),
         d as (select * from sor_guard.contract_lines(_db.contract) where line !~ '^contract_version '),
         missing as (select c.block, c.line from c except select d.block, d.line from d)
    select case
             when not exists (select 1 from d where d.block = m.block) then
               case when m.line = m.block then 'removed ' || m.block end
             when m.line ~ '^[a-z_ ]+: ' and exists (select 1 from d where d.block = m.block and split_part(d.line, ': ', 1) = split_part(m.line, ': ', 1)) then
               'altered ' || m.block || ': ' || m.line || ' -> '
               || (select substr(d.line, length(split_part(m.line, ': ', 1)) + 3) from d
                    where d.block = m.block and split_part(d.line, ': ', 1) = split_part(m.line, ': ', 1) limit 1)
             else 'removed ' || m.block || ': ' || m.line
           end
      from missing m
     order by m.block, m.line
  loop
    continue when change is null;
    compatible := false;
    _n := _n + 1;
    return next;
  end loop;
  if _n = 0 then
    compatible := true;
    change := format('the database keeps contract %s, which keeps everything of %s the client was built for', _db.version, _client);
    return next;
  end if;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.claim_tasks(queue text, batch integer, lease interval)
 RETURNS TABLE(task_id bigint, tenant_id text, subject text, payload jsonb, attempts integer, fencing_token bigint, lease_expires_at timestamp with time zone)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET plan_cache_mode TO 'force_generic_plan'
 SET jit TO 'off'
AS $function$
begin
  return query
  select c.task_id, c.tenant_id, c.subject, c.payload, c.attempts, c.fencing_token, c.lease_expires_at
    from sor.claim_tasks_for(claim_tasks.queue, claim_tasks.batch, claim_tasks.lease, sor_guard.member_tenants()) c;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.claim_tasks(queue text, batch integer, lease interval, tenant text)
 RETURNS TABLE(task_id bigint, tenant_id text, subject text, payload jsonb, attempts integer, fencing_token bigint, lease_expires_at timestamp with time zone)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET plan_cache_mode TO 'force_generic_plan'
 SET jit TO 'off'
AS $function$
begin
  perform sor_guard.require_member(claim_tasks.tenant);
  return query
  select c.task_id, c.tenant_id, c.subject, c.payload, c.attempts, c.fencing_token, c.lease_expires_at
    from sor.claim_tasks_for(claim_tasks.queue, claim_tasks.batch, claim_tasks.lease, array[claim_tasks.tenant]) c;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.claim_tasks_in_run(run_id uuid, queue text, batch integer, lease interval)
 RETURNS TABLE(task_id bigint, tenant_id text, subject text, payload jsonb, attempts integer, fencing_token bigint, lease_expires_at timestamp with time zone)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _r sor.runs;
begin
  -- the caller's running run (SR033, SR034, SR035, SR036; SR008 no longer a member of its tenant)
  _r := sor.worker_run(claim_tasks_in_run.run_id, true);
  return query
  with c as (
    select * from sor.claim_tasks_for(claim_tasks_in_run.queue, claim_tasks_in_run.batch, claim_tasks_in_run.lease,
                                      array[_r.tenant_id])
  ), linked as (
    insert into sor.run_tasks (tenant_id, run_id, task_id, link, fencing_token)
    select c.tenant_id, _r.run_id, c.task_id, 'claimed', c.fencing_token from c
    returning 1
  )
  select c.task_id, c.tenant_id, c.subject, c.payload, c.attempts, c.fencing_token, c.lease_expires_at
    from c
   order by c.task_id;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.commit_step(run_id uuid, step_id text, expected_version integer, output jsonb, events jsonb DEFAULT '[]'::jsonb, commands jsonb DEFAULT '[]'::jsonb)
 RETURNS TABLE(status text, version integer, replayed boolean, recorded_output jsonb, block_id bigint)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _events jsonb := coalesce(commit_step.events, '[]'::jsonb);
  _commands jsonb := coalesce(commit_step.commands, '[]'::jsonb);
  _r sor.runs;
  _step sor.steps;
  _bad record;
  _blocking jsonb;
  _blocking_ord integer;
  _block bigint;
  _version integer;
  _meta jsonb;
begin
  perform sor.current_worker();
  if commit_step.run_id is null then
    perform sor.journal_bad_input('run_id', 'Pass the run id start_run returned.');
  end if;
  perform sor.journal_check_id(commit_step.step_id, 'step_id', 200);
  if commit_step.expected_version is null or commit_step.expected_version < 0 then
    perform sor.journal_bad_input('expected_version', 'Pass the version you last read: 0 for the first step of a run.');
  end if;
  if commit_step.output is null or jsonb_typeof(commit_step.output) <> 'object' then
    perform sor.journal_bad_input('output', 'A step output is a JSON object; it is merged into the state (shallow).');
  end if;
  if jsonb_typeof(_events) <> 'array' or jsonb_array_length(_events) > 1000 then
    perform sor.journal_bad_input('events', 'Events are a JSON array (at most 1000) of {"type": ..., "payload": {...}}.');
  end if;
  -- each list is judged as a whole by one query, the first offending element (by ordinal) named
  -- by its error: its shape (SR033), a reserved event type or command topic (SR017, by
  -- sor.reserved_kind's expression), a second review or suspend command (SR041)
  select b.type, b.code into _bad
    from (select t.x ->> 'type' as type, t.o,
                 case when jsonb_typeof(t.x) <> 'object'
                        or jsonb_typeof(t.x -> 'type') is distinct from 'string'
                        or not sor.is_valid('event_type', t.x ->> 'type')
                        or coalesce(jsonb_typeof(t.x -> 'payload'), 'object') <> 'object'
                        or (t.x - '{type,payload}'::text[]) <> '{}'::jsonb then 'SR033'
                      when sor.reserved_kind(null, t.x ->> 'type', null) is not null then 'SR017'
                 end as code
            from jsonb_array_elements(_events) with ordinality as t(x, o)) b
   where b.code is not null
   order by b.o
   limit 1;
  if _bad.code = 'SR033' then
    perform sor.journal_bad_input('events', 'Each event is {"type": "name", "payload": {...}}: a type of at most 100 letters, digits, _ . : or -, and an optional object payload.');
  elsif _bad.code = 'SR017' then
    perform sor.refuse_reserved(null, _bad.type, null);
  end if;
  if jsonb_typeof(_commands) <> 'array' or jsonb_array_length(_commands) > 1000 then
    perform sor.journal_bad_input('commands', 'Commands are a JSON array (at most 1000) of objects with a "type".');
  end if;
  select b.type, b.code into _bad
    from (select t.x ->> 'type' as type, t.o,
                 case when jsonb_typeof(t.x) <> 'object' or jsonb_typeof(t.x -> 'type') is distinct from 'string'
                        or not sor.is_valid('event_type', t.x ->> 'type') then 'SR033'
                      when sor.reserved_kind(null, null, t.x ->> 'type') is not null then 'SR017'
                      when t.x ->> 'type' in ('review', 'suspend')
                       and count(*) filter (where jsonb_typeof(t.x) = 'object' and t.x ->> 'type' in ('review', 'suspend'))
                             over (order by t.o rows between unbounded preceding and 1 preceding) > 0 then 'SR041'
                 end as code
            from jsonb_array_elements(_commands) with ordinality as t(x, o)) b
   where b.code is not null
   order by b.o
   limit 1;
  if _bad.code = 'SR033' then
    perform sor.journal_bad_input('commands', 'Each command is an object whose "type" is a name of at most 100 letters, digits, _ . : or -.');
  elsif _bad.code = 'SR017' then
    perform sor.refuse_reserved(null, null, _bad.type);
  elsif _bad.code = 'SR041' then
    raise exception 'step % has more than one review or suspend command', commit_step.step_id
      using errcode = 'SR041', hint = 'A run has at most one active block: give a step at most one review or suspend command.';
  end if;
  -- the one review or suspend command, if any
  select t.x, t.o::integer into _blocking, _blocking_ord
    from jsonb_array_elements(_commands) with ordinality as t(x, o)
   where t.x ->> 'type' in ('review', 'suspend');
  perform sor.check_size(commit_step.output, 'the output of step ' || commit_step.step_id);
  perform sor.check_size(_events, 'the events of step ' || commit_step.step_id);
  perform sor.check_size(_commands, 'the commands of step ' || commit_step.step_id);

  select r.* into _r from sor.runs r
   where r.run_id = commit_step.run_id and r.worker_role = session_user
   for update;
  if not found then
    return query select 'not_found'::text, null::integer, false, null::jsonb, null::bigint;
    return;
  end if;
  -- membership now: a Worker removed from the run's tenant commits nothing more
  perform sor_guard.require_member(_r.tenant_id);
  select s.* into _step from sor.steps s
   where s.tenant_id = _r.tenant_id and s.run_id = _r.run_id and s.step_id = commit_step.step_id;
  if found then
    return query select 'committed'::text, _step.version, true, _step.output, _step.block_id;
    return;
  end if;
  if _r.status <> 'running' then
    raise exception 'run % is %', _r.run_id, _r.status
      using errcode = 'SR035', hint = 'A finished or abandoned run takes no more steps; start a new run.';
  end if;
  if sor.lease_lapsed(_r.lease_expires_at) then
    raise exception 'the lease of run % lapsed at %', _r.run_id, _r.lease_expires_at
      using errcode = 'SR036', hint = 'The run reads abandoned; heartbeat more often than lease_seconds, and start a new run.';
  end if;
  if _r.version <> commit_step.expected_version then
    return query select 'conflict'::text, _r.version, false, null::jsonb, null::bigint;
    return;
  end if;

  _version := _r.version + 1;
  update sor.runs r
     set state = r.state || commit_step.output, version = _version, last_step_id = commit_step.step_id
   where r.tenant_id = _r.tenant_id and r.run_id = _r.run_id;

  if _blocking is not null then
    begin
      insert into sor.blocks as b (tenant_id, run_id, step_id, kind, command)
      values (_r.tenant_id, _r.run_id, commit_step.step_id, _blocking ->> 'type', _blocking)
      returning b.block_id into _block;
    exception when unique_violation then
      raise exception 'run % already has an active block', _r.run_id
        using errcode = 'SR041', hint = 'Wait until an approver resolves the active block (sor_api.resolve_block) before opening another.';
    end;
  end if;

  insert into sor.steps (tenant_id, run_id, step_id, version, output, event_count, command_count, block_id)
  values (_r.tenant_id, _r.run_id, commit_step.step_id, _version, commit_step.output,
          jsonb_array_length(_events), jsonb_array_length(_commands), _block);

  -- the step's events in one statement, in order: one link of the run's chain (sor.append_event_rows)
  if jsonb_array_length(_events) > 0 then
    _meta := jsonb_build_object('run_id', _r.run_id, 'step_id', commit_step.step_id, 'version', _version);
    perform 1
      from (select array_agg(_r.tenant_id order by t.o) as tenant_ids, array_agg('run-' || _r.run_id::text order by t.o) as streams,
                   array_agg(t.x ->> 'type' order by t.o) as types,
                   array_agg(coalesce(t.x -> 'payload', '{}'::jsonb) order by t.o) as payloads,
                   array_agg(_meta order by t.o) as metadatas
              from jsonb_array_elements(_events) with ordinality as t(x, o)) x
     cross join lateral sor.append_event_rows(x.tenant_ids, x.streams, x.types, x.payloads, x.metadatas) a;
  end if;

  insert into sor.outbox (tenant_id, topic, aggregate_type, aggregate_id, payload, headers, dedupe_key,
                          status, run_id, step_id, block_id)
  select _r.tenant_id, t.x ->> 'type', 'run', _r.run_id::text, t.x,
         jsonb_build_object('run_id', _r.run_id, 'step_id', commit_step.step_id, 'ordinal', t.o),
         sor.command_dedupe_key(_r.run_id, commit_step.step_id, t.o::integer, t.x),
         case when _blocking is null then 'pending'
              when _blocking ->> 'type' = 'review' then 'deferred'
              else 'discarded' end,
         _r.run_id, commit_step.step_id, _block
    from jsonb_array_elements(_commands) with ordinality as t(x, o)
   where t.o <> coalesce(_blocking_ord, 0)
   order by t.o;

  return query select 'committed'::text, _version, false, commit_step.output, _block;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.complete_task(task_id bigint, fencing_token bigint, result jsonb DEFAULT '{}'::jsonb)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET plan_cache_mode TO 'force_generic_plan'
 SET jit TO 'off'
AS $function$
declare
  _now timestamptz := sor.lease_clock();
begin
  if jsonb_typeof(coalesce(complete_task.result, 'null'::jsonb)) <> 'object' then
    raise exception 'result of task % must be a JSON object', coalesce(complete_task.task_id::text, 'NULL')
      using errcode = 'SR054', hint = 'Wrap scalars and arrays in an object, e.g. {"value": 42}.';
  end if;
  if sor.over_cap(complete_task.result) then
    perform sor.check_size(complete_task.result, 'the result of task ' || coalesce(complete_task.task_id::text, 'NULL'));
  end if;
  with gone as (
    delete from sor.tasks t
     where t.task_id = complete_task.task_id and t.status = (select 'claimed'::text)
       and sor.lease_held(t.claimed_by, t.fencing_token, t.lease_expires_at, complete_task.fencing_token, _now)
       and sor_guard.is_member(t.tenant_id)
    returning t.*
  )
  insert into sor.finished_tasks
  select f.*
    from gone g
   cross join lateral sor.finish_task(row(g.*)::sor.tasks, 'completed', complete_task.result, null, _now,
                                      -- written as an event too unless the queue records completions as rows
                                      g.queue <> all ((select sor.queues_recording_rows())::text[])) f;
  if not found then
    -- the same completion again (a retry after a lost answer): the task finished by this caller's
    -- claim with this token and this result; nothing to do
    if exists (select 1 from sor.finished_tasks f
                where f.task_id = complete_task.task_id and f.status = 'completed'
                  and f.fencing_token = complete_task.fencing_token and f.claimed_by = session_user
                  and f.result is not distinct from complete_task.result
                  and sor_guard.is_member(f.tenant_id)) then
      return;
    end if;
    perform sor.refuse_task_call(complete_task.task_id, complete_task.fencing_token, 'complete');
  end if;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.complete_tasks(tasks jsonb)
 RETURNS TABLE(ordinal integer, task_id bigint)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
#variable_conflict use_column
declare
  _now timestamptz := sor.lease_clock();
  _bad record;
  _n integer;
  _ids bigint[];
  _map jsonb;
  _os integer[];
  _replayed integer[] := '{}';
  _done bigint[];
  -- the caller's tenants, read once: each task's tenant is compared with them, not looked up per task
  _tenants text[] := sor_guard.member_tenants();
begin
  if pg_catalog.jsonb_typeof(complete_tasks.tasks) is distinct from 'array'
     or pg_catalog.jsonb_array_length(complete_tasks.tasks) not between 1 and 1000
     or exists (select 1 from pg_catalog.jsonb_array_elements(complete_tasks.tasks) x
                 where pg_catalog.jsonb_typeof(x) <> 'object'
                    or pg_catalog.jsonb_typeof(x -> 'task_id') is distinct from 'number'
                    or pg_catalog.jsonb_typeof(x -> 'fencing_token') is distinct from 'number'
                    or coalesce(pg_catalog.jsonb_typeof(x -> 'result'), 'object') <> 'object') then
    raise exception 'tasks must be a JSON array of 1 to 1000 {"task_id": n, "fencing_token": n, "result": {...}}'
      using errcode = 'SR054', hint = 'Pass each claimed task with the fencing token claim_tasks gave it; result is optional.';
  end if;
  perform sor.check_size(complete_tasks.tasks, 'the batch of task results');
  select d.o, d.task_id into _bad
    from (select t.o::integer as o, (t.x ->> 'task_id')::bigint as task_id,
                 pg_catalog.row_number() over (partition by (t.x ->> 'task_id')::bigint order by t.o) as nth
            from pg_catalog.jsonb_array_elements(complete_tasks.tasks) with ordinality as t(x, o)) d
   where d.nth > 1 order by d.o limit 1;
  if found then
    raise exception 'task % of the batch (task_id %) is given twice', _bad.o, _bad.task_id
      using errcode = 'SR054', hint = 'Name each task once per batch.';
  end if;
  -- the batch's tasks are found by their ids (= ANY, an index probe each; a join with the batch
  -- could read every claimed task of the queue), each with its ordinal, token and result looked up
  -- by its id; so the tasks are also locked in one order (the index's) whatever the batch's order,
  -- and two batches over the same tasks never deadlock
  select pg_catalog.array_agg(d.task_id),
         pg_catalog.jsonb_object_agg(d.task_id::text, pg_catalog.jsonb_build_array(d.o, d.token, d.result))
    into _ids, _map
    from (select t.o::integer as o, (t.x ->> 'task_id')::bigint as task_id, (t.x ->> 'fencing_token')::bigint as token,
                 coalesce(t.x -> 'result', '{}'::jsonb) as result
            from pg_catalog.jsonb_array_elements(complete_tasks.tasks) with ordinality as t(x, o)) d;
  with gone as (
    delete from sor.tasks t
     where t.task_id = any (_ids) and t.status = (select 'claimed'::text)
       and sor.lease_held(t.claimed_by, t.fencing_token, t.lease_expires_at, ((_map -> t.task_id::text) ->> 1)::bigint, _now)
       and t.tenant_id = any (_tenants)
    returning t as task, t.task_id, ((_map -> t.task_id::text) ->> 0)::integer as o, (_map -> t.task_id::text) -> 2 as new_result
  ), moved as (
    insert into sor.finished_tasks
    select f.*
      from gone g
     cross join lateral sor.finish_task(g.task, 'completed', g.new_result, null, _now,
                                        (g.task).queue <> all ((select sor.queues_recording_rows())::text[])) f
    returning finished_tasks.task_id
  )
  select pg_catalog.array_agg(g.o order by g.o), pg_catalog.array_agg(g.task_id order by g.o) into _os, _done
    from gone g;
  _os := coalesce(_os, '{}');
  return query select r.o, r.task_id from unnest(_os, _done) as r(o, task_id) order by r.o;
  _n := pg_catalog.cardinality(_os);
  if _n < pg_catalog.jsonb_array_length(complete_tasks.tasks) then
    -- tasks of the batch completed before by this caller's claim, with the same token and result
    -- (a retry of the batch after a lost answer, or a call racing this one with the same batch):
    -- returned as completed, after the tasks completed now, nothing written for them
    select pg_catalog.array_agg(b.o order by b.o), pg_catalog.array_agg(b.task_id order by b.o) into _replayed, _done
      from (select t.o::integer as o, (t.x ->> 'task_id')::bigint as task_id, (t.x ->> 'fencing_token')::bigint as token,
                   coalesce(t.x -> 'result', '{}'::jsonb) as result
              from pg_catalog.jsonb_array_elements(complete_tasks.tasks) with ordinality as t(x, o)) b
     where b.o <> all (_os)
       and exists (select 1 from sor.finished_tasks f
                    where f.task_id = b.task_id and f.status = 'completed'
                      and f.fencing_token = b.token and f.claimed_by = session_user
                      and f.result is not distinct from b.result and f.tenant_id = any (_tenants));
    _replayed := coalesce(_replayed, '{}');
    return query select r.o, r.task_id from unnest(_replayed, _done) as r(o, task_id) order by r.o;
    _n := _n + pg_catalog.cardinality(_replayed);
  end if;
  if _n < pg_catalog.jsonb_array_length(complete_tasks.tasks) then
    -- nothing of a batch is kept when one task is refused: name the first
    select t.o::integer as o, (t.x ->> 'task_id')::bigint as task_id, (t.x ->> 'fencing_token')::bigint as token into _bad
      from pg_catalog.jsonb_array_elements(complete_tasks.tasks) with ordinality as t(x, o)
     where t.o::integer <> all (_os || _replayed)
     order by t.o limit 1;
    begin
      perform sor.refuse_task_call(_bad.task_id, _bad.token, 'complete');
    exception when others then
      raise exception 'task % of the batch (task_id %): %', _bad.o, _bad.task_id, sqlerrm
        using errcode = sqlstate, hint = 'Nothing of the batch was completed; drop or fix that task and send the batch again.';
    end;
    raise exception 'task % of the batch (task_id %) was not completed', _bad.o, _bad.task_id
      using errcode = 'SR054', hint = 'Nothing of the batch was completed; send the batch again.';
  end if;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.configure_tenant(tenant_id text, hash_only boolean DEFAULT NULL::boolean, idempotency_retention interval DEFAULT NULL::interval)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
begin
  perform 1 from sor.tenants t where t.tenant_id = configure_tenant.tenant_id;
  if not found then
    raise exception 'unknown tenant %', coalesce(quote_literal(configure_tenant.tenant_id), 'NULL')
      using errcode = 'SR002', hint = 'Create it first with sor_api.add_tenant(tenant_id, display_name).';
  end if;
  if configure_tenant.idempotency_retention is not null
     and configure_tenant.idempotency_retention not between interval '1 second' and interval '90 days' then
    perform sor.journal_bad_input('idempotency_retention', 'Choose a retention between 1 second and 90 days.');
  end if;
  insert into sor.tenant_settings as s (tenant_id, hash_only, idempotency_retention)
  values (configure_tenant.tenant_id, coalesce(configure_tenant.hash_only, false),
          coalesce(configure_tenant.idempotency_retention, interval '24 hours'))
  on conflict on constraint tenant_settings_pkey
  do update set hash_only = coalesce(configure_tenant.hash_only, s.hash_only),
                idempotency_retention = coalesce(configure_tenant.idempotency_retention, s.idempotency_retention),
                updated_at = pg_catalog.now(), updated_by = session_user;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.contract_version()
 RETURNS text
 LANGUAGE sql
 IMMUTABLE
 SET jit TO 'off'
AS $function$
  select '0.4.0'::text
$function$;

CREATE OR REPLACE FUNCTION sor_api.create_queue(queue text, description text, max_attempts integer DEFAULT 5, backoff_base interval DEFAULT '00:00:01'::interval, backoff_max interval DEFAULT '01:00:00'::interval)
 RETURNS text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
begin
  if not sor.is_valid('queue', create_queue.queue) then
    raise exception 'malformed queue name %', coalesce(quote_literal(create_queue.queue), 'NULL')
      using errcode = 'SR059', hint = 'A queue name is 2 to 63 characters: a lowercase letter, then lowercase letters, digits, _ . or -.';
  end if;
  if create_queue.description is null or length(create_queue.description) not between 1 and 500
     or create_queue.max_attempts is null or create_queue.max_attempts not between 1 and 100
     or create_queue.backoff_base is null or create_queue.backoff_base <= '0'::interval
     or create_queue.backoff_max is null or create_queue.backoff_max < create_queue.backoff_base then
    raise exception 'invalid definition of queue %', create_queue.queue
      using errcode = 'SR059', hint = 'Pass a description (1 to 500 characters), max_attempts between 1 and 100, and 0 < backoff_base <= backoff_max.';
  end if;
  insert into sor.queues as q (queue, description, max_attempts, backoff_base, backoff_max)
  values (create_queue.queue, create_queue.description, create_queue.max_attempts,
          create_queue.backoff_base, create_queue.backoff_max)
  on conflict on constraint queues_pkey do update
     set description = excluded.description, max_attempts = excluded.max_attempts,
         backoff_base = excluded.backoff_base, backoff_max = excluded.backoff_max;
  return create_queue.queue;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.ddl_guard_targets()
 RETURNS TABLE(operation text, object_identity text)
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
  select t.operation, t.object_identity from sor_guard.targets() t
$function$;

CREATE OR REPLACE FUNCTION sor_api.dead_outbox(max_rows integer DEFAULT 100)
 RETURNS TABLE(tenant_id text, outbox_id bigint, topic text, aggregate_type text, aggregate_id text, dedupe_key text, attempts integer, max_attempts integer, last_error text, created_at timestamp with time zone)
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
  select o.tenant_id, o.outbox_id, o.topic, o.aggregate_type, o.aggregate_id, o.dedupe_key, o.attempts,
         o.max_attempts, o.last_error, o.created_at
    from sor.outbox o
   where o.status = 'dead'
   order by o.created_at, o.outbox_id
   limit least(greatest(coalesce(dead_outbox.max_rows, 100), 0), 10000)
$function$;

CREATE OR REPLACE FUNCTION sor_api.dead_tasks(queue text DEFAULT NULL::text, max_rows integer DEFAULT 100)
 RETURNS TABLE(tenant_id text, task_id bigint, queue text, subject text, attempts integer, max_attempts integer, last_error text, finished_at timestamp with time zone)
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
  select f.tenant_id, f.task_id, f.queue, f.subject, f.attempts, f.max_attempts, f.last_error, f.finished_at
    from sor.finished_tasks f
   where f.status = 'dead' and (dead_tasks.queue is null or f.queue = dead_tasks.queue)
   order by f.finished_at, f.task_id
   limit least(greatest(coalesce(dead_tasks.max_rows, 100), 0), 10000)
$function$;

CREATE OR REPLACE FUNCTION sor_api.enqueue_task(tenant_id text, queue text, subject text, payload jsonb DEFAULT '{}'::jsonb, dedupe_key text DEFAULT NULL::text, priority integer DEFAULT 0, delay interval DEFAULT NULL::interval, max_attempts integer DEFAULT NULL::integer)
 RETURNS bigint
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET plan_cache_mode TO 'force_generic_plan'
 SET jit TO 'off'
AS $function$
begin
  perform sor_guard.require_member(enqueue_task.tenant_id);
  return sor.enqueue_task(enqueue_task.tenant_id, enqueue_task.queue, enqueue_task.subject, enqueue_task.payload,
                          enqueue_task.dedupe_key, enqueue_task.priority, enqueue_task.delay, enqueue_task.max_attempts);
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.enqueue_task_in_run(run_id uuid, queue text, subject text, payload jsonb DEFAULT '{}'::jsonb, dedupe_key text DEFAULT NULL::text, priority integer DEFAULT 0, delay interval DEFAULT NULL::interval, max_attempts integer DEFAULT NULL::integer)
 RETURNS bigint
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _r sor.runs;
  _task bigint;
begin
  _r := sor.worker_run(enqueue_task_in_run.run_id, true);
  _task := sor_api.enqueue_task(_r.tenant_id, enqueue_task_in_run.queue, enqueue_task_in_run.subject,
                                enqueue_task_in_run.payload, enqueue_task_in_run.dedupe_key, enqueue_task_in_run.priority,
                                enqueue_task_in_run.delay, enqueue_task_in_run.max_attempts);
  -- a dedupe key that returned an existing task links it once
  insert into sor.run_tasks (tenant_id, run_id, task_id, link)
  values (_r.tenant_id, _r.run_id, _task, 'enqueued')
  on conflict on constraint run_tasks_pkey do nothing;
  return _task;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.enqueue_tasks(tenant_id text, queue text, tasks jsonb)
 RETURNS TABLE(ordinal integer, task_id bigint, created boolean)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
#variable_conflict use_column
declare
  _queue sor.queues;
  _bad record;
  _message text;
  _ids bigint[];
  _created boolean[];
  _keys text[];
  _now timestamptz := sor.lease_clock();  -- one clock reading for the batch
begin
  perform sor_guard.require_member(enqueue_tasks.tenant_id);
  select q.* into _queue from sor.queues q where q.queue = enqueue_tasks.queue;
  if not found then
    raise exception 'unknown queue %', coalesce(quote_literal(enqueue_tasks.queue), 'NULL')
      using errcode = 'SR050', hint = 'An admin creates queues with sor_api.create_queue(queue, description).';
  end if;
  if pg_catalog.jsonb_typeof(enqueue_tasks.tasks) is distinct from 'array'
     or pg_catalog.jsonb_array_length(enqueue_tasks.tasks) not between 1 and 10000 then
    raise exception 'tasks must be a JSON array of 1 to 10000 tasks'
      using errcode = 'SR054', hint = 'Pass [{"subject": "row 42", "payload": {...}, "dedupe_key": "row-42"}, ...]; split larger batches.';
  end if;
  perform sor.check_size(enqueue_tasks.tasks, 'the batch of tasks for queue ' || enqueue_tasks.queue);

  -- the batch is judged as a whole, by one query: the first task (by ordinal) that is not an
  -- object of the known keys, has a value of the wrong JSON type or out of range, or names another
  -- tenant. Numbers are compared as numerics, so only a delay can fail to cast: then the delays
  -- are read one by one (sor.is_interval), on that error path only, to name the task.
  begin
    select b.o, b.problem into _bad
      from (select t.o::integer as o,
                   case
                     when pg_catalog.jsonb_typeof(t.x) <> 'object'
                       or (t.x - '{subject,payload,dedupe_key,priority,delay,max_attempts,tenant_id}'::text[]) <> '{}'::jsonb
                       then 'not an object of subject, payload, dedupe_key, priority, delay, max_attempts and tenant_id'
                     when coalesce(pg_catalog.jsonb_typeof(t.x -> 'subject'), 'null') <> 'string'
                       or coalesce(pg_catalog.jsonb_typeof(t.x -> 'dedupe_key'), 'string') not in ('string', 'null')
                       or coalesce(pg_catalog.jsonb_typeof(t.x -> 'priority'), 'number') not in ('number', 'null')
                       or coalesce(pg_catalog.jsonb_typeof(t.x -> 'max_attempts'), 'number') not in ('number', 'null')
                       or coalesce(pg_catalog.jsonb_typeof(t.x -> 'delay'), 'string') not in ('string', 'null')
                       or coalesce(pg_catalog.jsonb_typeof(t.x -> 'tenant_id'), 'string') not in ('string', 'null')
                       then 'subject and dedupe_key are strings, priority and max_attempts numbers, delay an interval such as "5 minutes"'
                     when t.x ->> 'tenant_id' is distinct from enqueue_tasks.tenant_id and t.x ->> 'tenant_id' is not null
                       then pg_catalog.format('it names tenant %s, the batch is for tenant %s', t.x ->> 'tenant_id', enqueue_tasks.tenant_id)
                     when (t.x ->> 'priority')::numeric not between -1000 and 1000
                       or (t.x ->> 'priority')::numeric <> pg_catalog.trunc((t.x ->> 'priority')::numeric)
                       then 'priority must be a whole number between -1000 and 1000'
                     when (t.x ->> 'max_attempts')::numeric not between 1 and 100
                       or (t.x ->> 'max_attempts')::numeric <> pg_catalog.trunc((t.x ->> 'max_attempts')::numeric)
                       then 'max_attempts must be a whole number between 1 and 100'
                     when (t.x ->> 'delay')::interval < '0'::interval then 'delay must not be negative'
                     else sor.task_input_problem(t.x ->> 'subject', coalesce(t.x -> 'payload', '{}'::jsonb), t.x ->> 'dedupe_key',
                                                 coalesce((t.x ->> 'priority')::integer, 0), null, null)
                   end as problem
              from pg_catalog.jsonb_array_elements(enqueue_tasks.tasks) with ordinality as t(x, o)) b
     where b.problem is not null
     order by b.o
     limit 1;
  exception when invalid_text_representation or invalid_datetime_format or datetime_field_overflow
                 or interval_field_overflow then
    get stacked diagnostics _message = message_text;
    select b.o::integer as o, 'delay cannot be read: ' || _message as problem into _bad
      from pg_catalog.jsonb_array_elements(enqueue_tasks.tasks) with ordinality as b(x, o)
     where not sor.is_interval(b.x ->> 'delay')
     order by b.o limit 1;
  end;
  if found then
    raise exception 'task % of the batch for queue %: %', _bad.o, enqueue_tasks.queue, _bad.problem
      using errcode = 'SR054',
            hint = 'Nothing of the batch was queued. subject 1 to 200 characters, payload a JSON object, dedupe_key NULL or 1 to 200 characters, priority between -1000 and 1000, delay not negative, max_attempts between 1 and 100, tenant_id (if given) the batch''s.';
  end if;

  -- one INSERT for the batch, ids drawn in ordinal order; the dedupe trigger skips a row whose key
  -- is taken (also by an earlier row of the batch). The rows are inserted in the order of their
  -- keys (then ordinals), so the trigger claims a batch's keys in one order whatever the batch's:
  -- two batches sharing keys wait for one another instead of deadlocking, and of a key given twice
  -- the first ordinal still wins. A second statement, which sees the keys the first one claimed
  -- and any committed meanwhile, reads a skipped row's task id from its key.
  with b as materialized (
    select t.o, t.x, pg_catalog.nextval('sor.tasks_task_id_seq'::regclass) as id
      from pg_catalog.jsonb_array_elements(enqueue_tasks.tasks) with ordinality as t(x, o)
  ), ins as (
    insert into sor.tasks as n (tenant_id, task_id, queue, subject, payload, dedupe_key, priority, run_after, max_attempts)
    overriding system value
    select enqueue_tasks.tenant_id, b.id, enqueue_tasks.queue, b.x ->> 'subject', coalesce(b.x -> 'payload', '{}'::jsonb),
           b.x ->> 'dedupe_key', coalesce((b.x ->> 'priority')::integer, 0),
           _now + coalesce((b.x ->> 'delay')::interval, '0'::interval),
           coalesce((b.x ->> 'max_attempts')::integer, _queue.max_attempts)
      from b
     order by b.x ->> 'dedupe_key' collate "C", b.o
    returning n.task_id
  )
  select pg_catalog.array_agg(b.id order by b.o), pg_catalog.array_agg(i.task_id is not null order by b.o),
         pg_catalog.array_agg(b.x ->> 'dedupe_key' order by b.o)
    into _ids, _created, _keys
    from b left join ins i on i.task_id = b.id;
  if true = any (_created) then
    perform sor.wake_tasks(enqueue_tasks.queue, array[enqueue_tasks.tenant_id]);  -- queued: the tenant's listeners of the queue, once per transaction
  end if;

  -- a skipped row's task by its key, one probe of the key's index each (OFFSET 0 keeps it a probe:
  -- a join could read every key of the tenant's queue for every batch)
  return query
  select u.o::integer, case when u.created then u.id else k.target_id end, u.created
    from unnest(_ids, _created, _keys) with ordinality as u(id, created, dedupe_key, o)
    left join lateral (select k.target_id from sor.dedupe_keys k
                        where not u.created and k.tenant_id = enqueue_tasks.tenant_id
                          and k.scope = 'task:' || enqueue_tasks.queue and k.dedupe_key = u.dedupe_key
                       offset 0) k on true
   order by u.o;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.events_since(after_position bigint DEFAULT 0, max_rows integer DEFAULT 1000)
 RETURNS TABLE("position" bigint, tenant_id text, stream text, version integer, type text, payload jsonb, metadata jsonb, actor name, occurred_at timestamp with time zone, tx_id xid8, prev_hash text, hash text)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET plan_cache_mode TO 'force_generic_plan'
 SET enable_sort TO 'off'
 SET enable_incremental_sort TO 'off'
 SET jit TO 'off'
AS $function$
declare
  _cursor_tx xid8 := '0'::xid8;
  _horizon xid8;
  _all boolean := pg_catalog.pg_has_role(session_user, 'sor_auditor', 'MEMBER');
  _tenants text[] := sor_guard.member_tenants();
begin
  if events_since.after_position is null or events_since.after_position < 0 then
    raise exception 'after_position % is not a position', coalesce(events_since.after_position::text, 'NULL')
      using errcode = 'SR011', hint = 'Pass 0 to read from the start, then the position of the last event you processed.';
  end if;
  perform sor.check_max_rows(events_since.max_rows);
  if events_since.after_position > 0 then
    select e.tx_id into _cursor_tx
      from sor.events e
     where e.position = events_since.after_position and (_all or e.tenant_id = any (_tenants));
    if not found then
      raise exception 'no event at position % visible to %', events_since.after_position, session_user
        using errcode = 'SR015', hint = 'Pass 0, or the position of an event events_since returned to you.';
    end if;
  end if;
  -- Every transaction older than the snapshot's xmin has ended: its events are visible now or
  -- never will be. Reading in (tx_id, position) order up to that horizon returns a prefix of the
  -- final order, so a consumer that resumes after the last row it got never skips an event.
  _horizon := pg_catalog.pg_snapshot_xmin(pg_catalog.pg_current_snapshot());
  if _all or pg_catalog.cardinality(_tenants) > 4 then
    -- an auditor, or a member of more than four tenants: the log in order, filtered by tenant
    return query
      select e.position, e.tenant_id, e.stream, e.version, e.type, e.payload, e.metadata, e.actor,
             e.occurred_at, e.tx_id, pg_catalog.encode(e.prev_hash, 'hex'), pg_catalog.encode(e.hash, 'hex')
        from sor.events e
       where (e.tx_id, e.position) > (_cursor_tx, events_since.after_position)
         and e.tx_id < _horizon
         and (_all or e.tenant_id = any (_tenants))
       order by e.tx_id, e.position
       limit events_since.max_rows;
    return;
  end if;
  -- A member of up to four tenants reads its tenants' events only: the first max_rows of each
  -- tenant after the cursor, walked in (tenant_id, tx_id, position) order (bounded as rows of that
  -- index), then the first max_rows of them all in (tx_id, position) order; never the log of every
  -- tenant filtered (it fetches at most four times max_rows).
  return query
    select x.position, x.tenant_id, x.stream, x.version, x.type, x.payload, x.metadata, x.actor,
           x.occurred_at, x.tx_id, pg_catalog.encode(x.prev_hash, 'hex'), pg_catalog.encode(x.hash, 'hex')
      from pg_catalog.unnest(_tenants) as m(tenant_id)
     cross join lateral (
       select e.position, e.tenant_id, e.stream, e.version, e.type, e.payload, e.metadata, e.actor,
              e.occurred_at, e.tx_id, e.prev_hash, e.hash
         from sor.events e
        where (e.tenant_id, e.tx_id, e.position) > (m.tenant_id, _cursor_tx, events_since.after_position)
          and (e.tenant_id, e.tx_id) < (m.tenant_id, _horizon)
        order by e.tenant_id, e.tx_id, e.position
        limit events_since.max_rows) x
     order by x.tx_id, x.position
     limit events_since.max_rows;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.fail_task(task_id bigint, fencing_token bigint, error text)
 RETURNS TABLE(status text, run_after timestamp with time zone)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET plan_cache_mode TO 'force_generic_plan'
 SET jit TO 'off'
AS $function$
#variable_conflict use_column
declare
  _now timestamptz := sor.lease_clock();
  _t sor.tasks;
  _retry_at timestamptz;
begin
  if not sor.is_valid('error_text', fail_task.error) then
    raise exception 'error of task % must have 1 to 4000 characters', coalesce(fail_task.task_id::text, 'NULL')
      using errcode = 'SR054', hint = 'Describe the failure; it is kept as last_error.';
  end if;
  select t.* into _t from sor.tasks t
   where t.task_id = fail_task.task_id and t.status = (select 'claimed'::text)
     and sor.lease_held(t.claimed_by, t.fencing_token, t.lease_expires_at, fail_task.fencing_token, _now)
     and sor_guard.is_member(t.tenant_id)
     for update;
  if not found then
    -- the same failure again (a retry after a lost answer): the attempt with this token, held by
    -- this caller, ended with this error; answer what it recorded, write nothing
    return query select r.status, r.run_after from sor.failure_recorded(fail_task.task_id, fail_task.fencing_token, fail_task.error) r;
    if found then
      return;
    end if;
    perform sor.refuse_task_call(fail_task.task_id, fail_task.fencing_token, 'fail');
  end if;
  select sor.lease_retry_at(_t.attempts, _t.max_attempts, q.backoff_base, q.backoff_max) into _retry_at
    from sor.queues q where q.queue = _t.queue;
  if _retry_at is null then
    delete from sor.tasks t where t.tenant_id = _t.tenant_id and t.task_id = _t.task_id;
    insert into sor.finished_tasks select f.* from sor.finish_task(_t, 'dead', null, fail_task.error, _now, true) f;
    return query select 'dead'::text, null::timestamptz;  -- a dead task is due no more
    return;
  end if;
  return query
  update sor.tasks t
     set status = 'failed',
         run_after = _retry_at,
         last_error = fail_task.error,
         claimed_by = null, fencing_token = null, lease = null, lease_expires_at = null, claimed_at = null
   where t.tenant_id = _t.tenant_id and t.task_id = _t.task_id
  returning t.status, t.run_after;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.fail_tasks(tasks jsonb)
 RETURNS TABLE(ordinal integer, task_id bigint, status text, run_after timestamp with time zone)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
#variable_conflict use_column
declare
  _now timestamptz := sor.lease_clock();
  _bad record;
  _n integer;
  _ids bigint[];
  _os integer[];
  _tids bigint[];
  _states text[];
  _afters timestamptz[];
  -- the caller's tenants, read once: each task's tenant is compared with them, not looked up per task
  _tenants text[] := sor_guard.member_tenants();
begin
  if pg_catalog.jsonb_typeof(fail_tasks.tasks) is distinct from 'array'
     or pg_catalog.jsonb_array_length(fail_tasks.tasks) not between 1 and 1000
     or exists (select 1 from pg_catalog.jsonb_array_elements(fail_tasks.tasks) x
                 where pg_catalog.jsonb_typeof(x) <> 'object'
                    or pg_catalog.jsonb_typeof(x -> 'task_id') is distinct from 'number'
                    or pg_catalog.jsonb_typeof(x -> 'fencing_token') is distinct from 'number'
                    or pg_catalog.jsonb_typeof(x -> 'error') is distinct from 'string') then
    raise exception 'tasks must be a JSON array of 1 to 1000 {"task_id": n, "fencing_token": n, "error": "..."}'
      using errcode = 'SR054', hint = 'Pass each claimed task with the fencing token claim_tasks gave it and why it failed.';
  end if;
  -- every task of the batch is checked in one query before anything is written: named once, and
  -- an error of 1 to 4000 characters (as fail_task)
  select d.o, d.task_id, d.nth > 1 as twice into _bad
    from (select t.o::integer as o, (t.x ->> 'task_id')::bigint as task_id, t.x ->> 'error' as error,
                 pg_catalog.row_number() over (partition by (t.x ->> 'task_id')::bigint order by t.o) as nth
            from pg_catalog.jsonb_array_elements(fail_tasks.tasks) with ordinality as t(x, o)) d
   where d.nth > 1 or not sor.is_valid('error_text', d.error)
   order by d.o limit 1;
  if found and _bad.twice then
    raise exception 'task % of the batch (task_id %) is given twice', _bad.o, _bad.task_id
      using errcode = 'SR054', hint = 'Name each task once per batch.';
  elsif found then
    raise exception 'task % of the batch (task_id %): its error must have 1 to 4000 characters', _bad.o, _bad.task_id
      using errcode = 'SR054', hint = 'Nothing of the batch was recorded. Describe each failure; it is kept as last_error.';
  end if;
  select pg_catalog.array_agg((t.x ->> 'task_id')::bigint) into _ids
    from pg_catalog.jsonb_array_elements(fail_tasks.tasks) t(x);
  -- One statement for the whole batch: the tasks still held with the given tokens are locked and
  -- judged (their next due time, or none when their attempts are used up); those with attempts
  -- left become failed in one UPDATE, the others leave the live queue for sor.finished_tasks as
  -- dead in one DELETE and one INSERT. The tasks are found by their ids (= ANY, an index probe each).
  with b as (
    select t.o::integer as o, (t.x ->> 'task_id')::bigint as task_id, (t.x ->> 'fencing_token')::bigint as token,
           t.x ->> 'error' as error
      from pg_catalog.jsonb_array_elements(fail_tasks.tasks) with ordinality as t(x, o)
  ), held as materialized (
    select t.tenant_id, t.task_id, b.o, b.error,
           sor.lease_retry_at(t.attempts, t.max_attempts, q.backoff_base, q.backoff_max) as retry_at
      from sor.tasks t
      join b on b.task_id = t.task_id
      join sor.queues q on q.queue = t.queue
     where t.task_id = any (_ids) and t.status = (select 'claimed'::text)
       and sor.lease_held(t.claimed_by, t.fencing_token, t.lease_expires_at, b.token, _now)
       and t.tenant_id = any (_tenants)
     order by t.task_id  -- locked in task order: two batches over the same tasks never deadlock
       for update of t
  ), failed as (
    update sor.tasks t
       set status = 'failed', run_after = h.retry_at, last_error = h.error,
           claimed_by = null, fencing_token = null, lease = null, lease_expires_at = null, claimed_at = null
      from held h
     where h.retry_at is not null and t.tenant_id = h.tenant_id and t.task_id = h.task_id
    returning h.o, t.task_id, t.status, t.run_after
  ), gone as (
    delete from sor.tasks t
     using held h
     where h.retry_at is null and t.tenant_id = h.tenant_id and t.task_id = h.task_id
    returning t as task, t.task_id, h.o, h.error as new_error
  ), buried as (
    insert into sor.finished_tasks
    select f.*
      from gone g
     cross join lateral sor.finish_task(g.task, 'dead', null, g.new_error, _now, true) f
    returning finished_tasks.task_id
  )
  select pg_catalog.array_agg(r.o order by r.o), pg_catalog.array_agg(r.task_id order by r.o),
         pg_catalog.array_agg(r.status order by r.o), pg_catalog.array_agg(r.run_after order by r.o)
    into _os, _tids, _states, _afters
    from (select f.o, f.task_id, f.status, f.run_after from failed f
          union all
          select g.o, g.task_id, 'dead'::text, null::timestamptz from gone g) r;
  _n := coalesce(pg_catalog.cardinality(_os), 0);
  if _n < pg_catalog.jsonb_array_length(fail_tasks.tasks) then
    -- tasks whose failure this caller recorded before with the same token and error (a retry of
    -- the batch after a lost answer): answered with what the attempt recorded, nothing written
    with b as (
      select t.o::integer as o, (t.x ->> 'task_id')::bigint as task_id, (t.x ->> 'fencing_token')::bigint as token,
             t.x ->> 'error' as error
        from pg_catalog.jsonb_array_elements(fail_tasks.tasks) with ordinality as t(x, o)
       where t.o::integer <> all (coalesce(_os, '{}'::integer[]))
    ), r as (
      select b.o, b.task_id, a.status, a.run_after
        from b cross join lateral sor.failure_recorded(b.task_id, b.token, b.error) a
    )
    select coalesce(_os, '{}') || coalesce(pg_catalog.array_agg(r.o), '{}'),
           coalesce(_tids, '{}') || coalesce(pg_catalog.array_agg(r.task_id), '{}'),
           coalesce(_states, '{}') || coalesce(pg_catalog.array_agg(r.status), '{}'),
           coalesce(_afters, '{}') || coalesce(pg_catalog.array_agg(r.run_after), '{}')
      into _os, _tids, _states, _afters
      from r;
    _n := coalesce(pg_catalog.cardinality(_os), 0);
  end if;
  if _n < pg_catalog.jsonb_array_length(fail_tasks.tasks) then
    -- nothing of a batch is kept when one task is refused: name the first, with fail_task's reason
    select t.o::integer as o, (t.x ->> 'task_id')::bigint as task_id, (t.x ->> 'fencing_token')::bigint as token into _bad
      from pg_catalog.jsonb_array_elements(fail_tasks.tasks) with ordinality as t(x, o)
     where t.o::integer <> all (coalesce(_os, '{}'::integer[]))
     order by t.o limit 1;
    begin
      perform sor.refuse_task_call(_bad.task_id, _bad.token, 'fail');
    exception when others then
      raise exception 'task % of the batch (task_id %): %', _bad.o, _bad.task_id, sqlerrm
        using errcode = sqlstate, hint = 'Nothing of the batch was recorded; drop or fix that task and send the batch again.';
    end;
    raise exception 'task % of the batch (task_id %) was not recorded as failed', _bad.o, _bad.task_id
      using errcode = 'SR054', hint = 'Nothing of the batch was recorded; send the batch again.';
  end if;
  return query
  select r.o, r.task_id, r.status, r.run_after
    from unnest(_os, _tids, _states, _afters) as r(o, task_id, status, run_after)
   order by r.o;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.finish_run(run_id uuid, status text, error jsonb DEFAULT NULL::jsonb)
 RETURNS text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _r sor.runs;
  _digest bytea;
begin
  perform sor.current_worker();
  if finish_run.status is null or finish_run.status not in ('succeeded', 'failed') then
    perform sor.journal_bad_input('status', 'A run finishes as succeeded or failed.');
  end if;
  if finish_run.status = 'succeeded' and finish_run.error is not null then
    perform sor.journal_bad_input('error', 'A succeeded run has no error; finish it as failed.');
  end if;
  _r := sor.worker_run(finish_run.run_id, false);
  if _r.status = finish_run.status then
    return _r.status;
  end if;
  _r := sor.worker_run(finish_run.run_id, true);
  _digest := sor.journal_digest(finish_run.error::text, null, false, 'error');
  update sor.runs r
     set status = finish_run.status, finished_at = pg_catalog.clock_timestamp(),
         error = case when r.hash_only then null else finish_run.error end,
         error_sha256 = _digest
   where r.tenant_id = _r.tenant_id and r.run_id = _r.run_id;
  return finish_run.status;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.finish_tool_call(tool_call_id uuid, result jsonb DEFAULT NULL::jsonb, error jsonb DEFAULT NULL::jsonb)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
begin
  if exists (select 1 from sor.tool_calls c
                join sor.tools t on t.tool_name = c.tool_name
                join sor.runs r on r.tenant_id = c.tenant_id and r.run_id = c.run_id
              where c.tool_call_id = finish_tool_call.tool_call_id and r.worker_role = session_user) then
    raise exception 'tool call % is of a registered tool: call_tool finishes it', finish_tool_call.tool_call_id
      using errcode = 'SR075', hint = 'finish_tool_call finishes only calls begun with begin_tool_call.';
  end if;
  perform sor.tool_call_finish(finish_tool_call.tool_call_id, finish_tool_call.result, finish_tool_call.error);
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.get_run(run_id uuid)
 RETURNS TABLE(tenant_id text, workflow text, status text, version integer, state jsonb, "overlay" jsonb, effective_state jsonb, last_step_id text, hash_only boolean, lease_expires_at timestamp with time zone, started_at timestamp with time zone, finished_at timestamp with time zone, active_block_id bigint, active_block_kind text)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _r sor.runs;
begin
  perform sor.current_worker();
  if get_run.run_id is null then
    perform sor.journal_bad_input('run_id', 'Pass the run id start_run returned.');
  end if;
  perform sor.mark_abandoned(get_run.run_id, session_user);
  _r := sor.worker_run(get_run.run_id, false);
  return query
  select _r.tenant_id, _r.workflow, _r.status, _r.version, _r.state, _r.overlay,
         _r.state || _r.overlay, _r.last_step_id, _r.hash_only, _r.lease_expires_at, _r.started_at,
         _r.finished_at, b.block_id, b.kind
    from (select 1) one
    left join sor.blocks b on b.tenant_id = _r.tenant_id and b.run_id = _r.run_id and b.status = 'active';
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.heartbeat(run_id uuid, lease_seconds integer DEFAULT NULL::integer)
 RETURNS timestamp with time zone
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _r sor.runs;
  _now timestamptz;
  _lease interval;
begin
  perform sor.current_worker();
  if heartbeat.lease_seconds is not null and heartbeat.lease_seconds not between 1 and 3600 then
    perform sor.journal_bad_input('lease_seconds', 'A lease lasts 1 to 3600 seconds.');
  end if;
  _r := sor.worker_run(heartbeat.run_id, true);
  perform sor.sweep_lapsed(sor_guard.member_tenants());
  _lease := make_interval(secs => coalesce(heartbeat.lease_seconds, _r.lease_seconds));
  _now := sor.lease_clock();
  -- sweep_at (where the sweeps first look at the run, never after its expiry) is left where it is
  -- while it is more than half the new lease ahead, so that most heartbeats change no indexed
  -- column (a HOT update); otherwise it moves to the new expiry
  update sor.runs r
     set lease_seconds = coalesce(heartbeat.lease_seconds, r.lease_seconds),
         lease_expires_at = _now + _lease,
         heartbeat_at = _now,
         sweep_at = case when r.sweep_at > _now + _lease / 2 and r.sweep_at <= _now + _lease then r.sweep_at
                         else _now + _lease end
   where r.tenant_id = _r.tenant_id and r.run_id = _r.run_id
  returning r.* into _r;
  return _r.lease_expires_at;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.heartbeat_task(task_id bigint, fencing_token bigint)
 RETURNS timestamp with time zone
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET plan_cache_mode TO 'force_generic_plan'
 SET jit TO 'off'
AS $function$
declare
  _now timestamptz := sor.lease_clock();
  _expires timestamptz;
begin
  update sor.tasks t
     set lease_expires_at = _now + t.lease
   where t.task_id = heartbeat_task.task_id and t.status = (select 'claimed'::text)
     and sor.lease_held(t.claimed_by, t.fencing_token, t.lease_expires_at, heartbeat_task.fencing_token, _now)
     and sor_guard.is_member(t.tenant_id)
  returning t.lease_expires_at into _expires;
  if _expires is null then
    perform sor.refuse_task_call(heartbeat_task.task_id, heartbeat_task.fencing_token, 'heartbeat');
  end if;
  return _expires;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.lease_outbox(batch integer, lease interval, tenants text[] DEFAULT NULL::text[])
 RETURNS TABLE(outbox_id bigint, tenant_id text, event_id uuid, topic text, aggregate_type text, aggregate_id text, payload jsonb, headers jsonb, dedupe_key text, attempts integer, lease_token bigint, lease_expires_at timestamp with time zone)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
#variable_conflict use_column
declare
  _tenants text[];
  _t text;
  _now timestamptz := sor.lease_clock();
begin
  perform sor.session_defaults();
  perform sor.lease_check_request('the outbox', lease_outbox.batch, lease_outbox.lease);

  -- A dispatcher delivers for the tenants it is a member of, or for the ones it names (each checked).
  if lease_outbox.tenants is null then
    _tenants := sor_guard.member_tenants();
  else
    foreach _t in array lease_outbox.tenants loop
      perform sor_guard.require_member(_t);
    end loop;
    _tenants := lease_outbox.tenants;
  end if;

  -- Pending and failed rows that are due, and leases that lapsed (a leased row is due again at its
  -- lease's expiry): one index serves both. Deferred, discarded, dead and dispatched rows are never
  -- leased. A lapsed lease on the last allowed attempt makes the row dead.
  return query
  with picked as (
    select o.tenant_id, o.outbox_id, o.created_at
      from sor.outbox o
     where o.status in ('pending', 'failed', 'leased') and o.available_at <= _now and o.tenant_id = any (_tenants)
     order by o.available_at, o.outbox_id
     limit lease_outbox.batch
       for update skip locked
  ), leased as (
    update sor.outbox o
       set status           = case when o.status = 'leased' and o.attempts >= o.max_attempts then 'dead' else 'leased' end,
           attempts         = case when o.status = 'leased' and o.attempts >= o.max_attempts then o.attempts else o.attempts + 1 end,
           leased_by        = case when o.status = 'leased' and o.attempts >= o.max_attempts then null else session_user end,
           lease_token      = case when o.status = 'leased' and o.attempts >= o.max_attempts then null else pg_catalog.nextval('sor.fencing_tokens') end,
           lease_expires_at = case when o.status = 'leased' and o.attempts >= o.max_attempts then null else _now + lease_outbox.lease end,
           available_at     = case when o.status = 'leased' and o.attempts >= o.max_attempts then o.available_at else _now + lease_outbox.lease end,
           last_error       = case when o.status = 'leased' then 'lease expired' else o.last_error end
      from picked p
     where o.tenant_id = p.tenant_id and o.outbox_id = p.outbox_id and o.created_at = p.created_at
    returning o.outbox_id, o.tenant_id, o.event_id, o.topic, o.aggregate_type, o.aggregate_id, o.payload,
              o.headers, o.dedupe_key, o.attempts, o.lease_token, o.lease_expires_at, o.status
  )
  select l.outbox_id, l.tenant_id, l.event_id, l.topic, l.aggregate_type, l.aggregate_id, l.payload,
         l.headers, l.dedupe_key, l.attempts, l.lease_token, l.lease_expires_at
    from leased l
   where l.status = 'leased'
   order by l.outbox_id;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.ledger_digest()
 RETURNS jsonb
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
  select jsonb_build_object(
           'database', current_database(),
           'system_identifier', (select s.system_identifier::text from pg_control_system() s),
           'block_id', b.block_id,
           'block_hash', encode(b.block_hash, 'hex'),
           'to_tx', b.to_tx::text,
           'last_position', (select max(x.last_position) from sor.ledger_blocks x where x.block_id <= b.block_id),
           'events', (select sum(x.events) from sor.ledger_blocks x where x.block_id <= b.block_id),
           'sealed_at', b.sealed_at,
           'digest_at', clock_timestamp())
    from sor.ledger_blocks b
   order by b.block_id desc
   limit 1
$function$;

CREATE OR REPLACE FUNCTION sor_api.list_tools()
 RETURNS TABLE(tool_name text, description text, input_schema jsonb, side_effects boolean)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _kind text := (sor.current_worker()).kind;
begin
  return query
    select t.tool_name, t.description, t.input_schema, t.side_effects
      from sor.tools t
     where t.enabled and _kind = any (t.allowed_kinds)
     order by t.tool_name;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.maintain_partitions(months_ahead integer DEFAULT 3)
 RETURNS TABLE(partition_name text, action text, detail text)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET lock_timeout TO '5s'
 SET jit TO 'off'
AS $function$
begin
  return query select * from sor.make_partitions(maintain_partitions.months_ahead);
  perform sor_guard.protect_all();
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.mark_dispatched(outbox_id bigint, lease_token bigint, provider_ref text)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _now timestamptz := sor.lease_clock();
begin
  if mark_dispatched.provider_ref is null or length(mark_dispatched.provider_ref) not between 1 and 500 then
    raise exception 'provider_ref of outbox row % must have 1 to 500 characters', coalesce(mark_dispatched.outbox_id::text, 'NULL')
      using errcode = 'SR060', hint = 'Pass the provider''s message id, e.g. the email service''s id for the sent message.';
  end if;
  update sor.outbox o
     set status = 'dispatched', provider_ref = mark_dispatched.provider_ref, dispatched_at = _now,
         leased_by = null, lease_token = null, lease_expires_at = null
   where o.outbox_id = mark_dispatched.outbox_id and o.status = 'leased'
     and sor.lease_held(o.leased_by, o.lease_token, o.lease_expires_at, mark_dispatched.lease_token, _now)
     and sor_guard.is_member(o.tenant_id);
  if not found then
    perform sor.refuse_outbox_call(mark_dispatched.outbox_id, mark_dispatched.lease_token, 'mark_dispatched');
  end if;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.mark_failed(outbox_id bigint, lease_token bigint, error text)
 RETURNS TABLE(status text, available_at timestamp with time zone)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
#variable_conflict use_column
declare
  _now timestamptz := sor.lease_clock();
  _row record;
begin
  if not sor.is_valid('error_text', mark_failed.error) then
    raise exception 'error of outbox row % must have 1 to 4000 characters', coalesce(mark_failed.outbox_id::text, 'NULL')
      using errcode = 'SR060', hint = 'Describe the failure; it is kept as last_error.';
  end if;
  select o.tenant_id, o.created_at,
         sor.lease_retry_at(o.attempts, o.max_attempts, '2 seconds'::interval, '1 hour'::interval) as retry_at
    into _row
    from sor.outbox o
   where o.outbox_id = mark_failed.outbox_id and o.status = 'leased'
     and sor.lease_held(o.leased_by, o.lease_token, o.lease_expires_at, mark_failed.lease_token, _now)
     and sor_guard.is_member(o.tenant_id)
     for update;
  if not found then
    perform sor.refuse_outbox_call(mark_failed.outbox_id, mark_failed.lease_token, 'mark_failed');
  end if;
  return query
  update sor.outbox o
     set status = case when _row.retry_at is null then 'dead' else 'failed' end,
         available_at = coalesce(_row.retry_at, o.available_at),
         last_error = mark_failed.error,
         leased_by = null, lease_token = null, lease_expires_at = null
   where o.tenant_id = _row.tenant_id and o.outbox_id = mark_failed.outbox_id and o.created_at = _row.created_at
  returning o.status, o.available_at;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.my_runs()
 RETURNS TABLE(run_id uuid, tenant_id text, workflow text, status text, version integer, lease_expires_at timestamp with time zone, started_at timestamp with time zone, finished_at timestamp with time zone)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
begin
  perform sor.current_worker();
  perform sor.mark_abandoned(null, session_user);
  return query
  select r.run_id, r.tenant_id, r.workflow, r.status, r.version, r.lease_expires_at, r.started_at, r.finished_at
    from sor.runs r
   where r.worker_role = session_user and r.tenant_id = any (sor_guard.member_tenants())
   order by r.started_at, r.run_id;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.my_runs(run_status text, after_run_id uuid, max_rows integer)
 RETURNS TABLE(run_id uuid, tenant_id text, workflow text, status text, version integer, lease_expires_at timestamp with time zone, started_at timestamp with time zone, finished_at timestamp with time zone)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
#variable_conflict use_column
declare
  _tenants text[];
  _after_at timestamptz;
begin
  perform sor.current_worker();
  if my_runs.run_status is not null and my_runs.run_status not in ('running', 'succeeded', 'failed', 'abandoned') then
    perform sor.journal_bad_input('run_status',
      'run_status is running, succeeded, failed or abandoned, or NULL for every run.');
  end if;
  -- the page size of every reader of the kit (SR016)
  perform sor.check_max_rows(my_runs.max_rows);
  _tenants := sor_guard.member_tenants();
  if my_runs.after_run_id is not null then
    select r.started_at into _after_at
      from sor.runs r
     where r.run_id = my_runs.after_run_id and r.worker_role = session_user and r.tenant_id = any (_tenants);
    if _after_at is null then
      raise exception 'unknown run %', my_runs.after_run_id
        using errcode = 'SR034',
              hint = 'after_run_id is the last run_id of a page this Worker read (a run it no longer holds, or of a tenant it left, is not one of its runs); NULL starts from its first run.';
    end if;
  end if;
  perform sor.mark_abandoned(null, session_user);
  -- one statement per case, each an index's range from the cursor on (a first page starts after
  -- -infinity): runs_worker_status_idx for one status, runs_worker_run_idx for every run; a single
  -- statement with "is null or" conditions would have a generic plan that reads the Worker's whole
  -- history for every page
  if my_runs.run_status is null then
    return query
    select r.run_id, r.tenant_id, r.workflow, r.status, r.version, r.lease_expires_at, r.started_at, r.finished_at
      from sor.runs r
     where r.worker_role = session_user
       and (r.started_at, r.run_id) > (coalesce(_after_at, '-infinity'), coalesce(my_runs.after_run_id, '00000000-0000-0000-0000-000000000000'))
       and r.tenant_id = any (_tenants)
     order by r.started_at, r.run_id
     limit my_runs.max_rows;
  else
    return query
    select r.run_id, r.tenant_id, r.workflow, r.status, r.version, r.lease_expires_at, r.started_at, r.finished_at
      from sor.runs r
     where r.worker_role = session_user and r.status = my_runs.run_status
       and (r.started_at, r.run_id) > (coalesce(_after_at, '-infinity'), coalesce(my_runs.after_run_id, '00000000-0000-0000-0000-000000000000'))
       and r.tenant_id = any (_tenants)
     order by r.started_at, r.run_id
     limit my_runs.max_rows;
  end if;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.outbox_metrics()
 RETURNS TABLE(topic text, tenant_id text, pending bigint, delayed bigint, oldest_pending_age interval, leased bigint, lapsed bigint, failed bigint)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
#variable_conflict use_column
declare
  _now timestamptz := sor.lease_clock();
  _all boolean := pg_catalog.pg_has_role(session_user, 'sor_auditor', 'MEMBER');
  _tenants text[] := sor_guard.member_tenants();
begin
  return query
  select o.topic, o.tenant_id,
         pg_catalog.count(*) filter (where o.status = 'pending' and o.available_at <= _now),
         pg_catalog.count(*) filter (where o.status = 'pending' and o.available_at > _now),
         _now - pg_catalog.min(o.available_at) filter (where o.status = 'pending' and o.available_at <= _now),
         pg_catalog.count(*) filter (where o.status = 'leased' and o.lease_expires_at > _now),
         pg_catalog.count(*) filter (where o.status = 'leased' and o.lease_expires_at <= _now),
         pg_catalog.count(*) filter (where o.status = 'failed')
    from sor.outbox o
   where o.status in ('pending', 'failed', 'leased')
     and (_all or o.tenant_id = any (_tenants))
   group by o.topic, o.tenant_id
   order by 1, 2;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.queue_metrics()
 RETURNS TABLE(queue text, tenant_id text, ready bigint, delayed bigint, oldest_ready_age interval, claimed bigint, lapsed bigint, failed bigint, dead bigint)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
#variable_conflict use_column
declare
  _now timestamptz := sor.lease_clock();
  _all boolean := pg_catalog.pg_has_role(session_user, 'sor_auditor', 'MEMBER');
  _tenants text[] := sor_guard.member_tenants();
begin
  return query
  with live as (
    select t.queue, t.tenant_id,
           pg_catalog.count(*) filter (where t.status = 'ready' and t.run_after <= _now) as ready,
           pg_catalog.count(*) filter (where t.status = 'ready' and t.run_after > _now) as delayed,
           _now - pg_catalog.min(t.run_after) filter (where t.status = 'ready' and t.run_after <= _now) as oldest_ready_age,
           pg_catalog.count(*) filter (where t.status = 'claimed' and t.lease_expires_at > _now) as claimed,
           pg_catalog.count(*) filter (where t.status = 'claimed' and t.lease_expires_at <= _now) as lapsed,
           pg_catalog.count(*) filter (where t.status = 'failed') as failed
      from sor.tasks t
     where _all or t.tenant_id = any (_tenants)
     group by t.queue, t.tenant_id
  ), dead as (
    select f.queue, f.tenant_id, pg_catalog.count(*) as dead
      from sor.finished_tasks f
     where f.status = 'dead' and (_all or f.tenant_id = any (_tenants))
     group by f.queue, f.tenant_id
  )
  select coalesce(l.queue, d.queue), coalesce(l.tenant_id, d.tenant_id), coalesce(l.ready, 0), coalesce(l.delayed, 0),
         l.oldest_ready_age, coalesce(l.claimed, 0), coalesce(l.lapsed, 0), coalesce(l.failed, 0), coalesce(d.dead, 0)
    from live l
    full join dead d on d.queue = l.queue and d.tenant_id = l.tenant_id
   order by 1, 2;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.quotas(tenant_id text DEFAULT NULL::text)
 RETURNS TABLE(tenant_id text, kind text, pending bigint, max_pending bigint)
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
  select t.tenant_id, k.kind,
         coalesce((select pg_catalog.sum(u.pending) from sor.tenant_usage u
                    where u.tenant_id = t.tenant_id and u.kind = k.kind), 0)::bigint,
         coalesce(q.max_pending, k.max_pending)
    from sor.tenants t
   cross join sor.quota_defaults k
    left join sor.tenant_quotas q on q.tenant_id = t.tenant_id and q.kind = k.kind
   where quotas.tenant_id is null or t.tenant_id = quotas.tenant_id
   order by t.tenant_id, k.kind
$function$;

CREATE OR REPLACE FUNCTION sor_api.read_stream(tenant_id text, stream text, from_version integer DEFAULT 1, max_rows integer DEFAULT 1000)
 RETURNS TABLE("position" bigint, version integer, type text, payload jsonb, metadata jsonb, actor name, occurred_at timestamp with time zone, prev_hash text, hash text)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
begin
  if read_stream.tenant_id is null or read_stream.stream is null
     or read_stream.from_version is null or read_stream.from_version < 1 then
    raise exception 'tenant_id, stream and a from_version of 1 or more are required'
      using errcode = 'SR011', hint = 'Pass a tenant id, a stream such as expense-42 and the first version to read (1 for all).';
  end if;
  perform sor.check_max_rows(read_stream.max_rows);
  -- The read gate first: an unknown tenant and another tenant get the same answer (SR008).
  perform sor_guard.require_reader(read_stream.tenant_id);
  if not exists (select 1 from sor.events e where e.tenant_id = read_stream.tenant_id and e.stream = read_stream.stream) then
    raise exception 'unknown stream % of tenant %', pg_catalog.quote_literal(read_stream.stream), pg_catalog.quote_literal(read_stream.tenant_id)
      using errcode = 'SR015', hint = 'A stream exists once its first event is appended: append with expected_version 0 to start it.';
  end if;
  return query
    select e.position, e.version, e.type, e.payload, e.metadata, e.actor, e.occurred_at,
           pg_catalog.encode(e.prev_hash, 'hex'), pg_catalog.encode(e.hash, 'hex')
      from sor.events e
     where e.tenant_id = read_stream.tenant_id and e.stream = read_stream.stream
       and e.version >= read_stream.from_version
     order by e.version
     limit read_stream.max_rows;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.read_subscription(tenant_id text, name text, max_rows integer DEFAULT 100)
 RETURNS TABLE("position" bigint, stream text, version integer, type text, payload jsonb, metadata jsonb, actor name, occurred_at timestamp with time zone, tx_id xid8, hash text)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET plan_cache_mode TO 'force_generic_plan'
 SET enable_sort TO 'off'
 SET enable_incremental_sort TO 'off'
 SET jit TO 'off'
AS $function$
declare
  _rows bigint;
  _s sor.subscriptions;
  _horizon bigint;
begin
  perform sor_guard.require_reader(read_subscription.tenant_id);
  perform sor.check_max_rows(read_subscription.max_rows);
  select s.* into _s from sor.subscriptions s
   where s.tenant_id = read_subscription.tenant_id and s.name = read_subscription.name;
  if _s.tenant_id is null then
    perform sor.subscription(read_subscription.tenant_id, read_subscription.name);
  end if;
  perform sor.check_horizon_context();
  -- a reader that has read everything and polls again answers without the horizon (R__130)
  if sor.reader_caught_up(_s.tenant_id, _s.last_position, 'subscription:' || _s.tenant_id || ':' || _s.name) then
    return;
  end if;
  -- the tenant's reader horizon (R__130): the tenant's events below it are all the ones there
  -- will ever be, and the next statement's snapshot sees them; other tenants never hold it back
  _horizon := sor.tenant_horizon(_s.tenant_id);
  return query
    select e.position, e.stream, e.version, e.type, e.payload, e.metadata, e.actor, e.occurred_at, e.tx_id,
           pg_catalog.encode(e.hash, 'hex')
      from sor.events e
     -- bounded as rows of the primary key, in its order (as sor_api.tenant_events_since reads)
     where (e.tenant_id, e.position) > (_s.tenant_id, _s.last_position)
       and (e.tenant_id, e.position) < (_s.tenant_id, _horizon)
       and (_s.stream_prefix is null
            or pg_catalog.left(e.stream, pg_catalog.length(_s.stream_prefix)) = _s.stream_prefix)
     order by e.tenant_id, e.position
     limit read_subscription.max_rows;
  get diagnostics _rows = row_count;
  perform sor.reader_page_read('subscription:' || _s.tenant_id || ':' || _s.name, _rows);
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.record_turn(run_id uuid, model text, role text, input_tokens integer DEFAULT 0, output_tokens integer DEFAULT 0, content text DEFAULT NULL::text, content_sha256 text DEFAULT NULL::text)
 RETURNS integer
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _r sor.runs;
  _digest bytea;
  _turn integer;
begin
  perform sor.current_worker();
  perform sor.journal_check_id(record_turn.model, 'model', 200);
  if record_turn.role is null or record_turn.role not in ('system', 'user', 'assistant', 'tool') then
    perform sor.journal_bad_input('role', 'A turn''s role is system, user, assistant or tool.');
  end if;
  if record_turn.input_tokens is null or record_turn.output_tokens is null
     or record_turn.input_tokens < 0 or record_turn.output_tokens < 0 then
    perform sor.journal_bad_input('input_tokens/output_tokens', 'Token counts are zero or more.');
  end if;
  _r := sor.worker_run(record_turn.run_id, true);
  _digest := sor.journal_digest(record_turn.content, record_turn.content_sha256, _r.hash_only, 'content');
  select coalesce(max(t.turn_no), 0) + 1 into _turn
    from sor.turns t where t.tenant_id = _r.tenant_id and t.run_id = _r.run_id;
  insert into sor.turns (tenant_id, run_id, turn_no, model, role, input_tokens, output_tokens,
                         content, content_sha256, hash_only)
  values (_r.tenant_id, _r.run_id, _turn, record_turn.model, record_turn.role, record_turn.input_tokens,
          record_turn.output_tokens, case when _r.hash_only then null else record_turn.content end,
          _digest, _r.hash_only);
  return _turn;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.register_domain_schema(schema_name text)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
begin
  perform 1 from pg_catalog.pg_namespace n where n.nspname = register_domain_schema.schema_name;
  if not found then
    raise exception 'unknown schema %', coalesce(quote_literal(register_domain_schema.schema_name), 'NULL')
      using errcode = 'SR007', hint = 'Create the schema (owned by sor_owner) before registering it.';
  end if;
  insert into sor.domain_schemas (schema_name) values (register_domain_schema.schema_name)
  on conflict on constraint domain_schemas_pkey do nothing;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.register_worker(role_name text, kind text)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _role pg_catalog.pg_roles%rowtype;
begin
  if not sor.is_valid('slug', register_worker.kind) then
    raise exception 'malformed worker kind: %', coalesce(quote_literal(register_worker.kind), 'NULL')
      using errcode = 'SR033', hint = 'A kind is a lowercase slug of at most 100 characters, e.g. expense-reconciler.';
  end if;
  select r.* into _role from pg_catalog.pg_roles r where r.rolname = register_worker.role_name;
  if not found or not _role.rolcanlogin or _role.rolsuper or _role.rolbypassrls
     or pg_catalog.pg_has_role(_role.oid, 'sor_owner', 'MEMBER')
     or not pg_catalog.pg_has_role(_role.oid, 'sor_worker', 'MEMBER') then
    raise exception 'role % cannot be a Worker', coalesce(quote_literal(register_worker.role_name), 'NULL')
      using errcode = 'SR031',
            hint = 'A Worker is an existing login role, member of sor_worker, without SUPERUSER, BYPASSRLS or sor_owner.';
  end if;
  insert into sor.workers as w (role_name, kind)
  values (register_worker.role_name, register_worker.kind)
  on conflict on constraint workers_pkey
  do update set kind = excluded.kind, registered_at = pg_catalog.now(), registered_by = session_user;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.remove_member(tenant_id text, role_name text)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
begin
  delete from sor.tenant_members m
   where m.tenant_id = remove_member.tenant_id and m.role_name = remove_member.role_name;
  if not found then
    raise exception 'role % is not a member of tenant %',
          coalesce(quote_literal(remove_member.role_name), 'NULL'), coalesce(quote_literal(remove_member.tenant_id), 'NULL')
      using errcode = 'SR006', hint = 'List memberships with: select * from sor_api.tenant_members;';
  end if;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.require_kernel(version text)
 RETURNS text
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _need integer[];
  _have integer[];
  _kernel sor_guard.releases;
begin
  if require_kernel.version is null or require_kernel.version !~ '^[0-9]+\.[0-9]+\.[0-9]+$' then
    raise exception 'pg-sor: require_kernel takes a release version such as 0.3.0, not %', coalesce(quote_literal(require_kernel.version), 'NULL')
      using errcode = '22023', hint = 'Name the oldest kernel release your module was built and tested against.';
  end if;
  _kernel := sor_guard.release_latest('sor_flyway.flyway_schema_history', array['installed', 'upgraded']);
  if _kernel.entry_id is null then
    raise exception 'pg-sor: this module needs the pg-sor kernel % or newer; this database''s kernel records no release (older than 0.3.0, or not migrated with the kernel''s own configuration)', require_kernel.version
      using errcode = 'SR029',
            hint = 'Migrate the kernel with its own configuration (flyway migrate from the kit''s release, or pg-sor migrate) first, then this module.';
  end if;
  _need := string_to_array(require_kernel.version, '.')::integer[];
  _have := string_to_array(split_part(_kernel.version, '-', 1), '.')::integer[];
  if _have < _need or _have[1] <> _need[1] then
    raise exception 'pg-sor: this module needs the pg-sor kernel % or newer within major %; this database holds %', require_kernel.version, _need[1], _kernel.version
      using errcode = 'SR029',
            hint = case when _have < _need
                        then 'Upgrade the kernel first (docs/operate/upgrade.md), then migrate this module.'
                        else 'The kernel is of another major release: the module must be built against it.' end;
  end if;
  return _kernel.version;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.resolve_block(block_id bigint, approved boolean, note text DEFAULT NULL::text)
 RETURNS TABLE(status text, released integer, discarded integer, resume_outbox_id bigint)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _b sor.blocks;
  _status text;
  _released integer := 0;
  _discarded integer := 0;
  _resume bigint;
begin
  if resolve_block.block_id is null then
    perform sor.journal_bad_input('block_id', 'Pass the id of an active block.');
  end if;
  if resolve_block.approved is null then
    perform sor.journal_bad_input('approved', 'Pass true to approve or false to reject.');
  end if;
  if resolve_block.note is not null and (length(resolve_block.note) > 2000 or resolve_block.note ~ '[\x01-\x08\x0b\x0c\x0e-\x1f]') then
    perform sor.journal_bad_input('note', 'A note has at most 2000 characters.');
  end if;
  select b.* into _b from sor.blocks b
   where b.block_id = resolve_block.block_id and sor_guard.is_member(b.tenant_id)
   for update;
  if not found then
    raise exception 'unknown block % for role %', resolve_block.block_id, session_user
      using errcode = 'SR042', hint = 'An approver resolves blocks of the tenants it is a member of.';
  end if;
  -- separation of duties: whoever runs the run does not resolve its own review
  if exists (select 1 from sor.runs r where r.tenant_id = _b.tenant_id and r.run_id = _b.run_id and r.worker_role = session_user) then
    raise exception 'role % runs run % and cannot resolve its own block %', session_user, _b.run_id, _b.block_id
      using errcode = 'SR045', hint = 'Another approver, who does not run the run, resolves the block.';
  end if;
  if _b.status <> 'active' then
    raise exception 'block % is already %', _b.block_id, _b.status
      using errcode = 'SR043', hint = 'A block is resolved once.';
  end if;
  _status := case when resolve_block.approved then 'approved' else 'rejected' end;
  update sor.blocks b
     set status = _status, resolved_at = pg_catalog.clock_timestamp(), resolved_by = session_user,
         approved = resolve_block.approved, note = resolve_block.note
   where b.tenant_id = _b.tenant_id and b.block_id = _b.block_id;

  if _b.kind = 'review' then
    update sor.outbox o
       set status = case when resolve_block.approved then 'pending' else 'discarded' end,
           available_at = pg_catalog.now()
     where o.tenant_id = _b.tenant_id and o.block_id = _b.block_id and o.status = 'deferred';
    if resolve_block.approved then
      get diagnostics _released = row_count;
    else
      get diagnostics _discarded = row_count;
    end if;
  else
    insert into sor.outbox as o (tenant_id, topic, aggregate_type, aggregate_id, payload, headers, dedupe_key,
                                 status, run_id, step_id, block_id)
    values (_b.tenant_id, 'resume', 'run', _b.run_id::text,
            jsonb_build_object('type', 'resume', 'run_id', _b.run_id, 'block_id', _b.block_id,
                               'approved', resolve_block.approved, 'note', resolve_block.note),
            jsonb_build_object('run_id', _b.run_id, 'step_id', _b.step_id, 'block_id', _b.block_id),
            encode(sha256(convert_to(jsonb_build_array(_b.run_id::text, 'resume', _b.block_id)::text, 'UTF8')), 'hex'),
            'pending', _b.run_id, _b.step_id, _b.block_id)
    returning o.outbox_id into _resume;
  end if;
  return query select _status, _released, _discarded, _resume;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.resume_run(run_id uuid, lease_seconds integer DEFAULT NULL::integer)
 RETURNS TABLE(status text, version integer, fencing_token bigint, last_step_id text, state jsonb, lease_expires_at timestamp with time zone, resumed_from name, in_flight_calls jsonb)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _before name;
  _r sor.runs;
begin
  perform sor.current_worker();
  perform sor.session_defaults();
  perform sor.sweep_lapsed(sor_guard.member_tenants());
  select r.worker_role into _before from sor.runs r where r.run_id = resume_run.run_id;
  _r := sor.resume(resume_run.run_id, resume_run.lease_seconds);
  return query
  select _r.status, _r.version, _r.fencing_token, _r.last_step_id, _r.state, _r.lease_expires_at, _before,
         coalesce((select jsonb_agg(jsonb_build_object('tool_call_id', c.tool_call_id, 'tool_name', c.tool_name,
                                                       'idempotency_key', c.idempotency_key, 'started_at', c.started_at,
                                                       'fencing_token', c.fencing_token)
                                    order by c.started_at, c.tool_call_id)
                     from sor.tool_calls c
                    where c.tenant_id = _r.tenant_id and c.run_id = _r.run_id and c.status = 'started'), '[]'::jsonb);
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.retire_partition(partition_name text)
 RETURNS sor.retired_partitions
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET lock_timeout TO '5s'
 SET jit TO 'off'
AS $function$
declare
  _part regclass;
  _l record;
  _row sor.retired_partitions;
  _sealed xid8;
  _late xid8;
begin
  _part := pg_catalog.to_regclass(retire_partition.partition_name);
  select * into _l from sor.partition_list() l where _part is not null and l.partition_name = _part::text;
  if _l.partition_name is null then
    raise exception '% is not a partition of sor.events, sor.outbox or sor.finished_tasks',
          coalesce(pg_catalog.quote_literal(retire_partition.partition_name), 'NULL')
      using errcode = 'SR080', hint = 'List partitions and whether each may retire: select * from sor_api.partitions;';
  end if;
  if not _l.retirable then
    raise exception '% may not retire: %', _l.partition_name, _l.why_not
      using errcode = 'SR081',
            hint = 'Partitions retire oldest first, once past their table''s retention (sor_api.set_retention); the default partition never retires.';
  end if;
  if _l.parent_table = 'sor.outbox' then
    execute pg_catalog.format('select count(*) from %s o where o.status in (''pending'', ''deferred'', ''leased'', ''failed'')', _part)
      into _row.row_count;
    if _row.row_count > 0 then
      raise exception '% still holds % outbox rows waiting for dispatch', _part, _row.row_count
        using errcode = 'SR082', hint = 'Dispatch them, let them go dead, or discard their block first; see sor_api.outbox_status.';
    end if;
  end if;
  if _l.parent_table = 'sor.events' then
    -- every event leaving must already be sealed into the ledger, so verify_ledger still covers it
    select b.to_tx into _sealed from sor.ledger_blocks b order by b.block_id desc limit 1;
    execute pg_catalog.format('select max(e.tx_id) from %s e', _part) into _late;
    if _late is not null and (_sealed is null or _late >= _sealed) then
      raise exception 'events of % are not all sealed into the ledger', _part
        using errcode = 'SR083', hint = 'Run select * from sor_api.seal_ledger(); then retire.';
    end if;
    execute pg_catalog.format('select count(*), sha256(coalesce(string_agg(e.hash, ''''::bytea order by e.position), ''''::bytea)) from %s e', _part)
      into _row.row_count, _row.content_sha256;
    execute pg_catalog.format(
      'insert into sor.retired_stream_heads (tenant_id, stream, partition_name, version, position, hash)
       select l.tenant_id, l.stream, %L, l.version, l.position,
              (select case when pg_catalog.count(*) = 1 then pg_catalog.string_agg(g.hash, ''''::bytea)
                           else sha256(pg_catalog.string_agg(g.hash, ''''::bytea order by g.version)) end
                 from %s g
                where g.tenant_id = l.tenant_id and g.stream = l.stream and g.prev_hash is not distinct from l.prev_hash)
         from (select distinct on (e.tenant_id, e.stream) e.tenant_id, e.stream, e.version, e.position, e.prev_hash
                 from %s e order by e.tenant_id, e.stream, e.version desc) l', _part::text, _part, _part);
    -- an idempotency key is remembered as long as its event: the keys of the events leaving go too
    execute pg_catalog.format('delete from sor.event_keys k using %s e where k.tenant_id = e.tenant_id and k.position = e.position', _part);
  else
    execute pg_catalog.format('select count(*), sha256(convert_to(coalesce(string_agg(to_jsonb(r)::text, E''\n'' order by r.tenant_id, %s), ''''), ''UTF8'')) from %s r',
                              case when _l.parent_table = 'sor.outbox' then 'r.outbox_id' else 'r.task_id' end, _part)
      into _row.row_count, _row.content_sha256;
    execute pg_catalog.format(
      'delete from sor.dedupe_keys k using %s r where k.tenant_id = r.tenant_id and k.target_id = %s and %s',
      _part,
      case when _l.parent_table = 'sor.outbox' then 'r.outbox_id' else 'r.task_id' end,
      case when _l.parent_table = 'sor.outbox' then 'k.scope = ''outbox''' else 'k.scope = ''task:'' || r.queue' end);
  end if;
  -- the guard consumes the sor_approver's approval of this detach, or refuses it (SR020)
  execute pg_catalog.format('alter table %s detach partition %s', _l.parent_table, _part);
  insert into sor.append_only_tables (table_schema, table_name)
  select 'sor', c.relname from pg_class c where c.oid = _part and _l.parent_table = 'sor.events'
  on conflict do nothing;
  execute pg_catalog.format('comment on table %s is %L', _part,
    pg_catalog.format('Retired from %s on %s (sor.retired_partitions): an archive to dump (pg_dump -t) and then drop with an approved drop table.',
                      _l.parent_table, pg_catalog.to_char(pg_catalog.now(), 'YYYY-MM-DD')));
  insert into sor.retired_partitions (partition_name, parent_table, range_from, range_to, row_count, content_sha256, approval_id)
  values (_part::text, _l.parent_table, _l.range_from, _l.range_to, _row.row_count, _row.content_sha256,
          sor_guard.approval_used('detach partition', sor_guard.ident('pg_class'::regclass, _part)))
  returning * into _row;
  return _row;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.retry_outbox(outbox_id bigint)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
begin
  update sor.outbox o
     set status = 'pending', attempts = 0, available_at = now()
   where o.outbox_id = retry_outbox.outbox_id and o.status = 'dead';
  if not found then
    if exists (select 1 from sor.outbox o where o.outbox_id = retry_outbox.outbox_id) then
      raise exception 'outbox row % is not dead', retry_outbox.outbox_id
        using errcode = 'SR064', hint = 'Only dead rows are retried by an operator; see sor_api.dead_outbox().';
    end if;
    raise exception 'unknown outbox row %', coalesce(retry_outbox.outbox_id::text, 'NULL')
      using errcode = 'SR061', hint = 'Pass an outbox_id from sor_api.dead_outbox().';
  end if;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.retry_task(task_id bigint)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _queue text;
  _tenant text;
begin
  with gone as (
    delete from sor.finished_tasks f
     where f.task_id = retry_task.task_id and f.status = 'dead'
    returning f.*
  )
  insert into sor.tasks as t (tenant_id, task_id, queue, subject, payload, priority, run_after, attempts, max_attempts,
                         dedupe_key, status, last_error, created_at, created_by)
  overriding system value
  select g.tenant_id, g.task_id, g.queue, g.subject, g.payload, g.priority, sor.lease_clock(), 0, g.max_attempts,
         g.dedupe_key, 'ready', g.last_error, g.created_at, g.created_by
    from gone g
  returning t.queue, t.tenant_id into _queue, _tenant;
  if not found then
    if exists (select 1 from sor.tasks t where t.task_id = retry_task.task_id)
       or exists (select 1 from sor.finished_tasks f where f.task_id = retry_task.task_id) then
      raise exception 'task % is not dead', retry_task.task_id
        using errcode = 'SR058', hint = 'Only dead tasks are retried by an operator; see sor_api.dead_tasks().';
    end if;
    raise exception 'unknown task %', coalesce(retry_task.task_id::text, 'NULL')
      using errcode = 'SR055', hint = 'Pass a task_id from sor_api.dead_tasks().';
  end if;
  perform sor.wake_tasks(_queue, array[_tenant]);  -- queued again: the tenant's listeners of the queue
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.rotate_wakeup_channels()
 RETURNS timestamp with time zone
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _at timestamptz;
begin
  insert into sor.wakeup_secret as w (singleton) values (true)
  on conflict on constraint wakeup_secret_pkey do update
     set secret = excluded.secret, rotated_at = excluded.rotated_at, rotated_by = excluded.rotated_by
  returning w.rotated_at into _at;
  return _at;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.run_report(run_id uuid)
 RETURNS text
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _f jsonb := sor_api.run_report_facts(run_report.run_id);
  _fp jsonb := nullif(_f -> 'failure_point', 'null'::jsonb);
  _lease jsonb := _f -> 'lease';
  _tasks jsonb := _f -> 'tasks';
  _calls jsonb := _f -> 'tool_calls';
  _o jsonb;
  _out text := '';
  _s text;
begin
  _s := format('Run %s (workflow %s, tenant %s) was run by Worker %s of kind %s; it started at %s',
               _f ->> 'run_id', _f ->> 'workflow', _f ->> 'tenant_id', _f ->> 'worker_role', _f ->> 'worker_kind',
               sor.forensic_time((_f ->> 'started_at')::timestamptz));
  _s := _s || case _f ->> 'status'
    when 'running' then ' and is still running at version ' || (_f ->> 'version') || '.'
    when 'succeeded' then format(' and succeeded at %s at version %s.', sor.forensic_time((_f ->> 'finished_at')::timestamptz), _f ->> 'version')
    when 'failed' then format(' and failed at %s at version %s.', sor.forensic_time((_f ->> 'finished_at')::timestamptz), _f ->> 'version')
    else format(' and was abandoned: its lease lapsed at %s at version %s.', sor.forensic_time((_f ->> 'finished_at')::timestamptz), _f ->> 'version')
  end;
  _out := _s;

  _out := _out || format(' It made %s tool call%s: %s finished, %s failed, %s left unfinished.',
                         _calls ->> 'total', case when (_calls ->> 'total')::integer = 1 then '' else 's' end, _calls ->> 'succeeded', _calls ->> 'failed', _calls ->> 'unfinished');

  if _fp is not null and _fp ->> 'source' = 'tool_call' then
    _out := _out || format(' The failure point is tool %s with arguments %s (call %s, %s, begun at %s%s).',
                           _fp ->> 'tool_name',
                           coalesce(nullif(_fp -> 'args', 'null'::jsonb)::text, 'withheld (hash-only, sha256 ' || (_fp ->> 'args_sha256') || ')'),
                           _fp ->> 'tool_call_id', _fp ->> 'tool_status',
                           sor.forensic_time((_fp ->> 'started_at')::timestamptz),
                           case when _fp -> 'error' is not null and jsonb_typeof(_fp -> 'error') <> 'null'
                                then ', error ' || (_fp -> 'error')::text
                                     || coalesce(' (SQLSTATE ' || (_fp #>> '{error,sqlstate}') || ': '
                                                 || sor.sqlstate_words(_fp #>> '{error,sqlstate}') || ')', '')
                                else '' end);
  elsif _fp is not null then
    _out := _out || format(' The failure point is the run''s own error: %s%s.',
                           coalesce(nullif((_fp -> 'error')::text, 'null'), 'withheld (hash-only, sha256 ' || coalesce(_fp ->> 'error_sha256', 'none') || ')'),
                           coalesce(' (SQLSTATE ' || (_fp #>> '{error,sqlstate}') || ': '
                                    || sor.sqlstate_words(_fp #>> '{error,sqlstate}') || ')', ''));
  end if;

  _out := _out || format(' Its lease %s %s seconds; ', case when _f ->> 'status' = 'running' then 'is' else 'was' end,
                         _lease ->> 'lease_seconds')
    || case when (_lease ->> 'heartbeated')::boolean
            then 'the last heartbeat was at ' || sor.forensic_time((_lease ->> 'last_heartbeat_at')::timestamptz)
            else 'it never sent a heartbeat' end
    || case _lease ->> 'outcome'
         when 'held' then format(', and the lease is held until %s.', sor.forensic_time((_lease ->> 'lease_expires_at')::timestamptz))
         when 'released' then ', and the lease ended with the run.'
         else format(', and the lease lapsed at %s, so the run was abandoned%s.',
                     sor.forensic_time((_lease ->> 'lapsed_at')::timestamptz),
                     case when _lease ->> 'abandoned_marked_at' is not null
                          then ' (marked at ' || sor.forensic_time((_lease ->> 'abandoned_marked_at')::timestamptz) || ')'
                          else ' (not yet marked)' end)
              || ' Nothing recorded why it stopped: a run is abandoned when its Worker stops sending heartbeats'
              || ' without finishing it (the Worker''s process or its connection died)'
              || case when _fp is not null and _fp ->> 'source' = 'tool_call' and _fp ->> 'tool_status' = 'unfinished'
                      then ', and the unfinished tool call is where it stopped.' else '.' end
       end;

  if jsonb_array_length(_f -> 'outbox') = 0 then
    _out := _out || ' It queued no outbox messages.';
  else
    _out := _out || format(' It queued %s outbox message%s:', jsonb_array_length(_f -> 'outbox'),
                           case when jsonb_array_length(_f -> 'outbox') = 1 then '' else 's' end);
    for _o in select x from jsonb_array_elements(_f -> 'outbox') x loop
      _out := _out || format(' #%s %s%s%s queued at %s, %s;',
                             _o ->> 'outbox_id', _o ->> 'topic',
                             case when _o ->> 'to' is not null then ' to ' || (_o ->> 'to') else '' end,
                             case when nullif(_o ->> 'step_id', '') is not null then ' (step ' || (_o ->> 'step_id') || ')' else '' end,
                             sor.forensic_time((_o ->> 'queued_at')::timestamptz),
                             case when _o ->> 'status' = 'dispatched'
                                  then format('dispatched at %s with provider reference %s',
                                              sor.forensic_time((_o ->> 'dispatched_at')::timestamptz), _o ->> 'provider_ref')
                                  else 'not dispatched (' || (_o ->> 'status') || ')' end);
    end loop;
    _out := rtrim(_out, ';') || '.';
  end if;

  if (_tasks ->> 'claimed')::integer = 0 then
    _out := _out || format(' While the run was open Worker %s held no claim on a task of tenant %s.',
                           _f ->> 'worker_role', _f ->> 'tenant_id');
  else
    _out := _out || format(' While the run was open Worker %s held claims on %s task%s of tenant %s (%s claimed before the run started) and completed %s of them.',
                           _f ->> 'worker_role', _tasks ->> 'claimed',
                           case when (_tasks ->> 'claimed')::integer = 1 then '' else 's' end, _f ->> 'tenant_id',
                           case when (_tasks ->> 'claimed_before_start')::integer = 0 then 'none'
                                when (_tasks ->> 'claimed_before_start') = (_tasks ->> 'claimed') and (_tasks ->> 'claimed')::integer = 2 then 'both'
                                when (_tasks ->> 'claimed_before_start') = (_tasks ->> 'claimed') and (_tasks ->> 'claimed')::integer > 2 then 'all ' || (_tasks ->> 'claimed')
                                else _tasks ->> 'claimed_before_start' end,
                           _tasks ->> 'completed');
  end if;
  return _out;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.run_report_facts(run_id uuid)
 RETURNS jsonb
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _r sor.runs := sor.forensic_run(run_report_facts.run_id);
  _now timestamptz := pg_catalog.now();
  _lapsed boolean;
  _status text;
  _until timestamptz;
  _calls jsonb;
  _failure jsonb;
  _lease jsonb;
  _outbox jsonb;
  _tasks jsonb;
  _counts jsonb;
begin
  _lapsed := _r.status = 'running' and sor.lease_lapsed(_r.lease_expires_at);
  _status := case when _lapsed then 'abandoned' else _r.status end;
  _until := case when _r.status = 'running' and not _lapsed then _now
                 when _lapsed then _r.lease_expires_at
                 else _r.finished_at end;

  select jsonb_build_object(
           'total', count(*),
           'succeeded', count(*) filter (where t.status = 'succeeded'),
           'failed', count(*) filter (where t.status = 'failed'),
           'unfinished', count(*) filter (where t.status = 'started'))
    into _calls
    from sor.tool_calls t
   where t.tenant_id = _r.tenant_id and t.run_id = _r.run_id;

  if _status in ('failed', 'abandoned') then
    select jsonb_build_object(
             'source', 'tool_call', 'tool_call_id', t.tool_call_id, 'tool_name', t.tool_name,
             'tool_status', case when t.status = 'started' then 'unfinished' else t.status end,
             'args', t.args, 'args_sha256', encode(t.args_sha256, 'hex'), 'error', t.error,
             'started_at', t.started_at, 'finished_at', t.finished_at)
      into _failure
      from sor.tool_calls t
     where t.tenant_id = _r.tenant_id and t.run_id = _r.run_id and t.status in ('started', 'failed')
     order by (t.status = 'started') desc, t.started_at desc, t.tool_call_id
     limit 1;
    if _failure is null and _status = 'failed' then
      _failure := jsonb_build_object('source', 'run_error', 'error', _r.error,
                                     'error_sha256', encode(_r.error_sha256, 'hex'));
    end if;
  end if;

  _lease := jsonb_build_object(
    'lease_seconds', _r.lease_seconds,
    'lease_expires_at', _r.lease_expires_at,
    'last_heartbeat_at', _r.heartbeat_at,
    'heartbeated', _r.heartbeat_at is not null,
    'outcome', case when _status = 'running' then 'held'
                    when _status = 'abandoned' then 'lapsed'
                    else 'released' end,
    'lapsed_at', case when _status = 'abandoned' then _r.lease_expires_at end,
    'abandoned_marked_at', (select e.occurred_at from sor.events e
                             where e.tenant_id = _r.tenant_id and e.stream = 'run-' || _r.run_id::text
                               and e.type = 'run_abandoned'
                             order by e.version limit 1));

  select coalesce(jsonb_agg(jsonb_build_object(
           'outbox_id', o.outbox_id, 'topic', o.topic, 'step_id', o.step_id, 'status', o.status,
           'to', o.payload ->> 'to', 'dedupe_key', o.dedupe_key, 'queued_at', o.created_at, 'dispatched_at', o.dispatched_at,
           'provider_ref', o.provider_ref, 'attempts', o.attempts) order by o.outbox_id), '[]'::jsonb)
    into _outbox
    from sor.outbox o
   where o.tenant_id = _r.tenant_id and o.run_id = _r.run_id;

  if exists (select 1 from sor.run_tasks l where l.tenant_id = _r.tenant_id and l.run_id = _r.run_id) then
    -- the run names its tasks (enqueue_task_in_run, claim_tasks_in_run): by id, not by a window
    with l as (
      select l.* from sor.run_tasks l where l.tenant_id = _r.tenant_id and l.run_id = _r.run_id
    ), claimed as (
      select distinct l.task_id from l where l.link = 'claimed'
    ), completed as (
      select l.task_id
        from l
        join sor.events e on e.tenant_id = l.tenant_id and e.stream = 'task-' || l.task_id
       where l.link = 'claimed' and e.type = 'task.completed'
         and (e.payload ->> 'fencing_token')::bigint = l.fencing_token
      union
      -- a completion of a queue that records it by the finished row alone (completion_record row)
      select l.task_id
        from l
        join sor.finished_tasks f on f.tenant_id = l.tenant_id and f.task_id = l.task_id
       where l.link = 'claimed' and f.status = 'completed' and f.fencing_token = l.fencing_token
    )
    select jsonb_build_object(
             'rule', 'tasks linked to the run by id: enqueued with enqueue_task_in_run, attempts claimed with claim_tasks_in_run; completed: an attempt claimed in the run whose outcome event (same fencing token) is task.completed, or whose finished row (same fencing token) is completed',
             'claimed', (select count(*) from claimed),
             'claimed_before_start', 0,
             'completed', (select count(*) from completed),
             'claimed_task_ids', coalesce((select jsonb_agg(c.task_id order by c.task_id) from claimed c), '[]'::jsonb),
             'completed_task_ids', coalesce((select jsonb_agg(c.task_id order by c.task_id) from completed c), '[]'::jsonb),
             'enqueued_task_ids', coalesce((select jsonb_agg(distinct l.task_id) from l where l.link = 'enqueued'), '[]'::jsonb))
      into _tasks;
  else
    with claims as (
      -- an attempt that ended: its outcome event names the claim (holder, claimed_at); the task.
      -- types are reserved for the kit, so only the kit's triggers write these payloads
      select (e.payload ->> 'task_id') as task_id, (e.payload ->> 'claimed_at')::timestamptz as claimed_at,
             case when e.type = 'task.lease_expired'
                  then coalesce((e.payload ->> 'lease_expires_at')::timestamptz, e.occurred_at)
                  else e.occurred_at end as ended_at
        from sor.events e
       where e.tenant_id = _r.tenant_id
         and e.type in ('task.completed', 'task.failed', 'task.dead', 'task.lease_expired')
         and e.stream like 'task-%'
         and e.payload ->> 'claimed_by' = _r.worker_role
         and e.payload ? 'claimed_at'
         and (e.payload ->> 'claimed_at')::timestamptz <= _until
      union all
      -- a completion recorded by its finished row alone (a queue whose completion_record is row);
      -- one also recorded by its event is counted once (held groups by task)
      select f.task_id::text, f.claimed_at, f.finished_at
        from sor.finished_tasks f
       where f.tenant_id = _r.tenant_id and f.status = 'completed' and f.claimed_by = _r.worker_role
         and f.claimed_at <= _until and f.finished_at >= _r.started_at
      union all
      -- a claim held now
      select t.task_id::text, t.claimed_at, null::timestamptz
        from sor.tasks t
       where t.tenant_id = _r.tenant_id and t.status = 'claimed' and t.claimed_by = _r.worker_role
         and t.claimed_at <= _until
      union all
      -- a claim made before 0.4.0, recorded by its own task.claimed event
      select (c.payload ->> 'task_id'), c.occurred_at,
             (select case when e.type = 'task.lease_expired'
                          then coalesce((e.payload ->> 'lease_expires_at')::timestamptz, e.occurred_at)
                          else e.occurred_at end
                from sor.events e
               where e.tenant_id = c.tenant_id and e.stream = c.stream and e.version > c.version
                 and e.type in ('task.completed', 'task.failed', 'task.dead', 'task.lease_expired')
               order by e.version
               limit 1)
        from sor.events c
       where c.tenant_id = _r.tenant_id
         and c.type = 'task.claimed'
         and c.stream like 'task-%'
         and c.actor = _r.worker_role
         and c.occurred_at <= _until
    ), held as (
      select h.task_id, bool_or(h.claimed_at < _r.started_at) as before_start
        from claims h
       where h.ended_at is null or h.ended_at >= _r.started_at
       group by h.task_id
    ), completed as (
      select e.payload ->> 'task_id' as task_id
        from sor.events e
       where e.tenant_id = _r.tenant_id
         and e.occurred_at between _r.started_at and _until
         and e.type = 'task.completed'
         and e.stream like 'task-%'
         and e.actor = _r.worker_role
      union
      -- completed by the holder, recorded by its finished row (alone, on a queue whose
      -- completion_record is row)
      select f.task_id::text
        from sor.finished_tasks f
       where f.tenant_id = _r.tenant_id
         and f.finished_at between _r.started_at and _until
         and f.status = 'completed'
         and f.claimed_by = _r.worker_role
    )
    select jsonb_build_object(
             'rule', 'tasks of the run''s tenant on which the run''s Worker role held a claim (the holder named by the attempt''s outcome event or finished row, or by the live task) while the run was open: claimed at or before its end, the claim ending (completed, failed, dead, lease lapsed) at or after its start or not yet; completed within the window',
             'claimed', (select count(*) from held),
             'claimed_before_start', (select count(*) from held where before_start),
             'completed', (select count(*) from completed),
             'claimed_task_ids', coalesce((select jsonb_agg(h.task_id::bigint order by h.task_id::bigint) from held h), '[]'::jsonb),
             'completed_task_ids', coalesce((select jsonb_agg(c.task_id::bigint order by c.task_id::bigint) from completed c), '[]'::jsonb))
      into _tasks;
  end if;

  select jsonb_build_object(
           'turns', (select count(*) from sor.turns t where t.tenant_id = _r.tenant_id and t.run_id = _r.run_id),
           'steps', (select count(*) from sor.steps s where s.tenant_id = _r.tenant_id and s.run_id = _r.run_id),
           'blocks', (select count(*) from sor.blocks b where b.tenant_id = _r.tenant_id and b.run_id = _r.run_id),
           'active_blocks', (select count(*) from sor.blocks b
                              where b.tenant_id = _r.tenant_id and b.run_id = _r.run_id and b.status = 'active'),
           'run_events', (select count(*) from sor.events e
                           where e.tenant_id = _r.tenant_id and e.stream = 'run-' || _r.run_id::text),
           'tagged_events', (select count(*) from sor.events e
                              where e.tenant_id = _r.tenant_id and e.occurred_at >= _r.started_at
                                and e.metadata ->> 'run_id' = _r.run_id::text
                                and not sor.is_reserved('stream category', e.stream)))
    into _counts;

  return jsonb_build_object(
    'run_id', _r.run_id,
    'tenant_id', _r.tenant_id,
    'workflow', _r.workflow,
    'worker_role', _r.worker_role,
    'worker_kind', _r.worker_kind,
    'status', _status,
    'recorded_status', _r.status,
    'started_at', _r.started_at,
    'finished_at', case when _lapsed then _r.lease_expires_at else _r.finished_at end,
    'version', _r.version,
    'last_step_id', _r.last_step_id,
    'hash_only', _r.hash_only,
    'error', _r.error,
    'tool_calls', _calls,
    'failure_point', _failure,
    'lease', _lease,
    'outbox', _outbox,
    'tasks', _tasks,
    'counts', _counts,
    'as_of', _now);
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.run_timeline(run_id uuid)
 RETURNS TABLE(at timestamp with time zone, source text, what text, details jsonb)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _r sor.runs := sor.forensic_run(run_timeline.run_id);
begin
  return query
  select x.at, x.source, x.what, x.details
    from sor.run_timeline_entries(_r, null) x
   order by x.at, x.ord, x.sub, x.key collate "C";
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.run_timeline(run_id uuid, after_entry text, max_rows integer)
 RETURNS TABLE(at timestamp with time zone, source text, what text, details jsonb, entry text)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _r sor.runs := sor.forensic_run(run_timeline.run_id);
  _parts text[];
  _at timestamptz := '-infinity';
  _ord integer := 0;
  _sub bigint := -9223372036854775808;
  _key text := '';
begin
  perform sor.check_max_rows(run_timeline.max_rows);
  if run_timeline.after_entry is not null then
    _parts := pg_catalog.regexp_match(run_timeline.after_entry, '^(-?[0-9]{1,19})/([0-9]{1,2})/(-?[0-9]{1,19})/(.*)$');
    if _parts is null then
      raise exception 'after_entry % is not an entry of a timeline page', pg_catalog.quote_literal(pg_catalog.left(run_timeline.after_entry, 100))
        using errcode = 'SR011', hint = 'Pass the entry column of the last row of the page before, as it was returned; NULL starts from the run''s start.';
    end if;
    _at := 'epoch'::timestamptz + (_parts[1] || ' microseconds')::interval;
    _ord := _parts[2]::integer;
    _sub := _parts[3]::bigint;
    _key := _parts[4];
  end if;
  return query
  select x.at, x.source, x.what, x.details,
         pg_catalog.concat_ws('/', (extract(epoch from x.at) * 1000000)::bigint, x.ord, x.sub, x.key)
    from sor.run_timeline_entries(_r, _at) x
   where (x.at, x.ord, x.sub, x.key collate "C") > (_at, _ord, _sub, _key collate "C")
   order by x.at, x.ord, x.sub, x.key collate "C"
   limit run_timeline.max_rows;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.run_tool_calls(run_id uuid)
 RETURNS TABLE(tool_call_id uuid, tool_name text, status text, args jsonb, args_sha256 text, result jsonb, error jsonb, idempotency_key text, started_at timestamp with time zone, finished_at timestamp with time zone)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _r sor.runs;
begin
  perform sor.current_worker();
  _r := sor.worker_run(run_tool_calls.run_id, false);
  return query
  select c.tool_call_id, c.tool_name, c.status, c.args, encode(c.args_sha256, 'hex'), c.result, c.error,
         c.idempotency_key, c.started_at, c.finished_at
    from sor.tool_calls c
   where c.tenant_id = _r.tenant_id and c.run_id = _r.run_id
   order by c.started_at, c.tool_call_id;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.run_tool_calls(run_id uuid, call_status text, after_tool_call_id uuid, max_rows integer)
 RETURNS TABLE(tool_call_id uuid, tool_name text, status text, args jsonb, args_sha256 text, result jsonb, error jsonb, idempotency_key text, started_at timestamp with time zone, finished_at timestamp with time zone)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
#variable_conflict use_column
declare
  _r sor.runs;
  _after_at timestamptz;
begin
  perform sor.current_worker();
  if run_tool_calls.call_status is not null and run_tool_calls.call_status not in ('started', 'succeeded', 'failed') then
    perform sor.journal_bad_input('call_status',
      'call_status is started (in flight), succeeded or failed, or NULL for every call.');
  end if;
  -- the page size of every reader of the kit (SR016)
  perform sor.check_max_rows(run_tool_calls.max_rows);
  _r := sor.worker_run(run_tool_calls.run_id, false);
  if run_tool_calls.after_tool_call_id is not null then
    select c.started_at into _after_at
      from sor.tool_calls c
     where c.tenant_id = _r.tenant_id and c.tool_call_id = run_tool_calls.after_tool_call_id and c.run_id = _r.run_id;
    if _after_at is null then
      raise exception 'unknown tool call % of run %', run_tool_calls.after_tool_call_id, _r.run_id
        using errcode = 'SR034',
              hint = 'after_tool_call_id is the last tool_call_id of a page of this run''s calls; NULL starts from its first call.';
    end if;
  end if;
  -- one statement per case, each a range of tool_calls_run_call_idx from the cursor on (a first
  -- page starts after -infinity); a status is a filter on that range (a finish changes no indexed
  -- column of a call, so it stays a HOT update)
  if run_tool_calls.call_status is null then
    return query
    select c.tool_call_id, c.tool_name, c.status, c.args, pg_catalog.encode(c.args_sha256, 'hex'), c.result, c.error,
           c.idempotency_key, c.started_at, c.finished_at
      from sor.tool_calls c
     where c.tenant_id = _r.tenant_id and c.run_id = _r.run_id
       and (c.started_at, c.tool_call_id) > (coalesce(_after_at, '-infinity'), coalesce(run_tool_calls.after_tool_call_id, '00000000-0000-0000-0000-000000000000'))
     order by c.started_at, c.tool_call_id
     limit run_tool_calls.max_rows;
  else
    return query
    select c.tool_call_id, c.tool_name, c.status, c.args, pg_catalog.encode(c.args_sha256, 'hex'), c.result, c.error,
           c.idempotency_key, c.started_at, c.finished_at
      from sor.tool_calls c
     where c.tenant_id = _r.tenant_id and c.run_id = _r.run_id and c.status = run_tool_calls.call_status
       and (c.started_at, c.tool_call_id) > (coalesce(_after_at, '-infinity'), coalesce(run_tool_calls.after_tool_call_id, '00000000-0000-0000-0000-000000000000'))
     order by c.started_at, c.tool_call_id
     limit run_tool_calls.max_rows;
  end if;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.seal_ledger(max_events integer DEFAULT 100000)
 RETURNS TABLE(block_id bigint, from_tx xid8, to_tx xid8, events bigint, first_position bigint, last_position bigint, block_hash text)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET lock_timeout TO '5s'
 SET jit TO 'off'
AS $function$
declare
  _horizon xid8;
  _last sor.ledger_blocks;
  _from xid8;
  _to xid8;
  _agg record;
  _row sor.ledger_blocks;
begin
  if seal_ledger.max_events is null or seal_ledger.max_events not between 1 and 1000000 then
    raise exception 'max_events must be 1 to 1000000, not %', coalesce(seal_ledger.max_events::text, 'NULL')
      using errcode = 'SR085', hint = 'The default, 100000, bounds the work of one block.';
  end if;
  -- one sealer at a time; readers and appenders are not blocked
  lock table sor.ledger_blocks in exclusive mode;
  _horizon := pg_snapshot_xmin(pg_current_snapshot());
  loop
    select * into _last from sor.ledger_blocks b order by b.block_id desc limit 1;
    _from := coalesce(_last.to_tx, '0'::xid8);
    exit when _from >= _horizon;
    -- end the block after the transaction holding its max_events-th event (a block never splits a transaction)
    select e.tx_id into _to
      from sor.events e
     where e.tx_id >= _from and e.tx_id < _horizon
     order by e.tx_id, e.position
     offset seal_ledger.max_events - 1 limit 1;
    _to := case when _to is null then _horizon else least((_to::text::numeric + 1)::text::xid8, _horizon) end;
    select pg_catalog.count(*) as n, pg_catalog.min(e.position) as first_position, pg_catalog.max(e.position) as last_position,
           pg_catalog.min(e.occurred_at) as first_at, pg_catalog.max(e.occurred_at) as last_at,
           sha256(coalesce(pg_catalog.string_agg(e.hash, ''::bytea order by e.tx_id, e.position), ''::bytea)) as digest
      into _agg
      from sor.events e
     where e.tx_id >= _from and e.tx_id < _to;
    exit when _agg.n = 0;  -- nothing to seal yet: the next block starts where the last one ended
    _row.block_id := coalesce(_last.block_id, 0) + 1;
    _row.from_tx := _from;
    _row.to_tx := _to;
    _row.events := _agg.n;
    _row.first_position := _agg.first_position;
    _row.last_position := _agg.last_position;
    _row.first_occurred_at := _agg.first_at;
    _row.last_occurred_at := _agg.last_at;
    _row.events_sha256 := _agg.digest;
    _row.prev_block_hash := _last.block_hash;
    _row.block_hash := sor.ledger_block_hash(_row.prev_block_hash, _row.block_id, _from, _to, _agg.n,
                                             _agg.first_position, _agg.last_position, _agg.digest);
    insert into sor.ledger_blocks (block_id, from_tx, to_tx, events, first_position, last_position, first_occurred_at,
                                   last_occurred_at, events_sha256, prev_block_hash, block_hash)
    values (_row.block_id, _row.from_tx, _row.to_tx, _row.events, _row.first_position, _row.last_position,
            _row.first_occurred_at, _row.last_occurred_at, _row.events_sha256, _row.prev_block_hash, _row.block_hash);
    block_id := _row.block_id; from_tx := _from; to_tx := _to; events := _agg.n;
    first_position := _agg.first_position; last_position := _agg.last_position;
    block_hash := pg_catalog.encode(_row.block_hash, 'hex');
    return next;
  end loop;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.set_completion_record(queue text, record text)
 RETURNS text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
begin
  if set_completion_record.record is null or set_completion_record.record not in ('event', 'row') then
    raise exception 'invalid completion record % for queue %', coalesce(quote_literal(set_completion_record.record), 'NULL'),
          coalesce(quote_literal(set_completion_record.queue), 'NULL')
      using errcode = 'SR059',
            hint = 'event: each completed task is also a task.completed event in the hash-chained log (the default); row: its sor.finished_tasks row is its one record.';
  end if;
  perform 1 from sor.queues q where q.queue = set_completion_record.queue for update;
  if not found then
    raise exception 'unknown queue %', coalesce(quote_literal(set_completion_record.queue), 'NULL')
      using errcode = 'SR050', hint = 'An admin creates queues with sor_api.create_queue(queue, description).';
  end if;
  -- written only when it changes: the time and login of the last change stay the change's
  update sor.queues q
     set completion_record = set_completion_record.record,
         completion_record_set_at = pg_catalog.clock_timestamp(),
         completion_record_set_by = session_user
   where q.queue = set_completion_record.queue and q.completion_record <> set_completion_record.record;
  return set_completion_record.record;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.set_outbox_broadcast(enabled boolean)
 RETURNS boolean
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _was boolean;
begin
  if set_outbox_broadcast.enabled is null then
    raise exception 'the outbox broadcast is on (true) or off (false), not NULL'
      using errcode = 'SR060', hint = 'Pass false once no dispatcher listens on sor_outbox (they listen on sor_api.wakeup_channel(''outbox'', tenant_id)), true for one that still does.';
  end if;
  select w.outbox_broadcast into _was from sor.wakeup_secret w where w.singleton for update;
  if not found then
    raise exception 'the wake-up channels have no secret: sor.wakeup_secret holds no row'
      using errcode = '55000', hint = 'An admin runs sor_api.rotate_wakeup_channels() to make one, then sets the broadcast.';
  end if;
  update sor.wakeup_secret w
     set outbox_broadcast = set_outbox_broadcast.enabled, outbox_broadcast_set_at = pg_catalog.clock_timestamp(),
         outbox_broadcast_set_by = session_user
   where w.singleton;
  return _was;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.set_overlay(run_id uuid, "overlay" jsonb)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _r sor.runs;
begin
  if set_overlay.run_id is null then
    perform sor.journal_bad_input('run_id', 'Pass the id of the run to correct.');
  end if;
  if set_overlay.overlay is null or jsonb_typeof(set_overlay.overlay) <> 'object' then
    perform sor.journal_bad_input('overlay', 'An overlay is a JSON object of the keys to correct.');
  end if;
  perform sor.check_size(set_overlay.overlay, 'the overlay for run ' || set_overlay.run_id);
  select r.* into _r from sor.runs r
   where r.run_id = set_overlay.run_id and sor_guard.is_member(r.tenant_id)
   for update;
  if not found then
    raise exception 'unknown run % for role %', set_overlay.run_id, session_user
      using errcode = 'SR034', hint = 'An approver corrects runs of the tenants it is a member of.';
  end if;
  update sor.runs r set overlay = r.overlay || set_overlay.overlay
   where r.tenant_id = _r.tenant_id and r.run_id = _r.run_id
  returning r.* into _r;
  return _r.state || _r.overlay;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.set_quota(tenant_id text, kind text, max_pending bigint)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
begin
  if set_quota.kind is null or set_quota.kind not in ('tasks', 'outbox')
     or set_quota.max_pending is null or set_quota.max_pending not between 0 and 1000000000 then
    raise exception 'invalid quota % of % for tenant %', coalesce(set_quota.max_pending::text, 'NULL'),
          coalesce(quote_literal(set_quota.kind), 'NULL'), coalesce(quote_literal(set_quota.tenant_id), 'the default')
      using errcode = 'SR067', hint = 'kind is tasks or outbox; max_pending between 0 and 1000000000.';
  end if;
  if set_quota.tenant_id is null then
    update sor.quota_defaults d
       set max_pending = set_quota.max_pending, set_at = pg_catalog.clock_timestamp(), set_by = session_user
     where d.kind = set_quota.kind;
    return;
  end if;
  perform 1 from sor.tenants t where t.tenant_id = set_quota.tenant_id;
  if not found then
    raise exception 'unknown tenant %', quote_literal(set_quota.tenant_id)
      using errcode = 'SR002', hint = 'Create the tenant first with sor_api.add_tenant.';
  end if;
  insert into sor.tenant_quotas as q (tenant_id, kind, max_pending)
  values (set_quota.tenant_id, set_quota.kind, set_quota.max_pending)
  on conflict on constraint tenant_quotas_pkey do update
     set max_pending = excluded.max_pending, set_at = pg_catalog.clock_timestamp(), set_by = session_user;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.set_retention(table_name text, keep interval, reason text)
 RETURNS sor.retention_policies
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _row sor.retention_policies;
begin
  if set_retention.table_name is null
     or set_retention.table_name not in (select t.parent::text from sor.partitioned_tables() t) then
    raise exception 'no retention for %: not a partitioned kit table', coalesce(pg_catalog.quote_literal(set_retention.table_name), 'NULL')
      using errcode = 'SR084', hint = 'One of sor.events, sor.outbox, sor.finished_tasks.';
  end if;
  if set_retention.keep is null or set_retention.keep < interval '1 month' then
    raise exception 'keep must be at least 1 month, not %', coalesce(set_retention.keep::text, 'NULL')
      using errcode = 'SR084', hint = 'Partitions are monthly: keep ''7 years'', ''18 months''.';
  end if;
  if set_retention.reason is null or pg_catalog.length(pg_catalog.btrim(set_retention.reason)) not between 1 and 500 then
    raise exception 'a retention change needs a reason (1-500 characters)'
      using errcode = 'SR084', hint = 'Name the rule or ticket that sets it.';
  end if;
  insert into sor.retention_policies (table_name, keep, reason)
  values (set_retention.table_name, set_retention.keep, pg_catalog.btrim(set_retention.reason))
  returning * into _row;
  return _row;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.start_run(tenant_id text, workflow text, input jsonb DEFAULT NULL::jsonb, idempotency_key text DEFAULT NULL::text, lease_seconds integer DEFAULT 60, hash_only boolean DEFAULT false, input_sha256 text DEFAULT NULL::text)
 RETURNS TABLE(run_id uuid, replayed boolean, status text, version integer)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _w sor.workers;
  _hash_only boolean;
  _input jsonb := start_run.input;
  _digest bytea;
  _new uuid := pg_catalog.gen_random_uuid();
  _claim sor.idempotency_keys;
  _r sor.runs;
  _expires timestamptz;
begin
  _w := sor.current_worker();
  -- membership first, and the same answer for an unknown tenant: nothing leaks about other tenants
  perform sor_guard.require_member(start_run.tenant_id);
  perform sor.session_defaults();
  perform sor.sweep_lapsed(sor_guard.member_tenants());
  if not sor.is_valid('slug', start_run.workflow) then
    perform sor.journal_bad_input('workflow', 'A workflow is a lowercase slug of at most 100 characters, e.g. reconcile-expenses.');
  end if;
  if start_run.lease_seconds is null or start_run.lease_seconds not between 1 and 3600 then
    perform sor.journal_bad_input('lease_seconds', 'A lease lasts 1 to 3600 seconds; heartbeat to extend it.');
  end if;
  if start_run.idempotency_key is not null then
    perform sor.journal_check_id(start_run.idempotency_key, 'idempotency_key', 255);
  end if;
  _hash_only := coalesce(start_run.hash_only, false)
                or coalesce((select s.hash_only from sor.tenant_settings s where s.tenant_id = start_run.tenant_id), false);
  if _input is null and (start_run.input_sha256 is null or not _hash_only) then
    _input := '{}'::jsonb;
  end if;
  _digest := sor.journal_digest(_input::text, start_run.input_sha256, _hash_only, 'input');

  if start_run.idempotency_key is not null then
    _claim := sor.idempotency_claim(start_run.tenant_id, 'start_run:' || start_run.workflow,
                                    start_run.idempotency_key, _digest, _new, null);
    if _claim.run_id is distinct from _new then
      if _claim.fingerprint <> _digest then
        raise exception 'idempotency key % of workflow % was used with another input', start_run.idempotency_key, start_run.workflow
          using errcode = 'SR037', hint = 'A retry must send the same input; a new request needs a new key.';
      end if;
      select r.* into _r from sor.runs r where r.tenant_id = start_run.tenant_id and r.run_id = _claim.run_id;
      -- the same run key after a crash: a run whose lease lapsed is resumed by this Worker (or taken
      -- over by this login of the run's kind), with a new lease and a higher fencing token
      if _r.worker_kind = _w.kind
         and (_r.status = 'abandoned' or (_r.status = 'running' and sor.lease_lapsed(_r.lease_expires_at))) then
        _r := sor.resume(_r.run_id, start_run.lease_seconds);
      end if;
      return query select _r.run_id, true, _r.status, _r.version;
      return;
    end if;
  end if;

  -- the lease's expiry is also where the sweeps of lapsed runs will first look at the run (sweep_at)
  _expires := sor.lease_clock() + make_interval(secs => start_run.lease_seconds);
  insert into sor.runs as r (tenant_id, run_id, workflow, idempotency_key, input, input_sha256, worker_role,
                             worker_kind, lease_seconds, lease_expires_at, sweep_at, hash_only)
  values (start_run.tenant_id, _new, start_run.workflow, start_run.idempotency_key,
          case when _hash_only then null else _input end, _digest, session_user, _w.kind,
          start_run.lease_seconds, _expires, _expires, _hash_only)
  returning r.* into _r;
  return query select _r.run_id, false, _r.status, _r.version;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.subscribe(tenant_id text, name text, stream_prefix text DEFAULT NULL::text, from_start boolean DEFAULT true)
 RETURNS TABLE(subscription text, prefix text, last_position bigint, created boolean, channel text)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET plan_cache_mode TO 'force_generic_plan'
 SET enable_sort TO 'off'
 SET enable_incremental_sort TO 'off'
 SET jit TO 'off'
AS $function$
declare
  _s sor.subscriptions;
  _created boolean := false;
  _tx xid8 := '0'::xid8;
  _pos bigint := 0;
  _horizon bigint;
begin
  perform sor_guard.require_reader(subscribe.tenant_id);
  if subscribe.name is null or not sor.is_valid('slug', subscribe.name) then
    raise exception 'subscription name % is not a slug', coalesce(pg_catalog.quote_literal(subscribe.name), 'NULL')
      using errcode = 'SR011', hint = 'Name a subscription with a lowercase slug of 1 to 100 characters, such as billing.projector.';
  end if;
  if subscribe.stream_prefix is not null
     and not sor.is_valid('stream_prefix', subscribe.stream_prefix) then
    raise exception 'stream prefix % is not the start of a stream name', pg_catalog.quote_literal(subscribe.stream_prefix)
      using errcode = 'SR011', hint = 'Pass NULL for every stream of the tenant, or a category with its dash (order-) or a longer start of a stream name.';
  end if;
  if subscribe.from_start is null then
    raise exception 'from_start is required'
      using errcode = 'SR011', hint = 'Pass true to read the tenant''s events from its first, false to read only those appended from now on.';
  end if;
  if not subscribe.from_start then
    -- from now: the checkpoint is the tenant's last event below its reader horizon (R__130), read
    -- in the statement after the horizon's, so with a snapshot that sees every event below it
    _horizon := sor.tenant_horizon(subscribe.tenant_id);
    -- bounded and ordered as rows of the primary key (as tenant_events_since reads), so it walks
    -- back the tenant's events only, never every tenant's positions
    select e.tx_id, e.position into _tx, _pos
      from sor.events e
     where (e.tenant_id, e.position) < (subscribe.tenant_id, _horizon)
       and (e.tenant_id, e.position) > (subscribe.tenant_id, 0::bigint)
     order by e.tenant_id desc, e.position desc
     limit 1;
    _tx := coalesce(_tx, '0'::xid8);
    _pos := coalesce(_pos, 0);
  end if;
  insert into sor.subscriptions as s (tenant_id, name, stream_prefix, last_tx_id, last_position)
  values (subscribe.tenant_id, subscribe.name, subscribe.stream_prefix, _tx, _pos)
  on conflict on constraint subscriptions_pkey do nothing
  returning s.* into _s;
  _created := _s.tenant_id is not null;
  if not _created then
    _s := sor.subscription(subscribe.tenant_id, subscribe.name);
    if _s.stream_prefix is distinct from subscribe.stream_prefix then
      raise exception 'subscription % of tenant % exists for %', pg_catalog.quote_literal(subscribe.name),
                      pg_catalog.quote_literal(subscribe.tenant_id),
                      coalesce('streams starting with ' || pg_catalog.quote_literal(_s.stream_prefix), 'every stream')
        using errcode = 'SR018',
              hint = 'Subscribe again with the same stream prefix to get the subscription back, or choose another name; sor_api.unsubscribe removes one.';
    end if;
  end if;
  return query select _s.name, _s.stream_prefix, _s.last_position, _created,
                      sor.wakeup_channel('events', _s.tenant_id);
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.subscriptions(tenant_id text)
 RETURNS TABLE(name text, stream_prefix text, last_position bigint, created_at timestamp with time zone, created_by name, acked_at timestamp with time zone, acked_by name, channel text)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
begin
  perform sor_guard.require_reader(subscriptions.tenant_id);
  return query
    select s.name, s.stream_prefix, s.last_position, s.created_at, s.created_by, s.acked_at, s.acked_by,
           sor.wakeup_channel('events', s.tenant_id)
      from sor.subscriptions s
     where s.tenant_id = subscriptions.tenant_id
     order by s.name;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.sweep_abandoned_runs()
 RETURNS integer
 LANGUAGE sql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
  select sor.mark_abandoned(null, null)
$function$;

CREATE OR REPLACE FUNCTION sor_api.sweep_idempotency_keys()
 RETURNS integer
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET lock_timeout TO '5s'
 SET jit TO 'off'
AS $function$
declare
  _n integer;
begin
  delete from sor.idempotency_keys k where k.expires_at <= pg_catalog.now();
  get diagnostics _n = row_count;
  return _n;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.tenant_events_since(tenant_id text, after_position bigint DEFAULT 0, max_rows integer DEFAULT 1000)
 RETURNS TABLE("position" bigint, stream text, version integer, type text, payload jsonb, metadata jsonb, actor name, occurred_at timestamp with time zone, tx_id xid8, prev_hash text, hash text)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET plan_cache_mode TO 'force_generic_plan'
 SET enable_sort TO 'off'
 SET enable_incremental_sort TO 'off'
 SET jit TO 'off'
AS $function$
declare
  _rows bigint;
  _horizon bigint;
begin
  perform sor_guard.require_reader(tenant_events_since.tenant_id);
  if tenant_events_since.after_position is null or tenant_events_since.after_position < 0 then
    raise exception 'after_position % is not a position', coalesce(tenant_events_since.after_position::text, 'NULL')
      using errcode = 'SR011', hint = 'Pass 0 to read from the start, then the position of the last event you processed.';
  end if;
  perform sor.check_max_rows(tenant_events_since.max_rows);
  perform sor.check_horizon_context();
  -- a reader that has read everything and polls again answers without the horizon (R__130)
  if sor.reader_caught_up(tenant_events_since.tenant_id, tenant_events_since.after_position, 'events_since:' || tenant_events_since.tenant_id) then
    return;
  end if;
  _horizon := sor.tenant_horizon(tenant_events_since.tenant_id);
  -- a new snapshot: every transaction that drew a position below the horizon has ended. The
  -- tenant's events are bounded and ordered as rows of the primary key, (tenant_id, position):
  -- only that key gives the order, so the read walks the tenant's events in it, never every
  -- tenant's positions (events_position_idx) filtering out the others' events. The plan is
  -- generic: a custom plan misjudges the rows' bounds and sorts every event of the tenant.
  return query
    select e.position, e.stream, e.version, e.type, e.payload, e.metadata, e.actor, e.occurred_at, e.tx_id,
           pg_catalog.encode(e.prev_hash, 'hex'), pg_catalog.encode(e.hash, 'hex')
      from sor.events e
     where (e.tenant_id, e.position) > (tenant_events_since.tenant_id, tenant_events_since.after_position)
       and (e.tenant_id, e.position) < (tenant_events_since.tenant_id, _horizon)
     order by e.tenant_id, e.position
     limit tenant_events_since.max_rows;
  get diagnostics _rows = row_count;
  perform sor.reader_page_read('events_since:' || tenant_events_since.tenant_id, _rows);
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.unsubscribe(tenant_id text, name text)
 RETURNS boolean
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
begin
  perform sor_guard.require_reader(unsubscribe.tenant_id);
  perform sor.subscription(unsubscribe.tenant_id, unsubscribe.name, true);
  delete from sor.subscriptions s where s.tenant_id = unsubscribe.tenant_id and s.name = unsubscribe.name;
  return true;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.verify_events(for_tenant text DEFAULT NULL::text, for_stream text DEFAULT NULL::text)
 RETURNS TABLE(tenant_id text, stream text, "position" bigint, version integer, expected_hash text, found_hash text, problem text, detail text)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
begin
  perform sor.check_verify_scope(verify_events.for_tenant, verify_events.for_stream);
  return query
    select c.tenant_id, c.stream, c.position, c.version,
           pg_catalog.encode(c.expected_hash, 'hex'), pg_catalog.encode(c.found_hash, 'hex'),
           c.problem, c.detail
      from sor.verify_event_chains(verify_events.for_tenant, verify_events.for_stream) c
     where c.problem is not null
     order by c.tenant_id, c.stream;
  -- a partition of sor.events the kit neither made nor attached with an approval: its rows never
  -- went through an append, whatever their hashes say (one row, whatever the scope)
  return query
    select null::text, null::text, null::bigint, null::integer, null::text, null::text,
           'unrecorded_partition'::text, u.detail
      from sor_guard.unrecorded_partitions() u
     where u.parent_table = 'sor.events'
     order by u.partition_name;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.verify_events_summary(for_tenant text DEFAULT NULL::text, for_stream text DEFAULT NULL::text)
 RETURNS TABLE(streams bigint, events bigint, broken_streams bigint, intact boolean)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
begin
  perform sor.check_verify_scope(verify_events_summary.for_tenant, verify_events_summary.for_stream);
  return query
    select pg_catalog.count(*), coalesce(pg_catalog.sum(c.events), 0)::bigint,
           pg_catalog.count(*) filter (where c.problem is not null),
           pg_catalog.count(*) filter (where c.problem is not null) = 0
      from sor.verify_event_chains(verify_events_summary.for_tenant, verify_events_summary.for_stream) c;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.verify_ledger(digest jsonb DEFAULT NULL::jsonb)
 RETURNS TABLE(block_id bigint, problem text, detail text)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _upto bigint;
  _b record;
  _prev bytea;
  _expected_from xid8 := '0'::xid8;
  _agg record;
  _retired boolean;
begin
  if verify_ledger.digest is not null then
    if pg_catalog.jsonb_typeof(verify_ledger.digest) <> 'object'
       or pg_catalog.jsonb_typeof(verify_ledger.digest -> 'block_id') <> 'number'
       or pg_catalog.jsonb_typeof(verify_ledger.digest -> 'block_hash') <> 'string'
       or (verify_ledger.digest ->> 'block_hash') !~ '^[0-9a-f]{64}$' then
      raise exception 'not a ledger digest: %', pg_catalog.left(verify_ledger.digest::text, 200)
        using errcode = 'SR085', hint = 'Pass the jsonb sor_api.ledger_digest() returned, as it was stored.';
    end if;
    if verify_ledger.digest ->> 'system_identifier' is distinct from (select s.system_identifier::text from pg_control_system() s)
       or verify_ledger.digest ->> 'database' is distinct from current_database() then
      raise exception 'this digest was taken from another database (%, server %)', verify_ledger.digest ->> 'database',
            verify_ledger.digest ->> 'system_identifier'
        using errcode = 'SR085',
              hint = 'A restored copy or a replica promoted elsewhere has another system identifier: verify the copy against a digest taken from it, or compare block hashes by hand.';
    end if;
    _upto := (verify_ledger.digest ->> 'block_id')::bigint;
    if not exists (select 1 from sor.ledger_blocks x where x.block_id = _upto) then
      block_id := _upto; problem := 'block_missing';
      detail := pg_catalog.format('the digest names block %s, which the ledger no longer holds (highest block: %s)', _upto,
                                  coalesce((select max(x.block_id)::text from sor.ledger_blocks x), 'none'));
      return next;
      return;
    end if;
  end if;
  for _b in select * from sor.ledger_blocks x where _upto is null or x.block_id <= _upto order by x.block_id loop
    if _b.from_tx <> _expected_from then
      block_id := _b.block_id; problem := 'range_gap';
      detail := pg_catalog.format('block %s starts at transaction %s, the block before ended at %s', _b.block_id, _b.from_tx, _expected_from);
      return next;
    end if;
    if _b.prev_block_hash is distinct from _prev then
      block_id := _b.block_id; problem := 'chain_broken';
      detail := pg_catalog.format('block %s does not link to the hash of the block before it', _b.block_id);
      return next;
    end if;
    if _b.block_hash <> sor.ledger_block_hash(_b.prev_block_hash, _b.block_id, _b.from_tx, _b.to_tx, _b.events,
                                              _b.first_position, _b.last_position, _b.events_sha256) then
      block_id := _b.block_id; problem := 'block_changed';
      detail := pg_catalog.format('block %s does not match its own hash', _b.block_id);
      return next;
    end if;
    select pg_catalog.count(*) as n,
           sha256(coalesce(pg_catalog.string_agg(e.hash, ''::bytea order by e.tx_id, e.position), ''::bytea)) as digest,
           pg_catalog.count(*) filter (where e.hash is distinct from
             sor_guard.event_hash(e.prev_hash, e.tenant_id, e.stream, e.version, e.type, e.payload, e.metadata, e.actor,
                                  e.occurred_at, e.position)) as changed
      into _agg
      from sor.events e
     where e.tx_id >= _b.from_tx and e.tx_id < _b.to_tx;
    _retired := exists (select 1 from sor.retired_partitions r
                         where r.parent_table = 'sor.events'
                           and coalesce(r.range_from, '-infinity') <= _b.last_occurred_at and r.range_to > _b.first_occurred_at);
    if _agg.changed > 0 then
      block_id := _b.block_id; problem := 'event_changed';
      detail := pg_catalog.format('%s events of block %s do not match their own hash', _agg.changed, _b.block_id);
      return next;
    elsif _agg.n = _b.events and _agg.digest = _b.events_sha256 then
      null;
    elsif _agg.n < _b.events and _retired then
      null; -- events left with a retired partition, whose digest sor.retired_partitions holds
    elsif _agg.n < _b.events then
      block_id := _b.block_id; problem := 'events_missing';
      detail := pg_catalog.format('block %s sealed %s events, %s remain', _b.block_id, _b.events, _agg.n);
      return next;
    elsif _agg.n > _b.events then
      block_id := _b.block_id; problem := 'events_added';
      detail := pg_catalog.format('block %s sealed %s events, %s are there now', _b.block_id, _b.events, _agg.n);
      return next;
    else
      block_id := _b.block_id; problem := 'events_rehashed';
      detail := pg_catalog.format('the hashes of block %s''s events are not the ones sealed', _b.block_id);
      return next;
    end if;
    _prev := _b.block_hash;
    _expected_from := _b.to_tx;
  end loop;
  if verify_ledger.digest is not null
     and pg_catalog.encode((select x.block_hash from sor.ledger_blocks x where x.block_id = _upto), 'hex')
         <> verify_ledger.digest ->> 'block_hash' then
    block_id := _upto; problem := 'digest_mismatch';
    detail := pg_catalog.format('block %s no longer has the hash the digest recorded: the ledger was rebuilt', _upto);
    return next;
  end if;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.wakeup_channel(kind text, key text)
 RETURNS text
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _channel text;
begin
  if wakeup_channel.kind is null or wakeup_channel.kind not in ('events', 'tasks', 'outbox') or wakeup_channel.key is null then
    raise exception 'no wake-up channel for kind % and key %', coalesce(pg_catalog.quote_literal(wakeup_channel.kind), 'NULL'),
                    coalesce(pg_catalog.quote_literal(wakeup_channel.key), 'NULL')
      using errcode = 'SR011',
            hint = 'Ask for kind ''events'' with a tenant id (appends of that tenant), ''tasks'' with a queue name (tasks enqueued on it) or ''outbox'' with a tenant id (outbox rows of that tenant ready to lease); then LISTEN on the name returned, quoted as an identifier.';
  end if;
  if wakeup_channel.kind = 'events' then
    perform sor_guard.require_reader(wakeup_channel.key);
  elsif wakeup_channel.kind = 'outbox' then
    perform sor_guard.require_member(wakeup_channel.key);
  else
    -- the asking connection listens: the enqueue paths notify the queue while it is alive
    perform sor.task_listen(wakeup_channel.key);
  end if;
  -- a queue's channel is the asking login's own: it hears the enqueues of its own tenants only
  _channel := sor.wakeup_channel(wakeup_channel.kind,
                                 case when wakeup_channel.kind = 'tasks' then wakeup_channel.key || '/' || session_user
                                      else wakeup_channel.key end);
  if _channel is null then
    raise exception 'the wake-up channels have no secret: sor.wakeup_secret holds no row'
      using errcode = '55000', hint = 'An admin runs sor_api.rotate_wakeup_channels() to make one; read or claim by polling meanwhile.';
  end if;
  return _channel;
end
$function$;

CREATE OR REPLACE FUNCTION sor_api.what_happened(from_at timestamp with time zone, to_at timestamp with time zone, tenant_id text DEFAULT NULL::text)
 RETURNS TABLE(event_position bigint, occurred_at timestamp with time zone, tenant text, stream text, type text, actor name, summary text)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _all boolean := pg_catalog.pg_has_role(session_user, 'sor_auditor', 'MEMBER');
begin
  if from_at is null or to_at is null or from_at > to_at then
    raise exception 'bad window [%, %)', from_at, to_at
      using errcode = 'SR092', hint = 'Pass a window whose start is not after its end, neither NULL.';
  end if;
  if to_at - from_at > interval '31 days' then
    raise exception 'window [%, %) is longer than 31 days', from_at, to_at
      using errcode = 'SR093', hint = 'Ask about at most 31 days at a time.';
  end if;
  if what_happened.tenant_id is not null then
    -- the read gate: an unknown tenant and another tenant's id get the same answer (SR008), an
    -- auditor SR002 for an unknown tenant
    perform sor_guard.require_reader(what_happened.tenant_id);
  end if;
  return query
  select e.position, e.occurred_at, e.tenant_id, e.stream, e.type, e.actor,
         sor.event_summary(e.stream, e.type, e.payload, e.actor)
    from sor.events e
   where e.occurred_at >= from_at and e.occurred_at < to_at
     and (what_happened.tenant_id is null or e.tenant_id = what_happened.tenant_id)
     and (_all or e.tenant_id = any (sor_guard.member_tenants()))
   order by e.position;
end
$function$;

CREATE OR REPLACE FUNCTION sor_guard.acl(acl aclitem[], owner oid, objtype "char")
 RETURNS jsonb
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
  select coalesce(jsonb_agg(x.g order by x.g), '[]'::jsonb)
    from (select distinct case when a.grantee = 0 then 'PUBLIC' else a.grantee::regrole::text end
                          || ':' || a.privilege_type || case when a.is_grantable then '*' else '' end as g
            from aclexplode(coalesce(acl, acldefault(objtype, owner))) a
           where a.grantee <> owner and cardinality(coalesce(acl, acldefault(objtype, owner))) > 0) x
$function$;

CREATE OR REPLACE FUNCTION sor_guard.approval_object(operation text, object text)
 RETURNS text
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
  select coalesce(
    (select case when approval_object.object = r.identity then r.spec ->> 'partition_of'
                 when starts_with(approval_object.object, r.identity || '.')
                   then (r.spec ->> 'partition_of') || substr(approval_object.object, length(r.identity) + 1)
                 else left(approval_object.object, length(approval_object.object) - length(r.identity)) || (r.spec ->> 'partition_of')
            end
       from sor_guard.registered r
      where r.present and r.kind = 'table' and r.spec ->> 'partition_of' is not null
        and approval_object.operation not in ('detach partition', 'attach partition', 'drop table', 'rename')
        and (approval_object.object = r.identity or starts_with(approval_object.object, r.identity || '.')
             or right(approval_object.object, length(r.identity) + 4) = ' on ' || r.identity)
      order by length(r.identity) desc
      limit 1),
    approval_object.object)
$function$;

CREATE OR REPLACE FUNCTION sor_guard.approval_used(operation text, object_identity text)
 RETURNS bigint
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
  select a.approval_id from sor.ddl_audit a
   where a.tx_id = pg_current_xact_id_if_assigned() and a.operation = approval_used.operation
     and a.object_identity = approval_used.object_identity and a.approval_id is not null
   order by a.audit_id desc limit 1
$function$;

CREATE OR REPLACE FUNCTION sor_guard.approve(operation text, object_identity text, ticket text, rehearsed_on text, expires_at timestamp with time zone)
 RETURNS bigint
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
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
$function$;

CREATE OR REPLACE FUNCTION sor_guard.authorize(command_tag text, operations text[], objects text[])
 RETURNS bigint[]
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _approval bigint;
  _ids bigint[] := '{}';
  _refused_op text;
  _refused_id text;
  _role text := current_setting('role');
begin
  for i in 1 .. coalesce(array_length(authorize.operations, 1), 0) loop
    _approval := null;
    update sor.ddl_approvals a
       set consumed_at = clock_timestamp(), consumed_by = session_user, consumed_statement = current_query()
     where a.approval_id = (
             select o.approval_id from sor.ddl_approvals o
              where o.operation = authorize.operations[i]
                and o.object_identity = authorize.objects[i]
                and o.consumed_at is null
                and o.expires_at > clock_timestamp()
                and o.approved_by <> session_user
                and sor_guard.may_approve(o.approved_by)
              order by o.approved_at, o.approval_id
              limit 1
                for update)
       and a.consumed_at is null
    returning a.approval_id into _approval;
    if _approval is null then
      -- one statement that reaches the same object again (ALTER TABLE rewriting each partition of a
      -- partitioned table) uses the approval it consumed the first time
      select d.approval_id into _approval
        from sor.ddl_audit d
       where d.tx_id = pg_current_xact_id_if_assigned() and d.operation = authorize.operations[i]
         and d.object_identity = authorize.objects[i] and d.statement = current_query() and d.approval_id is not null
       order by d.audit_id desc limit 1;
      if _approval is not null then
        _ids := _ids || _approval;
        continue;
      end if;
    end if;
    if _approval is null then
      -- the migrating role's open run of an approved release covers what that release changes
      _approval := sor_guard.release_allows(authorize.operations[i], authorize.objects[i]);
      if _approval is not null then
        insert into sor.ddl_audit (set_role, command_tag, operation, object_identity, statement, approval_id, outcome)
        values (_role, authorize.command_tag, authorize.operations[i], authorize.objects[i], current_query(), _approval, 'allowed');
        _ids := _ids || _approval;
        continue;
      end if;
      raise log 'pg-sor drop guard refused: % of % (command %, session_user %, role %, statement: %)',
                authorize.operations[i], authorize.objects[i], authorize.command_tag, session_user, _role, current_query();
      if _refused_op is null then
        _refused_op := authorize.operations[i];
        _refused_id := authorize.objects[i];
      end if;
    else
      insert into sor.ddl_audit (set_role, command_tag, operation, object_identity, statement, approval_id, outcome)
      values (_role, authorize.command_tag, authorize.operations[i], authorize.objects[i], current_query(), _approval, 'allowed');
    end if;
    _ids := _ids || _approval;
  end loop;
  if _refused_op is not null then
    raise exception 'drop guard: % of % needs an approval', _refused_op, _refused_id
      using errcode = 'SR020',
            hint = format('A member of sor_approver, not the role running this DDL, approves it once: select sor_api.approve_ddl(%L, %L, ticket, rehearsed_on, expires_at);',
                          _refused_op, _refused_id);
  end if;
  return _ids;
end
$function$;

CREATE OR REPLACE FUNCTION sor_guard.begin_release(history text, version text, digest text, manifest text)
 RETURNS boolean
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _module text := sor_guard.release_module(begin_release.history);
  _installed sor_guard.releases;
  _approval bigint;
  _allowed text[] := '{}';
begin
  if _module is null then
    return false;
  end if;
  perform sor_guard.check_release(begin_release.version, begin_release.digest, begin_release.manifest);
  _installed := sor_guard.release_latest(begin_release.history, array['installed', 'upgraded']);
  if _installed.entry_id is not null and _installed.digest <> begin_release.digest then
    _approval := sor_guard.release_approval(begin_release.history, begin_release.version, begin_release.digest);
    if _approval is null then
      raise exception 'pg-sor %: this database holds pg-sor % (%); upgrading it to % needs the release approved',
                      _module, _installed.version, _installed.digest, begin_release.version
        using errcode = 'SR026',
              detail = format('No unexpired approval of release %s %s by a member of sor_approver other than %s was found. Nothing was migrated.',
                              begin_release.version, begin_release.digest, session_user),
              hint = format('A member of sor_approver (not %s) runs: select sor_api.approve_release(%L, %L, ticket => ''<change ticket>'', rehearsed_on => ''<where it was rehearsed>'', expires_at => now() + interval ''1 day''); then migrate again (docs/operate/upgrade.md).',
                            session_user, begin_release.version, begin_release.digest);
    end if;
    _allowed := sor_guard.release_changes(_installed.manifest, begin_release.manifest, _module);
  elsif _installed.entry_id is not null then
    -- the installed release again: nothing to open, nothing written; the history trigger checks
    -- any script this run records against the installed release's manifest
    return true;
  end if;
  insert into sor_guard.releases (history, module, event, version, digest, from_version, from_digest, approval_id, allowed, manifest)
  values (begin_release.history, _module, 'opened', begin_release.version, begin_release.digest,
          _installed.version, _installed.digest, _approval, _allowed, begin_release.manifest);
  return true;
end
$function$;

CREATE OR REPLACE FUNCTION sor_guard.can_read_tenant(tenant_id text)
 RETURNS boolean
 LANGUAGE sql
 STABLE
 SET jit TO 'off'
AS $function$
  select pg_catalog.pg_has_role(session_user, 'sor_auditor', 'MEMBER') or sor_guard.is_member(can_read_tenant.tenant_id)
$function$;

CREATE OR REPLACE FUNCTION sor_guard.check_release(version text, digest text, manifest text)
 RETURNS void
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _header jsonb;
begin
  if check_release.digest is distinct from 'sha256:' || encode(sha256(convert_to(coalesce(check_release.manifest, ''), 'UTF8')), 'hex') then
    raise exception 'pg-sor: the release callback''s manifest does not match its digest %', coalesce(check_release.digest, 'NULL')
      using errcode = 'SR028',
            hint = 'db/callbacks/beforeMigrate__pgsor_release.sql and afterMigrate__pgsor_release.sql are generated with the release manifest (pg-sor release); restore them as the release shipped them.';
  end if;
  select l into _header from sor_guard.manifest_lines(check_release.manifest) l limit 1;
  if _header ->> 'manifest' is null or _header ->> 'release' is distinct from check_release.version then
    raise exception 'pg-sor: the release callback names release % but its manifest is of %',
                    coalesce(check_release.version, 'NULL'), coalesce(_header ->> 'release', 'no release')
      using errcode = 'SR028',
            hint = 'Restore the release callbacks as the release shipped them.';
  end if;
end
$function$;

CREATE OR REPLACE FUNCTION sor_guard.classify(kind text, object text, class text)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _identity text;
begin
  -- the object is resolved by the catalog with the caller's rights, so a typo fails here
  _identity := case classify.kind
    when 'function' then sor_guard.ident('pg_proc'::regclass, classify.object::regprocedure)
    when 'table' then sor_guard.ident('pg_class'::regclass, classify.object::regclass)
    when 'index' then sor_guard.ident('pg_class'::regclass, classify.object::regclass)
    when 'constraint' then (select sor_guard.ident('pg_constraint'::regclass, c.oid)
                              from pg_constraint c
                             where c.conname = split_part(classify.object, ' on ', 1)
                               and c.conrelid = split_part(classify.object, ' on ', 2)::regclass)
  end;
  if _identity is null then
    raise exception 'cannot classify % %: no such object', classify.kind, classify.object
      using errcode = '42704', hint = 'Name a function as schema.name(argument types), a table or index as schema.name, a constraint as name on schema.table.';
  end if;
  perform sor_guard.declare_class(classify.kind, _identity, classify.class);
end
$function$;

CREATE OR REPLACE FUNCTION sor_guard.contract_lines(contract text)
 RETURNS TABLE(block text, line text)
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
  with l as (
    select n, t from regexp_split_to_table(contract_lines.contract, E'\n') with ordinality as x(t, n)
     where btrim(t) <> '' and t !~ '^#'
  ), h as (
    select n, t, sum(case when t !~ '^\s' then 1 else 0 end) over (order by n) as g from l
  )
  select first_value(btrim(h.t)) over (partition by h.g order by h.n), btrim(h.t)
    from h
$function$;

CREATE OR REPLACE FUNCTION sor_guard.current_tenants()
 RETURNS SETOF text
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
  select m.tenant_id
    from sor.tenant_members m
    join pg_catalog.pg_roles r on r.rolname = m.role_name
   where m.role_name = current_user and r.rolcanlogin
$function$;

CREATE OR REPLACE FUNCTION sor_guard.declare_class(kind text, identity text, class text)
 RETURNS void
 LANGUAGE sql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
  insert into sor_guard.classes (kind, identity, class)
  values (declare_class.kind, declare_class.identity, declare_class.class)
  on conflict on constraint classes_pkey do nothing
$function$;

CREATE OR REPLACE FUNCTION sor_guard.diff(roots text[] DEFAULT NULL::text[])
 RETURNS TABLE(kind text, identity text, root_kind text, root_objid oid, objid oid, operation text, object text, outcome text, detail text, live_spec jsonb)
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
  with live as materialized (
    select l.* from sor_guard.live_objects(roots) l
  ), reg as materialized (
    select r.* from sor_guard.registered r
     where r.present
       and (roots is null or r.root_kind || ':' || r.root_objid = any (roots)
            or r.kind || ':' || r.objid = any (roots))
  ), registered_roots as (
    select distinct r.root_kind, r.root_objid from sor_guard.registered r where r.present
  ), baseline as materialized (
    -- the expected state as it stood before this transaction
    select distinct on (b.kind, b.identity) b.kind, b.identity, b.spec
      from sor_guard.register b
     where b.tx_id is distinct from pg_current_xact_id_if_assigned()
       and exists (select 1 from reg r where r.kind = b.kind and r.identity = b.identity)
     order by b.kind, b.identity, b.entry_id desc
  ), pairs as (
    select coalesce(r.kind, l.kind) as kind,
           coalesce(r.identity, l.identity) as identity,
           coalesce(l.root_kind, r.root_kind) as root_kind,
           coalesce(l.root_objid, r.root_objid) as root_objid,
           coalesce(l.objid, r.objid) as objid,
           r.spec as before, l.spec as after,
           r.kind is not null as registered,
           -- a new child counts only on a root that is registered
           l.kind is not null and r.kind is null and l.kind not in ('schema', 'table', 'view', 'function', 'event trigger')
             and exists (select 1 from registered_roots rr where rr.root_kind = l.root_kind and rr.root_objid = l.root_objid) as new_child
      from reg r
      full join live l on l.kind = r.kind and l.identity = r.identity
  ), renamed as (
    -- a registered object whose name is gone but whose oid lives on under another name
    select p.kind, p.identity, p.root_kind, p.root_objid, l.identity as new_identity
      from pairs p join live l on l.kind = p.kind and l.objid = p.objid
     where p.registered and p.after is null and l.identity <> p.identity
  ), renamed_roots as (
    select n.root_kind, n.root_objid from renamed n where n.kind = n.root_kind
  ), detached_roots as (
    -- a partition detached from its parent loses the triggers it had cloned from it
    select p.root_kind, p.root_objid from pairs p
     where p.kind = 'table' and p.before ->> 'partition_of' is not null and p.after is not null
       and (p.after ->> 'partition_of') is distinct from (p.before ->> 'partition_of')
  )
  select p.kind, p.identity, p.root_kind, p.root_objid, p.objid,
         case when n.new_identity is not null then 'rename' else j.operation end,
         p.identity || coalesce('.' || quote_ident(j.column_name), ''),
         case when n.new_identity is not null then 'approve'
              -- the triggers a detached partition had cloned from its parent go with the detach, the one change to approve
              when p.kind = 'trigger' and p.after is null
                   and exists (select 1 from detached_roots d where d.root_kind = p.root_kind and d.root_objid = p.root_objid)
                then 'tighten'
              else j.outcome end,
         case when n.new_identity is not null then 'renamed or moved to ' || n.new_identity else j.detail end,
         p.after
    from pairs p
    left join renamed n on n.kind = p.kind and n.identity = p.identity
   cross join lateral sor_guard.judge(p.kind, p.identity, p.before, p.after,
                                      p.kind = 'function'
                                      and (p.identity like 'sor\_guard.%'
                                           or exists (select 1 from sor_guard.classes c
                                                       where c.kind = 'function' and c.identity = p.identity and c.class = 'guard')),
                                      (select b.spec from baseline b where b.kind = p.kind and b.identity = p.identity)) j
   where (p.registered or p.new_child)
     and not (n.new_identity is not null and j.operation is null)
     -- the objects of a renamed table follow it: the table's rename is the one change to approve
     and not (p.kind <> p.root_kind
              and exists (select 1 from renamed_roots rr where rr.root_kind = p.root_kind and rr.root_objid = p.root_objid))
$function$;

CREATE OR REPLACE FUNCTION sor_guard.end_release(history text, version text, digest text, manifest text)
 RETURNS text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _module text := sor_guard.release_module(end_release.history);
  _run sor_guard.releases;
  _installed sor_guard.releases;
  _event text;
begin
  if _module is null then
    return null;
  end if;
  perform sor_guard.check_release(end_release.version, end_release.digest, end_release.manifest);
  _run := sor_guard.release_latest(end_release.history);
  _installed := sor_guard.release_latest(end_release.history, array['installed', 'upgraded']);
  if _run.event = 'opened' and _run.digest = end_release.digest and _run.approval_id is not null then
    update sor.ddl_approvals a
       set consumed_at = clock_timestamp(), consumed_by = session_user, consumed_statement = 'pg-sor release ' || end_release.version
     where a.approval_id = _run.approval_id and a.consumed_at is null;
    _event := 'upgraded';
  elsif _installed.entry_id is null then
    -- the first run under release control: a fresh install, or an upgrade from a release that did
    -- not record itself (before 0.3.0)
    _event := 'installed';
  elsif _installed.digest = end_release.digest then
    return 'unchanged';  -- the installed release again: nothing is written
  else
    -- another release's scripts ran without an approved run (the callbacks were skipped): it is not
    -- recorded as installed, so the next migrate with the callbacks asks for the approval
    raise warning 'pg-sor %: this migrate of % was not an approved upgrade from % (%): not recorded as installed',
                  _module, end_release.version, _installed.version, _installed.digest;
    return 'unrecorded';
  end if;
  insert into sor_guard.releases (history, module, event, version, digest, from_version, from_digest, approval_id, manifest)
  values (end_release.history, _module, _event, end_release.version, end_release.digest,
          _installed.version, _installed.digest, case when _event = 'upgraded' then _run.approval_id end, end_release.manifest);
  return _event;
end
$function$;

CREATE OR REPLACE FUNCTION sor_guard.event_hash(prev_hash bytea, tenant_id text, stream text, version integer, type text, payload jsonb, metadata jsonb, actor name, occurred_at timestamp with time zone, "position" bigint)
 RETURNS bytea
 LANGUAGE sql
 STABLE PARALLEL SAFE
AS $function$
  -- (stable, not immutable, though it is a pure function of its arguments: an immutable function
  -- whose arguments call now() or session_user is not inlined, and a SQL function that is not
  -- inlined costs an executor of its own per call)
  -- jsonb text is canonical (keys sorted, whitespace normalised); the timestamp is rendered in
  -- UTC with microseconds, so the encoding does not depend on the session's TimeZone. One
  -- expression, no SET clause: inlined into the statement that calls it (an append's INSERT,
  -- verify_events' reads), where it costs the expression alone.
  select pg_catalog.sha256(
           coalesce(event_hash.prev_hash, '\x'::bytea)
           || pg_catalog.convert_to(
                pg_catalog.jsonb_build_array(
                  event_hash.tenant_id, event_hash.stream, event_hash.version, event_hash.type,
                  event_hash.payload, event_hash.metadata, event_hash.actor::text,
                  pg_catalog.to_char(event_hash.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                  event_hash."position")::text,
                'UTF8'))
$function$;

CREATE OR REPLACE FUNCTION sor_guard.fail_release(history text)
 RETURNS void
 LANGUAGE sql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
  insert into sor_guard.releases (history, module, event, version, digest, from_version, from_digest, approval_id)
  select r.history, r.module, 'failed', r.version, r.digest, r.from_version, r.from_digest, r.approval_id
    from sor_guard.release_latest(fail_release.history) r
   where r.event = 'opened'
$function$;

CREATE OR REPLACE FUNCTION sor_guard.function_sha256(fn oid)
 RETURNS text
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
  select encode(sha256(convert_to(pg_get_functiondef(fn), 'UTF8')), 'hex')
$function$;

CREATE OR REPLACE FUNCTION sor_guard.ident(classid oid, objid oid, objsubid integer DEFAULT 0)
 RETURNS text
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
  select (pg_identify_object(classid, objid, objsubid)).identity
$function$;

CREATE OR REPLACE FUNCTION sor_guard.is_member(tenant_id text)
 RETURNS boolean
 LANGUAGE plpgsql
 STABLE
 SET jit TO 'off'
AS $function$
begin
  -- plpgsql, not sql: the query plan is cached for the session instead of planned on every call
  return exists (select 1 from sor.tenant_members m
                  where m.tenant_id = is_member.tenant_id and m.role_name = session_user);
end
$function$;

CREATE OR REPLACE FUNCTION sor_guard.is_target(operation text, object_identity text)
 RETURNS boolean
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
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
$function$;

CREATE OR REPLACE FUNCTION sor_guard.judge(kind text, identity text, before jsonb, after jsonb, is_guard boolean, baseline jsonb DEFAULT NULL::jsonb)
 RETURNS TABLE(operation text, outcome text, detail text, column_name text)
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _col text;
  _b jsonb;
  _a jsonb;
begin
  if before is not distinct from after then
    return;
  end if;
  if after is null then
    return query select 'drop ' || kind,
                        case when kind = 'function' and not is_guard then 'record' else 'approve' end,
                        'dropped', null::text;
    return;
  end if;
  if before is null then
    -- a new object on a registered root: widening unless it only narrows
    if kind = 'policy' and not (after ->> 'permissive')::boolean then
      return query select 'create policy', 'tighten', 'restrictive policy added', null::text;
    elsif kind in ('policy', 'trigger', 'rule') then
      return query select 'create ' || kind, 'approve', kind || ' added to a protected table', null::text;
    else
      return query select 'create ' || kind, 'tighten', kind || ' added', null::text;
    end if;
    return;
  end if;
  -- grants: widening needs an approval, narrowing only narrows. A privilege held before this
  -- transaction (baseline) and revoked then granted again within it is not new: a repeatable file
  -- that converges its grants with REVOKE ALL then GRANT passes.
  if (after -> 'acl') is distinct from (before -> 'acl') then
    if exists (select 1 from jsonb_array_elements_text(coalesce(after -> 'acl', '[]')) g
                where not (coalesce(before -> 'acl', '[]') ? g) and not (coalesce(baseline -> 'acl', '[]') ? g)) then
      return query select 'grant', 'approve',
        'new privileges: ' || (select string_agg(g, ', ' order by g) from jsonb_array_elements_text(after -> 'acl') g
                                where not (coalesce(before -> 'acl', '[]') ? g) and not (coalesce(baseline -> 'acl', '[]') ? g)), null::text;
    else
      return query select 'revoke', 'tighten', 'privileges revoked', null::text;
    end if;
  end if;
  if (after -> 'owner') is distinct from (before -> 'owner') then
    return query select 'alter ' || kind, 'approve', format('owner %s -> %s', before ->> 'owner', after ->> 'owner'), null::text;
  end if;
  if (after - 'acl' - 'owner') is not distinct from (before - 'acl' - 'owner') then
    return;
  end if;
  case kind
  when 'table' then
    if (before ->> 'rls')::boolean and not (after ->> 'rls')::boolean then
      return query select 'disable row level security', 'approve', 'row level security disabled', null::text;
    elsif not (before ->> 'rls')::boolean and (after ->> 'rls')::boolean then
      return query select 'enable row level security', 'tighten', 'row level security enabled', null::text;
    end if;
    if (before ->> 'force_rls')::boolean and not (after ->> 'force_rls')::boolean then
      return query select 'no force row level security', 'approve', 'row level security no longer forced', null::text;
    elsif not (before ->> 'force_rls')::boolean and (after ->> 'force_rls')::boolean then
      return query select 'force row level security', 'tighten', 'row level security forced', null::text;
    end if;
    if (before -> 'persistence') is distinct from (after -> 'persistence') or (before -> 'relkind') is distinct from (after -> 'relkind') then
      return query select 'alter table', 'approve', format('persistence %s -> %s', before ->> 'persistence', after ->> 'persistence'), null::text;
    end if;
    if (before -> 'partition_of') is distinct from (after -> 'partition_of') then
      if before ->> 'partition_of' is not null then
        return query select 'detach partition', 'approve', 'detached from ' || (before ->> 'partition_of'), null::text;
      else
        return query select 'attach partition', 'tighten', 'attached to ' || (after ->> 'partition_of'), null::text;
      end if;
    end if;
    for _col in select k from jsonb_object_keys(before -> 'columns') k union select k from jsonb_object_keys(after -> 'columns') k loop
      _b := before -> 'columns' -> _col;
      _a := after -> 'columns' -> _col;
      if _a is null then
        return query select 'drop column', 'approve', 'column ' || _col || ' dropped', _col;
      elsif _b is null then
        return query select 'add column', 'tighten', 'column ' || _col || ' added', _col;
      elsif (_a -> 'type') is distinct from (_b -> 'type') or (_a -> 'collation') is distinct from (_b -> 'collation') then
        return query select 'alter column type', 'approve', format('column %s: %s -> %s', _col, _b ->> 'type', _a ->> 'type'), _col;
      elsif (_a -> 'default') is distinct from (_b -> 'default') or (_a -> 'identity') is distinct from (_b -> 'identity')
            or (_a -> 'generated') is distinct from (_b -> 'generated')
            or ((_b ->> 'not_null')::boolean and not (_a ->> 'not_null')::boolean) then
        return query select 'alter column', 'approve', format('column %s changed', _col), _col;
      elsif (_a -> 'acl') is distinct from (_b -> 'acl') then
        if exists (select 1 from jsonb_array_elements_text(_a -> 'acl') g
                    where not (_b -> 'acl' ? g) and not coalesce(baseline -> 'columns' -> _col -> 'acl' ? g, false)) then
          return query select 'grant', 'approve', format('new privileges on column %s', _col), _col;
        else
          return query select 'revoke', 'tighten', format('privileges on column %s revoked', _col), _col;
        end if;
      elsif _a is distinct from _b then
        return query select 'alter column', 'tighten', format('column %s set not null', _col), _col;
      end if;
    end loop;
  when 'view' then
    if (after -> 'options') is distinct from (before -> 'options') then
      return query select 'alter view', 'approve', format('options %s -> %s', before -> 'options', after -> 'options'), null::text;
    end if;
    if (after -> 'definition_sha256') is distinct from (before -> 'definition_sha256') then
      return query select 'redefine view', 'record', 'new definition', null::text;
    end if;
  when 'function' then
    if (after -> 'definition_sha256') is distinct from (before -> 'definition_sha256') then
      if is_guard then
        return query select 'replace function', 'approve', 'a guard function was redefined', null::text;
      else
        return query select 'redefine function', 'record', 'new definition', null::text;
      end if;
    end if;
  when 'trigger' then
    if (after -> 'definition') is distinct from (before -> 'definition') then
      return query select 'alter trigger', 'approve', 'trigger definition changed', null::text;
    elsif before ->> 'enabled' = 'A' or after ->> 'enabled' = 'D' then
      return query select 'disable trigger', 'approve', format('enabled %s -> %s', before ->> 'enabled', after ->> 'enabled'), null::text;
    else
      return query select 'enable trigger', 'tighten', format('enabled %s -> %s', before ->> 'enabled', after ->> 'enabled'), null::text;
    end if;
  when 'rule' then
    return query select 'alter rule', 'approve', 'rule changed', null::text;
  when 'policy' then
    return query select 'alter policy', 'approve', 'policy changed', null::text;
  when 'constraint' then
    -- a validation: the same constraint, validated now (pg_get_constraintdef ends a constraint
    -- not yet validated with NOT VALID, so its text loses those words as it is validated)
    if (before ->> 'type') is not distinct from (after ->> 'type')
       and pg_catalog.regexp_replace(before ->> 'definition', ' NOT VALID$', '') = (after ->> 'definition')
       and not (before ->> 'validated')::boolean and (after ->> 'validated')::boolean then
      return query select 'validate constraint', 'tighten', 'constraint validated', null::text;
    else
      return query select 'alter constraint', 'approve', 'constraint changed', null::text;
    end if;
  when 'index' then
    return query select 'alter index', 'approve', 'index changed', null::text;
  when 'schema' then
    return query select 'alter schema', 'approve', 'schema changed', null::text;
  when 'event trigger' then
    return query select 'alter event trigger', 'approve', 'event trigger changed', null::text;
  else
    return query select 'alter ' || kind, 'approve', 'changed', null::text;
  end case;
end
$function$;

CREATE OR REPLACE FUNCTION sor_guard.kit_parents()
 RETURNS TABLE(parent oid, identity text)
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
  select c.oid, sor_guard.ident('pg_class'::regclass, c.oid)
    from pg_class c
   where c.relnamespace = 'sor'::regnamespace and c.relkind = 'p' and not c.relispartition
$function$;

CREATE OR REPLACE FUNCTION sor_guard.kit_partition_shape(part oid)
 RETURNS boolean
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
  select coalesce((
    select c.relnamespace = 'sor'::regnamespace
           and ((c.relname = p.relname || '_default' and pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT')
                or (c.relname ~ ('^' || p.relname || '_p[0-9]{6}$')
                    and exists (select 1
                                  from regexp_match(pg_get_expr(c.relpartbound, c.oid),
                                                    '^FOR VALUES FROM \(''([^'']+)''\) TO \(''([^'']+)''\)$') m
                                 where m[2]::timestamptz - m[1]::timestamptz between interval '27 days' and interval '32 days'
                                   and to_char(m[1]::timestamptz + (m[2]::timestamptz - m[1]::timestamptz) / 2, 'YYYYMM')
                                       = right(c.relname, 6))))
      from pg_class c
      join pg_inherits i on i.inhrelid = c.oid
      join pg_class p on p.oid = i.inhparent
     where c.oid = kit_partition_shape.part and c.relkind in ('r', 'p')), false)
$function$;

CREATE OR REPLACE FUNCTION sor_guard.kit_partition_state()
 RETURNS TABLE(partition_name text, parent_table text, bound text, event text, approval_id bigint)
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
  select distinct on (k.partition_name) k.partition_name, k.parent_table, k.bound, k.event, k.approval_id
    from sor_guard.kit_partitions k
   order by k.partition_name, k.entry_id desc
$function$;

CREATE OR REPLACE FUNCTION sor_guard.live_objects(roots text[] DEFAULT NULL::text[])
 RETURNS TABLE(kind text, identity text, root_kind text, root_objid oid, objid oid, spec jsonb)
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
  with sch as (
    select p.oid, p.nspname from sor_guard.protected_schemas() p
  ), rels as (
    select c.oid, c.relname, c.relkind, c.relowner, c.relacl, c.relrowsecurity, c.relforcerowsecurity,
           c.relpersistence, c.reloptions, c.relnamespace,
           case when c.relkind in ('r', 'p') then 'table' else 'view' end as rkind
      from pg_class c join sch on sch.oid = c.relnamespace
     where c.relkind in ('r', 'p', 'v', 'm') and c.relpersistence <> 't'
       and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
       and (roots is null or (case when c.relkind in ('r', 'p') then 'table' else 'view' end) || ':' || c.oid = any (roots))
  ), tabs as (
    select * from rels where rkind = 'table'
  ), funcs as (
    select p.oid, p.proowner, p.proacl
      from pg_proc p join sch on sch.oid = p.pronamespace
     where p.prokind in ('f', 'p')
       and not exists (select 1 from pg_depend d where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')
       and (roots is null or 'function:' || p.oid = any (roots))
  )
  select 'schema', quote_ident(s.nspname::text), 'schema', s.oid, s.oid,
         jsonb_build_object('owner', n.nspowner::regrole::text, 'acl', sor_guard.acl(n.nspacl, n.nspowner, 'n'))
    from sch s join pg_namespace n on n.oid = s.oid
   where roots is null or 'schema:' || s.oid = any (roots)
  union all
  select 'table', sor_guard.ident('pg_class'::regclass, t.oid), 'table', t.oid, t.oid,
         jsonb_build_object(
           'owner', t.relowner::regrole::text,
           'rls', t.relrowsecurity, 'force_rls', t.relforcerowsecurity,
           'persistence', t.relpersistence::text, 'relkind', t.relkind::text,
           'partition_of', (select sor_guard.ident('pg_class'::regclass, i.inhparent) from pg_inherits i where i.inhrelid = t.oid),
           'acl', sor_guard.acl(t.relacl, t.relowner, 'r'),
           'columns', (select coalesce(jsonb_object_agg(a.attname, jsonb_build_object(
                                 'type', format_type(a.atttypid, a.atttypmod),
                                 'collation', case when a.attcollation = 0 then null else a.attcollation::regcollation::text end,
                                 'not_null', a.attnotnull,
                                 'default', pg_get_expr(ad.adbin, ad.adrelid),
                                 'identity', nullif(a.attidentity::text, ''),
                                 'generated', nullif(a.attgenerated::text, ''),
                                 'acl', sor_guard.acl(a.attacl, t.relowner, 'c'))), '{}'::jsonb)
                         from pg_attribute a
                         left join pg_attrdef ad on ad.adrelid = a.attrelid and ad.adnum = a.attnum
                        where a.attrelid = t.oid and a.attnum > 0 and not a.attisdropped))
    from tabs t
  union all
  select 'view', sor_guard.ident('pg_class'::regclass, v.oid), 'view', v.oid, v.oid,
         jsonb_build_object(
           'owner', v.relowner::regrole::text,
           'options', (select coalesce(jsonb_agg(o order by o), '[]'::jsonb) from unnest(v.reloptions) o),
           'definition_sha256', encode(sha256(convert_to(pg_get_viewdef(v.oid), 'UTF8')), 'hex'),
           'acl', sor_guard.acl(v.relacl, v.relowner, 'r'))
    from rels v where v.rkind = 'view'
  union all
  select 'function', sor_guard.ident('pg_proc'::regclass, f.oid), 'function', f.oid, f.oid,
         jsonb_build_object('owner', f.proowner::regrole::text,
                            'definition_sha256', sor_guard.function_sha256(f.oid),
                            'acl', sor_guard.acl(f.proacl, f.proowner, 'f'))
    from funcs f
  union all
  select 'trigger', sor_guard.ident('pg_trigger'::regclass, tg.oid), 'table', t.oid, tg.oid,
         jsonb_build_object('definition', pg_get_triggerdef(tg.oid), 'enabled', tg.tgenabled::text)
    from tabs t join pg_trigger tg on tg.tgrelid = t.oid and not tg.tgisinternal
  union all
  select 'rule', sor_guard.ident('pg_rewrite'::regclass, r.oid), 'table', t.oid, r.oid,
         jsonb_build_object('definition', pg_get_ruledef(r.oid), 'enabled', r.ev_enabled::text)
    from tabs t join pg_rewrite r on r.ev_class = t.oid and r.rulename <> '_RETURN'
  union all
  select 'policy', sor_guard.ident('pg_policy'::regclass, p.oid), 'table', t.oid, p.oid,
         jsonb_build_object(
           'command', p.polcmd::text, 'permissive', p.polpermissive,
           'roles', (select jsonb_agg(case when r = 0 then 'PUBLIC' else r::regrole::text end order by 1)
                       from unnest(p.polroles) r),
           'using', pg_get_expr(p.polqual, p.polrelid),
           'check', pg_get_expr(p.polwithcheck, p.polrelid))
    from tabs t join pg_policy p on p.polrelid = t.oid
  union all
  select 'constraint', sor_guard.ident('pg_constraint'::regclass, c.oid), 'table', t.oid, c.oid,
         jsonb_build_object('type', c.contype::text, 'definition', pg_get_constraintdef(c.oid), 'validated', c.convalidated)
    from tabs t join pg_constraint c on c.conrelid = t.oid and c.contype in ('c', 'f', 'p', 'u', 'x', 't')
  union all
  select 'index', sor_guard.ident('pg_class'::regclass, i.indexrelid), 'table', t.oid, i.indexrelid,
         jsonb_build_object('definition', pg_get_indexdef(i.indexrelid), 'valid', i.indisvalid)
    from tabs t join pg_index i on i.indrelid = t.oid and i.indisunique
   where not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid and c.contype in ('p', 'u', 'x'))
  union all
  select 'event trigger', quote_ident(e.evtname::text), 'event trigger', e.oid, e.oid,
         jsonb_build_object('event', e.evtevent::text, 'function', e.evtfoid::regprocedure::text,
                            'tags', (select jsonb_agg(x order by x) from unnest(e.evttags) x),
                            'enabled', e.evtenabled::text)
    from pg_event_trigger e
    join pg_proc p on p.oid = e.evtfoid
   where p.pronamespace = (select n.oid from pg_namespace n where n.nspname = 'sor_guard')
     and (roots is null or 'event trigger:' || e.oid = any (roots))
$function$;

CREATE OR REPLACE FUNCTION sor_guard.manifest_lines(manifest text)
 RETURNS SETOF jsonb
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
  select l::jsonb from regexp_split_to_table(manifest_lines.manifest, E'\n') l where l <> ''
$function$;

CREATE OR REPLACE FUNCTION sor_guard.may_approve(role_name name)
 RETURNS boolean
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
  select coalesce((select not r.rolsuper and not r.rolbypassrls and r.rolcanlogin
                          and pg_has_role(r.oid, 'sor_approver', 'MEMBER')
                          and not pg_has_role(r.oid, 'sor_owner', 'MEMBER')
                          and not pg_has_role(r.oid, 'sor_guardian', 'MEMBER')
                     from pg_roles r where r.rolname = may_approve.role_name), false)
$function$;

CREATE OR REPLACE FUNCTION sor_guard.member_tenants()
 RETURNS text[]
 LANGUAGE plpgsql
 STABLE
 SET jit TO 'off'
AS $function$
begin
  -- plpgsql, not sql: the query plan is cached for the session instead of planned on every call
  return (select coalesce(pg_catalog.array_agg(m.tenant_id), '{}'::text[])
            from sor.tenant_members m
           where m.role_name = session_user);
end
$function$;

CREATE OR REPLACE FUNCTION sor_guard.partition_differences()
 RETURNS TABLE(partition_name text, parent_table text, bound text, partition_oid oid, difference text)
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
  with live as (
    select sor_guard.ident('pg_class'::regclass, i.inhrelid) as partition_name, k.identity as parent_table,
           pg_get_expr(c.relpartbound, c.oid) as bound, i.inhrelid as partition_oid
      from sor_guard.kit_parents() k
      join pg_inherits i on i.inhparent = k.parent and not i.inhdetachpending
      join pg_class c on c.oid = i.inhrelid
  ), rec as (
    select s.* from sor_guard.kit_partition_state() s where s.event in ('installed', 'created', 'attached')
  )
  select l.partition_name, l.parent_table, l.bound, l.partition_oid, 'unrecorded'
    from live l
   where not exists (select 1 from rec r where r.partition_name = l.partition_name and r.parent_table = l.parent_table)
  union all
  select r.partition_name, r.parent_table, r.bound, c.oid, case when c.oid is null then 'dropped' else 'detached' end
    from rec r
    left join pg_class c on c.oid = to_regclass(r.partition_name) and c.relkind in ('r', 'p')
   where not exists (select 1 from live l where l.partition_name = r.partition_name and l.parent_table = r.parent_table)
$function$;

CREATE OR REPLACE FUNCTION sor_guard.pause(paused boolean)
 RETURNS integer
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
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
$function$;

CREATE OR REPLACE FUNCTION sor_guard.protect_all()
 RETURNS integer
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _n integer;
  _rebound integer;
begin
  -- same object, new oid (a dump and restore): bind the register to the live oid, nothing else
  insert into sor_guard.register (kind, identity, root_kind, root_objid, objid, present, spec, reason)
  select r.kind, r.identity, l.root_kind, l.root_objid, l.objid, true, r.spec, 'rebound'
    from sor_guard.registered r join sor_guard.live_objects(null) l on l.kind = r.kind and l.identity = r.identity
   where r.present and (r.objid <> l.objid or r.root_objid <> l.root_objid);
  get diagnostics _rebound = row_count;
  -- objects never registered (or registered once and retired, then created again): only roots that
  -- are not registered, and children of roots registered in this same call, are new; a new policy,
  -- trigger or rule on a root that was already registered is a change the guard judges, never
  -- laundered into the register here.
  with live as materialized (
    select l.* from sor_guard.live_objects(null) l
  ), reg as materialized (
    select r.* from sor_guard.registered r where r.present
  ), new_roots as (
    select l.root_kind, l.root_objid from live l
     where l.kind = l.root_kind and l.objid = l.root_objid
       and not exists (select 1 from reg r where r.kind = l.kind and r.identity = l.identity)
  )
  insert into sor_guard.register (kind, identity, root_kind, root_objid, objid, present, spec, reason)
  select l.kind, l.identity, l.root_kind, l.root_objid, l.objid, true, l.spec, 'registered'
    from live l
   where not exists (select 1 from reg r where r.kind = l.kind and r.identity = l.identity)
     and (exists (select 1 from new_roots n where n.root_kind = l.root_kind and n.root_objid = l.root_objid)
          or l.kind in ('constraint', 'index')
          or (l.kind = 'policy' and not (l.spec ->> 'permissive')::boolean));
  get diagnostics _n = row_count;
  return _n + _rebound;
end
$function$;

CREATE OR REPLACE FUNCTION sor_guard.protected_schemas()
 RETURNS TABLE(oid oid, nspname name)
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
begin
  return query select n.oid, n.nspname from pg_catalog.pg_namespace n where n.nspname in ('sor', 'sor_api', 'sor_guard');
  if pg_catalog.to_regclass('sor.domain_schemas') is not null then
    return query execute
      'select n.oid, n.nspname from pg_catalog.pg_namespace n join sor.domain_schemas d on d.schema_name = n.nspname';
  end if;
end
$function$;

CREATE OR REPLACE FUNCTION sor_guard.record(kind text, identity text, root_kind text, root_objid oid, objid oid, spec jsonb, reason text, approval_id bigint)
 RETURNS void
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
  insert into sor_guard.register (kind, identity, root_kind, root_objid, objid, present, spec, reason, approval_id)
  values (record.kind, record.identity, record.root_kind, record.root_objid, record.objid, record.spec is not null,
          record.spec, record.reason, record.approval_id)
$function$;

CREATE OR REPLACE FUNCTION sor_guard.record_contract(contract text)
 RETURNS text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _version text := substring(record_contract.contract from '(?m)^contract_version ([0-9]+\.[0-9]+\.[0-9]+)$');
  _digest text := 'sha256:' || encode(sha256(convert_to(coalesce(record_contract.contract, ''), 'UTF8')), 'hex');
begin
  if _version is null then
    raise exception 'pg-sor: not a contract snapshot (no contract_version line)'
      using errcode = '22023', hint = 'The release callback carries db/contract.txt as the release shipped it.';
  end if;
  if exists (select 1 from sor_guard.contracts c
              where c.entry_id = (select max(x.entry_id) from sor_guard.contracts x) and c.digest = _digest) then
    return null;
  end if;
  insert into sor_guard.contracts (version, digest, contract) values (_version, _digest, record_contract.contract);
  return _version;
end
$function$;

CREATE OR REPLACE FUNCTION sor_guard.record_guard_upgrade()
 RETURNS integer
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _n integer;
begin
  with changed as (
    select r.kind, r.identity, l.root_kind, l.root_objid, l.objid, l.spec
      from sor_guard.registered r
      join sor_guard.live_objects(null) l on l.kind = r.kind and l.identity = r.identity
     where r.present and r.kind = 'function' and r.identity like 'sor\_guard.%'
       and l.spec is distinct from r.spec
  ), audited as (
    insert into sor.ddl_audit (set_role, command_tag, operation, object_identity, statement, approval_id, outcome,
                               definition_sha256)
    select current_setting('role'), 'MIGRATE', 'replace function', c.identity, current_query(), null, 'recorded',
           decode(c.spec ->> 'definition_sha256', 'hex')
      from changed c
  )
  insert into sor_guard.register (kind, identity, root_kind, root_objid, objid, present, spec, reason)
  select c.kind, c.identity, c.root_kind, c.root_objid, c.objid, true, c.spec, 'recorded'
    from changed c;
  get diagnostics _n = row_count;
  return _n;
end
$function$;

CREATE OR REPLACE FUNCTION sor_guard.record_kit_partition(part regclass)
 RETURNS boolean
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _name text := sor_guard.ident('pg_class'::regclass, record_kit_partition.part);
begin
  if exists (select 1 from sor_guard.kit_partition_state() s
              where s.partition_name = _name and s.event in ('installed', 'created', 'attached')) then
    return false;
  end if;
  if not sor_guard.kit_partition_shape(record_kit_partition.part)
     or (select c.xmin from pg_class c where c.oid = record_kit_partition.part)
        is distinct from pg_current_xact_id_if_assigned()::xid
     or pg_relation_size(record_kit_partition.part) <> 0 then
    return false;
  end if;
  insert into sor_guard.kit_partitions (partition_name, parent_table, bound, event)
  select _name, sor_guard.ident('pg_class'::regclass, i.inhparent), pg_get_expr(c.relpartbound, c.oid), 'created'
    from pg_class c join pg_inherits i on i.inhrelid = c.oid
   where c.oid = record_kit_partition.part;
  return true;
end
$function$;

CREATE OR REPLACE FUNCTION sor_guard.refuse_concurrent_detach(command_tag text)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _m text[];
begin
  if refuse_concurrent_detach.command_tag <> 'ALTER TABLE' then
    return;
  end if;
  for _m in
    select regexp_matches(current_query(),
             'alter\s+table\s+(?:only\s+)?(?:if\s+exists\s+)?((?:"[^"]+"|[^\s".;]+)(?:\s*\.\s*(?:"[^"]+"|[^\s".;]+))?)\s+detach\s+partition\s+((?:"[^"]+"|[^\s".;]+)(?:\s*\.\s*(?:"[^"]+"|[^\s".;]+))?)[^;]*?\m(concurrently|finalize)\M',
             'gi')
  loop
    if exists (select 1 from sor_guard.kit_parents() k where k.parent = to_regclass(_m[1])) then
      raise log 'pg-sor drop guard refused: detach partition % of % % (session_user %, statement: %)',
                _m[2], _m[1], upper(_m[3]), session_user, current_query();
      raise exception 'drop guard: DETACH PARTITION ... % of % is refused', upper(_m[3]), _m[1]
        using errcode = 'SR020',
              hint = format('A concurrent detach commits before the guard can judge it. A month leaves through select sor_api.retire_partition(%L); after a member of sor_approver approves it once: select sor_api.approve_ddl(''detach partition'', %L, ticket, rehearsed_on, expires_at);',
                            coalesce(sor_guard.ident('pg_class'::regclass, to_regclass(_m[2])), _m[2]),
                            coalesce(sor_guard.ident('pg_class'::regclass, to_regclass(_m[2])), _m[2]));
    end if;
  end loop;
end
$function$;

CREATE OR REPLACE FUNCTION sor_guard.release_allows(operation text, object text)
 RETURNS bigint
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
  select r.approval_id
    from (select distinct on (x.history) x.* from sor_guard.releases x order by x.history, x.entry_id desc) r
    join sor.ddl_approvals a on a.approval_id = r.approval_id
   where r.event = 'opened' and r.recorded_by = session_user
     and a.expires_at > clock_timestamp()
     and release_allows.object = any (r.allowed)
   limit 1
$function$;

CREATE OR REPLACE FUNCTION sor_guard.release_approval(history text, version text, digest text)
 RETURNS bigint
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
  select a.approval_id from sor.ddl_approvals a
   where a.operation = 'upgrade release'
     and a.object_identity = 'pg-sor ' || release_approval.version || ' ' || release_approval.digest
     and a.expires_at > clock_timestamp()
     and a.approved_by <> session_user
     and sor_guard.may_approve(a.approved_by)
     and (a.consumed_at is null
          or (exists (select 1 from sor_guard.releases u where u.approval_id = a.approval_id and u.event = 'upgraded')
              and not exists (select 1 from sor_guard.releases u
                               where u.approval_id = a.approval_id and u.event = 'upgraded' and u.history = release_approval.history)))
   order by a.approved_at, a.approval_id
   limit 1
$function$;

CREATE OR REPLACE FUNCTION sor_guard.release_changes(installed text, target text, module text)
 RETURNS text[]
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
  with o as (select l ->> 'object' as k, l -> 'attrs' as a from sor_guard.manifest_lines(release_changes.installed) l
              where l ? 'object' and l ->> 'module' = release_changes.module),
       n as (select l ->> 'object' as k, l -> 'attrs' as a from sor_guard.manifest_lines(release_changes.target) l
              where l ? 'object' and l ->> 'module' = release_changes.module)
  select coalesce(array_agg(distinct regexp_replace(coalesce(n.k, o.k), '^(event trigger|[a-z]+) ', '')), '{}')
    from o full join n on n.k = o.k
   where o.a is distinct from n.a
$function$;

CREATE OR REPLACE FUNCTION sor_guard.release_latest(history text, events text[] DEFAULT NULL::text[])
 RETURNS sor_guard.releases
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
  select r.* from sor_guard.releases r
   where r.history = release_latest.history and (release_latest.events is null or r.event = any (release_latest.events))
   order by r.entry_id desc limit 1
$function$;

CREATE OR REPLACE FUNCTION sor_guard.release_module(history text)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
  select case release_module.history
           when 'sor_flyway.flyway_schema_history' then 'kernel'
           when 'reconciler_flyway.flyway_schema_history_reconciler' then 'reconciler'
         end
$function$;

CREATE OR REPLACE FUNCTION sor_guard.require_member(tenant_id text)
 RETURNS text
 LANGUAGE plpgsql
 STABLE
 SET jit TO 'off'
AS $function$
begin
  if require_member.tenant_id is null
     or not exists (select 1 from sor.tenant_members m
                     where m.tenant_id = require_member.tenant_id and m.role_name = session_user) then
    raise exception 'role % is not a member of tenant %', session_user,
          coalesce(pg_catalog.quote_literal(require_member.tenant_id), 'NULL')
      using errcode = 'SR008',
            hint = 'A caller acts only for tenants it is a member of (an admin adds it with sor_api.add_member). An unknown tenant gets the same answer.';
  end if;
  return require_member.tenant_id;
end
$function$;

CREATE OR REPLACE FUNCTION sor_guard.require_reader(tenant_id text)
 RETURNS text
 LANGUAGE plpgsql
 STABLE
 SET jit TO 'off'
AS $function$
begin
  -- who may read is the one rule of can_read_tenant (a member, or an auditor); anyone else gets
  -- SR008, also for an unknown tenant, so the answer reveals nothing
  if require_reader.tenant_id is null or not sor_guard.can_read_tenant(require_reader.tenant_id) then
    raise exception 'role % may not read tenant %', session_user,
          coalesce(pg_catalog.quote_literal(require_reader.tenant_id), 'NULL')
      using errcode = 'SR008',
            hint = 'A caller reads only tenants it is a member of (sor_api.add_member), or is an auditor. An unknown tenant gets the same answer.';
  end if;
  -- a member's tenant exists; only an auditor, who reads every tenant and may know them all
  -- (sor_api.tenants), gets here with one that does not: SR002 (a subscription to it would
  -- otherwise reach its foreign key, and a channel or an empty answer be given for a name no
  -- tenant has)
  if not exists (select 1 from sor.tenants t where t.tenant_id = require_reader.tenant_id) then
    raise exception 'unknown tenant %', pg_catalog.quote_literal(require_reader.tenant_id)
      using errcode = 'SR002', hint = 'List the tenants in sor_api.tenants.';
  end if;
  return require_reader.tenant_id;
end
$function$;

CREATE OR REPLACE FUNCTION sor_guard.root_of(classid oid, objid oid)
 RETURNS text
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
  select case root_of.classid
    when 'pg_class'::regclass then
      (select case when c.relkind in ('r', 'p') then 'table:' || c.oid
                   when c.relkind in ('v', 'm') then 'view:' || c.oid
                   when c.relkind in ('i', 'I') then (select 'table:' || i.indrelid from pg_index i where i.indexrelid = c.oid)
              end
         from pg_class c where c.oid = root_of.objid)
    when 'pg_proc'::regclass then 'function:' || root_of.objid
    when 'pg_namespace'::regclass then 'schema:' || root_of.objid
    when 'pg_trigger'::regclass then (select 'table:' || t.tgrelid from pg_trigger t where t.oid = root_of.objid)
    when 'pg_policy'::regclass then (select 'table:' || p.polrelid from pg_policy p where p.oid = root_of.objid)
    when 'pg_rewrite'::regclass then
      (select case when c.relkind in ('v', 'm') then 'view:' else 'table:' end || r.ev_class
         from pg_rewrite r join pg_class c on c.oid = r.ev_class where r.oid = root_of.objid)
    when 'pg_constraint'::regclass then
      (select 'table:' || k.conrelid from pg_constraint k where k.oid = root_of.objid and k.conrelid <> 0)
  end
$function$;

CREATE OR REPLACE FUNCTION sor_guard.settle(command_tag text, roots text[])
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _diff jsonb;
  _d record;
  _ops text[] := '{}';
  _objs text[] := '{}';
  _approvals bigint[];
  _approval bigint;
  _renamed text[] := '{}';
begin
  if roots is null or cardinality(roots) = 0 then
    return;
  end if;
  select jsonb_agg(to_jsonb(d)) into _diff from sor_guard.diff(roots) d;
  if _diff is null then
    return;
  end if;

  for _d in
    select distinct x ->> 'operation' as operation, sor_guard.approval_object(x ->> 'operation', x ->> 'object') as object
      from jsonb_array_elements(_diff) x where x ->> 'outcome' = 'approve' order by 1, 2
  loop
    _ops := _ops || _d.operation;
    _objs := _objs || _d.object;
  end loop;
  _approvals := sor_guard.authorize(command_tag, _ops, _objs);

  for _d in
    select x ->> 'kind' as kind, x ->> 'identity' as identity, x ->> 'root_kind' as root_kind,
           (x ->> 'root_objid')::oid as root_objid, (x ->> 'objid')::oid as objid, x ->> 'operation' as operation,
           x ->> 'object' as object, x ->> 'outcome' as outcome, x -> 'live_spec' as live_spec
      from jsonb_array_elements(_diff) x
     order by 1, 2
  loop
    _approval := null;
    if _d.outcome = 'approve' then
      select _approvals[i] into _approval
        from generate_subscripts(_ops, 1) i
       where _ops[i] = _d.operation and _objs[i] = sor_guard.approval_object(_d.operation, _d.object);
    end if;
    if _d.operation = 'rename' then
      _renamed := _renamed || (_d.root_kind || ':' || _d.root_objid);
      perform sor_guard.record(_d.kind, _d.identity, _d.root_kind, _d.root_objid, _d.objid, null, 'approved', _approval);
      continue;
    end if;
    if _d.outcome = 'record' then
      insert into sor.ddl_audit (set_role, command_tag, operation, object_identity, statement, approval_id, outcome,
                                 definition_sha256)
      values (current_setting('role'), command_tag, _d.operation, _d.identity, current_query(), null, 'recorded',
              decode(_d.live_spec ->> 'definition_sha256', 'hex'));
    end if;
    perform sor_guard.record(_d.kind, _d.identity, _d.root_kind, _d.root_objid, _d.objid,
                             nullif(_d.live_spec, 'null'::jsonb),
                             case _d.outcome when 'approve' then 'approved' when 'record' then 'recorded' else 'tightened' end,
                             _approval);
  end loop;
  -- a renamed or moved root: its objects are registered again under their new names
  if cardinality(_renamed) > 0 then
    insert into sor_guard.register (kind, identity, root_kind, root_objid, objid, present, spec, reason)
    select l.kind, l.identity, l.root_kind, l.root_objid, l.objid, true, l.spec, 'approved'
      from sor_guard.live_objects(_renamed) l
     where not exists (select 1 from sor_guard.registered r where r.present and r.kind = l.kind and r.identity = l.identity);
  end if;
end
$function$;

CREATE OR REPLACE FUNCTION sor_guard.settle_partitions(command_tag text)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _d record;
  _ops text[] := '{}';
  _objs text[] := '{}';
  _ids bigint[];
  _created oid[];
  _touched oid[];
begin
  if to_regclass('sor_guard.kit_partitions') is null then
    return;
  end if;
  if not exists (select 1 from sor_guard.partition_differences()) then
    return;
  end if;
  select coalesce(array_agg(c.objid) filter (where c.command_tag = 'CREATE TABLE'), '{}'),
         coalesce(array_agg(c.objid), '{}')
    into _created, _touched
    from pg_event_trigger_ddl_commands() c
   where c.classid = 'pg_class'::regclass;
  -- only what this statement did: a partition it created, or the partitions of a kit table it
  -- altered (ATTACH, DETACH); a later ALTER of a partition itself (sor.prepare_partition) is not an attach
  for _d in
    select d.* from sor_guard.partition_differences() d
     where d.partition_oid = any (_created)
        or to_regclass(d.parent_table) = any (_touched)
        or d.difference = 'dropped'
     order by d.partition_name
  loop
    if _d.difference = 'unrecorded' and _d.partition_oid = any (_created) and sor_guard.kit_partition_shape(_d.partition_oid) then
      insert into sor_guard.kit_partitions (partition_name, parent_table, bound, event)
      values (_d.partition_name, _d.parent_table, _d.bound, 'created');
    elsif _d.difference = 'dropped' then
      insert into sor_guard.kit_partitions (partition_name, parent_table, bound, event)
      values (_d.partition_name, _d.parent_table, null, 'dropped');
    else
      _ops := _ops || case _d.difference when 'unrecorded' then 'attach partition' else 'detach partition' end;
      _objs := _objs || _d.partition_name;
    end if;
  end loop;
  if cardinality(_ops) = 0 then
    return;
  end if;
  -- one approval per partition, or the statement is refused (SR020); a detach the guard already
  -- judged for a registered partition reuses the approval it consumed
  _ids := sor_guard.authorize(command_tag, _ops, _objs);
  for i in 1 .. cardinality(_ops) loop
    insert into sor_guard.kit_partitions (partition_name, parent_table, bound, event, approval_id)
    select d.partition_name, d.parent_table, case when _ops[i] = 'attach partition' then d.bound end,
           case when _ops[i] = 'attach partition' then 'attached' else 'detached' end, _ids[i]
      from sor_guard.partition_differences() d
     where d.partition_name = _objs[i];
  end loop;
end
$function$;

CREATE OR REPLACE FUNCTION sor_guard.targets()
 RETURNS TABLE(operation text, object_identity text)
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
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
$function$;

CREATE OR REPLACE FUNCTION sor_guard.tg_ddl_approvals__check()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
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
$function$;

CREATE OR REPLACE FUNCTION sor_guard.tg_ddl_audit__refuse_change()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
begin
  raise exception 'sor.ddl_audit is append-only: % refused', tg_op
    using errcode = 'SR025',
          hint = 'The audit of guarded DDL is never changed or removed.';
end
$function$;

CREATE OR REPLACE FUNCTION sor_guard.tg_drop()
 RETURNS event_trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _dropped jsonb;
  _d record;
  _ops text[] := '{}';
  _objs text[] := '{}';
  _approvals bigint[];
  _approval bigint;
begin
  -- what was dropped, with the register's entry for it: registered objects, and columns of
  -- registered tables (whose entry is the table's)
  with dropped as (
    select case d.object_type when 'table' then 'table' when 'view' then 'view' when 'materialized view' then 'view'
                              when 'function' then 'function' when 'procedure' then 'function'
                              when 'trigger' then 'trigger' when 'rule' then 'rule' when 'policy' then 'policy'
                              when 'table constraint' then 'constraint' when 'index' then 'index'
                              when 'schema' then 'schema' when 'table column' then 'column' end as kind,
           d.object_identity as identity, d.schema_name,
           case when d.object_type = 'table column' then d.address_names[3] end as column_name,
           case when d.object_type = 'table column'
                then quote_ident(d.address_names[1]) || '.' || quote_ident(d.address_names[2]) end as table_identity
      from pg_event_trigger_dropped_objects() d
     where not d.is_temporary and (d.original or d.normal)
  )
  select jsonb_agg(jsonb_build_object('kind', x.kind, 'identity', x.identity, 'schema_name', x.schema_name,
                                      'column_name', x.column_name, 'table_identity', x.table_identity,
                                      'root_kind', r.root_kind, 'root_objid', r.root_objid, 'objid', r.objid,
                                      'spec', r.spec))
    into _dropped
    from dropped x
    join sor_guard.registered r
      on r.present and r.kind = case when x.kind = 'column' then 'table' else x.kind end
     and r.identity = coalesce(x.table_identity, x.identity);
  if _dropped is null then
    return;
  end if;

  if exists (select 1 from jsonb_array_elements(_dropped) x
              where x ->> 'kind' = 'table' and x ->> 'identity' in ('sor.ddl_approvals', 'sor.ddl_audit')) then
    raise exception 'drop guard: the statement drops the guard''s approval and audit tables'
      using errcode = 'SR020',
            hint = 'No approval can allow this: the approvals would go with it. Uninstalling pg-sor is a superuser''s procedure (README: Uninstall).';
  end if;

  -- the approvals needed: one per dropped object, unless its table or its schema is dropped by the
  -- same statement (the parent's approval covers it); a function outside sor_guard is recorded instead
  for _d in
    select x ->> 'kind' as kind, x ->> 'identity' as identity, x ->> 'table_identity' as table_identity,
           j.operation, j.outcome
      from jsonb_array_elements(_dropped) x
     cross join lateral sor_guard.judge(case when x ->> 'kind' = 'column' then 'column' else x ->> 'kind' end,
                                        x ->> 'identity', x -> 'spec', null,
                                        x ->> 'kind' = 'function' and x ->> 'schema_name' = 'sor_guard') j
     where not exists (select 1 from jsonb_array_elements(_dropped) p
                        where x ->> 'kind' not in ('schema', 'table', 'view', 'function')
                          and p ->> 'kind' = x ->> 'root_kind' and p ->> 'objid' = x ->> 'root_objid')
       and not exists (select 1 from jsonb_array_elements(_dropped) p
                        where x ->> 'kind' = 'column' and p ->> 'kind' = 'table' and p ->> 'identity' = x ->> 'table_identity')
       and not exists (select 1 from jsonb_array_elements(_dropped) s
                        where x ->> 'kind' <> 'schema' and s ->> 'kind' = 'schema'
                          and s ->> 'identity' = quote_ident(x ->> 'schema_name'))
       -- a partition dropped with its partitioned table: the table's approval covers it
       and not exists (select 1 from jsonb_array_elements(_dropped) p
                        where x ->> 'kind' = 'table' and p ->> 'kind' = 'table'
                          and p ->> 'identity' = x -> 'spec' ->> 'partition_of')
       and j.outcome = 'approve'
  loop
    if not exists (select 1 from generate_subscripts(_ops, 1) i
                    where _ops[i] = _d.operation and _objs[i] = sor_guard.approval_object(_d.operation, _d.identity)) then
      _ops := _ops || _d.operation;
      _objs := _objs || sor_guard.approval_object(_d.operation, _d.identity);
    end if;
  end loop;
  _approvals := sor_guard.authorize(tg_tag, _ops, _objs);

  -- the register follows: dropped objects are retired, a dropped column leaves its table's spec, a
  -- dropped function outside sor_guard is recorded in the audit
  for _d in
    select x ->> 'kind' as kind, x ->> 'identity' as identity, x ->> 'schema_name' as schema_name,
           x ->> 'column_name' as column_name, x ->> 'table_identity' as table_identity,
           x ->> 'root_kind' as root_kind, (x ->> 'root_objid')::oid as root_objid, (x ->> 'objid')::oid as objid,
           x -> 'spec' as spec
      from jsonb_array_elements(_dropped) x
  loop
    _approval := null;
    select _approvals[i] into _approval from generate_subscripts(_ops, 1) i
     where _objs[i] = sor_guard.approval_object(_ops[i], _d.identity)
     limit 1;
    if _d.kind = 'column' then
      if not exists (select 1 from jsonb_array_elements(_dropped) p
                      where p ->> 'kind' = 'table' and p ->> 'identity' = _d.table_identity) then
        perform sor_guard.record('table', _d.table_identity, _d.root_kind, _d.root_objid, _d.objid,
                                 jsonb_set(_d.spec, '{columns}', (_d.spec -> 'columns') - _d.column_name), 'approved', _approval);
      end if;
      continue;
    end if;
    if _d.kind = 'function' and _d.schema_name <> 'sor_guard' and _approval is null then
      insert into sor.ddl_audit (set_role, command_tag, operation, object_identity, statement, approval_id, outcome)
      values (current_setting('role'), tg_tag, 'drop function', _d.identity, current_query(), null, 'recorded');
      perform sor_guard.record(_d.kind, _d.identity, _d.root_kind, _d.root_objid, _d.objid, null, 'recorded', null);
    else
      perform sor_guard.record(_d.kind, _d.identity, _d.root_kind, _d.root_objid, _d.objid, null, 'approved', _approval);
    end if;
  end loop;
end
$function$;

CREATE OR REPLACE FUNCTION sor_guard.tg_end()
 RETURNS event_trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _roots text[];
  _grant_kinds text[];
  _t record;
begin
  select array_agg(distinct x.root) filter (where x.root is not null),
         array_agg(distinct x.grant_kind) filter (where x.grant_kind is not null)
    into _roots, _grant_kinds
    from (select sor_guard.root_of(c.classid, c.objid) as root,
                 case when c.objid is null and c.command_tag in ('GRANT', 'REVOKE') then upper(c.object_type) end as grant_kind
            from pg_event_trigger_ddl_commands() c
           where not c.in_extension) x;
  -- partitions of the kit's partitioned tables: attach and detach need approvals (R__207)
  perform sor_guard.settle_partitions(tg_tag);
  if _grant_kinds is not null then
    -- GRANT and REVOKE report no object: judge every registered root of that kind
    _roots := coalesce(_roots, '{}') || array(
      select distinct r.root_kind || ':' || r.root_objid from sor_guard.registered r
       where r.present and r.kind = r.root_kind
         and r.root_kind = any (case when _grant_kinds && array['TABLE', 'SEQUENCE', 'VIEW'] then array['table', 'view'] else '{}' end
                                || case when _grant_kinds && array['FUNCTION', 'PROCEDURE', 'ROUTINE'] then array['function'] else '{}' end
                                || case when _grant_kinds && array['SCHEMA'] then array['schema'] else '{}' end));
  end if;
  if _roots is null then
    return;
  end if;
  -- ATTACH and DETACH PARTITION report the parent: judge its partitions too, registered or live
  _roots := _roots || array(
    select distinct 'table:' || r.objid from sor_guard.registered r
     where r.present and r.kind = 'table' and r.spec ->> 'partition_of' is not null
       and exists (select 1 from unnest(_roots) x(root) join pg_class c on x.root = 'table:' || c.oid
                    where c.relkind = 'p' and sor_guard.ident('pg_class'::regclass, c.oid) = r.spec ->> 'partition_of')
    union
    select 'table:' || i.inhrelid from pg_inherits i where 'table:' || i.inhparent = any (_roots));
  if tg_tag = 'CREATE TRIGGER' then
    -- CREATE OR REPLACE TRIGGER resets a trigger to ENABLE ORIGIN: restore ENABLE ALWAYS when the
    -- register expects it and nothing else changed
    for _t in
      select tg.tgrelid::regclass as tbl, tg.tgname
        from sor_guard.diff(_roots) d
        join sor_guard.registered r on r.present and r.kind = d.kind and r.identity = d.identity
        join pg_trigger tg on tg.oid = d.objid
       where d.kind = 'trigger' and d.operation = 'disable trigger'
         and r.spec ->> 'enabled' = 'A' and d.live_spec ->> 'enabled' = 'O'
         and (r.spec -> 'definition') = (d.live_spec -> 'definition')
    loop
      execute format('alter table %s enable always trigger %I', _t.tbl, _t.tgname);
    end loop;
  end if;
  perform sor_guard.settle(tg_tag, _roots);
end
$function$;

CREATE OR REPLACE FUNCTION sor_guard.tg_events__chain()
 RETURNS trigger
 LANGUAGE plpgsql
 SET jit TO 'off'
 SET enable_hashjoin TO 'off'
 SET enable_mergejoin TO 'off'
AS $function$
declare
  _streams bigint;
  _moved bigint;
  _tenant text;
  _stream text;
  _starts boolean;
begin
  -- One row, as every single append inserts: the same rule as below, in one statement. The head
  -- moves only when the row continues it (version = head + 1, prev_hash = the head's link, the
  -- database's stamps); the row's hash is the stream's new link. A row that starts its stream
  -- (version 1, no prev_hash) makes the head or moves the one claimed at version 0. (One query
  -- counts the rows and tells a start, as the count alone did.)
  select pg_catalog.count(*), pg_catalog.bool_and(n.version = 1 and n.prev_hash is null) into _streams, _starts
    from new_rows n;
  if _streams = 1 then
    if _starts then
      insert into sor.streams as h (tenant_id, stream, version, last_position, last_hash)
      select n.tenant_id, n.stream, n.version, n.position, n.hash
        from new_rows n
       where n.occurred_at = pg_catalog.now() and n.actor = session_user
         and n.tx_id = pg_catalog.pg_current_xact_id()
      on conflict on constraint streams_pkey do update
         set version = excluded.version, last_position = excluded.last_position, last_hash = excluded.last_hash
       where h.version = 0;
    else
      update sor.streams h
         set version = n.version, last_position = n.position, last_hash = n.hash
        from new_rows n
       where h.tenant_id = n.tenant_id and h.stream = n.stream
         and h.version = n.version - 1 and h.last_hash is not distinct from n.prev_hash
         and n.occurred_at = pg_catalog.now() and n.actor = session_user
         and n.tx_id = pg_catalog.pg_current_xact_id();
    end if;
    get diagnostics _moved = row_count;
    if _moved = 1 then
      return null;
    end if;
    select n.tenant_id, n.stream into _tenant, _stream from new_rows n;
    raise exception 'events of stream % (tenant %) do not continue its chain', _stream, _tenant
      using errcode = 'SR011',
            hint = 'Append through sor_api.append_event or append_events: position, version, hashes, actor and occurred_at are the database''s.';
  end if;
  -- AFTER INSERT, once per statement, over the statement's rows (new_rows). Each stream's rows of
  -- one statement are one link of its chain: they carry the same prev_hash (the stream's link
  -- before the statement), versions without gaps from the head's version + 1, positions rising
  -- with versions, the database's stamps; the stream's new link is the hash of its one row, or
  -- sha256 over its rows' hashes in version order when there are several. The head moves to the
  -- new link in the same statement; a head that is not where the rows say (another writer moved
  -- it) moves nothing and the insert is refused. Rows that start their stream (version 1, no
  -- prev_hash) move a head claimed at version 0, or make the head at the new link when there is
  -- none: the kit's writers that serialise their streams themselves (sor.append_event_rows,
  -- serialized) claim no head first. A head past version 0 (another writer's, made meanwhile or
  -- long ago) is left as it is and the insert is refused: a stream never gets a second chain.
  with r as (
    select n.tenant_id, n.stream, n.version, n.position, n.prev_hash, n.hash,
           n.occurred_at = pg_catalog.now() and n.actor = session_user
             and n.tx_id = pg_catalog.pg_current_xact_id() as stamped,
           pg_catalog.lag(n.version) over w as before_version,
           pg_catalog.lag(n.position) over w as before_position,
           pg_catalog.first_value(n.prev_hash) over w as group_prev
      from new_rows n
    window w as (partition by n.tenant_id, n.stream order by n.version)
  ), s as (
    select r.tenant_id, r.stream, pg_catalog.min(r.version) as first_version, pg_catalog.max(r.version) as last_version,
           pg_catalog.max(r.position) as last_position, (pg_catalog.array_agg(r.group_prev))[1] as prev_hash,
           case when pg_catalog.count(*) = 1 then pg_catalog.string_agg(r.hash, ''::bytea)
                else pg_catalog.sha256(pg_catalog.string_agg(r.hash, ''::bytea order by r.version)) end as link,
           pg_catalog.bool_and(r.stamped and r.prev_hash is not distinct from r.group_prev
                               and (r.before_version is null
                                    or (r.version = r.before_version + 1 and r.position > r.before_position))) as linked
      from r
     group by r.tenant_id, r.stream
  ), moved as (
    update sor.streams h
       set version = s.last_version, last_position = s.last_position, last_hash = s.link
      from s
     where h.tenant_id = s.tenant_id and h.stream = s.stream and s.linked and s.first_version > 1
       and h.version = s.first_version - 1 and h.last_hash is not distinct from s.prev_hash
    returning h.tenant_id, h.stream
  ), made as (
    insert into sor.streams as h (tenant_id, stream, version, last_position, last_hash)
    select s.tenant_id, s.stream, s.last_version, s.last_position, s.link
      from s
     where s.linked and s.first_version = 1 and s.prev_hash is null
     order by s.tenant_id, s.stream
    on conflict on constraint streams_pkey do update
       set version = excluded.version, last_position = excluded.last_position, last_hash = excluded.last_hash
     where h.version = 0
    returning h.tenant_id, h.stream
  )
  select (select pg_catalog.count(*) from s), (select pg_catalog.count(*) from moved) + (select pg_catalog.count(*) from made)
    into _streams, _moved;
  if _moved <> _streams then
    -- name the first stream (by tenant and stream) whose rows do not continue its head as it is now
    select n.tenant_id, n.stream into _tenant, _stream
      from new_rows n
     where not exists (select 1 from sor.streams h
                        where h.tenant_id = n.tenant_id and h.stream = n.stream and h.last_position >= n.position)
     order by n.tenant_id, n.stream
     limit 1;
    raise exception 'events of stream % (tenant %) do not continue its chain', _stream, _tenant
      using errcode = 'SR011',
            hint = 'Append through sor_api.append_event or append_events: position, version, hashes, actor and occurred_at are the database''s.';
  end if;
  return null;
end
$function$;

CREATE OR REPLACE FUNCTION sor_guard.tg_events__refuse_change()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'sor', 'pg_temp'
 SET jit TO 'off'
AS $function$
begin
  -- a partition is named by its table (sor.events), the name its callers know
  raise exception '% is append-only: % refused',
        (select n.nspname || '.' || c.relname from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
          where c.oid = coalesce(pg_catalog.pg_partition_root(tg_relid), tg_relid)), tg_op
    using errcode = 'SR010',
          hint = 'Rows of an append-only table are never changed or removed. Append a compensating row instead.';
end
$function$;

CREATE OR REPLACE FUNCTION sor_guard.tg_history__release_check()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _run sor_guard.releases := sor_guard.release_latest(tg_table_schema || '.' || tg_table_name);
  _script jsonb;
begin
  -- only what Flyway records for a script it applies now (installed_on defaults to now()); rows
  -- copied from an older history table keep their time
  if new.type is distinct from 'SQL' or new.script is null or new.installed_on < now() then
    return new;
  end if;
  if _run.event is distinct from 'opened' then
    -- no run open: the scripts of the installed release, if the module has one
    _run := sor_guard.release_latest(tg_table_schema || '.' || tg_table_name, array['installed', 'upgraded']);
    if _run.entry_id is null then
      return new;
    end if;
  end if;
  select l into _script from sor_guard.manifest_lines(_run.manifest) l
   where l ->> 'script' = new.script and l ->> 'module' = _run.module and l ? 'checksum';
  if _script is null then
    raise exception 'pg-sor: migration file % is not part of pg-sor % (%)', new.script, _run.version, _run.digest
      using errcode = 'SR027',
            detail = format('The release manifest lists every %s script with its checksum; this one is not among them. Nothing of this run was applied.', _run.module),
            hint = 'Migrate with the files exactly as the release shipped them (releases/<version>/manifest.json lists them).';
  end if;
  if (_script ->> 'checksum')::integer is distinct from new.checksum then
    raise exception 'pg-sor: migration file % differs from pg-sor % (%): Flyway checksum % where the release has %',
                    new.script, _run.version, _run.digest, coalesce(new.checksum::text, 'none'), _script ->> 'checksum'
      using errcode = 'SR027',
            detail = 'Nothing of this run was applied.',
            hint = 'Restore the file exactly as the release shipped it (its checksum is in the release manifest), then migrate again.';
  end if;
  return new;
end
$function$;

CREATE OR REPLACE FUNCTION sor_guard.tg_rewrite()
 RETURNS event_trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
begin
  perform sor_guard.settle(tg_tag, array['table:' || pg_event_trigger_table_rewrite_oid()]);
end
$function$;

CREATE OR REPLACE FUNCTION sor_guard.tg_start()
 RETURNS event_trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
begin
  -- DETACH PARTITION ... CONCURRENTLY / FINALIZE on a kit table (R__207)
  perform sor_guard.refuse_concurrent_detach(tg_tag);
  if tg_tag in ('DROP SCHEMA', 'DROP FUNCTION', 'DROP PROCEDURE', 'DROP ROUTINE', 'DROP OWNED', 'REASSIGN OWNED',
                'ALTER SCHEMA', 'DROP TABLE', 'DROP VIEW', 'DROP ROLE')
     and current_query() ~* '\msor_guard(ian)?\M' then
    raise log 'pg-sor drop guard refused: % naming the guard (session_user %, statement: %)', tg_tag, session_user, current_query();
    raise exception 'drop guard: % may not name the guard''s own schema or role', tg_tag
      using errcode = 'SR020',
            hint = 'The guard cannot be dropped while it is installed. Uninstalling pg-sor is a superuser''s procedure (README: Uninstall).';
  end if;
end
$function$;

CREATE OR REPLACE FUNCTION sor_guard.tg_watch_drop()
 RETURNS event_trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _bad text;
begin
  select string_agg(d.object_identity, ', ') into _bad
    from pg_event_trigger_dropped_objects() d
   where (d.schema_name = 'sor_guard' or (d.object_type = 'schema' and d.object_identity = 'sor_guard'))
     and exists (select 1 from sor_guard.register r where r.identity = d.object_identity);
  if _bad is not null then
    raise log 'pg-sor drop guard refused: drop of guard objects % (session_user %, statement: %)', _bad, session_user, current_query();
    raise exception 'drop guard: the guard''s own objects cannot be dropped (%)', _bad
      using errcode = 'SR020',
            hint = 'The guard cannot be dropped while it is installed. Uninstalling pg-sor is a superuser''s procedure (README: Uninstall).';
  end if;
end
$function$;

CREATE OR REPLACE FUNCTION sor_guard.tg_watch_end()
 RETURNS event_trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
declare
  _bad text;
begin
  if not exists (select 1 from pg_event_trigger_ddl_commands() c where c.schema_name = 'sor_guard') then
    return;
  end if;
  select string_agg(x.identity, ', ' order by x.identity) into _bad
    from (select distinct on (r.identity) r.identity, r.present, r.spec
            from sor_guard.register r
           where r.kind = 'function' and r.identity like 'sor\_guard.%'
           order by r.identity, r.entry_id desc) x
    join pg_proc p on (pg_identify_object('pg_proc'::regclass, p.oid, 0)).identity = x.identity
   where x.present and p.pronamespace = 'sor_guard'::regnamespace
     and encode(sha256(convert_to(pg_get_functiondef(p.oid), 'UTF8')), 'hex') is distinct from x.spec ->> 'definition_sha256';
  if _bad is not null then
    raise log 'pg-sor drop guard refused: redefinition of guard functions % (session_user %, statement: %)', _bad, session_user, current_query();
    raise exception 'drop guard: the guard''s own functions cannot be redefined while it runs (%)', _bad
      using errcode = 'SR020',
            hint = 'Guard functions change only with a kit upgrade, which a superuser applies with the guard paused (sor_guard.pause) in the same transaction.';
  end if;
end
$function$;

CREATE OR REPLACE FUNCTION sor_guard.unrecorded_partitions()
 RETURNS TABLE(parent_table text, partition_name text, detail text)
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
  select d.parent_table, d.partition_name,
         format('partition %s of %s (%s) was not made by the kit nor attached with an approval (sor_guard.kit_partitions): its rows came from outside the kit''s appends',
                d.partition_name, d.parent_table, d.bound)
    from sor_guard.partition_differences() d
   where d.difference = 'unrecorded'
   order by 1, 2
$function$;

-- triggers

CREATE TRIGGER append_only_tables_refuse_truncate BEFORE TRUNCATE ON sor.append_only_tables FOR EACH STATEMENT EXECUTE FUNCTION sor_guard.tg_events__refuse_change();
alter table sor.append_only_tables enable always trigger append_only_tables_refuse_truncate;
CREATE TRIGGER append_only_tables_refuse_update_delete BEFORE DELETE OR UPDATE ON sor.append_only_tables FOR EACH ROW EXECUTE FUNCTION sor_guard.tg_events__refuse_change();
alter table sor.append_only_tables enable always trigger append_only_tables_refuse_update_delete;
CREATE TRIGGER blocks_events AFTER INSERT OR UPDATE ON sor.blocks FOR EACH ROW EXECUTE FUNCTION sor.tg_blocks__events();
alter table sor.blocks enable always trigger blocks_events;
CREATE TRIGGER ddl_approvals_check_insert BEFORE INSERT ON sor.ddl_approvals FOR EACH ROW EXECUTE FUNCTION sor_guard.tg_ddl_approvals__check();
alter table sor.ddl_approvals enable always trigger ddl_approvals_check_insert;
CREATE TRIGGER ddl_approvals_refuse_truncate BEFORE TRUNCATE ON sor.ddl_approvals FOR EACH STATEMENT EXECUTE FUNCTION sor_guard.tg_ddl_approvals__check();
alter table sor.ddl_approvals enable always trigger ddl_approvals_refuse_truncate;
CREATE TRIGGER ddl_approvals_refuse_update_delete BEFORE DELETE OR UPDATE ON sor.ddl_approvals FOR EACH ROW EXECUTE FUNCTION sor_guard.tg_ddl_approvals__check();
alter table sor.ddl_approvals enable always trigger ddl_approvals_refuse_update_delete;
CREATE TRIGGER ddl_audit_refuse_truncate BEFORE TRUNCATE ON sor.ddl_audit FOR EACH STATEMENT EXECUTE FUNCTION sor_guard.tg_ddl_audit__refuse_change();
alter table sor.ddl_audit enable always trigger ddl_audit_refuse_truncate;
CREATE TRIGGER ddl_audit_refuse_update_delete BEFORE DELETE OR UPDATE ON sor.ddl_audit FOR EACH ROW EXECUTE FUNCTION sor_guard.tg_ddl_audit__refuse_change();
alter table sor.ddl_audit enable always trigger ddl_audit_refuse_update_delete;
CREATE TRIGGER events_chain AFTER INSERT ON sor.events REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sor_guard.tg_events__chain();
alter table sor.events enable always trigger events_chain;
CREATE TRIGGER events_refuse_statement BEFORE DELETE OR UPDATE ON sor.events FOR EACH STATEMENT EXECUTE FUNCTION sor_guard.tg_events__refuse_change();
alter table sor.events enable always trigger events_refuse_statement;
CREATE TRIGGER events_refuse_truncate BEFORE TRUNCATE ON sor.events FOR EACH STATEMENT EXECUTE FUNCTION sor_guard.tg_events__refuse_change();
alter table sor.events enable always trigger events_refuse_truncate;
CREATE TRIGGER events_refuse_unchained BEFORE INSERT ON sor.events FOR EACH ROW WHEN (new.version = 0) EXECUTE FUNCTION sor.tg_events__refuse_unchained();
alter table sor.events enable always trigger events_refuse_unchained;
CREATE TRIGGER events_refuse_update_delete BEFORE DELETE OR UPDATE ON sor.events FOR EACH ROW EXECUTE FUNCTION sor_guard.tg_events__refuse_change();
alter table sor.events enable always trigger events_refuse_update_delete;
CREATE TRIGGER finished_tasks_events_delete AFTER DELETE ON sor.finished_tasks REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION sor.tg_finished_tasks__events_delete();
alter table sor.finished_tasks enable always trigger finished_tasks_events_delete;
CREATE TRIGGER finished_tasks_events_insert AFTER INSERT ON sor.finished_tasks REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sor.tg_finished_tasks__events_insert();
alter table sor.finished_tasks enable always trigger finished_tasks_events_insert;
CREATE TRIGGER ledger_blocks_refuse_truncate BEFORE TRUNCATE ON sor.ledger_blocks FOR EACH STATEMENT EXECUTE FUNCTION sor_guard.tg_events__refuse_change();
alter table sor.ledger_blocks enable always trigger ledger_blocks_refuse_truncate;
CREATE TRIGGER ledger_blocks_refuse_update_delete BEFORE DELETE OR UPDATE ON sor.ledger_blocks FOR EACH ROW EXECUTE FUNCTION sor_guard.tg_events__refuse_change();
alter table sor.ledger_blocks enable always trigger ledger_blocks_refuse_update_delete;
CREATE TRIGGER outbox_dedupe BEFORE INSERT ON sor.outbox FOR EACH ROW EXECUTE FUNCTION sor.tg_outbox__dedupe();
alter table sor.outbox enable always trigger outbox_dedupe;
CREATE TRIGGER outbox_events_update AFTER UPDATE ON sor.outbox REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sor.tg_outbox__events_update();
alter table sor.outbox enable always trigger outbox_events_update;
CREATE TRIGGER outbox_notify_insert AFTER INSERT ON sor.outbox REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sor.tg_outbox__notify_insert();
alter table sor.outbox enable always trigger outbox_notify_insert;
CREATE TRIGGER outbox_notify_update AFTER UPDATE ON sor.outbox REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sor.tg_outbox__notify_update();
alter table sor.outbox enable always trigger outbox_notify_update;
CREATE TRIGGER reserved_names_refuse_truncate BEFORE TRUNCATE ON sor.reserved_names FOR EACH STATEMENT EXECUTE FUNCTION sor_guard.tg_events__refuse_change();
alter table sor.reserved_names enable always trigger reserved_names_refuse_truncate;
CREATE TRIGGER reserved_names_refuse_update_delete BEFORE DELETE OR UPDATE ON sor.reserved_names FOR EACH ROW EXECUTE FUNCTION sor_guard.tg_events__refuse_change();
alter table sor.reserved_names enable always trigger reserved_names_refuse_update_delete;
CREATE TRIGGER retention_policies_refuse_truncate BEFORE TRUNCATE ON sor.retention_policies FOR EACH STATEMENT EXECUTE FUNCTION sor_guard.tg_events__refuse_change();
alter table sor.retention_policies enable always trigger retention_policies_refuse_truncate;
CREATE TRIGGER retention_policies_refuse_update_delete BEFORE DELETE OR UPDATE ON sor.retention_policies FOR EACH ROW EXECUTE FUNCTION sor_guard.tg_events__refuse_change();
alter table sor.retention_policies enable always trigger retention_policies_refuse_update_delete;
CREATE TRIGGER retired_partitions_refuse_truncate BEFORE TRUNCATE ON sor.retired_partitions FOR EACH STATEMENT EXECUTE FUNCTION sor_guard.tg_events__refuse_change();
alter table sor.retired_partitions enable always trigger retired_partitions_refuse_truncate;
CREATE TRIGGER retired_partitions_refuse_update_delete BEFORE DELETE OR UPDATE ON sor.retired_partitions FOR EACH ROW EXECUTE FUNCTION sor_guard.tg_events__refuse_change();
alter table sor.retired_partitions enable always trigger retired_partitions_refuse_update_delete;
CREATE TRIGGER retired_stream_heads_refuse_truncate BEFORE TRUNCATE ON sor.retired_stream_heads FOR EACH STATEMENT EXECUTE FUNCTION sor_guard.tg_events__refuse_change();
alter table sor.retired_stream_heads enable always trigger retired_stream_heads_refuse_truncate;
CREATE TRIGGER retired_stream_heads_refuse_update_delete BEFORE DELETE OR UPDATE ON sor.retired_stream_heads FOR EACH ROW EXECUTE FUNCTION sor_guard.tg_events__refuse_change();
alter table sor.retired_stream_heads enable always trigger retired_stream_heads_refuse_update_delete;
CREATE TRIGGER runs_events AFTER INSERT OR UPDATE ON sor.runs FOR EACH ROW EXECUTE FUNCTION sor.tg_runs__events();
alter table sor.runs enable always trigger runs_events;
CREATE TRIGGER tasks_dedupe BEFORE INSERT ON sor.tasks FOR EACH ROW WHEN (new.dedupe_key IS NOT NULL) EXECUTE FUNCTION sor.tg_tasks__dedupe();
alter table sor.tasks enable always trigger tasks_dedupe;
CREATE TRIGGER tasks_events_update AFTER UPDATE ON sor.tasks REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sor.tg_tasks__events_update();
alter table sor.tasks enable always trigger tasks_events_update;
CREATE TRIGGER tasks_quota AFTER INSERT ON sor.tasks REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sor.tg_tasks__quota();
alter table sor.tasks enable always trigger tasks_quota;
CREATE TRIGGER classes_refuse_truncate BEFORE TRUNCATE ON sor_guard.classes FOR EACH STATEMENT EXECUTE FUNCTION sor_guard.tg_events__refuse_change();
alter table sor_guard.classes enable always trigger classes_refuse_truncate;
CREATE TRIGGER classes_refuse_update_delete BEFORE DELETE OR UPDATE ON sor_guard.classes FOR EACH ROW EXECUTE FUNCTION sor_guard.tg_events__refuse_change();
alter table sor_guard.classes enable always trigger classes_refuse_update_delete;
CREATE TRIGGER contracts_refuse_truncate BEFORE TRUNCATE ON sor_guard.contracts FOR EACH STATEMENT EXECUTE FUNCTION sor_guard.tg_events__refuse_change();
alter table sor_guard.contracts enable always trigger contracts_refuse_truncate;
CREATE TRIGGER contracts_refuse_update_delete BEFORE DELETE OR UPDATE ON sor_guard.contracts FOR EACH ROW EXECUTE FUNCTION sor_guard.tg_events__refuse_change();
alter table sor_guard.contracts enable always trigger contracts_refuse_update_delete;
CREATE TRIGGER kit_partitions_refuse_truncate BEFORE TRUNCATE ON sor_guard.kit_partitions FOR EACH STATEMENT EXECUTE FUNCTION sor_guard.tg_events__refuse_change();
alter table sor_guard.kit_partitions enable always trigger kit_partitions_refuse_truncate;
CREATE TRIGGER kit_partitions_refuse_update_delete BEFORE DELETE OR UPDATE ON sor_guard.kit_partitions FOR EACH ROW EXECUTE FUNCTION sor_guard.tg_events__refuse_change();
alter table sor_guard.kit_partitions enable always trigger kit_partitions_refuse_update_delete;
CREATE TRIGGER register_refuse_truncate BEFORE TRUNCATE ON sor_guard.register FOR EACH STATEMENT EXECUTE FUNCTION sor_guard.tg_events__refuse_change();
alter table sor_guard.register enable always trigger register_refuse_truncate;
CREATE TRIGGER register_refuse_update_delete BEFORE DELETE OR UPDATE ON sor_guard.register FOR EACH ROW EXECUTE FUNCTION sor_guard.tg_events__refuse_change();
alter table sor_guard.register enable always trigger register_refuse_update_delete;
CREATE TRIGGER releases_refuse_truncate BEFORE TRUNCATE ON sor_guard.releases FOR EACH STATEMENT EXECUTE FUNCTION sor_guard.tg_events__refuse_change();
alter table sor_guard.releases enable always trigger releases_refuse_truncate;
CREATE TRIGGER releases_refuse_update_delete BEFORE DELETE OR UPDATE ON sor_guard.releases FOR EACH ROW EXECUTE FUNCTION sor_guard.tg_events__refuse_change();
alter table sor_guard.releases enable always trigger releases_refuse_update_delete;

-- row level security

alter table reconciler.categories enable row level security;
alter table reconciler.categories force row level security;
alter table reconciler.category_rules enable row level security;
alter table reconciler.category_rules force row level security;
alter table reconciler.expenses enable row level security;
alter table reconciler.expenses force row level security;
alter table reconciler.pending_transactions enable row level security;
alter table reconciler.pending_transactions force row level security;
alter table sor.blocks enable row level security;
alter table sor.blocks force row level security;
alter table sor.dedupe_keys enable row level security;
alter table sor.dedupe_keys force row level security;
alter table sor.event_keys enable row level security;
alter table sor.event_keys force row level security;
alter table sor.events enable row level security;
alter table sor.events force row level security;
alter table sor.finished_tasks enable row level security;
alter table sor.finished_tasks force row level security;
alter table sor.idempotency_keys enable row level security;
alter table sor.idempotency_keys force row level security;
alter table sor.outbox enable row level security;
alter table sor.outbox force row level security;
alter table sor.retired_stream_heads enable row level security;
alter table sor.retired_stream_heads force row level security;
alter table sor.run_tasks enable row level security;
alter table sor.run_tasks force row level security;
alter table sor.runs enable row level security;
alter table sor.runs force row level security;
alter table sor.steps enable row level security;
alter table sor.steps force row level security;
alter table sor.streams enable row level security;
alter table sor.streams force row level security;
alter table sor.subscriptions enable row level security;
alter table sor.subscriptions force row level security;
alter table sor.task_listeners enable row level security;
alter table sor.task_listeners force row level security;
alter table sor.tasks enable row level security;
alter table sor.tasks force row level security;
alter table sor.tenant_members enable row level security;
alter table sor.tenant_members force row level security;
alter table sor.tenant_quotas enable row level security;
alter table sor.tenant_quotas force row level security;
alter table sor.tenant_settings enable row level security;
alter table sor.tenant_settings force row level security;
alter table sor.tenant_usage enable row level security;
alter table sor.tenant_usage force row level security;
alter table sor.tenants enable row level security;
alter table sor.tenants force row level security;
alter table sor.tool_calls enable row level security;
alter table sor.tool_calls force row level security;
alter table sor.turns enable row level security;
alter table sor.turns force row level security;
alter table sor.wakeup_secret enable row level security;
alter table sor.wakeup_secret force row level security;
alter table sor.workers enable row level security;
alter table sor.workers force row level security;

-- policies

create policy categories_auditor_select on reconciler.categories as permissive for select to sor_auditor using (true);
create policy categories_owner_all on reconciler.categories as permissive for all to sor_owner using (true) with check (true);
create policy categories_tenant_select on reconciler.categories as permissive for select to sor_tenant using ((tenant_id IN ( SELECT sor_guard.current_tenants() AS current_tenants)));
create policy category_rules_auditor_select on reconciler.category_rules as permissive for select to sor_auditor using (true);
create policy category_rules_owner_all on reconciler.category_rules as permissive for all to sor_owner using (true) with check (true);
create policy expenses_auditor_select on reconciler.expenses as permissive for select to sor_auditor using (true);
create policy expenses_owner_all on reconciler.expenses as permissive for all to sor_owner using (true) with check (true);
create policy expenses_tenant_select on reconciler.expenses as permissive for select to sor_tenant using ((tenant_id IN ( SELECT sor_guard.current_tenants() AS current_tenants)));
create policy pending_transactions_auditor_select on reconciler.pending_transactions as permissive for select to sor_auditor using (true);
create policy pending_transactions_owner_all on reconciler.pending_transactions as permissive for all to sor_owner using (true) with check (true);
create policy pending_transactions_tenant_select on reconciler.pending_transactions as permissive for select to sor_tenant using ((tenant_id IN ( SELECT sor_guard.current_tenants() AS current_tenants)));
create policy blocks_auditor_select on sor.blocks as permissive for select to sor_auditor using (true);
create policy blocks_owner_all on sor.blocks as permissive for all to sor_owner using (true) with check (true);
create policy blocks_tenant_select on sor.blocks as permissive for select to sor_tenant, sor_approver using ((tenant_id IN ( SELECT sor_guard.current_tenants() AS current_tenants)));
create policy dedupe_keys_auditor_select on sor.dedupe_keys as permissive for select to sor_auditor using (true);
create policy dedupe_keys_owner_all on sor.dedupe_keys as permissive for all to sor_owner using (true) with check (true);
create policy event_keys_auditor_select on sor.event_keys as permissive for select to sor_auditor using (true);
create policy event_keys_owner_all on sor.event_keys as permissive for all to sor_owner using (true) with check (true);
create policy events_auditor_select on sor.events as permissive for select to sor_auditor using (true);
create policy events_owner_all on sor.events as permissive for all to sor_owner using (true) with check (true);
create policy events_tenant_select on sor.events as permissive for select to sor_tenant using ((tenant_id IN ( SELECT sor_guard.current_tenants() AS current_tenants)));
create policy finished_tasks_auditor_select on sor.finished_tasks as permissive for select to sor_auditor using (true);
create policy finished_tasks_owner_all on sor.finished_tasks as permissive for all to sor_owner using (true) with check (true);
create policy finished_tasks_tenant_select on sor.finished_tasks as permissive for select to sor_tenant using ((tenant_id IN ( SELECT sor_guard.current_tenants() AS current_tenants)));
create policy idempotency_keys_auditor_select on sor.idempotency_keys as permissive for select to sor_auditor using (true);
create policy idempotency_keys_owner_all on sor.idempotency_keys as permissive for all to sor_owner using (true) with check (true);
create policy outbox_auditor_select on sor.outbox as permissive for select to sor_auditor using (true);
create policy outbox_owner_all on sor.outbox as permissive for all to sor_owner using (true) with check (true);
create policy retired_stream_heads_auditor_select on sor.retired_stream_heads as permissive for select to sor_auditor using (true);
create policy retired_stream_heads_owner_all on sor.retired_stream_heads as permissive for all to sor_owner using (true) with check (true);
create policy run_tasks_auditor_select on sor.run_tasks as permissive for select to sor_auditor using (true);
create policy run_tasks_owner_all on sor.run_tasks as permissive for all to sor_owner using (true) with check (true);
create policy runs_auditor_select on sor.runs as permissive for select to sor_auditor using (true);
create policy runs_owner_all on sor.runs as permissive for all to sor_owner using (true) with check (true);
create policy runs_tenant_select on sor.runs as permissive for select to sor_tenant, sor_approver using ((tenant_id IN ( SELECT sor_guard.current_tenants() AS current_tenants)));
create policy steps_auditor_select on sor.steps as permissive for select to sor_auditor using (true);
create policy steps_owner_all on sor.steps as permissive for all to sor_owner using (true) with check (true);
create policy steps_tenant_select on sor.steps as permissive for select to sor_tenant using ((tenant_id IN ( SELECT sor_guard.current_tenants() AS current_tenants)));
create policy streams_auditor_select on sor.streams as permissive for select to sor_auditor using (true);
create policy streams_owner_all on sor.streams as permissive for all to sor_owner using (true) with check (true);
create policy subscriptions_auditor_select on sor.subscriptions as permissive for select to sor_auditor using (true);
create policy subscriptions_owner_all on sor.subscriptions as permissive for all to sor_owner using (true) with check (true);
create policy task_listeners_owner_all on sor.task_listeners as permissive for all to sor_owner using (true) with check (true);
create policy tasks_auditor_select on sor.tasks as permissive for select to sor_auditor using (true);
create policy tasks_owner_all on sor.tasks as permissive for all to sor_owner using (true) with check (true);
create policy tasks_tenant_select on sor.tasks as permissive for select to sor_tenant using ((tenant_id IN ( SELECT sor_guard.current_tenants() AS current_tenants)));
create policy tenant_members_approver_select on sor.tenant_members as permissive for select to sor_approver using ((role_name = CURRENT_USER));
create policy tenant_members_auditor_select on sor.tenant_members as permissive for select to sor_auditor, sor_admin using (true);
create policy tenant_members_owner_all on sor.tenant_members as permissive for all to sor_owner using (true) with check (true);
create policy tenant_members_tenant_select on sor.tenant_members as permissive for select to sor_tenant using ((role_name = CURRENT_USER));
create policy tenant_quotas_auditor_select on sor.tenant_quotas as permissive for select to sor_auditor using (true);
create policy tenant_quotas_owner_all on sor.tenant_quotas as permissive for all to sor_owner using (true) with check (true);
create policy tenant_settings_auditor_select on sor.tenant_settings as permissive for select to sor_auditor, sor_admin using (true);
create policy tenant_settings_owner_all on sor.tenant_settings as permissive for all to sor_owner using (true) with check (true);
create policy tenant_usage_auditor_select on sor.tenant_usage as permissive for select to sor_auditor using (true);
create policy tenant_usage_owner_all on sor.tenant_usage as permissive for all to sor_owner using (true) with check (true);
create policy tenants_auditor_select on sor.tenants as permissive for select to sor_auditor, sor_admin using (true);
create policy tenants_owner_all on sor.tenants as permissive for all to sor_owner using (true) with check (true);
create policy tenants_tenant_select on sor.tenants as permissive for select to sor_tenant using ((tenant_id IN ( SELECT sor_guard.current_tenants() AS current_tenants)));
create policy tool_calls_auditor_select on sor.tool_calls as permissive for select to sor_auditor using (true);
create policy tool_calls_owner_all on sor.tool_calls as permissive for all to sor_owner using (true) with check (true);
create policy tool_calls_tenant_select on sor.tool_calls as permissive for select to sor_tenant using ((tenant_id IN ( SELECT sor_guard.current_tenants() AS current_tenants)));
create policy turns_auditor_select on sor.turns as permissive for select to sor_auditor using (true);
create policy turns_owner_all on sor.turns as permissive for all to sor_owner using (true) with check (true);
create policy turns_tenant_select on sor.turns as permissive for select to sor_tenant using ((tenant_id IN ( SELECT sor_guard.current_tenants() AS current_tenants)));
create policy wakeup_secret_owner_all on sor.wakeup_secret as permissive for all to sor_owner using (true) with check (true);
create policy workers_auditor_select on sor.workers as permissive for select to sor_auditor, sor_admin using (true);
create policy workers_owner_all on sor.workers as permissive for all to sor_owner using (true) with check (true);

-- owners and privileges

-- function reconciler.ingest_bank_rows(tenant_id text, bank_rows jsonb) owner sor_owner: sor_admin=EXECUTE, sor_owner=EXECUTE
-- function reconciler.setup_tenant(tenant_id text) owner sor_owner: sor_admin=EXECUTE, sor_owner=EXECUTE
-- function reconciler.tool_categorise(ctx jsonb, args jsonb) owner sor_owner: sor_owner=EXECUTE
-- function reconciler.tool_list_pending(ctx jsonb, args jsonb) owner sor_owner: sor_owner=EXECUTE
-- function reconciler.tool_record_expense(ctx jsonb, args jsonb) owner sor_owner: sor_owner=EXECUTE
-- function sor.announce_append(tenant_id text) owner sor_owner: sor_owner=EXECUTE
-- function sor.append_event(tenant_id text, stream text, type text, payload jsonb, metadata jsonb, expected_version integer) owner sor_owner: sor_owner=EXECUTE
-- function sor.append_event_rows(tenant_ids text[], streams text[], types text[], payloads jsonb[], metadatas jsonb[], expected integer[], serialized boolean) owner sor_owner: sor_owner=EXECUTE
-- function sor.certify__010_foundation() owner sor_owner: sor_owner=EXECUTE
-- function sor.certify__020_events() owner sor_owner: sor_owner=EXECUTE
-- function sor.certify__030_guard() owner sor_owner: sor_owner=EXECUTE
-- function sor.certify__040_journal() owner sor_owner: sor_owner=EXECUTE
-- function sor.certify__050_claims() owner sor_owner: sor_owner=EXECUTE
-- function sor.certify__060_tools() owner sor_owner: sor_owner=EXECUTE
-- function sor.certify__070_capstone() owner sor_owner: sor_owner=EXECUTE
-- function sor.certify__080_volume() owner sor_owner: sor_owner=EXECUTE
-- function sor.certify__085_bodies() owner sor_owner: sor_owner=EXECUTE
-- function sor.certify__087_surface() owner sor_owner: sor_owner=EXECUTE
-- function sor.certify_raw() owner sor_owner: sor_owner=EXECUTE
-- function sor.check_horizon_context() owner sor_owner: sor_owner=EXECUTE
-- function sor.check_max_rows(max_rows integer) owner sor_owner: sor_owner=EXECUTE
-- function sor.check_size(value jsonb, what text) owner sor_owner: sor_owner=EXECUTE
-- function sor.check_size(value text, what text) owner sor_owner: sor_owner=EXECUTE
-- function sor.check_verify_scope(for_tenant text, for_stream text) owner sor_owner: sor_owner=EXECUTE
-- function sor.claim_tasks_for(queue text, batch integer, lease interval, tenants text[]) owner sor_owner: sor_owner=EXECUTE
-- function sor.closed_catalog_functions() owner sor_owner: sor_owner=EXECUTE
-- function sor.code_text(src text) owner sor_owner: sor_owner=EXECUTE
-- function sor.command_dedupe_key(run_id uuid, step_id text, ordinal integer, command jsonb) owner sor_owner: sor_owner=EXECUTE
-- function sor.current_worker() owner sor_owner: sor_owner=EXECUTE
-- function sor.domain_surface() owner sor_owner: sor_owner=EXECUTE
-- function sor.enqueue_outbox(tenant_id text, topic text, aggregate_type text, aggregate_id text, payload jsonb, headers jsonb, dedupe_key text, max_attempts integer, run_id uuid, step_id text, block_id bigint) owner sor_owner: sor_owner=EXECUTE
-- function sor.enqueue_task(tenant_id text, queue text, subject text, payload jsonb, dedupe_key text, priority integer, delay interval, max_attempts integer) owner sor_owner: sor_owner=EXECUTE
-- function sor.ensure_policy(tbl regclass, policy name, command text, roles name[], using_expr text, check_expr text) owner sor_owner: sor_owner=EXECUTE
-- function sor.event_fingerprint(stream text, type text, payload jsonb, metadata jsonb) owner sor_owner: sor_owner=EXECUTE
-- function sor.event_summary(stream text, type text, payload jsonb, actor name) owner sor_owner: sor_owner=EXECUTE
-- function sor.failure_recorded(task_id bigint, fencing_token bigint, error text) owner sor_owner: sor_owner=EXECUTE
-- function sor.finish_task(t sor.tasks, status text, result jsonb, last_error text, finished_at timestamp with time zone, completion_event boolean) owner sor_owner: sor_owner=EXECUTE
-- function sor.forensic_run(run_id uuid) owner sor_owner: sor_owner=EXECUTE
-- function sor.forensic_time(at timestamp with time zone) owner sor_owner: sor_owner=EXECUTE
-- function sor.idempotency_claim(tenant_id text, scope text, idempotency_key text, fingerprint bytea, run_id uuid, tool_call_id uuid) owner sor_owner: sor_owner=EXECUTE
-- function sor.is_interval(value text) owner sor_owner: sor_owner=EXECUTE
-- function sor.is_reserved(kind text, name text) owner sor_owner: sor_owner=EXECUTE
-- function sor.is_valid(kind text, value text) owner sor_owner: sor_owner=EXECUTE
-- function sor.journal_bad_input(what text, hint text) owner sor_owner: sor_owner=EXECUTE
-- function sor.journal_check_id(value text, what text, max_length integer) owner sor_owner: sor_owner=EXECUTE
-- function sor.journal_digest(content text, given_sha256 text, hash_only boolean, what text) owner sor_owner: sor_owner=EXECUTE
-- function sor.json_path_append(path text, key text) owner sor_owner: sor_owner=EXECUTE
-- function sor.json_schema_problem(schema jsonb, path text) owner sor_owner: sor_owner=EXECUTE
-- function sor.json_schema_violation(schema jsonb, value jsonb, at_path text) owner sor_owner: sor_owner=EXECUTE
-- function sor.kit_schemas() owner sor_owner: sor_owner=EXECUTE
-- function sor.lease_check_request(what text, batch integer, lease interval) owner sor_owner: sor_owner=EXECUTE
-- function sor.lease_clock() owner sor_owner: sor_owner=EXECUTE
-- function sor.lease_held(holder name, fencing_token bigint, lease_expires_at timestamp with time zone, given_token bigint, at timestamp with time zone) owner sor_owner: sor_owner=EXECUTE
-- function sor.lease_lapsed(lease_expires_at timestamp with time zone) owner sor_owner: sor_approver=EXECUTE, sor_auditor=EXECUTE, sor_owner=EXECUTE, sor_tenant=EXECUTE
-- function sor.lease_lapsed_at(lease_expires_at timestamp with time zone, at timestamp with time zone) owner sor_owner: sor_owner=EXECUTE
-- function sor.lease_request_ok(batch integer, lease interval) owner sor_owner: sor_owner=EXECUTE
-- function sor.lease_retry_at(attempts integer, max_attempts integer, base interval, cap interval) owner sor_owner: sor_owner=EXECUTE
-- function sor.leases() owner sor_owner: sor_owner=EXECUTE
-- function sor.ledger_block_hash(prev_block_hash bytea, block_id bigint, from_tx xid8, to_tx xid8, events bigint, first_position bigint, last_position bigint, events_sha256 bytea) owner sor_owner: sor_owner=EXECUTE
-- function sor.lock_stream(tenant_id text, stream text, claim_new boolean) owner sor_owner: sor_owner=EXECUTE
-- function sor.make_partitions(months_ahead integer) owner sor_owner: sor_owner=EXECUTE
-- function sor.make_quota_slots(tenant_ids text[]) owner sor_owner: sor_owner=EXECUTE
-- function sor.mark_abandoned(run_id uuid, worker_role name) owner sor_owner: sor_owner=EXECUTE
-- function sor.outbox_counts(status text) owner sor_owner: sor_owner=EXECUTE
-- function sor.over_cap(value jsonb) owner sor_owner: sor_owner=EXECUTE
-- function sor.over_cap(value text) owner sor_owner: sor_owner=EXECUTE
-- function sor.partition_bounds(part regclass) owner sor_owner: sor_owner=EXECUTE
-- function sor.partition_list() owner sor_owner: sor_admin=EXECUTE, sor_auditor=EXECUTE, sor_owner=EXECUTE
-- function sor.partitioned_tables() owner sor_owner: sor_owner=EXECUTE
-- function sor.prepare_partition(part regclass) owner sor_owner: sor_owner=EXECUTE
-- function sor.queues_recording_rows() owner sor_owner: sor_owner=EXECUTE
-- function sor.quota_count(kind text, tenants text[], deltas bigint[]) owner sor_owner: sor_owner=EXECUTE
-- function sor.reader_caught_up(tenant_id text, after_position bigint, reader text) owner sor_owner: sor_owner=EXECUTE
-- function sor.reader_page_read(reader text, rows_read bigint) owner sor_owner: sor_owner=EXECUTE
-- function sor.refuse_lease_call(kind text, id bigint, given_token bigint, action text, known boolean, status text, leased boolean, holder name, fencing_token bigint, lease_expires_at timestamp with time zone) owner sor_owner: sor_owner=EXECUTE
-- function sor.refuse_outbox_call(outbox_id bigint, lease_token bigint, action text) owner sor_owner: sor_owner=EXECUTE
-- function sor.refuse_reserved(stream text, type text, topic text) owner sor_owner: sor_owner=EXECUTE
-- function sor.refuse_task_call(task_id bigint, fencing_token bigint, action text) owner sor_owner: sor_owner=EXECUTE
-- function sor.register_tool(tool_name text, description text, input_schema jsonb, function_oid regprocedure, allowed_kinds text[], side_effects boolean, enabled boolean) owner sor_owner: sor_owner=EXECUTE
-- function sor.reserved_kind(stream text, type text, topic text) owner sor_owner: sor_owner=EXECUTE
-- function sor.reserved_list(kind text) owner sor_owner: sor_owner=EXECUTE
-- function sor.resume(run_id uuid, lease_seconds integer) owner sor_owner: sor_owner=EXECUTE
-- function sor.retry_delay(attempts integer, base interval, cap interval) owner sor_owner: sor_owner=EXECUTE
-- function sor.run_timeline_entries(run_row sor.runs, from_at timestamp with time zone) owner sor_owner: sor_owner=EXECUTE
-- function sor.session_defaults() owner sor_owner: sor_owner=EXECUTE
-- function sor.session_defaults_due() owner sor_owner: sor_owner=EXECUTE
-- function sor.sqlstate_words(code text) owner sor_owner: sor_owner=EXECUTE
-- function sor.subscription(tenant_id text, name text, for_update boolean) owner sor_owner: sor_owner=EXECUTE
-- function sor.sweep_lapsed(tenant_ids text[]) owner sor_owner: sor_owner=EXECUTE
-- function sor.task_input_problem(subject text, payload jsonb, dedupe_key text, priority integer, delay interval, max_attempts integer) owner sor_owner: sor_owner=EXECUTE
-- function sor.task_listen(queue text) owner sor_owner: sor_owner=EXECUTE
-- function sor.tenant_horizon(tenant_id text) owner sor_owner: sor_owner=EXECUTE
-- function sor.tg_blocks__events() owner sor_owner: sor_owner=EXECUTE
-- function sor.tg_events__refuse_unchained() owner sor_owner: sor_owner=EXECUTE
-- function sor.tg_finished_tasks__events_delete() owner sor_owner: sor_owner=EXECUTE
-- function sor.tg_finished_tasks__events_insert() owner sor_owner: sor_owner=EXECUTE
-- function sor.tg_outbox__dedupe() owner sor_owner: sor_owner=EXECUTE
-- function sor.tg_outbox__events_update() owner sor_owner: sor_owner=EXECUTE
-- function sor.tg_outbox__notify_insert() owner sor_owner: sor_owner=EXECUTE
-- function sor.tg_outbox__notify_update() owner sor_owner: sor_owner=EXECUTE
-- function sor.tg_runs__events() owner sor_owner: sor_owner=EXECUTE
-- function sor.tg_tasks__dedupe() owner sor_owner: sor_owner=EXECUTE
-- function sor.tg_tasks__events_update() owner sor_owner: sor_owner=EXECUTE
-- function sor.tg_tasks__quota() owner sor_owner: sor_owner=EXECUTE
-- function sor.tool_call_begin(run_id uuid, tool_name text, args jsonb, idempotency_key text) owner sor_owner: sor_owner=EXECUTE
-- function sor.tool_call_finish(tool_call_id uuid, result jsonb, error jsonb) owner sor_owner: sor_owner=EXECUTE
-- function sor.tool_call_interrupt(call sor.tool_calls, resumed sor.runs) owner sor_owner: sor_owner=EXECUTE
-- function sor.verify_event_chains(for_tenant text, for_stream text) owner sor_owner: sor_owner=EXECUTE
-- function sor.wake_events(tenant_id text) owner sor_owner: sor_owner=EXECUTE
-- function sor.wake_outbox(tenant_ids text[], counts bigint[]) owner sor_owner: sor_owner=EXECUTE
-- function sor.wake_tasks(queue text, tenant_ids text[]) owner sor_owner: sor_owner=EXECUTE
-- function sor.wakeup_channel(kind text, key text) owner sor_owner: sor_owner=EXECUTE
-- function sor.worker_run(run_id uuid, for_write boolean) owner sor_owner: sor_owner=EXECUTE
-- function sor_api.ack_subscription(tenant_id text, name text, up_to_position bigint) owner sor_owner: sor_auditor=EXECUTE, sor_owner=EXECUTE, sor_tenant=EXECUTE, sor_worker=EXECUTE
-- function sor_api.add_member(tenant_id text, role_name text) owner sor_owner: sor_admin=EXECUTE, sor_owner=EXECUTE
-- function sor_api.add_tenant(tenant_id text, display_name text) owner sor_owner: sor_admin=EXECUTE, sor_owner=EXECUTE
-- function sor_api.append_event(tenant_id text, stream text, type text, payload jsonb, metadata jsonb, expected_version integer) owner sor_owner: sor_owner=EXECUTE, sor_worker=EXECUTE
-- function sor_api.append_event(tenant_id text, stream text, type text, payload jsonb, metadata jsonb, expected_version integer, idempotency_key text) owner sor_owner: sor_owner=EXECUTE, sor_worker=EXECUTE
-- function sor_api.append_events(tenant_id text, events jsonb) owner sor_owner: sor_owner=EXECUTE, sor_worker=EXECUTE
-- function sor_api.approve_ddl(operation text, object_identity text, ticket text, rehearsed_on text, expires_at timestamp with time zone) owner sor_owner: sor_approver=EXECUTE, sor_owner=EXECUTE
-- function sor_api.approve_release(version text, digest text, ticket text, rehearsed_on text, expires_at timestamp with time zone) owner sor_owner: sor_approver=EXECUTE, sor_owner=EXECUTE
-- function sor_api.begin_tool_call(run_id uuid, tool_name text, args jsonb, idempotency_key text) owner sor_owner: sor_owner=EXECUTE, sor_worker=EXECUTE
-- function sor_api.call_tool(run_id uuid, tool text, args jsonb, idempotency_key text) owner sor_owner: sor_owner=EXECUTE, sor_worker=EXECUTE
-- function sor_api.cancel_run(run_id uuid, reason text) owner sor_owner: sor_admin=EXECUTE, sor_owner=EXECUTE
-- function sor_api.certify() owner sor_owner: sor_admin=EXECUTE, sor_auditor=EXECUTE, sor_owner=EXECUTE
-- function sor_api.check_contract(client_contract text) owner sor_owner: sor_admin=EXECUTE, sor_approver=EXECUTE, sor_auditor=EXECUTE, sor_dispatcher=EXECUTE, sor_owner=EXECUTE, sor_tenant=EXECUTE, sor_worker=EXECUTE
-- function sor_api.claim_tasks(queue text, batch integer, lease interval) owner sor_owner: sor_owner=EXECUTE, sor_worker=EXECUTE
-- function sor_api.claim_tasks(queue text, batch integer, lease interval, tenant text) owner sor_owner: sor_owner=EXECUTE, sor_worker=EXECUTE
-- function sor_api.claim_tasks_in_run(run_id uuid, queue text, batch integer, lease interval) owner sor_owner: sor_owner=EXECUTE, sor_worker=EXECUTE
-- function sor_api.commit_step(run_id uuid, step_id text, expected_version integer, output jsonb, events jsonb, commands jsonb) owner sor_owner: sor_owner=EXECUTE, sor_worker=EXECUTE
-- function sor_api.complete_task(task_id bigint, fencing_token bigint, result jsonb) owner sor_owner: sor_owner=EXECUTE, sor_worker=EXECUTE
-- function sor_api.complete_tasks(tasks jsonb) owner sor_owner: sor_owner=EXECUTE, sor_worker=EXECUTE
-- function sor_api.configure_tenant(tenant_id text, hash_only boolean, idempotency_retention interval) owner sor_owner: sor_admin=EXECUTE, sor_owner=EXECUTE
-- function sor_api.contract_version() owner sor_owner: sor_admin=EXECUTE, sor_approver=EXECUTE, sor_auditor=EXECUTE, sor_dispatcher=EXECUTE, sor_owner=EXECUTE, sor_tenant=EXECUTE, sor_worker=EXECUTE
-- function sor_api.create_queue(queue text, description text, max_attempts integer, backoff_base interval, backoff_max interval) owner sor_owner: sor_admin=EXECUTE, sor_owner=EXECUTE
-- function sor_api.ddl_guard_targets() owner sor_owner: sor_admin=EXECUTE, sor_approver=EXECUTE, sor_auditor=EXECUTE, sor_owner=EXECUTE
-- function sor_api.dead_outbox(max_rows integer) owner sor_owner: sor_admin=EXECUTE, sor_owner=EXECUTE
-- function sor_api.dead_tasks(queue text, max_rows integer) owner sor_owner: sor_admin=EXECUTE, sor_owner=EXECUTE
-- function sor_api.enqueue_task(tenant_id text, queue text, subject text, payload jsonb, dedupe_key text, priority integer, delay interval, max_attempts integer) owner sor_owner: sor_owner=EXECUTE, sor_worker=EXECUTE
-- function sor_api.enqueue_task_in_run(run_id uuid, queue text, subject text, payload jsonb, dedupe_key text, priority integer, delay interval, max_attempts integer) owner sor_owner: sor_owner=EXECUTE, sor_worker=EXECUTE
-- function sor_api.enqueue_tasks(tenant_id text, queue text, tasks jsonb) owner sor_owner: sor_owner=EXECUTE, sor_worker=EXECUTE
-- function sor_api.events_since(after_position bigint, max_rows integer) owner sor_owner: sor_auditor=EXECUTE, sor_owner=EXECUTE, sor_tenant=EXECUTE, sor_worker=EXECUTE
-- function sor_api.fail_task(task_id bigint, fencing_token bigint, error text) owner sor_owner: sor_owner=EXECUTE, sor_worker=EXECUTE
-- function sor_api.fail_tasks(tasks jsonb) owner sor_owner: sor_owner=EXECUTE, sor_worker=EXECUTE
-- function sor_api.finish_run(run_id uuid, status text, error jsonb) owner sor_owner: sor_owner=EXECUTE, sor_worker=EXECUTE
-- function sor_api.finish_tool_call(tool_call_id uuid, result jsonb, error jsonb) owner sor_owner: sor_owner=EXECUTE, sor_worker=EXECUTE
-- function sor_api.get_run(run_id uuid) owner sor_owner: sor_owner=EXECUTE, sor_worker=EXECUTE
-- function sor_api.heartbeat(run_id uuid, lease_seconds integer) owner sor_owner: sor_owner=EXECUTE, sor_worker=EXECUTE
-- function sor_api.heartbeat_task(task_id bigint, fencing_token bigint) owner sor_owner: sor_owner=EXECUTE, sor_worker=EXECUTE
-- function sor_api.lease_outbox(batch integer, lease interval, tenants text[]) owner sor_owner: sor_dispatcher=EXECUTE, sor_owner=EXECUTE
-- function sor_api.ledger_digest() owner sor_owner: sor_admin=EXECUTE, sor_auditor=EXECUTE, sor_owner=EXECUTE
-- function sor_api.list_tools() owner sor_owner: sor_owner=EXECUTE, sor_worker=EXECUTE
-- function sor_api.maintain_partitions(months_ahead integer) owner sor_owner: sor_admin=EXECUTE, sor_dispatcher=EXECUTE, sor_owner=EXECUTE
-- function sor_api.mark_dispatched(outbox_id bigint, lease_token bigint, provider_ref text) owner sor_owner: sor_dispatcher=EXECUTE, sor_owner=EXECUTE
-- function sor_api.mark_failed(outbox_id bigint, lease_token bigint, error text) owner sor_owner: sor_dispatcher=EXECUTE, sor_owner=EXECUTE
-- function sor_api.my_runs() owner sor_owner: sor_owner=EXECUTE, sor_worker=EXECUTE
-- function sor_api.my_runs(run_status text, after_run_id uuid, max_rows integer) owner sor_owner: sor_owner=EXECUTE, sor_worker=EXECUTE
-- function sor_api.outbox_metrics() owner sor_owner: sor_auditor=EXECUTE, sor_dispatcher=EXECUTE, sor_owner=EXECUTE, sor_tenant=EXECUTE, sor_worker=EXECUTE
-- function sor_api.queue_metrics() owner sor_owner: sor_auditor=EXECUTE, sor_dispatcher=EXECUTE, sor_owner=EXECUTE, sor_tenant=EXECUTE, sor_worker=EXECUTE
-- function sor_api.quotas(tenant_id text) owner sor_owner: sor_admin=EXECUTE, sor_owner=EXECUTE
-- function sor_api.read_stream(tenant_id text, stream text, from_version integer, max_rows integer) owner sor_owner: sor_auditor=EXECUTE, sor_owner=EXECUTE, sor_tenant=EXECUTE, sor_worker=EXECUTE
-- function sor_api.read_subscription(tenant_id text, name text, max_rows integer) owner sor_owner: sor_auditor=EXECUTE, sor_owner=EXECUTE, sor_tenant=EXECUTE, sor_worker=EXECUTE
-- function sor_api.record_turn(run_id uuid, model text, role text, input_tokens integer, output_tokens integer, content text, content_sha256 text) owner sor_owner: sor_owner=EXECUTE, sor_worker=EXECUTE
-- function sor_api.register_domain_schema(schema_name text) owner sor_owner: sor_admin=EXECUTE, sor_owner=EXECUTE
-- function sor_api.register_worker(role_name text, kind text) owner sor_owner: sor_admin=EXECUTE, sor_owner=EXECUTE
-- function sor_api.remove_member(tenant_id text, role_name text) owner sor_owner: sor_admin=EXECUTE, sor_owner=EXECUTE
-- function sor_api.require_kernel(version text) owner sor_owner: sor_admin=EXECUTE, sor_auditor=EXECUTE, sor_owner=EXECUTE
-- function sor_api.resolve_block(block_id bigint, approved boolean, note text) owner sor_owner: sor_approver=EXECUTE, sor_owner=EXECUTE
-- function sor_api.resume_run(run_id uuid, lease_seconds integer) owner sor_owner: sor_owner=EXECUTE, sor_worker=EXECUTE
-- function sor_api.retire_partition(partition_name text) owner sor_owner: sor_admin=EXECUTE, sor_owner=EXECUTE
-- function sor_api.retry_outbox(outbox_id bigint) owner sor_owner: sor_admin=EXECUTE, sor_owner=EXECUTE
-- function sor_api.retry_task(task_id bigint) owner sor_owner: sor_admin=EXECUTE, sor_owner=EXECUTE
-- function sor_api.rotate_wakeup_channels() owner sor_owner: sor_admin=EXECUTE, sor_owner=EXECUTE
-- function sor_api.run_report(run_id uuid) owner sor_owner: sor_auditor=EXECUTE, sor_owner=EXECUTE, sor_tenant=EXECUTE, sor_worker=EXECUTE
-- function sor_api.run_report_facts(run_id uuid) owner sor_owner: sor_auditor=EXECUTE, sor_owner=EXECUTE, sor_tenant=EXECUTE, sor_worker=EXECUTE
-- function sor_api.run_timeline(run_id uuid) owner sor_owner: sor_auditor=EXECUTE, sor_owner=EXECUTE, sor_tenant=EXECUTE, sor_worker=EXECUTE
-- function sor_api.run_timeline(run_id uuid, after_entry text, max_rows integer) owner sor_owner: sor_auditor=EXECUTE, sor_owner=EXECUTE, sor_tenant=EXECUTE, sor_worker=EXECUTE
-- function sor_api.run_tool_calls(run_id uuid) owner sor_owner: sor_owner=EXECUTE, sor_worker=EXECUTE
-- function sor_api.run_tool_calls(run_id uuid, call_status text, after_tool_call_id uuid, max_rows integer) owner sor_owner: sor_owner=EXECUTE, sor_worker=EXECUTE
-- function sor_api.seal_ledger(max_events integer) owner sor_owner: sor_admin=EXECUTE, sor_auditor=EXECUTE, sor_dispatcher=EXECUTE, sor_owner=EXECUTE
-- function sor_api.set_completion_record(queue text, record text) owner sor_owner: sor_admin=EXECUTE, sor_owner=EXECUTE
-- function sor_api.set_outbox_broadcast(enabled boolean) owner sor_owner: sor_admin=EXECUTE, sor_owner=EXECUTE
-- function sor_api.set_overlay(run_id uuid, "overlay" jsonb) owner sor_owner: sor_approver=EXECUTE, sor_owner=EXECUTE
-- function sor_api.set_quota(tenant_id text, kind text, max_pending bigint) owner sor_owner: sor_admin=EXECUTE, sor_owner=EXECUTE
-- function sor_api.set_retention(table_name text, keep interval, reason text) owner sor_owner: sor_admin=EXECUTE, sor_owner=EXECUTE
-- function sor_api.start_run(tenant_id text, workflow text, input jsonb, idempotency_key text, lease_seconds integer, hash_only boolean, input_sha256 text) owner sor_owner: sor_owner=EXECUTE, sor_worker=EXECUTE
-- function sor_api.subscribe(tenant_id text, name text, stream_prefix text, from_start boolean) owner sor_owner: sor_auditor=EXECUTE, sor_owner=EXECUTE, sor_tenant=EXECUTE, sor_worker=EXECUTE
-- function sor_api.subscriptions(tenant_id text) owner sor_owner: sor_auditor=EXECUTE, sor_owner=EXECUTE, sor_tenant=EXECUTE, sor_worker=EXECUTE
-- function sor_api.sweep_abandoned_runs() owner sor_owner: sor_admin=EXECUTE, sor_owner=EXECUTE, sor_worker=EXECUTE
-- function sor_api.sweep_idempotency_keys() owner sor_owner: sor_admin=EXECUTE, sor_owner=EXECUTE, sor_worker=EXECUTE
-- function sor_api.tenant_events_since(tenant_id text, after_position bigint, max_rows integer) owner sor_owner: sor_auditor=EXECUTE, sor_owner=EXECUTE, sor_tenant=EXECUTE, sor_worker=EXECUTE
-- function sor_api.unsubscribe(tenant_id text, name text) owner sor_owner: sor_auditor=EXECUTE, sor_owner=EXECUTE, sor_tenant=EXECUTE, sor_worker=EXECUTE
-- function sor_api.verify_events(for_tenant text, for_stream text) owner sor_owner: sor_auditor=EXECUTE, sor_owner=EXECUTE
-- function sor_api.verify_events_summary(for_tenant text, for_stream text) owner sor_owner: sor_auditor=EXECUTE, sor_owner=EXECUTE
-- function sor_api.verify_ledger(digest jsonb) owner sor_owner: sor_auditor=EXECUTE, sor_owner=EXECUTE
-- function sor_api.wakeup_channel(kind text, key text) owner sor_owner: sor_auditor=EXECUTE, sor_dispatcher=EXECUTE, sor_owner=EXECUTE, sor_tenant=EXECUTE, sor_worker=EXECUTE
-- function sor_api.what_happened(from_at timestamp with time zone, to_at timestamp with time zone, tenant_id text) owner sor_owner: sor_auditor=EXECUTE, sor_owner=EXECUTE, sor_tenant=EXECUTE, sor_worker=EXECUTE
-- function sor_guard.acl(acl aclitem[], owner oid, objtype "char") owner sor_guardian: sor_guardian=EXECUTE, sor_owner=EXECUTE
-- function sor_guard.approval_object(operation text, object text) owner sor_guardian: sor_guardian=EXECUTE
-- function sor_guard.approval_used(operation text, object_identity text) owner sor_guardian: sor_guardian=EXECUTE, sor_owner=EXECUTE
-- function sor_guard.approve(operation text, object_identity text, ticket text, rehearsed_on text, expires_at timestamp with time zone) owner sor_guardian: sor_guardian=EXECUTE, sor_owner=EXECUTE
-- function sor_guard.authorize(command_tag text, operations text[], objects text[]) owner sor_guardian: sor_guardian=EXECUTE
-- function sor_guard.begin_release(history text, version text, digest text, manifest text) owner sor_guardian: sor_guardian=EXECUTE, sor_owner=EXECUTE
-- function sor_guard.can_read_tenant(tenant_id text) owner sor_guardian: sor_guardian=EXECUTE, sor_owner=EXECUTE
-- function sor_guard.check_release(version text, digest text, manifest text) owner sor_guardian: sor_guardian=EXECUTE
-- function sor_guard.classify(kind text, object text, class text) owner sor_guardian: sor_guardian=EXECUTE, sor_owner=EXECUTE
-- function sor_guard.contract_lines(contract text) owner sor_guardian: sor_guardian=EXECUTE, sor_owner=EXECUTE
-- function sor_guard.current_tenants() owner sor_guardian: sor_admin=EXECUTE, sor_approver=EXECUTE, sor_auditor=EXECUTE, sor_guardian=EXECUTE, sor_owner=EXECUTE, sor_tenant=EXECUTE
-- function sor_guard.declare_class(kind text, identity text, class text) owner sor_guardian: sor_guardian=EXECUTE, sor_owner=EXECUTE
-- function sor_guard.diff(roots text[]) owner sor_guardian: sor_guardian=EXECUTE, sor_owner=EXECUTE
-- function sor_guard.end_release(history text, version text, digest text, manifest text) owner sor_guardian: sor_guardian=EXECUTE, sor_owner=EXECUTE
-- function sor_guard.event_hash(prev_hash bytea, tenant_id text, stream text, version integer, type text, payload jsonb, metadata jsonb, actor name, occurred_at timestamp with time zone, "position" bigint) owner sor_guardian: sor_guardian=EXECUTE, sor_owner=EXECUTE
-- function sor_guard.fail_release(history text) owner sor_guardian: sor_guardian=EXECUTE, sor_owner=EXECUTE
-- function sor_guard.function_sha256(fn oid) owner sor_guardian: sor_guardian=EXECUTE, sor_owner=EXECUTE
-- function sor_guard.ident(classid oid, objid oid, objsubid integer) owner sor_guardian: sor_guardian=EXECUTE, sor_owner=EXECUTE
-- function sor_guard.is_member(tenant_id text) owner sor_guardian: sor_guardian=EXECUTE, sor_owner=EXECUTE
-- function sor_guard.is_target(operation text, object_identity text) owner sor_guardian: sor_guardian=EXECUTE
-- function sor_guard.judge(kind text, identity text, before jsonb, after jsonb, is_guard boolean, baseline jsonb) owner sor_guardian: sor_guardian=EXECUTE, sor_owner=EXECUTE
-- function sor_guard.kit_parents() owner sor_guardian: sor_guardian=EXECUTE, sor_owner=EXECUTE
-- function sor_guard.kit_partition_shape(part oid) owner sor_guardian: sor_guardian=EXECUTE
-- function sor_guard.kit_partition_state() owner sor_guardian: sor_guardian=EXECUTE
-- function sor_guard.live_objects(roots text[]) owner sor_guardian: sor_guardian=EXECUTE, sor_owner=EXECUTE
-- function sor_guard.manifest_lines(manifest text) owner sor_guardian: sor_guardian=EXECUTE
-- function sor_guard.may_approve(role_name name) owner sor_guardian: sor_guardian=EXECUTE
-- function sor_guard.member_tenants() owner sor_guardian: sor_guardian=EXECUTE, sor_owner=EXECUTE
-- function sor_guard.partition_differences() owner sor_guardian: sor_guardian=EXECUTE
-- function sor_guard.pause(paused boolean) owner sor_guardian: sor_guardian=EXECUTE
-- function sor_guard.protect_all() owner sor_guardian: sor_guardian=EXECUTE, sor_owner=EXECUTE
-- function sor_guard.protected_schemas() owner sor_guardian: sor_guardian=EXECUTE, sor_owner=EXECUTE
-- function sor_guard.record(kind text, identity text, root_kind text, root_objid oid, objid oid, spec jsonb, reason text, approval_id bigint) owner sor_guardian: sor_guardian=EXECUTE
-- function sor_guard.record_contract(contract text) owner sor_guardian: sor_guardian=EXECUTE, sor_owner=EXECUTE
-- function sor_guard.record_guard_upgrade() owner sor_guardian: sor_guardian=EXECUTE
-- function sor_guard.record_kit_partition(part regclass) owner sor_guardian: sor_guardian=EXECUTE, sor_owner=EXECUTE
-- function sor_guard.refuse_concurrent_detach(command_tag text) owner sor_guardian: sor_guardian=EXECUTE
-- function sor_guard.release_allows(operation text, object text) owner sor_guardian: sor_guardian=EXECUTE
-- function sor_guard.release_approval(history text, version text, digest text) owner sor_guardian: sor_guardian=EXECUTE
-- function sor_guard.release_changes(installed text, target text, module text) owner sor_guardian: sor_guardian=EXECUTE
-- function sor_guard.release_latest(history text, events text[]) owner sor_guardian: sor_guardian=EXECUTE, sor_owner=EXECUTE
-- function sor_guard.release_module(history text) owner sor_guardian: sor_guardian=EXECUTE
-- function sor_guard.require_member(tenant_id text) owner sor_guardian: sor_guardian=EXECUTE, sor_owner=EXECUTE
-- function sor_guard.require_reader(tenant_id text) owner sor_guardian: sor_guardian=EXECUTE, sor_owner=EXECUTE
-- function sor_guard.root_of(classid oid, objid oid) owner sor_guardian: sor_guardian=EXECUTE
-- function sor_guard.settle(command_tag text, roots text[]) owner sor_guardian: sor_guardian=EXECUTE
-- function sor_guard.settle_partitions(command_tag text) owner sor_guardian: sor_guardian=EXECUTE
-- function sor_guard.targets() owner sor_guardian: sor_guardian=EXECUTE, sor_owner=EXECUTE
-- function sor_guard.tg_ddl_approvals__check() owner sor_guardian: sor_guardian=EXECUTE
-- function sor_guard.tg_ddl_audit__refuse_change() owner sor_guardian: sor_guardian=EXECUTE
-- function sor_guard.tg_drop() owner sor_guardian: sor_guardian=EXECUTE
-- function sor_guard.tg_end() owner sor_guardian: sor_guardian=EXECUTE
-- function sor_guard.tg_events__chain() owner sor_guardian: sor_guardian=EXECUTE, sor_owner=EXECUTE
-- function sor_guard.tg_events__refuse_change() owner sor_guardian: sor_guardian=EXECUTE, sor_owner=EXECUTE
-- function sor_guard.tg_history__release_check() owner sor_guardian: sor_guardian=EXECUTE, sor_owner=EXECUTE
-- function sor_guard.tg_rewrite() owner sor_guardian: sor_guardian=EXECUTE
-- function sor_guard.tg_start() owner sor_guardian: sor_guardian=EXECUTE
-- function sor_guard.tg_watch_drop() owner sor_guardian: sor_guardian=EXECUTE
-- function sor_guard.tg_watch_end() owner sor_guardian: sor_guardian=EXECUTE
-- function sor_guard.unrecorded_partitions() owner sor_guardian: sor_guardian=EXECUTE, sor_owner=EXECUTE
-- schema reconciler owner sor_owner: sor_admin=USAGE, sor_auditor=USAGE, sor_owner=CREATE, sor_owner=USAGE, sor_tenant=USAGE
-- schema sor owner sor_owner: sor_admin=USAGE, sor_approver=USAGE, sor_auditor=USAGE, sor_guardian=USAGE, sor_owner=CREATE, sor_owner=USAGE, sor_tenant=USAGE
-- schema sor_api owner sor_owner: sor_admin=USAGE, sor_approver=USAGE, sor_auditor=USAGE, sor_dispatcher=USAGE, sor_owner=CREATE, sor_owner=USAGE, sor_tenant=USAGE, sor_worker=USAGE
-- schema sor_guard owner sor_guardian: sor_admin=USAGE, sor_approver=USAGE, sor_auditor=USAGE, sor_guardian=CREATE, sor_guardian=USAGE, sor_owner=USAGE, sor_tenant=USAGE
-- sequence reconciler.expenses_expense_id_seq owner sor_owner: sor_owner=SELECT, sor_owner=UPDATE, sor_owner=USAGE
-- sequence sor.blocks_block_id_seq owner sor_owner: sor_owner=SELECT, sor_owner=UPDATE, sor_owner=USAGE
-- sequence sor.ddl_approvals_approval_id_seq owner sor_guardian: sor_guardian=SELECT, sor_guardian=UPDATE, sor_guardian=USAGE
-- sequence sor.ddl_audit_audit_id_seq owner sor_guardian: sor_guardian=SELECT, sor_guardian=UPDATE, sor_guardian=USAGE
-- sequence sor.events_position_seq owner sor_owner: sor_owner=SELECT, sor_owner=UPDATE, sor_owner=USAGE
-- sequence sor.fencing_tokens owner sor_owner: sor_owner=SELECT, sor_owner=UPDATE, sor_owner=USAGE
-- sequence sor.outbox_ids owner sor_owner: sor_owner=SELECT, sor_owner=UPDATE, sor_owner=USAGE
-- sequence sor.tasks_task_id_seq owner sor_owner: sor_owner=SELECT, sor_owner=UPDATE, sor_owner=USAGE
-- sequence sor_guard.contracts_entry_id_seq owner sor_guardian: sor_guardian=SELECT, sor_guardian=UPDATE, sor_guardian=USAGE
-- sequence sor_guard.kit_partitions_entry_id_seq owner sor_guardian: sor_guardian=SELECT, sor_guardian=UPDATE, sor_guardian=USAGE
-- sequence sor_guard.register_entry_id_seq owner sor_guardian: sor_guardian=SELECT, sor_guardian=UPDATE, sor_guardian=USAGE
-- sequence sor_guard.releases_entry_id_seq owner sor_guardian: sor_guardian=SELECT, sor_guardian=UPDATE, sor_guardian=USAGE
-- table reconciler.categories owner sor_owner: sor_auditor=SELECT, sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE, sor_tenant=SELECT
-- table reconciler.category_rules owner sor_owner: sor_auditor=SELECT, sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table reconciler.expenses owner sor_owner: sor_auditor=SELECT, sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE, sor_tenant=SELECT
-- table reconciler.pending_transactions owner sor_owner: sor_auditor=SELECT, sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE, sor_tenant=SELECT
-- table sor.append_only_tables owner sor_owner: sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor.blocks owner sor_owner: sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor.ddl_approvals owner sor_guardian: sor_approver=SELECT, sor_auditor=SELECT, sor_guardian=DELETE, sor_guardian=INSERT, sor_guardian=MAINTAIN, sor_guardian=REFERENCES, sor_guardian=SELECT, sor_guardian=TRIGGER, sor_guardian=TRUNCATE, sor_guardian=UPDATE
-- table sor.ddl_audit owner sor_guardian: sor_auditor=SELECT, sor_guardian=DELETE, sor_guardian=INSERT, sor_guardian=MAINTAIN, sor_guardian=REFERENCES, sor_guardian=SELECT, sor_guardian=TRIGGER, sor_guardian=TRUNCATE, sor_guardian=UPDATE
-- table sor.dedupe_keys owner sor_owner: sor_auditor=SELECT, sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor.domain_schemas owner sor_owner: sor_guardian=SELECT, sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor.event_keys owner sor_owner: sor_auditor=SELECT, sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor.events owner sor_owner: sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor.finished_tasks owner sor_owner: sor_auditor=SELECT, sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE, sor_tenant=SELECT
-- table sor.idempotency_keys owner sor_owner: sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor.ledger_blocks owner sor_owner: sor_auditor=SELECT, sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor.outbox owner sor_owner: sor_auditor=SELECT, sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor.queues owner sor_owner: sor_admin=SELECT, sor_auditor=SELECT, sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor.quota_defaults owner sor_owner: sor_auditor=SELECT, sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor.reserved_names owner sor_owner: sor_admin=SELECT, sor_auditor=SELECT, sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE, sor_tenant=SELECT
-- table sor.retention_policies owner sor_owner: sor_admin=SELECT, sor_auditor=SELECT, sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor.retired_partitions owner sor_owner: sor_admin=SELECT, sor_auditor=SELECT, sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor.retired_stream_heads owner sor_owner: sor_auditor=SELECT, sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor.run_tasks owner sor_owner: sor_auditor=SELECT, sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor.runs owner sor_owner: sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor.steps owner sor_owner: sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor.streams owner sor_owner: sor_auditor=SELECT, sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor.subscriptions owner sor_owner: sor_auditor=SELECT, sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor.task_listeners owner sor_owner: sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor.tasks owner sor_owner: sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor.tenant_members owner sor_owner: sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor.tenant_quotas owner sor_owner: sor_auditor=SELECT, sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor.tenant_settings owner sor_owner: sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor.tenant_usage owner sor_owner: sor_auditor=SELECT, sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor.tenants owner sor_owner: sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor.tool_calls owner sor_owner: sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor.tools owner sor_owner: sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor.turns owner sor_owner: sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor.wakeup_secret owner sor_owner: sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor.workers owner sor_owner: sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- table sor_guard.classes owner sor_guardian: sor_admin=SELECT, sor_auditor=SELECT, sor_guardian=DELETE, sor_guardian=INSERT, sor_guardian=MAINTAIN, sor_guardian=REFERENCES, sor_guardian=SELECT, sor_guardian=TRIGGER, sor_guardian=TRUNCATE, sor_guardian=UPDATE, sor_owner=SELECT
-- table sor_guard.contracts owner sor_guardian: sor_admin=SELECT, sor_auditor=SELECT, sor_guardian=DELETE, sor_guardian=INSERT, sor_guardian=MAINTAIN, sor_guardian=REFERENCES, sor_guardian=SELECT, sor_guardian=TRIGGER, sor_guardian=TRUNCATE, sor_guardian=UPDATE, sor_owner=SELECT
-- table sor_guard.kit_partitions owner sor_guardian: sor_admin=SELECT, sor_auditor=SELECT, sor_guardian=DELETE, sor_guardian=INSERT, sor_guardian=MAINTAIN, sor_guardian=REFERENCES, sor_guardian=SELECT, sor_guardian=TRIGGER, sor_guardian=TRUNCATE, sor_guardian=UPDATE, sor_owner=SELECT
-- table sor_guard.register owner sor_guardian: sor_admin=SELECT, sor_auditor=SELECT, sor_guardian=DELETE, sor_guardian=INSERT, sor_guardian=MAINTAIN, sor_guardian=REFERENCES, sor_guardian=SELECT, sor_guardian=TRIGGER, sor_guardian=TRUNCATE, sor_guardian=UPDATE, sor_owner=SELECT
-- table sor_guard.releases owner sor_guardian: sor_admin=SELECT, sor_auditor=SELECT, sor_guardian=DELETE, sor_guardian=INSERT, sor_guardian=MAINTAIN, sor_guardian=REFERENCES, sor_guardian=SELECT, sor_guardian=TRIGGER, sor_guardian=TRUNCATE, sor_guardian=UPDATE, sor_owner=SELECT
-- view sor_api.events owner sor_owner: sor_auditor=SELECT, sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE, sor_tenant=SELECT
-- view sor_api.journal_blocks owner sor_owner: sor_approver=SELECT, sor_auditor=SELECT, sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE, sor_tenant=SELECT
-- view sor_api.journal_runs owner sor_owner: sor_approver=SELECT, sor_auditor=SELECT, sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE, sor_tenant=SELECT
-- view sor_api.journal_steps owner sor_owner: sor_auditor=SELECT, sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE, sor_tenant=SELECT
-- view sor_api.journal_tool_calls owner sor_owner: sor_auditor=SELECT, sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE, sor_tenant=SELECT
-- view sor_api.journal_turns owner sor_owner: sor_auditor=SELECT, sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE, sor_tenant=SELECT
-- view sor_api.partitions owner sor_owner: sor_admin=SELECT, sor_auditor=SELECT, sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- view sor_api.protected_objects owner sor_owner: sor_admin=SELECT, sor_auditor=SELECT, sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- view sor_api.releases owner sor_owner: sor_admin=SELECT, sor_approver=SELECT, sor_auditor=SELECT, sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE
-- view sor_api.reserved_names owner sor_owner: sor_admin=SELECT, sor_auditor=SELECT, sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE, sor_tenant=SELECT
-- view sor_api.tenant_members owner sor_owner: sor_admin=SELECT, sor_auditor=SELECT, sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE, sor_tenant=SELECT
-- view sor_api.tenants owner sor_owner: sor_admin=SELECT, sor_auditor=SELECT, sor_owner=DELETE, sor_owner=INSERT, sor_owner=MAINTAIN, sor_owner=REFERENCES, sor_owner=SELECT, sor_owner=TRIGGER, sor_owner=TRUNCATE, sor_owner=UPDATE, sor_tenant=SELECT
-- view sor_guard.registered owner sor_guardian: sor_admin=SELECT, sor_auditor=SELECT, sor_guardian=DELETE, sor_guardian=INSERT, sor_guardian=MAINTAIN, sor_guardian=REFERENCES, sor_guardian=SELECT, sor_guardian=TRIGGER, sor_guardian=TRUNCATE, sor_guardian=UPDATE, sor_owner=SELECT

-- column privileges

-- column grants on sor.blocks.approved: sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.blocks.block_id: sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.blocks.command: sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.blocks.kind: sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.blocks.note: sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.blocks.opened_at: sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.blocks.resolved_at: sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.blocks.resolved_by: sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.blocks.run_id: sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.blocks.status: sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.blocks.step_id: sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.blocks.tenant_id: sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.events.actor: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.events.hash: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.events.metadata: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.events.occurred_at: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.events.payload: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.events."position": sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.events.prev_hash: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.events.stream: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.events.tenant_id: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.events.tx_id: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.events.type: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.events.version: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.idempotency_keys.created_at: sor_auditor=SELECT
-- column grants on sor.idempotency_keys.created_by: sor_auditor=SELECT
-- column grants on sor.idempotency_keys.expires_at: sor_auditor=SELECT
-- column grants on sor.idempotency_keys.fingerprint: sor_auditor=SELECT
-- column grants on sor.idempotency_keys.idempotency_key: sor_auditor=SELECT
-- column grants on sor.idempotency_keys.run_id: sor_auditor=SELECT
-- column grants on sor.idempotency_keys.scope: sor_auditor=SELECT
-- column grants on sor.idempotency_keys.tenant_id: sor_auditor=SELECT
-- column grants on sor.idempotency_keys.tool_call_id: sor_auditor=SELECT
-- column grants on sor.runs.error: sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.runs.error_sha256: sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.runs.finished_at: sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.runs.hash_only: sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.runs.heartbeat_at: sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.runs.idempotency_key: sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.runs.input: sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.runs.input_sha256: sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.runs.last_step_id: sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.runs.lease_expires_at: sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.runs."overlay": sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.runs.run_id: sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.runs.started_at: sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.runs.state: sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.runs.status: sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.runs.tenant_id: sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.runs.version: sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.runs.worker_kind: sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.runs.worker_role: sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.runs.workflow: sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.steps.block_id: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.steps.command_count: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.steps.committed_at: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.steps.committed_by: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.steps.event_count: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.steps.output: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.steps.run_id: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.steps.step_id: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.steps.tenant_id: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.steps.version: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tasks.attempts: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tasks.claimed_by: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tasks.created_at: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tasks.dedupe_key: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tasks.finished_at: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tasks.last_error: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tasks.lease_expires_at: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tasks.max_attempts: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tasks.payload: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tasks.priority: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tasks.queue: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tasks.result: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tasks.run_after: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tasks.status: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tasks.subject: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tasks.task_id: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tasks.tenant_id: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tenant_members.added_at: sor_admin=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tenant_members.added_by: sor_admin=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tenant_members.role_name: sor_admin=SELECT, sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tenant_members.tenant_id: sor_admin=SELECT, sor_approver=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tenant_settings.hash_only: sor_admin=SELECT, sor_auditor=SELECT
-- column grants on sor.tenant_settings.idempotency_retention: sor_admin=SELECT, sor_auditor=SELECT
-- column grants on sor.tenant_settings.tenant_id: sor_admin=SELECT, sor_auditor=SELECT
-- column grants on sor.tenant_settings.updated_at: sor_admin=SELECT, sor_auditor=SELECT
-- column grants on sor.tenant_settings.updated_by: sor_admin=SELECT, sor_auditor=SELECT
-- column grants on sor.tenants.created_at: sor_admin=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tenants.display_name: sor_admin=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tenants.tenant_id: sor_admin=SELECT, sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tool_calls.args: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tool_calls.args_sha256: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tool_calls.error: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tool_calls.error_sha256: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tool_calls.finished_at: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tool_calls.hash_only: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tool_calls.idempotency_key: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tool_calls.result: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tool_calls.result_sha256: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tool_calls.run_id: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tool_calls.started_at: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tool_calls.status: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tool_calls.tenant_id: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tool_calls.tool_call_id: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.tool_calls.tool_name: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.turns.content: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.turns.content_sha256: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.turns.hash_only: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.turns.input_tokens: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.turns.model: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.turns.output_tokens: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.turns.recorded_at: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.turns.role: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.turns.run_id: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.turns.tenant_id: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.turns.turn_no: sor_auditor=SELECT, sor_tenant=SELECT
-- column grants on sor.workers.kind: sor_admin=SELECT, sor_auditor=SELECT
-- column grants on sor.workers.registered_at: sor_admin=SELECT, sor_auditor=SELECT
-- column grants on sor.workers.registered_by: sor_admin=SELECT, sor_auditor=SELECT
-- column grants on sor.workers.role_name: sor_admin=SELECT, sor_auditor=SELECT

-- comments

comment on column reconciler.expenses.tool_call_id is 'The journaled tool call that wrote the row.';
comment on column sor.append_only_tables.registered_by is 'session_user of the migration that registered the table.';
comment on column sor.append_only_tables.table_schema is 'Schema of the registered table; kept by name so a dropped table shows up in certify() as missing.';
comment on column sor.blocks.command is 'The review or suspend command as the step gave it.';
comment on column sor.blocks.status is 'active until an approver resolves it: approved or rejected.';
comment on column sor.ddl_approvals.approved_by is 'session_user of the approver; the role running the DDL must be another role.';
comment on column sor.ddl_approvals.consumed_at is 'When the approved statement ran; NULL while unused. A rolled-back statement leaves it NULL.';
comment on column sor.ddl_approvals.consumed_by is 'session_user of the statement that consumed the approval.';
comment on column sor.ddl_approvals.consumed_statement is 'Text of the top-level statement that consumed the approval.';
comment on column sor.ddl_approvals.expires_at is 'After this instant (database clock) the approval no longer counts.';
comment on column sor.ddl_approvals.object_identity is 'The object as pg_identify_object() names it: sor.t (table), sor.t.col (column), sor (schema), p on sor.t (policy), tr on sor.t (trigger).';
comment on column sor.ddl_approvals.operation is 'The guarded operation (see sor_api.ddl_guard_targets()): drop, alter or create of a registered object or of a policy, trigger or rule on a registered table, rename, grant.';
comment on column sor.ddl_approvals.rehearsed_on is 'The branch database or backup on which the change was rehearsed.';
comment on column sor.ddl_approvals.ticket is 'Change ticket the approval belongs to.';
comment on column sor.ddl_audit.approval_id is 'The approval an allowed change consumed; NULL for recorded redefinitions.';
comment on column sor.ddl_audit.definition_sha256 is 'sha256 of the new definition, for recorded redefinitions.';
comment on column sor.ddl_audit.object_identity is 'The object, as pg_identify_object() names it.';
comment on column sor.ddl_audit.operation is 'The guarded operation, as in sor.ddl_approvals.operation.';
comment on column sor.ddl_audit.outcome is 'allowed: a destructive change, with the approval it consumed; recorded: a redefinition of a registered function or view, or the drop of a registered function (no approval needed, the new definition''s sha256 is kept). A refused statement rolls back its transaction; its record is the LOG line in the server log.';
comment on column sor.ddl_audit.session_role is 'session_user of the connection that ran the DDL.';
comment on column sor.ddl_audit.set_role is 'The role set with SET ROLE when the DDL ran, or none.';
comment on column sor.ddl_audit.statement is 'Text of the top-level statement (current_query()).';
comment on column sor.ddl_audit.tx_id is 'Transaction that ran the DDL.';
comment on column sor.dedupe_keys.target_id is 'outbox_id or task_id the key was first used for.';
comment on column sor.event_keys."position" is 'Position of the event the key appended; NULL only inside the transaction that claimed the key, before its event is written.';
comment on column sor.event_keys.created_at is 'When the key was first used (the transaction''s time).';
comment on column sor.event_keys.fingerprint is 'sha256 of the event''s content as sor.event_fingerprint renders it: stream, type, payload and metadata (not the expected version, so a retry of a conditional append that committed returns the original).';
comment on column sor.event_keys.hash is 'Hash of the event the key appended, returned again to a retry.';
comment on column sor.event_keys.idempotency_key is 'The caller''s key (1 to 255 characters, no control characters; a UUID event id is a key), unique per tenant.';
comment on column sor.events."position" is 'Global replay order across all tenants and streams, drawn from sor.events_position_seq by the chain trigger under the stream''s head lock; gaps are normal (rolled back appends).';
comment on column sor.events.actor is 'session_user of the connection that appended the event.';
comment on column sor.events.hash is 'sha256(prev_hash || canonical encoding of the row), computed by the database on insert.';
comment on column sor.events.metadata is 'run_id, tool_call_id, step, correlation_id, causation_id and other context; not business data.';
comment on column sor.events.occurred_at is 'Database time of the appending transaction; the partition key.';
comment on column sor.events.prev_hash is 'hash of the previous event of the same stream; NULL for version 1 (or the recorded boundary hash after a retired partition).';
comment on column sor.events.stream is 'category-id, e.g. expense-42 or run-<uuid>; the category is the part before the first hyphen.';
comment on column sor.events.tx_id is 'Appending transaction; events_since() reads in (tx_id, position) order and returns only rows whose transaction is older than every transaction still in flight.';
comment on column sor.events.version is 'Per-stream version, 1, 2, 3 ... without gaps (the head row in sor.streams serialises appends); the expected-version check compares against it.';
comment on column sor.finished_tasks.claimed_at is 'When the claim that ended the task was made; NULL for a task finished before 0.4.0.';
comment on column sor.finished_tasks.claimed_by is 'The Worker that completed it, or held the last claim of a dead one.';
comment on column sor.finished_tasks.completion_event is 'Whether the task''s end was also written as an event (task.completed or task.dead on stream task-<id>): false for a task completed on a queue whose completion_record was row when it completed, its finished row being the one record; true otherwise (every dead task, and every row finished before 0.4.0).';
comment on column sor.finished_tasks.fencing_token is 'The token of the last claim: the task.claimed event with this token is the claim that ended it.';
comment on column sor.idempotency_keys.expires_at is 'End of the retention window; sweep_idempotency_keys() deletes expired keys.';
comment on column sor.idempotency_keys.fingerprint is 'sha256 of the request the key was first used with.';
comment on column sor.idempotency_keys.scope is 'start_run:<workflow> for run starts, tool_call for tool calls.';
comment on column sor.ledger_blocks.block_hash is 'sha256(prev_block_hash || block_id, from_tx, to_tx, events, first and last position as text || events_sha256).';
comment on column sor.ledger_blocks.events_sha256 is 'sha256 over the hashes of the block''s events, concatenated in (tx_id, position) order.';
comment on column sor.ledger_blocks.from_tx is 'First transaction id the block covers: the previous block''s to_tx (0 for block 1).';
comment on column sor.ledger_blocks.to_tx is 'Exclusive end: every transaction below it had finished when the block was sealed, so no event can join the block later.';
comment on column sor.outbox.available_at is 'When the row is next due (database clock): now for a new row, pushed back with backoff after a failure, the lease''s expiry while leased.';
comment on column sor.outbox.block_id is 'Review block holding this row deferred, when there is one.';
comment on column sor.outbox.dedupe_key is 'Unique per tenant (sor.dedupe_keys, scope outbox): a retried writer cannot queue the same side effect twice; the dispatcher passes it to the provider as its idempotency key.';
comment on column sor.outbox.event_id is 'Stable uuid of the message; Debezium''s outbox router maps it to the Kafka message id.';
comment on column sor.outbox.lease_token is 'Fencing token of the current lease; mark_dispatched and mark_failed are refused for any other token.';
comment on column sor.outbox.run_id is 'Run whose step queued this command, when it came from commit_step.';
comment on column sor.outbox.status is 'pending, deferred (held by a review block), leased, dispatched, failed (retry at available_at), dead (max_attempts reached) or discarded (its block was rejected).';
comment on column sor.queues.backoff_base is 'Retry delay after the first failure; doubled for every further attempt, capped at backoff_max, jittered.';
comment on column sor.queues.completion_record is 'How a completed task of this queue is recorded: event (its sor.finished_tasks row and a task.completed event in the hash-chained log, the default) or row (its sor.finished_tasks row only). Set by sor_api.set_completion_record.';
comment on column sor.queues.completion_record_set_at is 'When completion_record was last set by sor_api.set_completion_record (NULL: never, the default).';
comment on column sor.queues.completion_record_set_by is 'The login that last set completion_record (NULL: never).';
comment on column sor.queues.max_attempts is 'Default attempts of a task enqueued without its own max_attempts; then it is dead.';
comment on column sor.reserved_names.name is 'A stream category (run matches run-<id>), an event type prefix (task. matches task.completed) or an outbox topic.';
comment on column sor.retired_partitions.approval_id is 'The sor.ddl_approvals row the detach consumed.';
comment on column sor.retired_partitions.range_from is 'Lower bound of the partition''s range; NULL for a partition from MINVALUE.';
comment on column sor.run_tasks.fencing_token is 'The claimed attempt''s fencing token (its outcome event carries the same); 0 for enqueued.';
comment on column sor.run_tasks.link is 'enqueued: the run queued the task; claimed: the run''s Worker claimed an attempt of it in the run.';
comment on column sor.run_tasks.linked_at is 'When the task was enqueued or claimed (the database clock).';
comment on column sor.runs."overlay" is 'Human corrections, last write wins, not versioned; effective state is state || overlay.';
comment on column sor.runs.error is 'Why a failed run failed; NULL in hash-only runs (see error_sha256).';
comment on column sor.runs.fencing_token is 'The run''s lease generation: 1 at start_run, raised by each resume (resume_run, or start_run with the key of a lapsed run). Calls started under an older token were in flight when the run lapsed.';
comment on column sor.runs.hash_only is 'Content (input, error, turn content, tool-call arguments, results and errors) is stored only as sha256.';
comment on column sor.runs.idempotency_key is 'Key the run was started with; sor.idempotency_keys binds it to this run for the retention window.';
comment on column sor.runs.input is 'Run input; NULL in hash-only runs.';
comment on column sor.runs.input_sha256 is 'sha256 of the input (of its jsonb text rendering when the database computed it); the fingerprint of start_run.';
comment on column sor.runs.last_step_id is 'Step whose commit produced the current version.';
comment on column sor.runs.lease_expires_at is 'The run is alive while this lies in the future (database clock); heartbeats push it forward.';
comment on column sor.runs.resumed_at is 'When the run was last resumed (NULL: never).';
comment on column sor.runs.resumed_by is 'The Worker login that last resumed the run: the same Worker, or another login of its kind that took it over.';
comment on column sor.runs.state is 'Workflow state: each committed step output is merged shallowly (jsonb ||); keys are never deleted.';
comment on column sor.runs.status is 'running, succeeded, failed, or abandoned (the lease lapsed: marked by the next reader or by sweep_abandoned_runs()).';
comment on column sor.runs.sweep_at is 'A time at or before the lease expiry of a running run (runs_sweep_at_check), indexed with the tenant for running runs (runs_sweep_idx): a sweep of lapsed runs reads the running runs whose sweep_at has come, a superset of the lapsed ones. Set to the expiry by start_run and resume_run, and by a heartbeat when it is less than half the new lease ahead (otherwise left alone, so that the heartbeat stays a HOT update); -infinity for a run written without it.';
comment on column sor.runs.version is 'Optimistic-lock version: 0 after start_run, +1 for each committed step.';
comment on column sor.steps.version is 'Run version this step''s commit produced.';
comment on column sor.streams.last_hash is 'hash of the stream''s last event: the next event''s prev_hash.';
comment on column sor.streams.version is 'Version of the stream''s last event; 0 for a stream an append with expected_version 0 has claimed and not yet written.';
comment on column sor.subscriptions.last_position is 'Position of the last event the subscriber acknowledged (0: none yet): read_subscription returns the tenant''s events after it, in position order.';
comment on column sor.subscriptions.last_tx_id is 'tx_id of the event at last_position (0 for none); kept for the record, the order is by position.';
comment on column sor.subscriptions.stream_prefix is 'NULL for every stream of the tenant; else the streams whose name starts with it (a category such as order- ).';
comment on column sor.task_listeners.role_name is 'The login (session_user) that asked for the channel.';
comment on column sor.task_listeners.tenant_ids is 'The tenants that login was a member of when it asked: an enqueue notifies only for these (asking again registers the tenants of now).';
comment on column sor.tasks.attempts is 'Claims so far (a taken-back lease counts); at max_attempts a failure or lapsed lease makes the task dead.';
comment on column sor.tasks.claimed_at is 'When the current claim was made (the lease clock); NULL when the task is not claimed.';
comment on column sor.tasks.claimed_by is 'session_user of the Worker holding the current claim.';
comment on column sor.tasks.dedupe_key is 'Unique per tenant and queue: enqueue_task with a known key returns the existing task.';
comment on column sor.tasks.fencing_token is 'Token of the current claim; heartbeat, complete and fail are refused for any other.';
comment on column sor.tasks.lease is 'Length of the current lease; a heartbeat extends the lease by it.';
comment on column sor.tasks.lease_expires_at is 'When the current claim lapses (database clock); a later claim_tasks takes the task back.';
comment on column sor.tasks.priority is 'Higher first; equal priorities are claimed in the order they became due (run_after).';
comment on column sor.tasks.result is 'What complete_task recorded.';
comment on column sor.tasks.run_after is 'Earliest time the task may be claimed; pushed back with jittered exponential backoff after a failure.';
comment on column sor.tasks.status is 'ready, claimed, failed (waiting to retry at run_after), completed or dead (attempts exhausted).';
comment on column sor.tasks.subject is 'What the task is about, e.g. statement-row-42; shown in reports.';
comment on column sor.tenant_members.role_name is 'A login role name (not an oid: the membership survives dump and restore).';
comment on column sor.tenant_settings.hash_only is 'Every new run of the tenant is hash-only: content is never stored, only its sha256.';
comment on column sor.tenant_settings.idempotency_retention is 'How long an idempotency key binds its request; an expired key is free again and swept by sweep_idempotency_keys().';
comment on column sor.tenants.tenant_id is 'Lowercase slug, 2 to 63 characters: a letter, then letters, digits, _ or -.';
comment on column sor.tool_calls.args is 'Arguments; NULL in hash-only runs (see args_sha256).';
comment on column sor.tool_calls.args_sha256 is 'sha256 of the arguments'' jsonb text rendering.';
comment on column sor.tool_calls.fencing_token is 'The run''s fencing token when the call started.';
comment on column sor.tool_calls.idempotency_key is 'Tenant-scoped key the call was made with, if any; see sor.idempotency_keys.';
comment on column sor.tool_calls.status is 'started (in flight, or unfinished forever when the run was abandoned), succeeded or failed.';
comment on column sor.tools.allowed_kinds is 'Worker kinds (sor.workers.kind) allowed to call the tool; empty means nobody.';
comment on column sor.tools.function_oid is 'SECURITY DEFINER function (ctx jsonb, args jsonb) returns jsonb, executable by neither PUBLIC nor Workers.';
comment on column sor.tools.side_effects is 'Whether the tool writes: a read-only tool can be retried freely, a writing tool should be called with an idempotency key.';
comment on column sor.turns.content_sha256 is 'sha256 of the UTF-8 content; mandatory in hash-only runs, where the content itself is never stored.';
comment on column sor.turns.hash_only is 'Copied from the run: the row holds no content.';
comment on column sor.wakeup_secret.outbox_broadcast is 'Whether the outbox''s wake-ups are also sent on sor_outbox (every tenant''s rows together, under a fixed name any login may LISTEN on), besides each tenant''s channel. Set by sor_api.set_outbox_broadcast.';
comment on column sor.wakeup_secret.outbox_broadcast_set_at is 'When outbox_broadcast was last set by sor_api.set_outbox_broadcast (NULL: as the migration left it).';
comment on column sor.wakeup_secret.outbox_broadcast_set_by is 'The login that last set outbox_broadcast (NULL: the migration).';
comment on column sor.wakeup_secret.rotated_at is 'When the secret was made or last replaced.';
comment on column sor.wakeup_secret.rotated_by is 'The login that made or last replaced it.';
comment on column sor.wakeup_secret.secret is '32 random bytes (two gen_random_uuid() values, 244 random bits).';
comment on column sor.workers.kind is 'What the Worker is; the tool registry allow-lists tools per kind.';
comment on column sor_guard.contracts.contract is 'The contract snapshot''s text, as the release shipped it.';
comment on column sor_guard.contracts.digest is 'sha256: and the sha256 of the text.';
comment on column sor_guard.kit_partitions.approval_id is 'The sor.ddl_approvals row an attach or detach consumed.';
comment on column sor_guard.kit_partitions.bound is 'The partition bound as PostgreSQL prints it (FOR VALUES FROM (...) TO (...), DEFAULT); NULL once detached or dropped.';
comment on column sor_guard.kit_partitions.event is 'installed, created, attached, detached or dropped.';
comment on column sor_guard.kit_partitions.parent_table is 'The partitioned table (sor.events, sor.outbox, sor.finished_tasks).';
comment on column sor_guard.kit_partitions.partition_name is 'The partition as pg_identify_object() names it (sor.events_p202612).';
comment on column sor_guard.register.identity is 'The object as pg_identify_object() names it (e.g. sor.events, events_chain on sor.events, sor.current_tenants()).';
comment on column sor_guard.register.reason is 'registered (first seen), approved (a destructive change with its approval), recorded (a redefinition, audited), tightened (a change that only narrows), rebound (same object, new oid after a restore).';
comment on column sor_guard.register.root_kind is 'Kind of the object that owns this one: a table for its triggers, rules, policies, constraints and unique indexes; the object itself otherwise.';
comment on column sor_guard.register.root_objid is 'oid of the root object when the row was written; lets the guard see a rename or a move out of a protected schema.';
comment on column sor_guard.register.spec is 'Expected state: owner, grants, row level security, columns, definitions, enabled state, definition sha256 (functions, views).';
comment on column sor_guard.releases.allowed is 'For an opened upgrade: the protected objects the release changes, as the guard names them; the migrating role may change these, and only these, without an approval of its own.';
comment on column sor_guard.releases.approval_id is 'The sor.ddl_approvals row (operation upgrade release) an upgrade used.';
comment on column sor_guard.releases.digest is 'The release manifest''s digest, sha256: and the sha256 of its text before the digest line.';
comment on column sor_guard.releases.history is 'The module''s Flyway history table, schema.table (sor_flyway.flyway_schema_history for the kernel).';
comment on column sor_guard.releases.manifest is 'The release manifest''s text (before its digest line), kept so the next upgrade can tell what it changes.';
comment on column sor_guard.releases.module is 'The module of the release manifest: kernel or reconciler.';
comment on function reconciler.ingest_bank_rows(tenant_id text, bank_rows jsonb) is 'Loads bank-statement rows for a tenant: new rows become pending transactions plus one task each on queue reconcile; known rows are skipped. All or nothing. SR002 unknown tenant, SR100 malformed rows.';
comment on function reconciler.setup_tenant(tenant_id text) is 'Gives a tenant the standard categories and categorisation rules; idempotent. SR002 unknown tenant.';
comment on function reconciler.tool_categorise(ctx jsonb, args jsonb) is 'Tool categorise: deterministic rules standing in for the model; the lowest matching rule wins, else uncategorised. SR101 unknown bank row.';
comment on function reconciler.tool_list_pending(ctx jsonb, args jsonb) is 'Tool list_pending: the tenant''s pending bank rows, oldest first.';
comment on function reconciler.tool_record_expense(ctx jsonb, args jsonb) is 'Tool record_expense: the expense, its ExpenseRecorded event and the confirmation-email outbox row in one transaction; idempotent on the natural key (tenant, bank transaction). SR101 unknown bank row, SR102 unknown category.';
comment on function sor.announce_append(tenant_id text) is 'Called by the append paths (sor.append_event, sor.append_event_rows) before they draw positions for a tenant''s events: takes, to the end of the transaction, shared advisory locks on its bound (int8 key: a position at or below the last drawn, the same for the whole transaction) and on the tenant (hashtext(tenant_id), K), which sor.tenant_horizon reads. Never waits: a key another session holds exclusively is replaced (a lower bound, another K). Only jit = off is set (hot path).';
comment on function sor.append_event(tenant_id text, stream text, type text, payload jsonb, metadata jsonb, expected_version integer) is 'The one path that appends a single event (sor_api.append_event and the kit''s journal triggers): validates in one expression, locks the stream''s head (claiming a new stream at version 0), checks the optional expected version, and inserts the event with its position, version, prev_hash and hash; the statement trigger checks the link and moves the head. Executable by sor_owner only; only jit = off is set (hot path): its callers are pinned definer functions.';
comment on function sor.append_event_rows(tenant_ids text[], streams text[], types text[], payloads jsonb[], metadatas jsonb[], expected integer[], serialized boolean) is 'The one path that appends several events at once (the i-th of each array is one event; expected versions optional): one statement claims and locks every stream''s head (serialized: locks the existing heads only, for a caller that serialises each stream''s writers itself; the chain trigger makes a new stream''s head at its final link), one inserts the rows with positions in array order, versions, prev_hash and hash; the statement trigger checks the links and moves the heads. SR013 names the first event whose expected version is wrong. Callers validate first. Executable by sor_owner only; only jit = off is set (hot path).';
comment on function sor.certify__010_foundation() is 'Foundation catalog sweeps: RLS forced on tenant tables, no PUBLIC privileges, pinned search_path, least-privilege roles, ownership, no worker table access, no large objects, advisory locks or logical decoding messages for kit roles, no CREATE on any schema or the database for the kit''s callers, comments.';
comment on function sor.certify__020_events() is 'Events checks: append-only tables (sor.append_only_tables) refuse UPDATE, DELETE and TRUNCATE with ENABLE ALWAYS triggers calling a declared refusal function; the event log''s chain and statement triggers are ENABLE ALWAYS; every hash chain verifies; sor.reserved_names lists exactly the names sor.reserved_kind refuses (sor.reserved_list), each refused with its kind; the wake-up secret is one row of 32 bytes that only sor_owner''s policy reads and no role is granted.';
comment on function sor.certify__030_guard() is 'Drop guard checks from the register: guard event triggers installed and ENABLE ALWAYS (or one row saying the guard is not installed), the live catalog equal to the register, every protected object registered, no session able to act as sor_guardian, every partition of a kit table made by the kit or attached with an approval (sor_guard.kit_partitions), event_triggers not switched off.';
comment on function sor.certify__040_journal() is 'Journal checks: audit triggers (functions declared audit) ENABLE ALWAYS, no content in hash-only rows (runs, turns, tool calls, events), run versions equal to steps and state events.';
comment on function sor.certify__050_claims() is 'Claims and outbox checks: held leases of both well-formed (sor.leases()), fillfactor (of each partition of a partitioned queue) and a partial index on the claimed rows of queue tables (declared queue), the CDC publication where wal_level is logical.';
comment on function sor.certify__060_tools() is 'Tool boundary checks: tool functions locked down, schemas enforceable, Workers granted call_tool and list_tools.';
comment on function sor.certify__070_capstone() is 'Capstone checks: durable (kit tables LOGGED; synchronous_commit never off for the database or a kit role, nor server-wide when fsync is on; fsync reported), addressable (primary keys; tenant_id leads every key of tenant tables), replayable (runs have their start and end events; claimed and finished tasks, leased, dispatched and dead outbox rows have the event of their state), inspectable (forensic readers present, SECURITY DEFINER, granted to sor_auditor and sor_tenant), policy-bound (outbox, task and idempotency keys unique per tenant).';
comment on function sor.certify__080_volume() is 'Volume checks: monthly partitions ready for this month and the next, empty default partitions, and readiness for Citus (foreign keys between tenant-scoped tables lead with tenant_id, no advisory or tenant-table locks in kit functions, bigint sequences).';
comment on function sor.certify__085_bodies() is 'certify(): every PL/pgSQL function of the kit''s schemas compiles against the tables it uses (plpgsql_check, where installed; one row saying it is not, otherwise).';
comment on function sor.certify__087_surface() is 'certify(): every object the domain author''s surface declares exists, and every registered domain schema uses the kit (sor, sor_guard) only through that surface: by pg_depend (foreign keys, defaults, policies, triggers, views, SQL-standard bodies) and by the qualified names in its function bodies.';
comment on function sor.certify_raw() is 'Runs every sor.certify__* check function in name order and returns one row per object checked.';
comment on function sor.check_horizon_context() is 'SR086 unless on the primary at READ COMMITTED: where sor.tenant_horizon, and the readers that use it, can read a tenant''s events in position order.';
comment on function sor.check_max_rows(max_rows integer) is 'SR016 unless 1 <= max_rows <= 10000: the page size of the event readers.';
comment on function sor.check_size(value jsonb, what text) is 'SR009 when a JSON value is over the kit''s size cap (sor.over_cap: more than 1 MiB in its text form, uncompressed, whatever its stored size). Only jit = off is set (hot path).';
comment on function sor.check_size(value text, what text) is 'SR009 when a text value is over the kit''s size cap (sor.over_cap: more than 1 MiB, UTF-8 bytes). Only jit = off is set (hot path).';
comment on function sor.check_verify_scope(for_tenant text, for_stream text) is 'Validates the scope of verify_events / verify_events_summary: SR011 stream without tenant, SR002 unknown tenant, SR015 unknown stream.';
comment on function sor.claim_tasks_for(queue text, batch integer, lease interval, tenants text[]) is 'The claim of sor_api.claim_tasks and its form for one tenant: at most batch due tasks of a queue of the given tenants (the caller checked them), lapsed leases taken back first (one whose attempts are used up ends dead). Runs as the definer function that calls it; claimed_by is session_user. SR050 unknown queue, SR051, SR052 (sor.lease_check_request).';
comment on function sor.closed_catalog_functions() is 'The functions of pg_catalog closed to PUBLIC by db/policies/R__905_policies_storage.sql, each with the certify() row that checks it (creating large objects, taking advisory locks, writing logical decoding messages; read from the catalog: every form on this server), and whether sor_owner (owner_keeps: the append path''s announcement, 0.1.0''s append path, Flyway) or the database''s owner (database_owner_keeps: Flyway) keeps it.';
comment on function sor.code_text(src text) is 'A function body without comments and without the text of its string literals (quoted and dollar-quoted): what certify reads when it asks what a function calls or reads, so a name in a comment or a string does not count.';
comment on function sor.command_dedupe_key(run_id uuid, step_id text, ordinal integer, command jsonb) is 'Deterministic outbox dedupe key of a step''s command: hex sha256 of [run_id, step_id, ordinal (1-based), canonical command JSON].';
comment on function sor.current_worker() is 'The registered Worker of session_user (which must still be a member of sor_worker); SR030 otherwise.';
comment on function sor.domain_surface() is 'The domain author''s surface: the kit objects in sor and sor_guard a domain module may use (kind, regprocedure or regclass, what for). Rendered in db/contract.txt and versioned with the contract; certify() fails a domain object that uses any other.';
comment on function sor.enqueue_outbox(tenant_id text, topic text, aggregate_type text, aggregate_id text, payload jsonb, headers jsonb, dedupe_key text, max_attempts integer, run_id uuid, step_id text, block_id bigint) is 'Internal: queues one side effect in the caller''s transaction (pending, or deferred when block_id names a review block). A known (tenant_id, dedupe_key) returns the existing outbox_id and changes nothing, so a retried Worker leaves one row. SR060 invalid input, SR009 payload or headers over 1 MiB, SR017 a topic reserved for the kit, SR002 unknown tenant.';
comment on function sor.enqueue_task(tenant_id text, queue text, subject text, payload jsonb, dedupe_key text, priority integer, delay interval, max_attempts integer) is 'Internal, part of the domain author''s surface: queues a task for a tenant from a definer function (sor_api.enqueue_task after its membership check; a domain module''s own functions). With a dedupe_key already used in that tenant and queue it returns that task''s id and changes nothing. A task queued wakes the queue''s listeners (sor.wake_tasks). SR009 payload over 1 MiB, SR050 unknown queue, SR054 invalid input.';
comment on function sor.ensure_policy(tbl regclass, policy name, command text, roles name[], using_expr text, check_expr text) is 'Creates a policy when missing, ALTERs it when present; never drops. Used by db/policies so re-applying a repeatable file passes the drop guard.';
comment on function sor.event_fingerprint(stream text, type text, payload jsonb, metadata jsonb) is 'The content an idempotency key of an append is bound to (sor.event_keys.fingerprint): sha256 over the canonical JSON text of stream, type, payload and metadata. The expected version is not content: a retry of a conditional append that committed returns the original. sor_api.append_events computes the same expression inline (set-based, no call per event).';
comment on function sor.event_summary(stream text, type text, payload jsonb, actor name) is 'One readable line for an event, by type (runs, blocks, tasks, outbox; any other type as "<type> on <stream> by <actor>"). Reads only the event''s own fields; who did it is always the actor column (the session that wrote the event), never a claim in the payload. The kit''s types are reserved (sor.reserved_names), so no caller can forge them.';
comment on function sor.failure_recorded(task_id bigint, fencing_token bigint, error text) is 'The status and run_after a failed attempt recorded (dead: its sor.finished_tasks row; failed: its task.failed event), when the attempt with this fencing token, held by session_user, ended with this error; no row otherwise. fail_task and fail_tasks answer a retry after a lost answer with it.';
comment on function sor.finish_task(t sor.tasks, status text, result jsonb, last_error text, finished_at timestamp with time zone, completion_event boolean) is 'The sor.finished_tasks row of a live task that ends (completed or dead): one mapping for every path that moves a task out of the queue. completion_event false (a completion on a queue whose completion_record is row) marks a completion recorded by the row alone; a dead task is always written as an event. One SQL expression without settings, inlined into its callers'' statements.';
comment on function sor.forensic_run(run_id uuid) is 'The run the forensic readers report on, if session_user may read it (an auditor, or a member of its tenant). SR091 NULL run id, SR090 unknown run or a run of a tenant the caller may not read.';
comment on function sor.forensic_time(at timestamp with time zone) is 'A timestamp as the forensic reports print it: UTC, milliseconds, independent of the session''s TimeZone.';
comment on function sor.idempotency_claim(tenant_id text, scope text, idempotency_key text, fingerprint bytea, run_id uuid, tool_call_id uuid) is 'Binds an idempotency key to a new run or tool call, or returns the unexpired binding that holds it (the caller compares ids). An expired key is rebound; a concurrent first use is waited for.';
comment on function sor.is_interval(value text) is 'Whether a text reads as an interval (NULL does). Only for naming the bad row of a batch after its cast failed: it opens a subtransaction per call.';
comment on function sor.is_reserved(kind text, name text) is 'True when the kit reserves the name: a stream whose category (the part before the first hyphen) is reserved, an event type starting with a reserved prefix (case-insensitive), a reserved outbox topic. sor.reserved_kind''s expression, inlined.';
comment on function sor.is_valid(kind text, value text) is 'The value domains of the kit, defined once: tenant_id (lowercase slug, 2-63), slug (workflow, worker kind: lowercase, 1-100), queue (2-63), stream (category-id, at most 200), stream_prefix (the start of a stream name: a category, its dash, part of an id; at most 200), event_type (at most 100), tool_name (lowercase, at most 64), key (idempotency and dedupe keys: 1-255, no control characters), label (subjects, topics, ids: 1-200, no control characters), sha256_hex, error_text (why an attempt failed: 1-4000 characters). NULL or an unknown kind is not valid. One SQL expression without settings, inlined into its callers'' statements.';
comment on function sor.journal_bad_input(what text, hint text) is 'Raises SR033 (malformed argument) naming the argument; used by every journal function so bad input changes nothing.';
comment on function sor.journal_check_id(value text, what text, max_length integer) is 'Returns the id when it is non-NULL, non-empty, at most max_length characters and free of control characters; SR033 otherwise.';
comment on function sor.journal_digest(content text, given_sha256 text, hash_only boolean, what text) is 'sha256 of content (text or a jsonb rendering), checked against a sha256 the caller gave: SR039 on mismatch or when a hash-only row has neither, SR009 over 1 MiB, SR033 for a malformed hex digest.';
comment on function sor.json_path_append(path text, key text) is 'Extends a JSON path with an object key: $.name, or $["odd key"] when the key is not an identifier.';
comment on function sor.json_schema_problem(schema jsonb, path text) is 'NULL when a JSON Schema uses only the keywords the kit enforces, else where and what is wrong. register_tool refuses a schema that would promise checks the kit does not make.';
comment on function sor.json_schema_violation(schema jsonb, value jsonb, at_path text) is 'The first violation of a JSON Schema by a value (path such as $.items[2].name, keyword, detail), or no row when the value is valid. Supported keywords: see sor.json_schema_problem.';
comment on function sor.kit_schemas() is 'Schemas certify() sweeps: sor, sor_api and every registered domain schema (the guard also protects sor_guard).';
comment on function sor.lease_check_request(what text, batch integer, lease interval) is 'Raises why a lease request of claim_tasks and lease_outbox breaks sor.lease_request_ok (the one rule): SR051 batch not in 1..1000, else SR052 lease not in (0, 1 day]; returns when the request keeps it.';
comment on function sor.lease_clock() is 'The one clock of leases (runs, tasks, outbox): clock_timestamp(), so a transaction begun before a lease lapsed cannot act after the lapse.';
comment on function sor.lease_held(holder name, fencing_token bigint, lease_expires_at timestamp with time zone, given_token bigint, at timestamp with time zone) is 'Whether the caller holds a lease: it is the holder (session_user), gives the current fencing token, and the lease has not lapsed at the given time of the lease clock. The guard of every heartbeat, complete, fail, mark_dispatched and mark_failed.';
comment on function sor.lease_lapsed(lease_expires_at timestamp with time zone) is 'Whether a lease expiring at lease_expires_at has lapsed, on the one lease clock (sor.lease_clock): the rule for runs (a running run whose lease lapsed reads abandoned), tasks and outbox rows. Security definer, so a reader of sor_api.journal_runs needs EXECUTE on it alone.';
comment on function sor.lease_lapsed_at(lease_expires_at timestamp with time zone, at timestamp with time zone) is 'The lapse rule at a given reading of the lease clock: a lease expiring at lease_expires_at has lapsed at at when it is not after it. sor.lease_lapsed applies it at the clock''s now; a sweep over many leases applies it at one reading.';
comment on function sor.lease_request_ok(batch integer, lease interval) is 'The rule of a lease request: 1 to 1000 rows, a lease in (0, 1 day]; false for NULL. sor.lease_check_request raises why a request breaks it.';
comment on function sor.lease_retry_at(attempts integer, max_attempts integer, base interval, cap interval) is 'When a row whose attempt failed is available again: the lease clock plus the jittered backoff of sor.retry_delay, or NULL when its attempts are used up (it is dead). The rule of fail_task and mark_failed.';
comment on function sor.leases() is 'Tasks and undelivered outbox rows in the one vocabulary of leases: holder (claimed_by, leased_by), fencing_token (fencing_token, lease_token), availability (run_after, available_at). For the owner''s checks (certify); consumers read sor_api.';
comment on function sor.ledger_block_hash(prev_block_hash bytea, block_id bigint, from_tx xid8, to_tx xid8, events bigint, first_position bigint, last_position bigint, events_sha256 bytea) is 'The hash of a ledger block: sha256(previous block hash || "block_id|from_tx|to_tx|events|first_position|last_position" || events_sha256).';
comment on function sor.lock_stream(tenant_id text, stream text, claim_new boolean) is 'A tombstone: the stream lock of 0.2.0 and 0.3.0, which this release does not use. An old append still running as the upgrade commits calls it and gets 40001, which a Worker retries with the new code. Only jit = off is set.';
comment on function sor.make_partitions(months_ahead integer) is 'The work of sor_api.maintain_partitions without registering the new partitions with the guard: a migration runs it, the afterMigrate callback registers.';
comment on function sor.make_quota_slots(tenant_ids text[]) is 'Makes the 16 counter slots of each kind (tasks, outbox) of the given tenants in sor.tenant_usage, leaving existing ones as they are: sor_api.add_tenant for a new tenant, R__941_policies_tasks.sql for every tenant when it takes the counts from the tables.';
comment on function sor.mark_abandoned(run_id uuid, worker_role name) is 'Marks running runs whose lease lapsed as abandoned (finished_at = the lapsed lease), optionally one run or one Worker''s runs, skipping runs another transaction holds; the runs trigger writes run_abandoned events. the readers and sweep_abandoned_runs call it.';
comment on function sor.outbox_counts(status text) is 'Whether an outbox row of this status counts against its tenant''s quota: undelivered (pending, deferred, leased, failed), not dispatched, dead or discarded.';
comment on function sor.over_cap(value jsonb) is 'The one size cap of the kit: true when a JSON value has more than 1 MiB in its text form (UTF-8 bytes, uncompressed, whatever its stored size). One expression without settings, inlined into its callers.';
comment on function sor.over_cap(value text) is 'The one size cap of the kit for text: true when a value has more than 1 MiB (UTF-8 bytes). One expression without settings, inlined into its callers.';
comment on function sor.partition_bounds(part regclass) is 'The range of a monthly partition (range_from NULL when it starts at MINVALUE), or is_default for a default partition.';
comment on function sor.partition_list() is 'Every partition of the kit''s partitioned tables with its range, estimated rows and whether sor_api.retire_partition may take it out now (why_not says why not).';
comment on function sor.partitioned_tables() is 'The kit''s partitioned tables (sor.events, sor.outbox, sor.finished_tasks), their partition key, whether they are append-only and how long they keep rows (sor.retention_policies).';
comment on function sor.prepare_partition(part regclass) is 'Gives a partition what it does not inherit from its parent: row level security enabled and forced with an owner-only policy, a comment, and for an append-only parent its own UPDATE/DELETE/TRUNCATE refusal triggers (ENABLE ALWAYS); for a queue, fillfactor 80; the parent''s replica identity FULL. Idempotent. SR080 when the table is not a partition of a kit table.';
comment on function sor.queues_recording_rows() is 'The queues whose completion_record is row (their completed tasks are recorded by the sor.finished_tasks row alone, no task.completed event). The completion paths mark each finished row by it (completion_event) and the finished-tasks trigger honours a mark only for these queues. Callers ask it once per statement: queue <> all ((select sor.queues_recording_rows())::text[]).';
comment on function sor.quota_count(kind text, tenants text[], deltas bigint[]) is 'The one quota rule: moves each tenant''s count of queued rows of a kind (tasks, outbox) by its delta in a slot of sor.tenant_usage that no other open transaction holds (this backend''s own when free), and refuses a growth past the tenant''s quota (sor.tenant_quotas, else sor.quota_defaults): SR065 tasks, SR066 outbox rows. Concurrent transactions of one tenant see each other''s counts once committed, so together they may pass the quota by what they queue at the same time; one statement never does. A transaction updates its slot where it last left it (sor.quota_hint, a hint that is never trusted). Only jit = off is set (hot path): every name is qualified.';
comment on function sor.reader_caught_up(tenant_id text, after_position bigint, reader text) is 'Whether a tenant reader (tenant_events_since, read_subscription) whose last page in this session was empty still has nothing after its cursor: then its page is empty without the horizon (sor.tenant_horizon, which reads pg_locks).';
comment on function sor.reader_page_read(reader text, rows_read bigint) is 'Records for the session whether a tenant reader''s page was empty, which sor.reader_caught_up reads on its next page.';
comment on function sor.refuse_lease_call(kind text, id bigint, given_token bigint, action text, known boolean, status text, leased boolean, holder name, fencing_token bigint, lease_expires_at timestamp with time zone) is 'Raises why a call on a lease (kind task or outbox) was refused, from the row as the caller may see it: unknown (SR055 task, SR061 outbox row), stale or NULL token or another holder (SR056 task, SR062 outbox row), or the lease lapsed (SR057 for both).';
comment on function sor.refuse_outbox_call(outbox_id bigint, lease_token bigint, action text) is 'Raises the reason a mark_dispatched or mark_failed call was refused: SR063 already dispatched, else by sor.refuse_lease_call on the row as the dispatcher may see it: SR061 unknown row, SR062 stale or NULL lease token (or another holder), SR057 lease lapsed.';
comment on function sor.refuse_reserved(stream text, type text, topic text) is 'SR017 when a caller-supplied stream, event type or outbox topic is reserved for the kit (sor.reserved_kind, no query). Every entry point that takes one from a caller asks sor.reserved_kind first and calls this to raise; sor_api.append_events applies the same expression to each event of a batch.';
comment on function sor.refuse_task_call(task_id bigint, fencing_token bigint, action text) is 'Raises the reason a heartbeat, complete or fail call on a task was refused, by sor.refuse_lease_call on the task as the caller may see it: SR055 unknown task, SR056 stale or NULL fencing token (also a finished task), SR057 lease lapsed.';
comment on function sor.register_tool(tool_name text, description text, input_schema jsonb, function_oid regprocedure, allowed_kinds text[], side_effects boolean, enabled boolean) is 'Registers or updates a tool (called by migrations as the owner). SR073 malformed name, description, schema or signature; SR074 the function is not a locked-down SECURITY DEFINER function.';
comment on function sor.reserved_kind(stream text, type text, topic text) is 'The kind of the first reserved name among a stream (its category, the part before the first hyphen), an event type (a reserved prefix) and an outbox topic, case-insensitive (sor.reserved_list): stream category, event type prefix or outbox topic; NULL when none is reserved (a NULL argument is not checked). One expression without settings, inlined into its callers.';
comment on function sor.reserved_list(kind text) is 'The names the kit reserves, by kind (stream category, event type prefix, outbox topic), lowercase; NULL for another kind. The same names as sor.reserved_names (certify checks it). One expression without settings, inlined into its callers.';
comment on function sor.resume(run_id uuid, lease_seconds integer) is 'Resumes a run whose lease lapsed (abandoned, or running past its lease) for session_user, a Worker of the run''s kind and a member of its tenant now: status running, a new lease, fencing_token + 1, resumed_at/by; the runs trigger writes run_resumed. A run still leased to this Worker is returned as it is. SR034 unknown run (or another kind''s), SR036 leased to another Worker, SR035 finished (or cancelled), SR033 bad argument.';
comment on function sor.retry_delay(attempts integer, base interval, cap interval) is 'Delay before the next attempt after failed attempt number attempts: min(cap, base * 2^(attempts-1)), jittered uniformly between half and all of it.';
comment on function sor.run_timeline_entries(run_row sor.runs, from_at timestamp with time zone) is 'Internal: the entries of a run''s timeline at or after a time (NULL: all), unordered, each with its place in the timeline''s order (at, ord, sub, key). The callers (sor_api.run_timeline) check who may read the run.';
comment on function sor.session_defaults() is 'Gives the calling session idle_in_transaction_session_timeout 1min and lock_timeout 10s where they are off (0) and sor.session_defaults is not off; called where Workers and Dispatchers start work (start_run, resume_run, sor.claim_tasks_for, lease_outbox). Only jit = off is set (hot path).';
comment on function sor.session_defaults_due() is 'Whether the session is due its limits: sor.session_defaults is not off and idle_in_transaction_session_timeout or lock_timeout is off (0). sor.session_defaults applies them; a claim calls it only when this is true.';
comment on function sor.sqlstate_words(code text) is 'A SQLSTATE in words for the forensic reports: the states a crash or a lost connection leaves (57P01 terminated by an administrator, 57014 cancelled, 08006 connection broke, ...), then by class.';
comment on function sor.subscription(tenant_id text, name text, for_update boolean) is 'The subscription row (locked FOR UPDATE when asked), or SR015 when the tenant has no subscription of that name.';
comment on function sor.sweep_lapsed(tenant_ids text[]) is 'Marks the running runs of the given tenants whose lease lapsed as abandoned, skipping runs another transaction holds; start_run, resume_run and heartbeat call it with the caller''s tenants, so a lapsed run is marked within a lease period while any Worker of its tenant works. Reads only the running runs whose sweep_at has come (runs_sweep_idx), not every running run.';
comment on function sor.task_input_problem(subject text, payload jsonb, dedupe_key text, priority integer, delay interval, max_attempts integer) is 'What is wrong with a task to queue, or NULL: the one definition of a valid task, used by enqueue_task and enqueue_tasks.';
comment on function sor.task_listen(queue text) is 'Registers the calling backend, its login and the login''s tenants (sor_guard.member_tenants) as a listener of a queue''s task wake-ups (sor.task_listeners) and removes the rows of backends that ended; nothing for an unknown queue or in a read-only transaction. Called by sor_api.wakeup_channel(''tasks'', queue).';
comment on function sor.tenant_horizon(tenant_id text) is 'The first position at which an event of the tenant may still appear: one past the last position drawn, or one past the lowest bound a transaction of the tenant still in flight announced (sor.announce_append). Events of the tenant below it are all the ones there will ever be; the caller reads them in its next statement (a new snapshot). SR086 at REPEATABLE READ or SERIALIZABLE, on a standby, or when the position sequence caches values.';
comment on function sor.tg_blocks__events() is 'AFTER INSERT/UPDATE on sor.blocks: appends block_opened and block_approved / block_rejected events to the run''s stream and refuses any change to a resolved block (SR043).';
comment on function sor.tg_events__refuse_unchained() is 'BEFORE INSERT row trigger on sor.events, only for rows of version 0 (the earlier release''s append path, caught by an upgrade mid-statement): refuses them with 40001 so the caller retries with the upgraded code.';
comment on function sor.tg_finished_tasks__events_delete() is 'AFTER DELETE (statement) on sor.finished_tasks: task.retried for every dead task an operator put back in its queue.';
comment on function sor.tg_finished_tasks__events_insert() is 'AFTER INSERT (statement) on sor.finished_tasks: task.completed or task.dead for every task that ended, with the last claim''s holder, fencing token, claimed_at and attempt; no task.completed for a completion marked completion_event false on a queue whose completion_record is row (its finished row is the record). The ended tasks no longer count against their tenant''s quota (sor.quota_count).';
comment on function sor.tg_outbox__dedupe() is 'BEFORE INSERT on sor.outbox: claims the row''s dedupe key (per tenant) in sor.dedupe_keys, or skips the row when the key is taken: a retried writer queues nothing twice, whatever partition the first row is in.';
comment on function sor.tg_outbox__events_update() is 'AFTER UPDATE (statement) on sor.outbox: one event per status change (outbox.leased, outbox.dispatched, outbox.failed, outbox.dead, outbox.released, outbox.discarded, outbox.retried), preceded by outbox.lease_expired when a lapsed lease was taken back; a row moving between undelivered and delivered, dead or discarded moves its tenant''s quota count (sor.quota_count, SR066).';
comment on function sor.tg_outbox__notify_insert() is 'AFTER INSERT (statement) on sor.outbox: counts the undelivered rows against their tenants'' quotas (sor.quota_count, SR066 past one), then wakes the dispatchers when the statement inserted pending rows (sor.wake_outbox: one NOTIFY on each tenant''s channel, and on sor_outbox while the broadcast is on); each payload is a number of rows.';
comment on function sor.tg_outbox__notify_update() is 'AFTER UPDATE (statement) on sor.outbox: wakes the dispatchers when the statement made rows pending (a review approved, an operator retry): sor.wake_outbox, one NOTIFY on each tenant''s channel and on sor_outbox while the broadcast is on; each payload is a number of rows.';
comment on function sor.tg_runs__events() is 'AFTER INSERT/UPDATE on sor.runs: refuses identity changes and writes to finished runs (SR035), and appends run_started, run_state_committed, run_overlay_set, run_resumed and run_<status> events to stream run-<id>. Heartbeats write no event.';
comment on function sor.tg_tasks__dedupe() is 'BEFORE INSERT on sor.tasks, for each row with a dedupe key: claims the key (per tenant and queue) in sor.dedupe_keys, or skips the row when the key is taken, by a task queued, running or finished. Every path that queues a task is idempotent on its key.';
comment on function sor.tg_tasks__events_update() is 'AFTER UPDATE (statement) on sor.tasks: for every claim that ended on the live queue, task.failed, or task.lease_expired when a lapsed claim was taken back, with the ended claim''s holder, fencing token, claimed_at and attempt. Claims and heartbeats write no event.';
comment on function sor.tg_tasks__quota() is 'AFTER INSERT (statement) on sor.tasks: the tasks the statement queued count against their tenants'' quotas of live tasks, one sor.quota_count per statement (SR065 past it, and nothing of the statement is queued).';
comment on function sor.tool_call_begin(run_id uuid, tool_name text, args jsonb, idempotency_key text) is 'Internal (tool boundary): journals a started tool call of a running run of session_user. With an idempotency key (per tenant and Worker kind): the same key with the same tool and arguments replays the finished call (replayed = true, its status, result, error); another fingerprint is SR037; a call still started is SR038, unless it was in flight when its run lapsed (started under an older fencing token of this run, or its run is no longer running): then it is closed as failed with an interrupted error and this attempt takes the key over. In hash-only runs only the arguments'' sha256 is stored.';
comment on function sor.tool_call_finish(tool_call_id uuid, result jsonb, error jsonb) is 'Internal (tool boundary): finishes a started tool call of a running run of session_user: succeeded with result when error is NULL, else failed with error (only sha256s in hash-only runs). SR033 both given, SR034 unknown call, SR035/SR036 run not running or lease lapsed, SR044 already finished with another outcome (the same outcome again returns quietly: a retry), SR009 over 1 MiB, SR008 no longer a member of the run''s tenant.';
comment on function sor.tool_call_interrupt(call sor.tool_calls, resumed sor.runs) is 'Closes a tool call that was in flight when its run lapsed as failed, with an interrupted error naming the run that retries it.';
comment on function sor.verify_event_chains(for_tenant text, for_stream text) is 'One row per stream checked (all streams, one tenant''s, or one stream): the first broken link of its hash chain, or NULL problem when intact.';
comment on function sor.wake_events(tenant_id text) is 'Called by the append paths after an insert: notifies the tenant''s wake-up channel (empty payload) when the tenant has a subscription; one notification per transaction and tenant.';
comment on function sor.wake_outbox(tenant_ids text[], counts bigint[]) is 'Called by the outbox''s statement triggers with the tenants whose rows became pending and how many: one NOTIFY on each tenant''s wake-up channel (sor.wakeup_channel(''outbox'', tenant), payload its number of rows), and one on sor_outbox (payload the total) while the broadcast is on (sor.wakeup_secret.outbox_broadcast, sor_api.set_outbox_broadcast).';
comment on function sor.wake_tasks(queue text, tenant_ids text[]) is 'Called by the enqueue paths after tasks of the given tenants were queued: notifies (empty payload) the queue''s channel of each login with a live backend registered by sor_api.wakeup_channel(''tasks'', queue) for one of those tenants (its login''s tenants when it asked; every live listener when tenant_ids is NULL); one notification per transaction and login.';
comment on function sor.wakeup_channel(kind text, key text) is 'The NOTIFY channel of a wake-up: sor_<kind>_<32 hex digits of sha256(the database''s wake-up secret, kind:key)>; kind events or outbox (key: the tenant id) or tasks (key: the queue, a slash and the listening login). Only the kit''s definer functions read the secret (sor.wakeup_secret), so no login can name a channel it was not given by sor_api.wakeup_channel. NULL when the secret is missing.';
comment on function sor.worker_run(run_id uuid, for_write boolean) is 'Locks and returns a run of session_user, which must still be a member of the run''s tenant: SR033 NULL id, SR034 unknown or another Worker''s run, SR008 no longer a member of its tenant; for a write also SR035 not running and SR036 lease lapsed.';
comment on function sor_api.ack_subscription(tenant_id text, name text, up_to_position bigint) is 'Moves the subscription''s checkpoint forward to the event at up_to_position (one read_subscription returned): the next read starts after it. An acknowledgement at or before the checkpoint changes nothing (moved false): the checkpoint never goes back. SR008 not a reader of the tenant (an auditor: SR002 no such tenant); SR011 bad position; SR015 no such subscription; SR015 no event of the subscription at that position below the tenant''s reader horizon; SR086 at REPEATABLE READ or SERIALIZABLE, or on a standby.';
comment on function sor_api.add_member(tenant_id text, role_name text) is 'Makes an existing, unprivileged LOGIN role a member of a tenant (a NOLOGIN group role is refused: every role that can SET ROLE to it would act for the tenant). SR001 malformed tenant, SR002 unknown tenant, SR003 unknown role, SR004 duplicate, SR005 group role or privileged role.';
comment on function sor_api.add_tenant(tenant_id text, display_name text) is 'Creates a tenant. SR001 for a malformed id or display name, SR004 when the id exists.';
comment on function sor_api.append_event(tenant_id text, stream text, type text, payload jsonb, metadata jsonb, expected_version integer) is 'Appends one event for a tenant the caller is a member of, to a stream and with a type the kit does not reserve. expected_version (0 for a new stream) makes it conditional: SR013 on mismatch. SR008 not a member (or no such tenant), SR009 over 1 MiB, SR011 bad input, SR017 reserved stream or type.';
comment on function sor_api.append_event(tenant_id text, stream text, type text, payload jsonb, metadata jsonb, expected_version integer, idempotency_key text) is 'Appends one event as append_event(tenant_id, stream, type, payload, metadata, expected_version) does, idempotently: the first call with an idempotency_key (1 to 255 characters, unique per tenant) appends and binds the key to the event; a retry with the same key and the same stream, type, payload and metadata returns that event''s position, version and hash and writes nothing (its expected_version is not checked again). A concurrent call with the same key waits for the first. NULL idempotency_key: an append without a key. SR008 not a member, SR009 over 1 MiB, SR011 bad input or key, SR013 wrong expected version, SR017 reserved, SR019 the key was used for other content.';
comment on function sor_api.append_events(tenant_id text, events jsonb) is 'Appends 1 to 10000 events for a tenant the caller is a member of, in one call and one transaction, in the given order: [{"stream": ..., "type": ..., "payload": {...}, "metadata": {...}, "expected_version": n}] (an event may repeat the batch''s "tenant_id"; another tenant''s is refused). The same rules as append_event apply to each event, checked in one query over the whole batch, and an error names the first offending event by its ordinal (1-based); nothing is written unless all pass. Returns each event''s ordinal, position, stream, version and hash. An event may carry an "idempotency_key" (as append_event''s, unique per tenant): an event whose key was used before with the same stream, type, payload and metadata is not written again and answers with the original event (its expected_version is not checked; the expected versions of the others count only the events written); a key given twice in the batch with the same content is one event. SR008 not a member, SR009 batch over 1 MiB, SR011 bad input, SR013 wrong expected version, SR017 reserved stream or type, SR019 a key used for other content (before, or in the batch).';
comment on function sor_api.approve_ddl(operation text, object_identity text, ticket text, rehearsed_on text, expires_at timestamp with time zone) is 'Approves one guarded DDL operation on one protected object, once, until expires_at (at most 7 days ahead). Only for LOGIN members of sor_approver (42501 otherwise); the role running the DDL must be another role. SR021 unknown target, SR022 bad expiry, SR023 missing ticket or rehearsal.';
comment on function sor_api.approve_release(version text, digest text, ticket text, rehearsed_on text, expires_at timestamp with time zone) is 'Approves the upgrade of this database to one release, named by its version and manifest digest (releases/<version>/manifest.json, its last line), once per module, until expires_at (at most 7 days ahead). Only for LOGIN members of sor_approver (42501 otherwise); the role migrating must be another role. SR021 a version or digest not in their format, SR022 bad expiry, SR023 missing ticket or rehearsal.';
comment on function sor_api.begin_tool_call(run_id uuid, tool_name text, args jsonb, idempotency_key text) is 'For plain-code Workers: journals a call the Worker makes outside the database as started before it performs it (idempotency keys per tenant and Worker kind, see sor.tool_call_begin). Commit, perform the call, then finish_tool_call. A registered tool is refused (SR075): it runs only through call_tool. SR008 no longer a member of the run''s tenant.';
comment on function sor_api.call_tool(run_id uuid, tool text, args jsonb, idempotency_key text) is 'The only way a Worker acts: checks the allow-list for its kind, validates args against the tool''s JSON Schema (SR072 names the path), journals the call, runs the tool in a subtransaction (a failing tool leaves its error in the journal and none of its writes; ok = false), and replays a finished call for a repeated idempotency key.';
comment on function sor_api.cancel_run(run_id uuid, reason text) is 'An operator (member of sor_admin) ends a running or abandoned run for good, with a reason: status failed with the error {cancelled: true, cancelled_by, reason} and a run_cancelled event; its Worker''s next write is refused (SR035). Cancelling again returns quietly. SR034 not an operator or unknown run, SR035 already finished, SR033 missing reason.';
comment on function sor_api.certify() is 'The CI gate: one row per check of the six system-of-record properties (failing checks show one row per failing object). Zero rows with ok = false means certified.';
comment on function sor_api.check_contract(client_contract text) is 'A client''s startup check, in one call: given the contract snapshot it was built with, one row (true) when this database keeps all of it, else one row (false) per incompatibility: another major or an older minor version, a removed function, view or SQLSTATE, a removed grant, an altered argument list or result. SR029 when the database records no contract; 22023 for text that is not a snapshot.';
comment on function sor_api.claim_tasks(queue text, batch integer, lease interval) is 'Claims at most batch due tasks of a queue (FOR UPDATE SKIP LOCKED; priority, then age) for tenants the caller is a member of; takes back lapsed leases first (one whose attempts are used up ends dead, in sor.finished_tasks). Every claimed task gets a new fencing token and a lease of the given length from the database clock; the claim writes no event (its outcome''s event records it). SR050 unknown queue, SR051 batch not in 1..1000, SR052 lease not in (0, 1 day].';
comment on function sor_api.claim_tasks(queue text, batch integer, lease interval, tenant text) is 'Claims as sor_api.claim_tasks(queue, batch, lease) does, the tasks of one tenant only: at most batch due tasks of the queue for that tenant, its lapsed leases taken back first; never a task of another tenant. SR008 not a member of the tenant (or no such tenant, or NULL), SR050 unknown queue, SR051 batch not in 1..1000, SR052 lease not in (0, 1 day].';
comment on function sor_api.claim_tasks_in_run(run_id uuid, queue text, batch integer, lease interval) is 'Claims as sor_api.claim_tasks(queue, batch, lease, tenant) does for the run''s tenant, inside a running run of the caller, and links each claimed attempt (task id and fencing token) to the run, so its timeline and report show the task by id and how the attempt ended. SR033 NULL run, SR034 unknown or another Worker''s run, SR035 run not running, SR036 lease lapsed, SR008 no longer a member of its tenant, SR050 unknown queue, SR051 batch not in 1..1000, SR052 lease not in (0, 1 day].';
comment on function sor_api.commit_step(run_id uuid, step_id text, expected_version integer, output jsonb, events jsonb, commands jsonb) is 'Verist commit: for a running run of the calling Worker at expected_version, merges output into state (shallow ||), bumps the version, appends the events (stream run-<id>, metadata run_id, step_id, version; one statement, one link of the run''s chain) and queues the commands, all or nothing. Returns committed (new version), conflict (current version) or not_found (unknown or another Worker''s run). A step already committed returns its recorded output with replayed = true. A review command opens a block and defers its siblings; a suspend command opens a block and discards them. SR008 no longer a member of the run''s tenant, SR009 over 1 MiB, SR017 a reserved event type or command topic, SR033 malformed argument, SR035 run not running, SR036 lease lapsed, SR041 second block.';
comment on function sor_api.complete_task(task_id bigint, fencing_token bigint, result jsonb) is 'Completes a claimed task with its result, if the fencing token is current and the lease has not lapsed: the task leaves the live queue for sor.finished_tasks. SR009 result over 1 MiB, SR054 result not an object, SR055 unknown task, SR056 stale token (or already finished otherwise), SR057 lease lapsed. The same completion again (same token, by the same Worker, same result: a retry after a lost answer) returns quietly and writes nothing.';
comment on function sor_api.complete_tasks(tasks jsonb) is 'Completes 1 to 1000 claimed tasks in one call and one transaction: [{"task_id": n, "fencing_token": n, "result": {...}}]. All or nothing: if any task is refused (as complete_task would refuse it) nothing is completed and the error names its ordinal. A task the caller completed before with the same token and result (a retry of the batch after a lost answer) counts as completed: it is returned, after the tasks completed now, and nothing is written for it. SR009 batch over 1 MiB, SR054 malformed batch, SR055, SR056, SR057 as complete_task.';
comment on function sor_api.configure_tenant(tenant_id text, hash_only boolean, idempotency_retention interval) is 'Sets a tenant''s journal settings (NULL keeps the current value): hash_only for its new runs, idempotency_retention (1 second to 90 days, default 24 hours). SR002 unknown tenant, SR033 retention out of range.';
comment on function sor_api.contract_version() is 'The semantic version (MAJOR.MINOR.PATCH) of the sor_api contract: a client checks the major version at startup and refuses to run against one it was not built for.';
comment on function sor_api.create_queue(queue text, description text, max_attempts integer, backoff_base interval, backoff_max interval) is 'Creates a work queue or updates its retry policy (existing tasks keep their max_attempts). SR059 for a malformed name or policy.';
comment on function sor_api.ddl_guard_targets() is 'Every (operation, object_identity) the drop guard protects right now, read from the register: what sor_api.approve_ddl accepts.';
comment on function sor_api.dead_outbox(max_rows integer) is 'Dead outbox rows (attempts exhausted), oldest first; at most max_rows (capped at 10000).';
comment on function sor_api.dead_tasks(queue text, max_rows integer) is 'Dead tasks (attempts exhausted), oldest first, optionally of one queue; at most max_rows (capped at 10000).';
comment on function sor_api.enqueue_task(tenant_id text, queue text, subject text, payload jsonb, dedupe_key text, priority integer, delay interval, max_attempts integer) is 'Queues a task for a tenant the caller is a member of; with a dedupe_key already used in that tenant and queue (for a task queued, running or finished) it returns that task''s id and changes nothing. SR008 not a member of the tenant (or no such tenant), SR009 payload over 1 MiB, SR050 unknown queue, SR054 invalid input.';
comment on function sor_api.enqueue_task_in_run(run_id uuid, queue text, subject text, payload jsonb, dedupe_key text, priority integer, delay interval, max_attempts integer) is 'Queues a task as sor_api.enqueue_task does, for the run''s tenant, inside a running run of the caller, and links it to the run (a dedupe key that returns an existing task links that task). SR033, SR034, SR035, SR036, SR008 as claim_tasks_in_run; the errors of enqueue_task.';
comment on function sor_api.enqueue_tasks(tenant_id text, queue text, tasks jsonb) is 'Queues 1 to 10000 tasks of one queue for a tenant the caller is a member of, in one call, one statement and one transaction: [{"subject": ..., "payload": {...}, "dedupe_key": ..., "priority": n, "delay": "5 minutes", "max_attempts": n}] (only subject is required; a tenant_id, if given, must be the batch''s). The batch is judged as a whole: an error names the ordinal of the first bad task and nothing is written. Returns each ordinal''s task id and whether it was created (false: its dedupe key named an existing task, also one earlier in the same batch). SR008 not a member, SR009 batch over 1 MiB, SR050 unknown queue, SR054 invalid input, SR065 over the tenant''s quota of tasks.';
comment on function sor_api.events_since(after_position bigint, max_rows integer) is 'The event log for consumers, never skipping an event: rows after the cursor event in (tx_id, position) order, only from transactions older than every transaction still in flight. Pass 0, then the last position returned. SR011 bad cursor, SR015 unknown cursor, SR016 max_rows out of 1..10000.';
comment on function sor_api.fail_task(task_id bigint, fencing_token bigint, error text) is 'Records a failed attempt of a claimed task: failed with a jittered exponential backoff (run_after), or dead (moved to sor.finished_tasks) once attempts reach max_attempts. Returns the new status and run_after (NULL when dead). The same failure again (same token, by the same Worker, same error: a retry after a lost answer) returns what the attempt recorded and writes nothing. SR054 no error text, SR055 unknown task, SR056 stale token, SR057 lease lapsed.';
comment on function sor_api.fail_tasks(tasks jsonb) is 'Records 1 to 1000 failed attempts in one call and one transaction: [{"task_id": n, "fencing_token": n, "error": "..."}], each judged as fail_task judges it, set-based (one statement locks and judges the batch, one UPDATE fails the tasks with attempts left, one DELETE and INSERT move the others to sor.finished_tasks as dead). Returns each task''s new status and run_after in batch order. All or nothing: an error names the ordinal of the first task refused. A task whose failure the caller recorded before with the same token and error (a retry after a lost answer) is answered with what it recorded, nothing written. SR054 malformed batch or error text, and fail_task''s SQLSTATEs.';
comment on function sor_api.finish_run(run_id uuid, status text, error jsonb) is 'Finishes a running run of the calling Worker as succeeded or failed (with an error; only its sha256 in hash-only runs). Repeating the same finish returns quietly. SR033 bad status or an error on success, SR034 unknown run, SR035 already finished otherwise or abandoned, SR036 lease lapsed.';
comment on function sor_api.finish_tool_call(tool_call_id uuid, result jsonb, error jsonb) is 'For plain-code Workers: finishes a started tool call with its result, or with its error (see sor.tool_call_finish).';
comment on function sor_api.get_run(run_id uuid) is 'Reads back one run of the calling Worker (marking it abandoned first when its lease lapsed): status, version, state, overlay, effective state (state || overlay) and its active block. SR034 unknown or another Worker''s run.';
comment on function sor_api.heartbeat(run_id uuid, lease_seconds integer) is 'Extends the lease of a running run of the calling Worker (optionally with a new lease length) and returns the new expiry. A lapsed lease is not revived: SR036. SR008 no longer a member of the run''s tenant, SR034 unknown run, SR035 not running.';
comment on function sor_api.heartbeat_task(task_id bigint, fencing_token bigint) is 'Extends the lease of a claimed task by its lease length, from now (database clock); returns the new expiry. SR055 unknown task, SR056 stale token, SR057 lease already lapsed.';
comment on function sor_api.lease_outbox(batch integer, lease interval, tenants text[]) is 'Dispatcher: leases, for the tenants it is a member of (or those of them it names in tenants), at most batch due outbox rows, oldest due first (pending, failed and past available_at, or a lease that lapsed; FOR UPDATE SKIP LOCKED); each lease gets a new fencing token. Deferred, discarded, dispatched and dead rows are never leased. SR008 a named tenant the dispatcher is not a member of, SR051 batch not in 1..1000, SR052 lease not in (0, 1 day].';
comment on function sor_api.ledger_digest() is 'The digest of the ledger up to its latest sealed block: database, server system identifier, block id and hash, events covered. Store it outside the database (object storage with a retention lock, a ticket, a second database); sor_api.verify_ledger(digest) later proves nothing before it changed. NULL before the first seal. sor_auditor, sor_admin.';
comment on function sor_api.list_tools() is 'The tools the calling Worker''s kind may call, with their descriptions and input schemas. SR030 for a caller that is not a registered Worker.';
comment on function sor_api.maintain_partitions(months_ahead integer) is 'Creates the monthly partitions of sor.events, sor.outbox and sor.finished_tasks from this month to months_ahead (1-24, default 3) months ahead, prepares every partition (sor.prepare_partition) and registers the new ones with the drop guard. Idempotent; returns one row per partition created or blocked (the default partition holds rows of that month). Call it from any scheduler or the dispatcher loop (sor_admin, sor_dispatcher); no superuser needed. SR084 months_ahead out of range.';
comment on function sor_api.mark_dispatched(outbox_id bigint, lease_token bigint, provider_ref text) is 'Dispatcher: records that a leased row was delivered, with the provider''s reference, if the dispatcher holds the lease (sor.lease_held: its holder, the current token, not lapsed), as a task''s completion. SR060 no provider_ref, SR061 unknown row (or a row of a tenant the dispatcher is not a member of), SR062 stale token or another holder, SR057 lease lapsed, SR063 already dispatched.';
comment on function sor_api.mark_failed(outbox_id bigint, lease_token bigint, error text) is 'Dispatcher: records a failed delivery of a leased row: failed, due again after a jittered exponential backoff (2 s doubling, capped at 1 hour), or dead once attempts reach max_attempts (sor.lease_retry_at, as a task''s failure). SR060 no error text, SR061 unknown row (or a row of a tenant the dispatcher is not a member of), SR062 stale token or another holder, SR057 lease lapsed, SR063 already dispatched.';
comment on function sor_api.my_runs() is 'The calling Worker''s runs in the tenants it is a member of now (after marking its lapsed ones abandoned), oldest first: every one it ever ran (my_runs(run_status, after_run_id, max_rows) reads them a page at a time). A Worker never sees another Worker''s runs.';
comment on function sor_api.my_runs(run_status text, after_run_id uuid, max_rows integer) is 'A page of the calling Worker''s runs in the tenants it is a member of now (after marking its lapsed ones abandoned), oldest first as my_runs(): of one run_status (running, succeeded, failed, abandoned) or of any (NULL), after the run after_run_id (NULL: from the first), at most max_rows (1 to 10000). SR033 bad run_status, SR016 max_rows out of range, SR034 a cursor that is not one of the caller''s runs, SR030 not a Worker.';
comment on function sor_api.outbox_metrics() is 'Per topic and tenant, of the tenants the caller may read (an auditor every tenant, anyone else its own): undelivered outbox rows pending (due now), delayed (pending, not due yet), oldest_pending_age (how long the longest-due pending row has waited; NULL when none), leased (lease held), lapsed (lease lapsed, not yet taken back), failed (awaiting a retry). Reads the rows of the outbox''s due index only: dead rows are listed by sor_api.dead_outbox, deferred rows are not counted. One reading of the lease clock per call.';
comment on function sor_api.queue_metrics() is 'Per queue and tenant, of the tenants the caller may read (an auditor every tenant, anyone else its own): ready (due now), delayed (not due yet), oldest_ready_age (how long the longest-due ready task has waited; NULL when none), claimed (lease held), lapsed (lease lapsed, not yet taken back), failed (awaiting a retry), dead (dead letters in sor.finished_tasks). One reading of the lease clock per call; a queue and tenant with nothing to count has no row.';
comment on function sor_api.quotas(tenant_id text) is 'Admin: each tenant''s (or one tenant''s) queued tasks and undelivered outbox rows beside its quota.';
comment on function sor_api.read_stream(tenant_id text, stream text, from_version integer, max_rows integer) is 'One stream of a tenant the caller is a member of (or any, for an auditor), in version order from from_version. SR008 not a reader of the tenant (or no such tenant; an auditor: SR002), SR011 bad input, SR015 unknown stream, SR016 max_rows out of 1..10000.';
comment on function sor_api.read_subscription(tenant_id text, name text, max_rows integer) is 'The subscription''s events after its checkpoint, in position order, up to the tenant''s reader horizon (sor.tenant_horizon: held back only by the tenant''s own transactions in flight): reading again without an acknowledgement returns the same events (at least once); acknowledging the last one read and reading again never skips one. On the primary, at READ COMMITTED. SR008 not a reader of the tenant (an auditor: SR002 no such tenant); SR015 no such subscription; SR016 max_rows out of 1..10000; SR086 at REPEATABLE READ or SERIALIZABLE, or on a standby.';
comment on function sor_api.record_turn(run_id uuid, model text, role text, input_tokens integer, output_tokens integer, content text, content_sha256 text) is 'Journals one model turn of a running run of the calling Worker and returns its number (1, 2, ...). In a hash-only run the content is never stored: pass content (hashed, then dropped) or content_sha256. SR033 malformed argument or negative token count, SR034 unknown run, SR035 not running, SR036 lease lapsed, SR039 sha256 missing or mismatched, SR009 over 1 MiB, SR008 no longer a member of the run''s tenant.';
comment on function sor_api.register_domain_schema(schema_name text) is 'Registers a domain schema so certify() sweeps it and the drop guard protects it. Idempotent; SR007 for an unknown schema.';
comment on function sor_api.register_worker(role_name text, kind text) is 'Registers (or re-registers with a new kind) a login role that is a member of sor_worker as a Worker. SR031 unfit role, SR033 malformed kind. The Worker still needs add_member for each tenant it works for.';
comment on function sor_api.remove_member(tenant_id text, role_name text) is 'Ends a role''s membership of a tenant; its next statement sees none of that tenant''s rows. SR006 when there is no such membership.';
comment on function sor_api.require_kernel(version text) is 'For a domain module''s migration: returns the kernel release this database holds when it is the given one or a newer one of the same major; SR029 otherwise (older, another major, or no release recorded), 22023 for a malformed version.';
comment on function sor_api.resolve_block(block_id bigint, approved boolean, note text) is 'For approvers who are members of the block''s tenant: approves or rejects an active block. Review: approval releases the deferred commands (pending), rejection discards them. Suspend: queues one resume command (topic resume, payload with approved and note). SR033 malformed argument, SR042 unknown block (or a block of a tenant the caller is not a member of), SR043 already resolved, SR045 the caller runs the block''s run (separation of duties).';
comment on function sor_api.resume_run(run_id uuid, lease_seconds integer) is 'Resumes a run of the caller''s Worker kind whose lease lapsed (after a crash, a long pause, a lapsed call), by the same Worker or another login of its kind (a fleet): a new lease (lease_seconds, or the run''s), fencing_token + 1; the previous holder, if another login, is refused from then on (SR036). Returns the run''s state, version and last step (replay the workflow: commit_step answers each committed step with its recorded output), the previous holder, and the tool calls that were in flight (retry each with its idempotency key: the retry takes it over). SR034 unknown run, SR036 still leased to another Worker, SR035 finished or cancelled, SR008 not a member of its tenant now.';
comment on function sor_api.retire_partition(partition_name text) is 'sor_admin: takes a month out of sor.events, sor.outbox or sor.finished_tasks, oldest first and only past the table''s retention. Records its digest first (row count, sha256 of its rows; for events each stream''s last version and link (the hash of its last statement''s events) in sor.retired_stream_heads, so verify_events still checks the chain across the boundary; the idempotency keys of its events are removed from sor.event_keys), then detaches it, which the drop guard allows only with an unused approval of detach partition by a sor_approver (SR020). The detached table stays as an archive (events keep their refusal triggers). SR080 not a kit partition, SR081 inside retention, not the oldest or the default, SR082 outbox rows still waiting, SR083 events not sealed into the ledger yet.';
comment on function sor_api.retry_outbox(outbox_id bigint) is 'Queues a dead outbox row again with a fresh attempt budget (pending now; its last_error is kept; listeners are notified). SR061 unknown row, SR064 not dead.';
comment on function sor_api.retry_task(task_id bigint) is 'Puts a dead task back in its live queue with a fresh attempt budget (its last_error is kept); the task.retried event records it and the queue''s listeners are woken. SR055 unknown task, SR058 not dead.';
comment on function sor_api.rotate_wakeup_channels() is 'Admin: replaces the database''s wake-up secret (or makes it when missing), so every wake-up channel gets a new name from the next transaction on; returns when. Readers and claimers ask sor_api.wakeup_channel (or subscribe, subscriptions) again and LISTEN on the new names; the old names carry no wake-up.';
comment on function sor_api.run_report(run_id uuid) is 'A paragraph a manager can read about one run, written from sor_api.run_report_facts: who ran it, how it ended, its tool calls and failure point (tool and arguments), its lease, the outbox messages it queued and whether they were dispatched, the tasks its Worker held a claim on while the run was open and completed, a SQLSTATE in words. Times in UTC. SR091 NULL run id, SR090 unknown or unreadable run.';
comment on function sor_api.run_report_facts(run_id uuid) is 'Every fact of a run''s forensic report as one jsonb object, read from rows only: identity (tenant, workflow, Worker role and kind), status and times, tool calls (succeeded / failed / unfinished), the failure point (the unfinished or failed tool call with its arguments, else the run''s error), the lease (heartbeat, lapse, when it was marked abandoned), the outbox rows it queued and their dispatch, and the tasks its Worker role held a claim on while the run was open (claimed before start_run included) and completed in the run''s window. A running run whose lease lapsed reads as abandoned. SR091 NULL run id, SR090 unknown or unreadable run.';
comment on function sor_api.run_timeline(run_id uuid) is 'Everything recorded about one run as rows in time order (ties: run start, turns, tool call begin, tool call finish, steps, blocks, outbox queued, outbox dispatched, events by position and the run''s tasks, lease lapse, finish): at, source table, what happened, details. Reads rows only. SR091 NULL run id, SR090 unknown or unreadable run.';
comment on function sor_api.run_timeline(run_id uuid, after_entry text, max_rows integer) is 'run_timeline(run_id) a page at a time, in the same order: the rows after the entry after_entry (the entry column of the last row of the page before; NULL: from the start), at most max_rows (1 to 10000), each with its entry. SR091 NULL run id, SR090 unknown or unreadable run, SR016 max_rows out of range, SR011 an after_entry that is not an entry.';
comment on function sor_api.run_tool_calls(run_id uuid) is 'The tool calls of one run of the calling Worker, oldest first, finished or not. SR034 unknown or another Worker''s run.';
comment on function sor_api.run_tool_calls(run_id uuid, call_status text, after_tool_call_id uuid, max_rows integer) is 'A page of the tool calls of one run of the calling Worker, oldest first as run_tool_calls(run_id) (by start, then id): of one call_status (started: in flight; succeeded; failed) or of any (NULL), after the call after_tool_call_id (NULL: from the first), at most max_rows (1 to 10000). SR033 bad call_status, SR016 max_rows out of range, SR034 unknown or another Worker''s run, or a cursor that is not a call of this run, SR030 not a Worker.';
comment on function sor_api.seal_ledger(max_events integer) is 'Seals the events of every transaction that has finished and is not sealed yet into ledger blocks of about max_events events (1-1000000, default 100000; a block never splits a transaction), each hashed and chained to the one before. Returns the blocks it wrote; none when there is nothing new. Run it from the dispatcher loop or any scheduler: an event is covered once the transactions older than it have finished and the next seal runs. sor_admin, sor_dispatcher, sor_auditor. SR085 max_events out of range.';
comment on function sor_api.set_completion_record(queue text, record text) is 'Admin: how the queue records its completed tasks from now on: event (the default: the task''s sor.finished_tasks row and a task.completed event on stream task-<id>, in the hash-chained log that verify_events and the ledger cover) or row (the sor.finished_tasks row alone, with the attempt''s holder, fencing token, claimed_at, finished_at and result: faster, but the completion is not in the event log, so event readers, subscriptions and what_happened do not see it and the hash chain does not cover it). Failures, lapsed leases, dead tasks and retries write their events on every queue. Returns the record now in force; the change is kept with its time and login (sor.queues). SR050 unknown queue, SR059 record not event or row.';
comment on function sor_api.set_outbox_broadcast(enabled boolean) is 'Admin: turns on or off the outbox''s wake-ups on sor_outbox (every tenant''s rows together, payload their number, under a fixed name any login may LISTEN on); returns what it was. Each tenant''s channel (sor_api.wakeup_channel(''outbox'', tenant_id)) is notified either way. Off on a new install; an upgrade from 0.2.0 or 0.3.0 with dispatchers or outbox rows keeps it on. SR060 NULL; 55000 no wake-up secret.';
comment on function sor_api.set_overlay(run_id uuid, "overlay" jsonb) is 'Human correction by an approver who is a member of the run''s tenant: merges the keys into the overlay (last write wins, no version bump) and returns the effective state (state || overlay). Keys are never deleted: write a tombstone value instead. SR009 over 1 MiB, SR033 malformed argument, SR034 unknown run (or a run of a tenant the caller is not a member of).';
comment on function sor_api.set_quota(tenant_id text, kind text, max_pending bigint) is 'Admin: sets how many live tasks (kind tasks) or undelivered outbox rows (kind outbox) a tenant may hold at once; tenant_id NULL sets the default of tenants without their own. Rows already queued stay; a statement that would go over is refused (SR065, SR066). SR067 invalid kind or number, SR002 unknown tenant.';
comment on function sor_api.set_retention(table_name text, keep interval, reason text) is 'sor_admin: how long a partitioned table keeps its months before sor_api.retire_partition may take one out; appended to sor.retention_policies with who, when and why. SR084 unknown table, keep under a month or no reason.';
comment on function sor_api.start_run(tenant_id text, workflow text, input jsonb, idempotency_key text, lease_seconds integer, hash_only boolean, input_sha256 text) is 'Starts a run of the calling Worker for a tenant it is a member of, holding a lease of lease_seconds. With an idempotency key, a retry with the same input returns the same run (replayed = true), resumed when its lease lapsed and the caller is of the run''s Worker kind (see resume_run); another input is SR037. Hash-only when asked or when the tenant is hash-only: the input is stored only as sha256 (pass input or input_sha256). SR030 not a Worker, SR008 not a member of the tenant (or no such tenant), SR033 malformed argument, SR039 sha256 missing or mismatched, SR009 input over 1 MiB.';
comment on function sor_api.subscribe(tenant_id text, name text, stream_prefix text, from_start boolean) is 'Creates the tenant''s named subscription to its events (every stream, or those starting with stream_prefix), with its checkpoint at the start (from_start) or after the last event visible now; subscribing again with the same prefix returns it as it is (created false). Returns the LISTEN channel of its wake-ups. SR008 not a reader of the tenant (an auditor: SR002 no such tenant); SR011 bad name or prefix; SR018 the name exists with another prefix; SR086 (from now) at REPEATABLE READ or SERIALIZABLE, or on a standby.';
comment on function sor_api.subscriptions(tenant_id text) is 'The tenant''s subscriptions with their checkpoints, by name. SR008 not a reader of the tenant (an auditor: SR002 no such tenant).';
comment on function sor_api.sweep_abandoned_runs() is 'Marks every running run whose lease lapsed as abandoned (each writes a run_abandoned event) and returns how many; no cron needed, readers do the same lazily.';
comment on function sor_api.sweep_idempotency_keys() is 'Deletes every idempotency key whose retention window (tenant setting idempotency_retention, default 24 hours) has ended and returns how many; the runs and tool calls they pointed to stay.';
comment on function sor_api.tenant_events_since(tenant_id text, after_position bigint, max_rows integer) is 'One tenant''s events after a position, in position order, never skipping an event, held back only by the tenant''s own transactions in flight (sor.tenant_horizon): pass 0, then the last position returned. For a member of the tenant or an auditor, on the primary, at READ COMMITTED. SR008 not a reader of the tenant (an auditor: SR002 no such tenant); SR011 bad cursor; SR016 max_rows out of 1..10000; SR086 at REPEATABLE READ or SERIALIZABLE, or on a standby.';
comment on function sor_api.unsubscribe(tenant_id text, name text) is 'Removes the tenant''s subscription and its checkpoint. SR008 not a reader of the tenant (an auditor: SR002 no such tenant); SR015 no such subscription.';
comment on function sor_api.verify_events(for_tenant text, for_stream text) is 'Auditor: recomputes the hash chains of every stream (or one tenant''s, or one stream) and returns the first broken link of each broken stream, then one row (problem unrecorded_partition, no stream) for each partition of sor.events that the kit neither made nor attached with an approval; no rows when intact. SR002 unknown tenant, SR011 stream without tenant, SR015 unknown stream.';
comment on function sor_api.verify_events_summary(for_tenant text, for_stream text) is 'Auditor: one row of counts over the same scope as verify_events (streams and events checked, broken streams, intact).';
comment on function sor_api.verify_ledger(digest jsonb) is 'Auditor: recomputes every ledger block up to the digest''s block (or all, without a digest) from the events and checks the chain of block hashes and the digest''s hash. One row per problem, none when intact: block_missing, range_gap, chain_broken, block_changed, event_changed, events_missing, events_added, events_rehashed, digest_mismatch. Blocks whose events left with a retired partition are checked by their chain only. SR085 not a digest, or a digest of another database.';
comment on function sor_api.wakeup_channel(kind text, key text) is 'The channel to LISTEN on for wake-ups: kind events with a tenant id the caller may read (one NOTIFY, empty payload, per transaction that appended events of the tenant, while the tenant has a subscription), outbox with a tenant id the caller is a member of (one NOTIFY per statement that made outbox rows of the tenant ready to lease, payload how many), or tasks with a queue (the asking login''s own channel of the queue: one NOTIFY, empty payload, per transaction that queued tasks of one of the login''s tenants on it, while a connection that asked is alive: asking registers the calling connection and the login''s tenants in sor.task_listeners). A wake-up says only that something may be there: read or claim as usual. The name is derived from the database''s wake-up secret: no login can name a channel without asking here, and sor_api.rotate_wakeup_channels changes every name. SR011 bad kind or key; SR008 for events of a tenant the caller may not read (an auditor: SR002 no such tenant), or the outbox of a tenant it is not a member of; 55000 no secret (an admin rotates to make one).';
comment on function sor_api.what_happened(from_at timestamp with time zone, to_at timestamp with time zone, tenant_id text) is 'What happened between from_at (inclusive) and to_at (exclusive), from sor.events alone: one row per event in position order with its tenant, stream, type, actor, occurred_at and a readable summary. An auditor reads every tenant, anyone else its own tenants; tenant_id narrows to one. SR092 NULL or reversed window, SR093 window over 31 days, SR008 a tenant the caller may not read (or no such tenant).';
comment on function sor_guard.acl(acl aclitem[], owner oid, objtype "char") is 'The privileges an ACL grants to roles other than the owner, as a sorted JSON array of grantee:privilege (* when grantable).';
comment on function sor_guard.approval_object(operation text, object text) is 'The object an approval names for a change: a partition''s column, trigger, index, constraint or policy is named by its partitioned table''s, so one approval covers a change that recursed to every partition.';
comment on function sor_guard.approval_used(operation text, object_identity text) is 'The approval the current transaction consumed for this operation on this object, or NULL. sor_api.retire_partition records it.';
comment on function sor_guard.approve(operation text, object_identity text, ticket text, rehearsed_on text, expires_at timestamp with time zone) is 'Writes one single-use approval for the calling approver (see sor_api.approve_ddl). 42501 not an approver, SR021 not a protected target, SR022 bad expiry, SR023 missing ticket or rehearsal.';
comment on function sor_guard.authorize(command_tag text, operations text[], objects text[]) is 'Consumes one matching, unexpired approval by another role per (operation, object) and records it in sor.ddl_audit; refuses the statement (SR020) when any has none, logging each refusal at LOG level.';
comment on function sor_guard.begin_release(history text, version text, digest text, manifest text) is 'Run by the beforeMigrate release callback: checks the manifest against its digest (SR028); an upgrade from another installed release needs the release approved (SR026, whose hint is the call to make) and may change only the objects the release changes; opens the run. Returns false for a history table the release does not describe.';
comment on function sor_guard.can_read_tenant(tenant_id text) is 'True when session_user may read the tenant: a member of sor_auditor reads every tenant, anyone else the tenants it is a member of.';
comment on function sor_guard.check_release(version text, digest text, manifest text) is 'Refuses (SR028) a release callback whose manifest text does not hash to its digest or does not name its version.';
comment on function sor_guard.classify(kind text, object text, class text) is 'Declares what a protected object is for (refusal, chain, audit, tenancy, guard, reader, queue, dedupe), once, in the file that defines it; certify() reads the classes. The object is resolved by the catalog (a function as schema.name(argument types), a table or index as schema.name, a constraint as name on schema.table). Idempotent; a class is never removed.';
comment on function sor_guard.contract_lines(contract text) is 'A contract snapshot''s text as (block header, line) pairs; the header is also a line of its own block.';
comment on function sor_guard.current_tenants() is 'Tenants of current_user according to sor.tenant_members (LOGIN roles only); the only source of tenant identity for row level security policies. SECURITY INVOKER on purpose.';
comment on function sor_guard.declare_class(kind text, identity text, class text) is 'Appends one class declaration (sor_guard.classes); called by sor_guard.classify, which resolves the object''s identity first.';
comment on function sor_guard.diff(roots text[]) is 'Every difference between the live catalog and the register, for the given roots (NULL: all): kind, identity, the operation (as approvals name it), its outcome (approve, record, tighten) and a detail. Objects not yet registered are not differences (protect_all registers them), but a new policy, trigger or rule on a registered table is.';
comment on function sor_guard.end_release(history text, version text, digest text, manifest text) is 'Run by the afterMigrate release callback: closes the run; an approved upgrade consumes its approval and is recorded as upgraded, a first run under release control as installed; a run of the installed release writes nothing (unchanged). Returns the event recorded (NULL for a history table the release does not describe).';
comment on function sor_guard.event_hash(prev_hash bytea, tenant_id text, stream text, version integer, type text, payload jsonb, metadata jsonb, actor name, occurred_at timestamp with time zone, "position" bigint) is 'sha256 over the previous hash and a canonical JSON encoding of the event; verify_events() recomputes it. One SQL expression without settings, inlined into its callers'' statements: every name is qualified and its callers pin search_path.';
comment on function sor_guard.fail_release(history text) is 'Run by the afterMigrateError callback: closes an open run as failed (its approval stays unused: the run is simply run again).';
comment on function sor_guard.function_sha256(fn oid) is 'sha256 of a function''s full definition (pg_get_functiondef: signature, language, volatility, security, settings, body).';
comment on function sor_guard.ident(classid oid, objid oid, objsubid integer) is 'pg_identify_object(...).identity, the name the register and approvals use.';
comment on function sor_guard.is_member(tenant_id text) is 'True when session_user (the login that called a definer function) is a member of the tenant, checked now. Only jit = off is set (hot path): every name is qualified and its callers pin search_path.';
comment on function sor_guard.is_target(operation text, object_identity text) is 'True when the operation on the object is one the guard protects (a create names the new object as <name> on <registered table>; attach partition and detach partition name an existing table, the partition; upgrade release names a release as pg-sor <version> sha256:<manifest digest>).';
comment on function sor_guard.judge(kind text, identity text, before jsonb, after jsonb, is_guard boolean, baseline jsonb) is 'Classifies how an object''s live spec differs from its registered spec: the operation an approval names, and approve (destructive), record (a redefinition, audited) or tighten (only narrows).';
comment on function sor_guard.kit_parents() is 'The kit''s partitioned tables as the guard sees them: every partitioned table of schema sor that is not itself a partition (what sor.partitioned_tables() lists).';
comment on function sor_guard.kit_partition_shape(part oid) is 'True for a partition with the kit''s own shape: in schema sor, named <table>_default (the DEFAULT partition) or <table>_pYYYYMM with the bounds of that month, as sor.make_partitions makes them.';
comment on function sor_guard.kit_partition_state() is 'The latest row of sor_guard.kit_partitions for each partition: its state (installed, created, attached: part of its table; detached, dropped: gone).';
comment on function sor_guard.live_objects(roots text[]) is 'The live state of every protected object (or of the given roots and their children), in the form the register stores: kind, identity, root, oid and spec.';
comment on function sor_guard.manifest_lines(manifest text) is 'The lines of a release manifest''s text, each as jsonb.';
comment on function sor_guard.may_approve(role_name name) is 'True for a role that may approve guarded DDL: a LOGIN member of sor_approver that is neither a superuser, nor BYPASSRLS, nor a member of sor_owner or sor_guardian.';
comment on function sor_guard.member_tenants() is 'The tenants session_user is a member of, as an array, for claim and lease filters. Only jit = off is set (hot path): callers pin search_path.';
comment on function sor_guard.partition_differences() is 'Differences between the live partitions of the kit''s tables and sor_guard.kit_partitions: unrecorded (a partition the record does not hold as its table''s), detached or dropped (a recorded one that left).';
comment on function sor_guard.pause(paused boolean) is 'Disables (true) or re-enables ALWAYS (false) the guard''s event triggers; a migration file that redefines guard functions calls it at its start and end, in one transaction. Needs a superuser (the event triggers'' owner); returns how many triggers it changed.';
comment on function sor_guard.protect_all() is 'Registers every protected object that is not registered yet (new schemas, tables with their children, views, functions, the guard''s event triggers); never changes an entry that exists. A new permissive policy, trigger or rule on a table already registered is not registered here: the guard judges it. Returns how many rows it wrote. Run after every migration (Flyway afterMigrate); sor_owner may call it.';
comment on function sor_guard.protected_schemas() is 'Schemas whose objects the guard protects: sor, sor_api, sor_guard and every registered domain schema (sor.domain_schemas).';
comment on function sor_guard.record(kind text, identity text, root_kind text, root_objid oid, objid oid, spec jsonb, reason text, approval_id bigint) is 'Appends one register row: the object''s new expected state (spec) or its retirement (NULL spec). Internal to the guard.';
comment on function sor_guard.record_contract(contract text) is 'Run by the afterMigrate release callback after the kernel''s run: records the release''s contract snapshot when it differs from the latest recorded. Returns its version, or NULL when nothing changed.';
comment on function sor_guard.record_guard_upgrade() is 'After a kit upgrade that redefined guard functions with the guard paused (sor_guard.pause), records each new definition in sor.ddl_audit and the register. Run by the afterMigrate callback as sor_guardian; executable by no one else.';
comment on function sor_guard.record_kit_partition(part regclass) is 'sor.make_partitions: records a partition it made in sor_guard.kit_partitions (when the guard did not already): only one with the kit''s shape, created by this transaction and still empty. Returns whether it wrote a row.';
comment on function sor_guard.refuse_concurrent_detach(command_tag text) is 'ddl_command_start (sor_guard.tg_start): refuses (SR020) ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY or FINALIZE on a kit table, whose first transaction would commit before the guard could judge it; a month leaves through sor_api.retire_partition with an approval of detach partition.';
comment on function sor_guard.release_allows(operation text, object text) is 'For the drop guard: the approval of an open, approved release run of the session''s role whose release changes the object, or NULL.';
comment on function sor_guard.release_approval(history text, version text, digest text) is 'The approval (sor.ddl_approvals, upgrade release) a module''s upgrade to this release may use: unexpired, by another role that may approve, not used by an upgrade of this module yet.';
comment on function sor_guard.release_changes(installed text, target text, module text) is 'The objects of a module (as the drop guard names them) whose fingerprint differs between two release manifests, or that only one has: what an upgrade of that module from the first release to the second may change.';
comment on function sor_guard.release_latest(history text, events text[]) is 'The latest row of sor_guard.releases for a history table, among the given events (NULL: any).';
comment on function sor_guard.release_module(history text) is 'The release module (kernel, reconciler) whose scripts a Flyway history table (schema.table) records, or NULL for a table the release does not describe.';
comment on function sor_guard.require_member(tenant_id text) is 'The membership gate: returns the tenant id when session_user is a member of it now, else SR008 (also for an unknown or NULL tenant, so the answer reveals nothing). Every Worker-, tenant-, dispatcher- and approver-facing function calls it, directly or through sor.worker_run. Only jit = off is set (hot path): callers pin search_path.';
comment on function sor_guard.require_reader(tenant_id text) is 'The read gate: returns the tenant id when session_user may read it (a member of it, or an auditor), else SR008, also for an unknown tenant; to an auditor, who may know every tenant, an unknown tenant is SR002.';
comment on function sor_guard.root_of(classid oid, objid oid) is 'The root object (table, view, function or schema, as kind:oid) that an object a DDL statement touched belongs to.';
comment on function sor_guard.settle(command_tag text, roots text[]) is 'Judges the differences between the live catalog and the register on the given roots: destructive ones need approvals (sor_guard.authorize, SR020 otherwise), redefinitions are recorded in sor.ddl_audit with their new sha256, and the register is brought to the live state.';
comment on function sor_guard.settle_partitions(command_tag text) is 'After every DDL statement (sor_guard.tg_end), for the partitions the statement created and those of a kit table it altered: a new partition of a kit table with the kit''s shape made by CREATE TABLE ... PARTITION OF is recorded in sor_guard.kit_partitions; any other new partition needs an approval of attach partition, a recorded partition that left its table one of detach partition (sor_guard.authorize, SR020 otherwise); a dropped one is recorded.';
comment on function sor_guard.targets() is 'Every (operation, object_identity) the guard protects now, read from the register. For create policy, create trigger and create rule the identity is <name> on <table>: approve the exact name.';
comment on function sor_guard.tg_ddl_approvals__check() is 'BEFORE INSERT/UPDATE/DELETE (row) and TRUNCATE (statement) on sor.ddl_approvals: only an approver''s own session inserts (stamped with its session_user and the database clock; 42501 otherwise), and nothing is changed but the consumption of an unused approval (SR024).';
comment on function sor_guard.tg_ddl_audit__refuse_change() is 'BEFORE UPDATE/DELETE (row) and TRUNCATE (statement) on sor.ddl_audit: always refuses, for every role, the owner included.';
comment on function sor_guard.tg_drop() is 'sql_drop: every registered object a statement dropped needs an approval (objects of a dropped table or schema are covered by its approval; a dropped function outside sor_guard is recorded in the audit instead); the register retires what was dropped. Dropping the approval and audit tables is always refused.';
comment on function sor_guard.tg_end() is 'ddl_command_end: judges every registered object the statement touched against the register (sor_guard.settle). GRANT and REVOKE name no object, so every registered root of their kind is judged.';
comment on function sor_guard.tg_events__chain() is 'AFTER INSERT on sor.events, once per statement over its transition table: checks that each stream''s rows continue its head (versions without gaps, one shared prev_hash, positions rising with versions, database time, session_user, the current transaction), then moves every head to its new link in one UPDATE, and makes the head of a stream that has none when its rows start its chain (version 1, no prev_hash; a head made meanwhile by another transaction refuses them); SR011 otherwise. No insert path can skip it. Row hashes are computed by the append path and recomputed by verify_events and verify_ledger. Sets jit = off and turns hash and merge joins off, so each head is found by its key (a join would read every head); names are qualified, and only the owner''s pinned definer functions and superusers insert.';
comment on function sor_guard.tg_events__refuse_change() is 'Refusal trigger of every append-only table (BEFORE UPDATE/DELETE row and statement, BEFORE TRUNCATE): always raises SR010, for every role, the owner included.';
comment on function sor_guard.tg_history__release_check() is 'BEFORE INSERT on a release module''s Flyway history table (the release callback creates the trigger): a script Flyway records as applied now that the open run''s release manifest (or, with no run open, the installed release''s) does not hold, or holds with another checksum, is refused (SR027) and the run rolls back.';
comment on function sor_guard.tg_rewrite() is 'table_rewrite: judges the table about to be rewritten (a column type change) before any USING expression runs.';
comment on function sor_guard.tg_start() is 'ddl_command_start: refuses DROP SCHEMA / FUNCTION / PROCEDURE / ROUTINE / OWNED / TABLE / VIEW / ROLE, REASSIGN OWNED and ALTER SCHEMA statements that name sor_guard or sor_guardian, before they could take the guard''s event triggers along.';
comment on function sor_guard.tg_watch_drop() is 'sql_drop watchdog: refuses any statement that drops a registered object of schema sor_guard. Self-contained.';
comment on function sor_guard.tg_watch_end() is 'ddl_command_end watchdog: refuses a statement that redefined a registered guard function (compared with its registered sha256). Self-contained, so replacing the main handler does not silence it.';
comment on function sor_guard.unrecorded_partitions() is 'Every partition of a kit table that sor_guard.kit_partitions does not hold as the kit''s (made by the kit, or attached with an approval): an ATTACH PARTITION made past the guard. certify() and sor_api.verify_events report each.';
comment on policy blocks_auditor_select on sor.blocks is 'Auditors read every block.';
comment on policy blocks_owner_all on sor.blocks is 'Definer functions run as sor_owner and enforce their own checks.';
comment on policy blocks_tenant_select on sor.blocks is 'Tenant members and approvers read only their tenants'' blocks.';
comment on policy categories_auditor_select on reconciler.categories is 'Auditors read every category.';
comment on policy categories_owner_all on reconciler.categories is 'Definer functions run as sor_owner and enforce their own checks.';
comment on policy categories_tenant_select on reconciler.categories is 'A tenant member reads its tenants'' categories.';
comment on policy category_rules_auditor_select on reconciler.category_rules is 'Auditors read every rule.';
comment on policy category_rules_owner_all on reconciler.category_rules is 'Definer functions run as sor_owner; rules are not shown to tenants.';
comment on policy dedupe_keys_auditor_select on sor.dedupe_keys is 'Auditors read every dedupe key.';
comment on policy dedupe_keys_owner_all on sor.dedupe_keys is 'Definer functions run as sor_owner and enforce their own checks.';
comment on policy event_keys_auditor_select on sor.event_keys is 'Auditors read every idempotency key and the event it names.';
comment on policy event_keys_owner_all on sor.event_keys is 'The append functions (definer, membership checked by session_user) claim, bind and read keys as sor_owner; retire_partition removes the keys of retired events.';
comment on policy events_auditor_select on sor.events is 'Auditors read every event.';
comment on policy events_owner_all on sor.events is 'Definer functions run as sor_owner and enforce their own checks; the triggers still refuse change.';
comment on policy events_tenant_select on sor.events is 'A tenant member reads only its tenants'' events.';
comment on policy expenses_auditor_select on reconciler.expenses is 'Auditors read every expense.';
comment on policy expenses_owner_all on reconciler.expenses is 'Definer functions run as sor_owner and enforce their own checks.';
comment on policy expenses_tenant_select on reconciler.expenses is 'A tenant member reads only its tenants'' expenses.';
comment on policy finished_tasks_auditor_select on sor.finished_tasks is 'Auditors read every finished task.';
comment on policy finished_tasks_owner_all on sor.finished_tasks is 'Definer functions run as sor_owner and enforce their own checks.';
comment on policy finished_tasks_tenant_select on sor.finished_tasks is 'A tenant member reads only its tenants'' finished tasks.';
comment on policy idempotency_keys_auditor_select on sor.idempotency_keys is 'Auditors read every idempotency key.';
comment on policy idempotency_keys_owner_all on sor.idempotency_keys is 'Definer functions run as sor_owner and enforce their own checks.';
comment on policy outbox_auditor_select on sor.outbox is 'Auditors read every outbox row.';
comment on policy outbox_owner_all on sor.outbox is 'Definer functions run as sor_owner and enforce their own checks.';
comment on policy pending_transactions_auditor_select on reconciler.pending_transactions is 'Auditors read every bank row.';
comment on policy pending_transactions_owner_all on reconciler.pending_transactions is 'Definer functions run as sor_owner and enforce their own checks.';
comment on policy pending_transactions_tenant_select on reconciler.pending_transactions is 'A tenant member reads its tenants'' bank rows.';
comment on policy retired_stream_heads_auditor_select on sor.retired_stream_heads is 'Auditors read every retired stream head.';
comment on policy retired_stream_heads_owner_all on sor.retired_stream_heads is 'sor_api.retire_partition records the heads as sor_owner.';
comment on policy run_tasks_auditor_select on sor.run_tasks is 'Auditors read every run''s tasks.';
comment on policy run_tasks_owner_all on sor.run_tasks is 'enqueue_task_in_run and claim_tasks_in_run (definer, the run checked by session_user) link tasks as sor_owner.';
comment on policy runs_auditor_select on sor.runs is 'Auditors read every run.';
comment on policy runs_owner_all on sor.runs is 'Definer functions run as sor_owner and enforce their own checks.';
comment on policy runs_tenant_select on sor.runs is 'Tenant members and approvers read only their tenants'' runs.';
comment on policy steps_auditor_select on sor.steps is 'Auditors read every step.';
comment on policy steps_owner_all on sor.steps is 'Definer functions run as sor_owner and enforce their own checks.';
comment on policy steps_tenant_select on sor.steps is 'Tenant members read only their tenants'' steps.';
comment on policy streams_auditor_select on sor.streams is 'Auditors read every stream head.';
comment on policy streams_owner_all on sor.streams is 'The chain trigger and the definer functions read and move stream heads as sor_owner.';
comment on policy subscriptions_auditor_select on sor.subscriptions is 'Auditors read every subscription and its checkpoint.';
comment on policy subscriptions_owner_all on sor.subscriptions is 'The subscription functions (definer, membership checked by session_user) read and move checkpoints as sor_owner.';
comment on policy task_listeners_owner_all on sor.task_listeners is 'sor.task_listen and sor.wake_tasks run as sor_owner.';
comment on policy tasks_auditor_select on sor.tasks is 'Auditors read every task.';
comment on policy tasks_owner_all on sor.tasks is 'Definer functions run as sor_owner and enforce their own checks.';
comment on policy tasks_tenant_select on sor.tasks is 'A tenant member reads only its tenants'' tasks.';
comment on policy tenant_members_approver_select on sor.tenant_members is 'An approver reads only its own memberships; sor_guard.current_tenants() relies on this.';
comment on policy tenant_members_auditor_select on sor.tenant_members is 'Auditors and admins read every membership.';
comment on policy tenant_members_owner_all on sor.tenant_members is 'Definer functions run as sor_owner and enforce their own checks.';
comment on policy tenant_members_tenant_select on sor.tenant_members is 'A role reads only its own memberships; sor_guard.current_tenants() relies on this.';
comment on policy tenant_quotas_auditor_select on sor.tenant_quotas is 'Auditors read every tenant''s quota.';
comment on policy tenant_quotas_owner_all on sor.tenant_quotas is 'sor_api.set_quota runs as sor_owner.';
comment on policy tenant_settings_auditor_select on sor.tenant_settings is 'Auditors and admins read every tenant''s settings.';
comment on policy tenant_settings_owner_all on sor.tenant_settings is 'Definer functions run as sor_owner and enforce their own checks.';
comment on policy tenant_usage_auditor_select on sor.tenant_usage is 'Auditors read every tenant''s counts.';
comment on policy tenant_usage_owner_all on sor.tenant_usage is 'The quota triggers and definer functions run as sor_owner.';
comment on policy tenants_auditor_select on sor.tenants is 'Auditors and admins read every tenant.';
comment on policy tenants_owner_all on sor.tenants is 'Definer functions run as sor_owner and enforce their own checks.';
comment on policy tenants_tenant_select on sor.tenants is 'A member reads only the tenants it belongs to (by current_user).';
comment on policy tool_calls_auditor_select on sor.tool_calls is 'Auditors read every tool call.';
comment on policy tool_calls_owner_all on sor.tool_calls is 'Definer functions run as sor_owner and enforce their own checks.';
comment on policy tool_calls_tenant_select on sor.tool_calls is 'Tenant members read only their tenants'' tool calls.';
comment on policy turns_auditor_select on sor.turns is 'Auditors read every turn.';
comment on policy turns_owner_all on sor.turns is 'Definer functions run as sor_owner and enforce their own checks.';
comment on policy turns_tenant_select on sor.turns is 'Tenant members read only their tenants'' turns.';
comment on policy wakeup_secret_owner_all on sor.wakeup_secret is 'The wake-up functions (definer) read the secret and sor_api.rotate_wakeup_channels replaces it as sor_owner.';
comment on policy workers_auditor_select on sor.workers is 'Auditors and admins read the Worker registry.';
comment on policy workers_owner_all on sor.workers is 'Definer functions run as sor_owner and enforce their own checks.';
comment on schema reconciler is 'The Expense Reconciler reference domain.';
comment on schema sor is 'pg-sor private schema: tables and helpers, reached only through sor_api.';
comment on schema sor_api is 'pg-sor public contract: SECURITY DEFINER functions for writes, security_invoker views and functions for reads.';
comment on schema sor_guard is 'pg-sor drop guard: the register of protected objects and the event trigger functions, owned by sor_guardian so the kit owner cannot change them.';
comment on sequence sor.events_position_seq is 'Positions of sor.events; only the chain trigger draws from it.';
comment on sequence sor.fencing_tokens is 'Fencing tokens of task claims and outbox leases: every claim or lease takes the next value, so a stale holder always has a smaller token.';
comment on table reconciler.categories is 'Expense categories of a tenant.';
comment on table reconciler.category_rules is 'Deterministic categorisation rules standing in for the model: the lowest rule_id whose pattern (case-insensitive regular expression) matches the description wins.';
comment on table reconciler.expenses is 'Categorised expenses. Natural key tenant + source bank transaction: a retried Worker cannot write the same expense twice.';
comment on table reconciler.pending_transactions is 'Bank-statement rows waiting to be reconciled; natural key tenant + bank transaction id, so a re-ingested statement adds nothing.';
comment on table sor.append_only_tables is 'Registry of append-only tables: certify() requires BEFORE UPDATE/DELETE row and BEFORE TRUNCATE statement refusal triggers, ENABLE ALWAYS, on each. Itself append-only.';
comment on table sor.blocks is 'Review and suspend blocks opened by commit_step. At most one active block per run (partial unique index blocks_one_active_idx).';
comment on table sor.ddl_approvals is 'Single-use approvals of destructive DDL on protected objects, written through sor_api.approve_ddl by a member of sor_approver. Never deleted; consumed by the statement they approve.';
comment on table sor.ddl_audit is 'Append-only record of every destructive DDL statement the drop guard allowed, with the approval it consumed. Refusals roll back with their transaction and are written to the server log instead.';
comment on table sor.dedupe_keys is 'Dedupe keys of outbox rows (scope outbox) and tasks (scope task:<queue>), unique per tenant and scope across every partition: a retried writer finds the row it queued before. A key leaves with its row''s partition (sor_api.retire_partition).';
comment on table sor.domain_schemas is 'Domain schemas (such as reconciler) that certify() sweeps and the drop guard protects, besides sor and sor_api.';
comment on table sor.event_keys is 'Idempotency keys of appends, per tenant: the key, the sha256 of the content it was first used with, and the event it appended. A retry with the same key and content returns that event and writes nothing; other content is refused (SR019). Written only by sor_api.append_event (its idempotency_key overload) and sor_api.append_events; a key is kept as long as its event (retire_partition removes both).';
comment on table sor.events is 'Append-only, hash-chained event log, one partition per month of occurred_at. Rows are never updated or deleted (ENABLE ALWAYS triggers refuse it, even for the owner); a month leaves only through sor_api.retire_partition, with an approval and a recorded digest.';
comment on table sor.finished_tasks is 'Completed and dead tasks, moved out of the live queue (sor.tasks) when they finish, one partition per month of finished_at. sor_api.retry_task moves a dead one back.';
comment on table sor.idempotency_keys is 'Idempotency keys, per tenant and scope (start_run:<workflow> or tool_call), with Stripe''s semantics: same key and fingerprint replays, another fingerprint is refused, an expired key is free.';
comment on table sor.ledger_blocks is 'The event log sealed in blocks (SQL Server Ledger style): block N holds every event appended by a transaction in [from_tx, to_tx), all finished when it was sealed; it hashes their hashes in (tx_id, position) order and chains to block N-1. sor_api.ledger_digest() returns the latest block as a digest to keep outside the database; sor_api.verify_ledger(digest) proves nothing before it changed. Append-only; a reference table on Citus.';
comment on table sor.outbox is 'Transactional outbox, one partition per month of created_at: one row per side effect (an email, a webhook), written in the same transaction as the business row it belongs to.';
comment on table sor.queues is 'Work queues known to the kit, with their retry policy; claim_tasks refuses a queue that is not here.';
comment on table sor.quota_defaults is 'The quota of a tenant without a row of its own in sor.tenant_quotas: how many tasks (live: ready, claimed or failed) and outbox rows (undelivered: pending, deferred, leased or failed) it may have queued at once. Set by sor_api.set_quota(NULL, kind, n).';
comment on table sor.reserved_names is 'Streams (by category), event types (by prefix, case-insensitive) and outbox topics only the kit writes. Append-only.';
comment on table sor.retention_policies is 'How long each partitioned table keeps its rows before sor_api.retire_partition may take a month out; the latest row per table applies (sor_api.set_retention). Append-only, so every change of policy stays on record.';
comment on table sor.retired_partitions is 'Every partition that left its table through sor_api.retire_partition, with the digest recorded before it left: row count and sha256 of its rows (for events, of their hashes in position order). Append-only; a reference table on Citus.';
comment on table sor.retired_stream_heads is 'For each stream with events in a retired event partition, its last event there (version, position, hash): verify_events checks the first remaining event of the stream against it, so the chain stays verifiable across the boundary. Append-only.';
comment on table sor.run_tasks is 'The tasks of a run by id: each task enqueued in it (link enqueued) and each attempt claimed in it (link claimed, with the attempt''s fencing token). Written only by sor_api.enqueue_task_in_run and sor_api.claim_tasks_in_run; read by run_timeline and run_report_facts.';
comment on table sor.runs is 'One row per Worker run: who runs it, its lease, its status, and its Verist state (version, state, overlay). Every status change writes an event from a trigger.';
comment on table sor.steps is 'Recorded output of every committed step: commit_step returns it instead of committing a step twice (exactly-once steps).';
comment on table sor.streams is 'One head row per event stream: its current version, last position and last hash. The chain trigger locks it to append (no advisory lock), so versions stay gapless and chains linear, and reads it instead of looking up the last event.';
comment on table sor.subscriptions is 'Named subscriptions of a tenant to its events (all streams, or those starting with stream_prefix), each with its server-kept checkpoint: the (tx_id, position) of the last event acknowledged. Read and moved only through sor_api.subscribe, read_subscription, ack_subscription, subscriptions and unsubscribe.';
comment on table sor.task_listeners is 'Backends that asked for the wake-up channel of a queue (sor_api.wakeup_channel(''tasks'', queue)), by process id, login and the login''s tenants when it asked; an enqueue notifies only while such a backend is alive and was registered for a tenant whose tasks it queued. Rows of ended backends are removed by the next registration and ignored before that. Written and read by definer functions only.';
comment on table sor.tasks is 'Work items claimed by Workers with FOR UPDATE SKIP LOCKED; every claim carries a new fencing token and a lease from the database clock.';
comment on table sor.tenant_members is 'Which login roles act for which tenants. Policies find the caller''s tenants here by current_user.';
comment on table sor.tenant_quotas is 'A tenant''s own quota of queued tasks or outbox rows, in place of sor.quota_defaults. Set by sor_api.set_quota(tenant_id, kind, n).';
comment on table sor.tenant_settings is 'Per-tenant journal settings; a tenant without a row uses the defaults (not hash-only, 24 hours retention).';
comment on table sor.tenant_usage is 'How many tasks and undelivered outbox rows each tenant has queued, kept by statement triggers on sor.tasks and sor.outbox: the sum over a tenant''s slots (at most 16; a backend writes the slot of its process id, so concurrent writers of one tenant rarely wait on one row). A slot may be negative; the sum never is.';
comment on table sor.tenants is 'One row per tenant. tenant_id is a stable lowercase slug that leads every tenant-scoped key.';
comment on table sor.tool_calls is 'Tool calls of a run, journaled before the tool runs (started) and finished with a result or an error; a call still started after its run was abandoned stays visible with its arguments.';
comment on table sor.tools is 'Tools Workers may call through sor_api.call_tool: name, description, JSON Schema of the input, implementing function and allowed worker kinds. Written only by sor.register_tool in migrations.';
comment on table sor.turns is 'Model turns of a run: model, role, token counts and content (or only its sha256 in hash-only runs).';
comment on table sor.wakeup_secret is 'One row: the secret every wake-up channel name is derived from (sor.wakeup_channel), so that no login can name a tenant''s or a queue''s channel without asking sor_api.wakeup_channel. Read only by the kit''s definer functions; replaced by sor_api.rotate_wakeup_channels.';
comment on table sor.workers is 'Registered Workers: a login role that is a member of sor_worker, with its kind (e.g. expense-reconciler). Functions identify the Worker by session_user.';
comment on table sor_guard.classes is 'What a protected object is for, declared once where it is defined (sor_guard.classify): refusal and chain trigger functions, audit triggers, tenancy rules, guard functions, forensic readers, queue tables, dedupe keys. certify() reads it instead of name patterns or hand lists. Append-only.';
comment on table sor_guard.contracts is 'Append-only record of the contract snapshots (db/contract.txt of each release) this database has kept: the latest row is the contract sor_api.check_contract compares a client''s with. Written only by the release callback through sor_guard.record_contract.';
comment on table sor_guard.kit_partitions is 'Append-only record of the partitions of the kit''s partitioned tables: installed (present when V083 ran, with the kit''s shape), created (by the kit, or a CREATE TABLE ... PARTITION OF with the kit''s name and month), attached (an ATTACH PARTITION with its approval), detached, dropped. The latest row per partition is its state; certify() and sor_api.verify_events report a partition of a kit table whose latest row is not installed, created or attached. Written only by the drop guard''s functions.';
comment on table sor_guard.register is 'Append-only register of protected objects: the latest row per (kind, identity) is the expected state (spec) the guard and certify() compare the live catalog with; present = false retires an object. Written only by the guard''s functions.';
comment on table sor_guard.releases is 'Append-only record of each migrate of a release module (the kernel, the example domain): installed (the first run under release control: a fresh install, or an upgrade from a release before 0.3.0), opened (a run began: its approval and the objects it may change), upgraded (an approved upgrade ended), closed (a run of the installed release ended), failed (a run ended in an error). The latest installed or upgraded row per history table is the release the module holds. Written only by the release callbacks through the guard''s functions.';
comment on trigger append_only_tables_refuse_truncate on sor.append_only_tables is 'Append-only: refuses TRUNCATE for every role.';
comment on trigger append_only_tables_refuse_update_delete on sor.append_only_tables is 'Append-only: a registered table cannot be un-registered.';
comment on trigger blocks_events on sor.blocks is 'Every block transition (opened, approved, rejected) writes its event; refuses changes to resolved blocks.';
comment on trigger classes_refuse_truncate on sor_guard.classes is 'Append-only: the classes are never truncated.';
comment on trigger classes_refuse_update_delete on sor_guard.classes is 'Append-only: a class is never changed or removed.';
comment on trigger contracts_refuse_truncate on sor_guard.contracts is 'Append-only: the record of contracts is never truncated.';
comment on trigger contracts_refuse_update_delete on sor_guard.contracts is 'Append-only: a recorded contract is never changed or removed.';
comment on trigger ddl_approvals_check_insert on sor.ddl_approvals is 'Only an approver''s own session writes an approval; stamps approver and time.';
comment on trigger ddl_approvals_refuse_truncate on sor.ddl_approvals is 'Approvals are never truncated.';
comment on trigger ddl_approvals_refuse_update_delete on sor.ddl_approvals is 'Approvals are never changed or deleted, only consumed once.';
comment on trigger ddl_audit_refuse_truncate on sor.ddl_audit is 'Append-only: refuses TRUNCATE for every role.';
comment on trigger ddl_audit_refuse_update_delete on sor.ddl_audit is 'Append-only: refuses UPDATE and DELETE for every role.';
comment on trigger events_chain on sor.events is 'Once per INSERT statement: checks that the statement''s events continue their streams'' hash chains and moves the stream heads.';
comment on trigger events_refuse_statement on sor.events is 'Append-only: refuses every UPDATE or DELETE statement, even one matching no row, and every INSERT ... ON CONFLICT DO UPDATE (which fires UPDATE statement triggers).';
comment on trigger events_refuse_truncate on sor.events is 'Append-only: refuses TRUNCATE for every role.';
comment on trigger events_refuse_unchained on sor.events is 'Refuses (40001, retry) a row without its chain fields: a statement of the earlier release''s code that waited through the upgrade.';
comment on trigger events_refuse_update_delete on sor.events is 'Append-only: refuses UPDATE and DELETE of any row, for every role.';
comment on trigger finished_tasks_events_delete on sor.finished_tasks is 'Every dead task put back in its queue writes task.retried.';
comment on trigger finished_tasks_events_insert on sor.finished_tasks is 'Every task that ends writes task.completed or task.dead to stream task-<id> (no task.completed on a queue whose completion_record is row).';
comment on trigger kit_partitions_refuse_truncate on sor_guard.kit_partitions is 'Append-only: the record of the kit''s partitions is never truncated.';
comment on trigger kit_partitions_refuse_update_delete on sor_guard.kit_partitions is 'Append-only: a record of a partition is never changed or removed; a change is a new row.';
comment on trigger ledger_blocks_refuse_truncate on sor.ledger_blocks is 'Append-only: refuses TRUNCATE for every role.';
comment on trigger ledger_blocks_refuse_update_delete on sor.ledger_blocks is 'Append-only: refuses UPDATE and DELETE of any row, for every role.';
comment on trigger outbox_dedupe on sor.outbox is 'Claims the dedupe key in sor.dedupe_keys, or skips a row whose key is taken.';
comment on trigger outbox_events_update on sor.outbox is 'Every lease and outcome of an outbox row writes its event to stream outbox-<id>.';
comment on trigger outbox_notify_insert on sor.outbox is 'NOTIFY sor_outbox once per statement that inserted pending rows.';
comment on trigger outbox_notify_update on sor.outbox is 'NOTIFY sor_outbox once per statement that made rows pending again.';
comment on trigger register_refuse_truncate on sor_guard.register is 'Append-only: the register is never truncated.';
comment on trigger register_refuse_update_delete on sor_guard.register is 'Append-only: a register row is never changed or removed; a change is a new row.';
comment on trigger releases_refuse_truncate on sor_guard.releases is 'Append-only: the record of releases is never truncated.';
comment on trigger releases_refuse_update_delete on sor_guard.releases is 'Append-only: a record of a release run is never changed or removed.';
comment on trigger reserved_names_refuse_truncate on sor.reserved_names is 'Append-only: reservations are never truncated.';
comment on trigger reserved_names_refuse_update_delete on sor.reserved_names is 'Append-only: a reservation is never changed or removed.';
comment on trigger retention_policies_refuse_truncate on sor.retention_policies is 'Append-only: refuses TRUNCATE for every role.';
comment on trigger retention_policies_refuse_update_delete on sor.retention_policies is 'Append-only: refuses UPDATE and DELETE of any row, for every role.';
comment on trigger retired_partitions_refuse_truncate on sor.retired_partitions is 'Append-only: refuses TRUNCATE for every role.';
comment on trigger retired_partitions_refuse_update_delete on sor.retired_partitions is 'Append-only: refuses UPDATE and DELETE of any row, for every role.';
comment on trigger retired_stream_heads_refuse_truncate on sor.retired_stream_heads is 'Append-only: refuses TRUNCATE for every role.';
comment on trigger retired_stream_heads_refuse_update_delete on sor.retired_stream_heads is 'Append-only: refuses UPDATE and DELETE of any row, for every role.';
comment on trigger runs_events on sor.runs is 'Every run transition (start, state commit, overlay, finish, abandonment) writes its event; refuses writes to finished runs.';
comment on trigger tasks_dedupe on sor.tasks is 'Claims the dedupe key in sor.dedupe_keys, or skips a row whose key is taken.';
comment on trigger tasks_events_update on sor.tasks is 'Every claim that ends on the live queue (failed, or a lapsed claim taken back) writes its attempt''s event to stream task-<id>.';
comment on trigger tasks_quota on sor.tasks is 'Once per INSERT statement: the tasks it queued count against their tenants'' quotas (SR065 past it).';
comment on view sor_api.events is 'Events visible to the caller under the forced RLS of sor.events: a tenant member sees its tenants'' events, an auditor sees all. Hashes in hex.';
comment on view sor_api.journal_blocks is 'Review and suspend blocks visible to the caller (auditor: all; tenant member or approver: its tenants); approvers find active blocks here.';
comment on view sor_api.journal_runs is 'Runs visible to the caller (auditor: all; tenant member or approver: its tenants). status reads abandoned as soon as the lease lapsed.';
comment on view sor_api.journal_steps is 'Committed steps with their recorded outputs, visible to the caller (auditor: all; tenant member: its tenants).';
comment on view sor_api.journal_tool_calls is 'Tool calls visible to the caller (auditor: all; tenant member: its tenants). A call still started after its run was abandoned is an unfinished call; arguments are NULL in hash-only runs.';
comment on view sor_api.journal_turns is 'Model turns visible to the caller (auditor: all; tenant member: its tenants). content is NULL in hash-only runs.';
comment on view sor_api.partitions is 'Every partition of sor.events, sor.outbox and sor.finished_tasks: its range, estimated rows, and whether it may retire now (why_not says why not).';
comment on view sor_api.protected_objects is 'Every object the drop guard has registered, with its expected state (spec), whether it is still present, the reason its latest register row was written and its declared classes. certify() compares the live catalog with it.';
comment on view sor_api.releases is 'Every migrate of a release module (kernel, reconciler) and what it recorded: installed, opened (with how many protected objects the release may change), upgraded, closed, failed. The latest installed or upgraded row per module is the release the database holds.';
comment on view sor_api.reserved_names is 'Streams (by category), event types (by prefix) and outbox topics that only the kit writes; an append, step or command using one is refused with SR017.';
comment on view sor_api.tenant_members is 'Memberships visible to the caller: a tenant member sees its own memberships, an auditor sees all.';
comment on view sor_api.tenants is 'Tenants visible to the caller: a tenant member sees its own tenants, an auditor sees all.';
comment on view sor_guard.registered is 'The current register: the latest row of every object ever registered; present = false for retired ones.';

-- event triggers

create event trigger sor_guard_1_start on ddl_command_start execute function sor_guard.tg_start();
alter event trigger sor_guard_1_start enable always;

create event trigger sor_guard_2_drop on sql_drop execute function sor_guard.tg_drop();
alter event trigger sor_guard_2_drop enable always;

create event trigger sor_guard_3_drop_watch on sql_drop execute function sor_guard.tg_watch_drop();
alter event trigger sor_guard_3_drop_watch enable always;

create event trigger sor_guard_4_end on ddl_command_end execute function sor_guard.tg_end();
alter event trigger sor_guard_4_end enable always;

create event trigger sor_guard_5_end_watch on ddl_command_end execute function sor_guard.tg_watch_end();
alter event trigger sor_guard_5_end_watch enable always;

create event trigger sor_guard_6_rewrite on table_rewrite execute function sor_guard.tg_rewrite();
alter event trigger sor_guard_6_rewrite enable always;

-- publications

create publication sor_outbox_cdc for table sor.outbox with (publish = 'insert, update');

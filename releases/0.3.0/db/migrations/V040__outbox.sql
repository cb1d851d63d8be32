-- V040: sor.outbox, side-effect intent written in the same transaction as the business change.
--
-- Why: "the commit succeeded" is not "the email was sent". A row here is the durable intent; a
--      dispatcher leases it, calls the provider with dedupe_key as the provider's idempotency key,
--      and marks it dispatched. Columns event_id, aggregate_type, aggregate_id, topic and payload
--      are what Debezium's outbox event router maps when the outbox is relayed by CDC.
-- Locks: creates a new table only.
-- Reversal: drop table sor.outbox (guarded: needs an approval, and undelivered intent would be lost).
set role sor_owner;

create table sor.outbox (
  tenant_id        text        not null,
  outbox_id        bigint      not null generated always as identity,
  event_id         uuid        not null default pg_catalog.gen_random_uuid(),
  topic            text        not null,
  aggregate_type   text        not null,
  aggregate_id     text        not null,
  payload          jsonb       not null default '{}'::jsonb,
  headers          jsonb       not null default '{}'::jsonb,
  dedupe_key       text        not null,
  status           text        not null default 'pending',
  attempts         integer     not null default 0,
  max_attempts     integer     not null default 8,
  available_at     timestamptz not null default pg_catalog.now(),
  leased_by        name,
  lease_token      bigint,
  lease_expires_at timestamptz,
  provider_ref     text,
  dispatched_at    timestamptz,
  last_error       text,
  run_id           uuid,
  step_id          text,
  block_id         bigint,
  created_at       timestamptz not null default pg_catalog.now(),
  created_by       name        not null default session_user,
  constraint outbox_pkey primary key (tenant_id, outbox_id),
  constraint outbox_dedupe_key unique (tenant_id, dedupe_key),
  constraint outbox_tenant_fkey foreign key (tenant_id) references sor.tenants (tenant_id),
  constraint outbox_status_check check (status in ('pending', 'deferred', 'leased', 'dispatched', 'failed', 'dead', 'discarded')),
  constraint outbox_attempts_check check (attempts >= 0 and max_attempts >= 1),
  constraint outbox_lease_check check ((status = 'leased') = (lease_token is not null and lease_expires_at is not null and leased_by is not null)),
  constraint outbox_dispatched_check check ((status = 'dispatched') = (dispatched_at is not null)),
  constraint outbox_payload_object check (pg_catalog.jsonb_typeof(payload) = 'object' and pg_catalog.jsonb_typeof(headers) = 'object'),
  constraint outbox_dedupe_key_length check (pg_catalog.length(dedupe_key) between 1 and 200),
  constraint outbox_topic_length check (pg_catalog.length(topic) between 1 and 200)
) with (fillfactor = 80);

create index outbox_ready_idx on sor.outbox (available_at, outbox_id) where status in ('pending', 'failed');
create index outbox_leased_idx on sor.outbox (lease_expires_at) where status = 'leased';
create index outbox_run_idx on sor.outbox (tenant_id, run_id) where run_id is not null;
create index outbox_event_id_idx on sor.outbox (event_id);
-- mark_dispatched and mark_failed find a row by outbox_id and lease token alone
create index outbox_outbox_id_idx on sor.outbox (outbox_id);
create index outbox_dead_idx on sor.outbox (created_at) where status = 'dead';

comment on table sor.outbox is
  'Transactional outbox: one row per side effect (an email, a webhook), written in the same transaction as the business row it belongs to.';
comment on column sor.outbox.event_id is 'Stable uuid of the message; Debezium''s outbox router maps it to the Kafka message id.';
comment on column sor.outbox.dedupe_key is 'Unique per tenant: a retried writer cannot queue the same side effect twice; the dispatcher passes it to the provider as its idempotency key.';
comment on column sor.outbox.status is 'pending, deferred (held by a review block), leased, dispatched, failed (retry at available_at), dead (max_attempts reached) or discarded (its block was rejected).';
comment on column sor.outbox.lease_token is 'Fencing token of the current lease; mark_dispatched and mark_failed are refused for any other token.';
comment on column sor.outbox.available_at is 'Earliest time the row may be leased (database clock); pushed back with exponential backoff after a failure.';
comment on column sor.outbox.run_id is 'Run whose step queued this command, when it came from commit_step.';
comment on column sor.outbox.block_id is 'Review block holding this row deferred, when there is one.';

alter table sor.outbox enable row level security;
alter table sor.outbox force row level security;

reset role;

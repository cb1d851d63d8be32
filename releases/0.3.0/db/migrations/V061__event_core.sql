-- V061: an event core built for volume and for years.
--
--   * sor.streams: one head row per stream (version, last hash, last position). The chain trigger
--     serialises appends to a stream by this row's lock instead of an advisory lock: the lock table
--     no longer grows with the number of streams a transaction touches, and no other login can take
--     the lock (the table is the owner's).
--   * sor.events becomes partitioned by occurred_at, one partition a month (sor.events_yYYYYmMM),
--     so old months can leave through the governed retention path (sor_api.retire_partition). Its
--     unique key (tenant_id, stream, version) becomes an index: the head row keeps versions unique.
--   * sor.outbox becomes partitioned by created_at the same way; dedupe keys move to
--     sor.dedupe_keys, unique per tenant and scope across every partition.
--   * Finished tasks (completed, dead) leave the live queue for sor.finished_tasks, partitioned by
--     finished_at; the live table keeps only what a claim reads and stays small.
--   * sor.ledger_blocks: blocks of the event log hashed and chained (SQL Server Ledger style), whose
--     digests an auditor keeps outside the database; sor.retired_partitions and
--     sor.retired_stream_heads record the digest of every partition that leaves, and
--     sor.retention_policies how long each table keeps its months.
--
-- Rows already in these tables stay: the old table becomes the first partition of the new one
-- (or is dropped when empty, as on a fresh database).
-- Locks: ACCESS EXCLUSIVE on sor.events, sor.outbox and sor.tasks while they are renamed and
--      attached (seconds on an install of ordinary size; rehearse on a branch database first).
-- Reversal: not reversible in place; restore the branch taken before the upgrade.
-- lint: reviewed drop by pg-sor maintainers: the old tables are attached as partitions, or dropped only when empty; their indexes and triggers are replaced by the partitioned parents'
set lock_timeout = '5s';

set role sor_owner;

-- ---------------------------------------------------------------------------------------------
-- stream heads
create table sor.streams (
  tenant_id     text    not null,
  stream        text    not null,
  version       integer not null,
  last_position bigint,
  last_hash     bytea,
  constraint streams_pkey primary key (tenant_id, stream),
  constraint streams_version_check check (version >= 0 and (version = 0) = (last_hash is null) and (version = 0) = (last_position is null))
) with (fillfactor = 70);
comment on table sor.streams is
  'One head row per event stream: its current version, last position and last hash. The chain trigger locks it to append (no advisory lock), so versions stay gapless and chains linear, and reads it instead of looking up the last event.';
comment on column sor.streams.last_hash is 'hash of the stream''s last event: the next event''s prev_hash.';
comment on column sor.streams.version is 'Version of the stream''s last event; 0 for a stream an append with expected_version 0 has claimed and not yet written.';

insert into sor.streams (tenant_id, stream, version, last_position, last_hash)
select distinct on (e.tenant_id, e.stream) e.tenant_id, e.stream, e.version, e.position, e.hash
  from sor.events e
 order by e.tenant_id, e.stream, e.version desc;

alter table sor.streams enable row level security;
alter table sor.streams force row level security;

-- ---------------------------------------------------------------------------------------------
-- events, partitioned by month of occurred_at
alter table sor.events rename to events_legacy;
alter index sor.events_pkey rename to events_legacy_pkey;
alter index sor.events_stream_version_key rename to events_legacy_stream_version_key;
alter index sor.events_position_idx rename to events_legacy_position_idx;
alter index sor.events_occurred_at_idx rename to events_legacy_occurred_at_idx;
alter index sor.events_tx_position_idx rename to events_legacy_tx_position_idx;
alter sequence sor.events_position_seq owned by none;

create table sor.events (
  tenant_id   text        not null,
  position    bigint      not null,
  stream      text        not null,
  version     integer     not null,
  type        text        not null,
  payload     jsonb       not null default '{}'::jsonb,
  metadata    jsonb       not null default '{}'::jsonb,
  actor       name        not null default session_user,
  occurred_at timestamptz not null default pg_catalog.now(),
  tx_id       xid8        not null default pg_catalog.pg_current_xact_id(),
  prev_hash   bytea,
  hash        bytea       not null,
  constraint events_pkey primary key (tenant_id, position, occurred_at),
  constraint events_stream_format check (stream ~ '^[a-z][a-z0-9_]*(-[A-Za-z0-9_:.@-]+)?$' and pg_catalog.length(stream) <= 200),
  constraint events_type_format check (type ~ '^[A-Za-z][A-Za-z0-9_.:-]*$' and pg_catalog.length(type) <= 100),
  constraint events_version_positive check (version >= 1),
  constraint events_payload_object check (pg_catalog.jsonb_typeof(payload) = 'object'),
  constraint events_metadata_object check (pg_catalog.jsonb_typeof(metadata) = 'object'),
  constraint events_hash_length check (pg_catalog.length(hash) = 32 and (prev_hash is null or pg_catalog.length(prev_hash) = 32))
) partition by range (occurred_at);
alter sequence sor.events_position_seq owned by sor.events.position;

create index events_stream_version_idx on sor.events (tenant_id, stream, version);
create index events_position_idx on sor.events (position);
create index events_tx_position_idx on sor.events (tx_id, position);
create index events_occurred_at_brin on sor.events using brin (occurred_at);

comment on table sor.events is
  'Append-only, hash-chained event log, one partition per month of occurred_at. Rows are never updated or deleted (ENABLE ALWAYS triggers refuse it, even for the owner); a month leaves only through sor_api.retire_partition, with an approval and a recorded digest.';
comment on column sor.events.position is 'Global replay order across all tenants and streams, drawn from sor.events_position_seq by the chain trigger under the stream''s head lock; gaps are normal (rolled back appends).';
comment on column sor.events.stream is 'category-id, e.g. expense-42 or run-<uuid>; the category is the part before the first hyphen.';
comment on column sor.events.version is 'Per-stream version, 1, 2, 3 ... without gaps (the head row in sor.streams serialises appends); the expected-version check compares against it.';
comment on column sor.events.metadata is 'run_id, tool_call_id, step, correlation_id, causation_id and other context; not business data.';
comment on column sor.events.actor is 'session_user of the connection that appended the event.';
comment on column sor.events.occurred_at is 'Database time of the appending transaction; the partition key.';
comment on column sor.events.tx_id is 'Appending transaction; events_since() reads in (tx_id, position) order and returns only rows whose transaction is older than every transaction still in flight.';
comment on column sor.events.prev_hash is 'hash of the previous event of the same stream; NULL for version 1 (or the recorded boundary hash after a retired partition).';
comment on column sor.events.hash is 'sha256(prev_hash || canonical encoding of the row), computed by the database on insert.';

alter table sor.events enable row level security;
alter table sor.events force row level security;

-- ---------------------------------------------------------------------------------------------
-- dedupe keys: unique per tenant and scope across every partition of the outbox and the tasks
create table sor.dedupe_keys (
  tenant_id  text        not null,
  scope      text        not null,
  dedupe_key text        not null,
  target_id  bigint      not null,
  created_at timestamptz not null default pg_catalog.now(),
  constraint dedupe_keys_pkey primary key (tenant_id, scope, dedupe_key),
  constraint dedupe_keys_key_length check (pg_catalog.length(dedupe_key) between 1 and 200)
) with (fillfactor = 90);
comment on table sor.dedupe_keys is
  'Dedupe keys of outbox rows (scope outbox) and tasks (scope task:<queue>), unique per tenant and scope across every partition: a retried writer finds the row it queued before. A key leaves with its row''s partition (sor_api.retire_partition).';
comment on column sor.dedupe_keys.target_id is 'outbox_id or task_id the key was first used for.';
alter table sor.dedupe_keys enable row level security;
alter table sor.dedupe_keys force row level security;

insert into sor.dedupe_keys (tenant_id, scope, dedupe_key, target_id, created_at)
select o.tenant_id, 'outbox', o.dedupe_key, o.outbox_id, o.created_at from sor.outbox o;
insert into sor.dedupe_keys (tenant_id, scope, dedupe_key, target_id, created_at)
select t.tenant_id, 'task:' || t.queue, t.dedupe_key, t.task_id, t.created_at from sor.tasks t where t.dedupe_key is not null;

-- ---------------------------------------------------------------------------------------------
-- the outbox, partitioned by month of created_at
alter table sor.outbox rename to outbox_legacy;
alter index sor.outbox_pkey rename to outbox_legacy_pkey;
alter index sor.outbox_dedupe_key rename to outbox_legacy_dedupe_key;
alter index sor.outbox_ready_idx rename to outbox_legacy_ready_idx;
alter index sor.outbox_leased_idx rename to outbox_legacy_leased_idx;
alter index sor.outbox_run_idx rename to outbox_legacy_run_idx;
alter index sor.outbox_event_id_idx rename to outbox_legacy_event_id_idx;
alter index sor.outbox_outbox_id_idx rename to outbox_legacy_outbox_id_idx;
alter index sor.outbox_dead_idx rename to outbox_legacy_dead_idx;
create sequence sor.outbox_ids as bigint;
select pg_catalog.setval('sor.outbox_ids', coalesce((select max(o.outbox_id) from sor.outbox_legacy o), 0) + 1, false);

create table sor.outbox (
  tenant_id        text        not null,
  outbox_id        bigint      not null default pg_catalog.nextval('sor.outbox_ids'),
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
  constraint outbox_pkey primary key (tenant_id, outbox_id, created_at),
  constraint outbox_status_check check (status in ('pending', 'deferred', 'leased', 'dispatched', 'failed', 'dead', 'discarded')),
  constraint outbox_attempts_check check (attempts >= 0 and max_attempts >= 1),
  constraint outbox_lease_check check ((status = 'leased') = (lease_token is not null and lease_expires_at is not null and leased_by is not null)),
  constraint outbox_dispatched_check check ((status = 'dispatched') = (dispatched_at is not null)),
  constraint outbox_payload_object check (pg_catalog.jsonb_typeof(payload) = 'object' and pg_catalog.jsonb_typeof(headers) = 'object'),
  constraint outbox_dedupe_key_length check (pg_catalog.length(dedupe_key) between 1 and 200),
  constraint outbox_topic_length check (pg_catalog.length(topic) between 1 and 200)
) partition by range (created_at);
alter sequence sor.outbox_ids owned by sor.outbox.outbox_id;

-- what a lease reads: due rows by time; what mark_* and forensics read: a row by id, a run's rows
create index outbox_due_idx on sor.outbox (available_at, outbox_id) where status in ('pending', 'failed', 'leased');
create index outbox_outbox_id_idx on sor.outbox (outbox_id);
create index outbox_run_idx on sor.outbox (tenant_id, run_id) where run_id is not null;

comment on table sor.outbox is
  'Transactional outbox, one partition per month of created_at: one row per side effect (an email, a webhook), written in the same transaction as the business row it belongs to.';
comment on column sor.outbox.event_id is 'Stable uuid of the message; Debezium''s outbox router maps it to the Kafka message id.';
comment on column sor.outbox.dedupe_key is 'Unique per tenant (sor.dedupe_keys, scope outbox): a retried writer cannot queue the same side effect twice; the dispatcher passes it to the provider as its idempotency key.';
comment on column sor.outbox.status is 'pending, deferred (held by a review block), leased, dispatched, failed (retry at available_at), dead (max_attempts reached) or discarded (its block was rejected).';
comment on column sor.outbox.lease_token is 'Fencing token of the current lease; mark_dispatched and mark_failed are refused for any other token.';
comment on column sor.outbox.available_at is 'When the row is next due (database clock): now for a new row, pushed back with backoff after a failure, the lease''s expiry while leased.';
comment on column sor.outbox.run_id is 'Run whose step queued this command, when it came from commit_step.';
comment on column sor.outbox.block_id is 'Review block holding this row deferred, when there is one.';

alter table sor.outbox enable row level security;
alter table sor.outbox force row level security;

-- ---------------------------------------------------------------------------------------------
-- finished tasks, partitioned by month of finished_at
create table sor.finished_tasks (
  tenant_id    text        not null,
  task_id      bigint      not null,
  queue        text        not null,
  subject      text        not null,
  payload      jsonb       not null,
  priority     integer     not null,
  attempts     integer     not null,
  max_attempts integer     not null,
  dedupe_key   text,
  status       text        not null,
  claimed_by   name,
  fencing_token bigint,
  last_error   text,
  result       jsonb,
  created_at   timestamptz not null,
  created_by   name        not null,
  finished_at  timestamptz not null,
  constraint finished_tasks_pkey primary key (tenant_id, task_id, finished_at),
  constraint finished_tasks_status_check check (status in ('completed', 'dead'))
) partition by range (finished_at);
create index finished_tasks_task_id_idx on sor.finished_tasks (task_id);
create index finished_tasks_dead_idx on sor.finished_tasks (queue, finished_at) where status = 'dead';
comment on table sor.finished_tasks is
  'Completed and dead tasks, moved out of the live queue (sor.tasks) when they finish, one partition per month of finished_at. sor_api.retry_task moves a dead one back.';
comment on column sor.finished_tasks.claimed_by is 'The Worker that completed it, or held the last claim of a dead one.';
comment on column sor.finished_tasks.fencing_token is 'The token of the last claim: the task.claimed event with this token is the claim that ended it.';
alter table sor.finished_tasks enable row level security;
alter table sor.finished_tasks force row level security;

-- the live queue: only what a claim, a heartbeat and a settle read; a task is queued without an event
drop trigger if exists tasks_events_insert on sor.tasks;
alter table sor.tasks drop constraint tasks_dedupe_key;
alter table sor.tasks drop constraint tasks_status_check;
alter table sor.tasks drop constraint tasks_finished_check;
alter table sor.tasks drop constraint tasks_tenant_fkey;
alter table sor.tasks drop constraint tasks_queue_fkey;
drop index sor.tasks_dead_idx;

-- ---------------------------------------------------------------------------------------------
-- the ledger: blocks of events hashed and chained, and the digests of retired partitions
create table sor.ledger_blocks (
  block_id          bigint      not null,
  from_tx           xid8        not null,
  to_tx             xid8        not null,
  events            bigint      not null,
  first_position    bigint      not null,
  last_position     bigint      not null,
  first_occurred_at timestamptz not null,
  last_occurred_at  timestamptz not null,
  events_sha256     bytea       not null,
  prev_block_hash   bytea,
  block_hash        bytea       not null,
  sealed_at         timestamptz not null default pg_catalog.clock_timestamp(),
  sealed_by         name        not null default session_user,
  constraint ledger_blocks_pkey primary key (block_id),
  constraint ledger_blocks_range_check check (from_tx < to_tx and first_position <= last_position and events >= 1
                                              and first_occurred_at <= last_occurred_at),
  constraint ledger_blocks_chain_check check ((block_id = 1) = (prev_block_hash is null)),
  constraint ledger_blocks_hash_length check (pg_catalog.length(block_hash) = 32 and pg_catalog.length(events_sha256) = 32)
);
comment on table sor.ledger_blocks is
  'The event log sealed in blocks (SQL Server Ledger style): block N holds every event appended by a transaction in [from_tx, to_tx), all finished when it was sealed; it hashes their hashes in (tx_id, position) order and chains to block N-1. sor_api.ledger_digest() returns the latest block as a digest to keep outside the database; sor_api.verify_ledger(digest) proves nothing before it changed. Append-only; a reference table on Citus.';
comment on column sor.ledger_blocks.from_tx is 'First transaction id the block covers: the previous block''s to_tx (0 for block 1).';
comment on column sor.ledger_blocks.to_tx is 'Exclusive end: every transaction below it had finished when the block was sealed, so no event can join the block later.';
comment on column sor.ledger_blocks.events_sha256 is 'sha256 over the hashes of the block''s events, concatenated in (tx_id, position) order.';
comment on column sor.ledger_blocks.block_hash is 'sha256(prev_block_hash || block_id, from_tx, to_tx, events, first and last position as text || events_sha256).';

create table sor.retired_partitions (
  partition_name  text        not null,
  parent_table    text        not null,
  range_from      timestamptz,
  range_to        timestamptz not null,
  row_count       bigint      not null,
  content_sha256  bytea       not null,
  approval_id     bigint,
  retired_at      timestamptz not null default pg_catalog.clock_timestamp(),
  retired_by      name        not null default session_user,
  constraint retired_partitions_pkey primary key (partition_name)
);
comment on table sor.retired_partitions is
  'Every partition that left its table through sor_api.retire_partition, with the digest recorded before it left: row count and sha256 of its rows (for events, of their hashes in position order). Append-only; a reference table on Citus.';
comment on column sor.retired_partitions.range_from is 'Lower bound of the partition''s range; NULL for a partition from MINVALUE.';
comment on column sor.retired_partitions.approval_id is 'The sor.ddl_approvals row the detach consumed.';

create table sor.retired_stream_heads (
  tenant_id      text   not null,
  stream         text   not null,
  partition_name text   not null,
  version        integer not null,
  position       bigint not null,
  hash           bytea  not null,
  constraint retired_stream_heads_pkey primary key (tenant_id, stream, partition_name)
);
comment on table sor.retired_stream_heads is
  'For each stream with events in a retired event partition, its last event there (version, position, hash): verify_events checks the first remaining event of the stream against it, so the chain stays verifiable across the boundary. Append-only.';
alter table sor.retired_stream_heads enable row level security;
alter table sor.retired_stream_heads force row level security;

create table sor.retention_policies (
  table_name  text        not null,
  keep        interval    not null,
  set_at      timestamptz not null default pg_catalog.clock_timestamp(),
  set_by      name        not null default session_user,
  reason      text        not null,
  constraint retention_policies_pkey primary key (table_name, set_at),
  constraint retention_policies_table_check check (table_name in ('sor.events', 'sor.outbox', 'sor.finished_tasks')),
  constraint retention_policies_keep_check check (keep >= interval '1 month')
);
comment on table sor.retention_policies is
  'How long each partitioned table keeps its rows before sor_api.retire_partition may take a month out; the latest row per table applies (sor_api.set_retention). Append-only, so every change of policy stays on record.';
insert into sor.retention_policies (table_name, keep, reason) values
  ('sor.events', interval '7 years', 'kit default: the record of what happened'),
  ('sor.outbox', interval '3 months', 'kit default: side effects, once dispatched or dead'),
  ('sor.finished_tasks', interval '3 months', 'kit default: finished work; its events stay in sor.events');

insert into sor.append_only_tables (table_schema, table_name)
values ('sor', 'ledger_blocks'), ('sor', 'retired_partitions'), ('sor', 'retired_stream_heads'), ('sor', 'retention_policies');

-- ---------------------------------------------------------------------------------------------
-- the old tables: dropped when empty (a fresh database), else attached as the first partition,
-- which holds every row up to the end of this month; monthly partitions follow from there, three
-- months ahead (sor_api.maintain_partitions keeps it so from now on), and a default partition
-- catches a row no month takes (certify() reports it when it holds rows)
drop view if exists sor_api.events;
drop function if exists sor.append_event(text, text, text, jsonb, jsonb, integer);

do $$
declare
  _month timestamptz := pg_catalog.date_trunc('month', pg_catalog.now());
  _first timestamptz;
  _nonempty boolean;
  _t record;
  _trg record;
  _m timestamptz;
begin
  for _t in select * from (values ('events', 'events_legacy'), ('outbox', 'outbox_legacy')) v(parent, legacy) loop
    execute pg_catalog.format('select exists (select 1 from sor.%I)', _t.legacy) into _nonempty;
    if not _nonempty then
      execute pg_catalog.format('drop table sor.%I', _t.legacy);
      _first := _month;
    else
      for _trg in select tg.tgname from pg_catalog.pg_trigger tg
                   where tg.tgrelid = pg_catalog.format('sor.%I', _t.legacy)::regclass and not tg.tgisinternal loop
        execute pg_catalog.format('drop trigger %I on sor.%I', _trg.tgname, _t.legacy);
      end loop;
      if _t.parent = 'outbox' then
        execute 'alter table sor.outbox_legacy alter column outbox_id drop identity';
      end if;
      execute pg_catalog.format('alter table sor.%I attach partition sor.%I for values from (minvalue) to (%L)',
                                _t.parent, _t.legacy, _month + interval '1 month');
      _first := _month + interval '1 month';
    end if;
    _m := _first;
    while _m < _month + interval '4 months' loop
      execute pg_catalog.format('create table sor.%I partition of sor.%I for values from (%L) to (%L)',
                                _t.parent || '_p' || pg_catalog.to_char(_m, 'YYYYMM'), _t.parent, _m, _m + interval '1 month');
      _m := _m + interval '1 month';
    end loop;
    execute pg_catalog.format('create table sor.%I partition of sor.%I default', _t.parent || '_default', _t.parent);
  end loop;

  -- finished tasks leave the live queue: older than this month into one partition, the rest monthly
  if exists (select 1 from sor.tasks t where t.status in ('completed', 'dead') and t.finished_at < _month) then
    execute pg_catalog.format('create table sor.finished_tasks_before partition of sor.finished_tasks for values from (minvalue) to (%L)', _month);
  end if;
  _m := _month;
  while _m < _month + interval '4 months' loop
    execute pg_catalog.format('create table sor.%I partition of sor.finished_tasks for values from (%L) to (%L)',
                              'finished_tasks_p' || pg_catalog.to_char(_m, 'YYYYMM'), _m, _m + interval '1 month');
    _m := _m + interval '1 month';
  end loop;
  create table sor.finished_tasks_default partition of sor.finished_tasks default;
  insert into sor.finished_tasks (tenant_id, task_id, queue, subject, payload, priority, attempts, max_attempts,
                                  dedupe_key, status, claimed_by, fencing_token, last_error, result, created_at, created_by,
                                  finished_at)
  select t.tenant_id, t.task_id, t.queue, t.subject, t.payload, t.priority, t.attempts, t.max_attempts, t.dedupe_key,
         t.status, t.claimed_by, t.fencing_token, t.last_error, t.result, t.created_at, t.created_by, t.finished_at
    from sor.tasks t
   where t.status in ('completed', 'dead');
  delete from sor.tasks t where t.status in ('completed', 'dead');
  -- the live queue holds what a claim reads, and nothing finished
  alter table sor.tasks add constraint tasks_status_check check (status in ('ready', 'claimed', 'failed'));
  alter table sor.tasks add constraint tasks_unfinished_check check (finished_at is null and result is null);
  -- the CDC publication is pointed at the partitioned sor.outbox by V080 (which also handles a
  -- publication the migrating role does not own)
end
$$;

reset role;

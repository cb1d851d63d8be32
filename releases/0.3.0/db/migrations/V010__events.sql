-- V010: sor.events, the append-only, hash-chained event log.
--
-- Why: every state transition an auditor may ask about is an event row: global position for
--      replay, per-stream version with expected-version checks, per-stream sha256 chain.
--      Immutability triggers and the chaining trigger are attached in db/policies (CREATE OR
--      REPLACE TRIGGER) once their functions exist.
-- Locks: creates a new table only.
-- Reversal: drop table sor.events (guarded: needs an approval; an audit log is normally never
--      reversed, only superseded).
set role sor_owner;

create sequence sor.events_position_seq as bigint;

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
  constraint events_pkey primary key (tenant_id, position),
  constraint events_stream_version_key unique (tenant_id, stream, version),
  constraint events_tenant_fkey foreign key (tenant_id) references sor.tenants (tenant_id),
  constraint events_stream_format check (stream ~ '^[a-z][a-z0-9_]*(-[A-Za-z0-9_:.@-]+)?$' and pg_catalog.length(stream) <= 200),
  constraint events_type_format check (type ~ '^[A-Za-z][A-Za-z0-9_.:-]*$' and pg_catalog.length(type) <= 100),
  constraint events_version_positive check (version >= 1),
  constraint events_payload_object check (pg_catalog.jsonb_typeof(payload) = 'object'),
  constraint events_metadata_object check (pg_catalog.jsonb_typeof(metadata) = 'object'),
  constraint events_hash_length check (pg_catalog.length(hash) = 32 and (prev_hash is null or pg_catalog.length(prev_hash) = 32)),
  constraint events_chain_start check ((version = 1) = (prev_hash is null))
) with (fillfactor = 100);

alter sequence sor.events_position_seq owned by sor.events.position;

create index events_position_idx on sor.events (position);
create index events_occurred_at_idx on sor.events (occurred_at, position);
create index events_tx_position_idx on sor.events (tx_id, position);

comment on table sor.events is
  'Append-only, hash-chained event log. Rows are never updated or deleted (ENABLE ALWAYS triggers refuse it, even for the owner).';
comment on column sor.events.position is 'Global replay order across all tenants and streams, drawn from sor.events_position_seq by the chain trigger under the stream lock; gaps are normal (rolled back appends).';
comment on sequence sor.events_position_seq is 'Positions of sor.events; only the chain trigger draws from it.';
comment on column sor.events.stream is 'category-id, e.g. expense-42 or run-<uuid>; the category is the part before the first hyphen.';
comment on column sor.events.version is 'Per-stream version, 1, 2, 3 ... without gaps; the expected-version check compares against it.';
comment on column sor.events.metadata is 'run_id, tool_call_id, step, correlation_id, causation_id and other context; not business data.';
comment on column sor.events.actor is 'session_user of the connection that appended the event.';
comment on column sor.events.tx_id is 'Appending transaction; events_since() reads in (tx_id, position) order and returns only rows whose transaction is older than every transaction still in flight.';
comment on column sor.events.prev_hash is 'hash of the previous event of the same stream; NULL for version 1.';
comment on column sor.events.hash is 'sha256(prev_hash || canonical encoding of the row), computed by the database on insert.';

alter table sor.events enable row level security;
alter table sor.events force row level security;

reset role;

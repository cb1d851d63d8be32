-- V102: idempotent appends.
--
--   * sor.event_keys: one row per idempotency key of a tenant's appends (sor_api.append_event with
--     an idempotency_key, or an event of sor_api.append_events carrying one). It binds the key to
--     the sha256 of the event's content (stream, type, payload, metadata) and to the event it
--     appended (position, stream, version, hash). A retry with the same key and the same content
--     returns that event and writes nothing; the same key with other content is refused (SR019).
--     The row is inserted before the event is appended (insert-first on the primary key), so a
--     concurrent append with the same key waits for the first transaction: it returns the original
--     if that committed, or appends if it rolled back. position, stream, version and hash are
--     filled in by the same transaction, before it commits.
--     A key is remembered as long as its event: sor_api.retire_partition removes the keys of the
--     events it takes out of sor.events. sor.events itself is not touched (no column, trigger or
--     constraint), so an upgrade from any earlier release carries its events as they are.
--
-- Locks: a new table only; nothing existing is locked.
-- Reversal: drop table sor.event_keys (the events stay; their retries are no longer recognised).
set local lock_timeout = '5s';
set role sor_owner;

create table sor.event_keys (
  tenant_id       text        not null,
  idempotency_key text        not null,
  fingerprint     bytea       not null,
  "position"      bigint,
  stream          text,
  version         integer,
  hash            bytea,
  created_at      timestamptz not null default pg_catalog.now(),
  constraint event_keys_pkey primary key (tenant_id, idempotency_key),
  constraint event_keys_tenant_fkey foreign key (tenant_id) references sor.tenants (tenant_id),
  constraint event_keys_key_format check (pg_catalog.length(idempotency_key) between 1 and 255 and idempotency_key !~ '[[:cntrl:]]'),
  constraint event_keys_fingerprint_length check (pg_catalog.length(fingerprint) = 32),
  constraint event_keys_event check (pg_catalog.num_nulls("position", stream, version, hash) in (0, 4))
) with (fillfactor = 80);
comment on table sor.event_keys is
  'Idempotency keys of appends, per tenant: the key, the sha256 of the content it was first used with, and the event it appended. A retry with the same key and content returns that event and writes nothing; other content is refused (SR019). Written only by sor_api.append_event (its idempotency_key overload) and sor_api.append_events; a key is kept as long as its event (retire_partition removes both).';
comment on column sor.event_keys.idempotency_key is 'The caller''s key (1 to 255 characters, no control characters; a UUID event id is a key), unique per tenant.';
comment on column sor.event_keys.fingerprint is 'sha256 of the event''s content as sor.event_fingerprint renders it: stream, type, payload and metadata (not the expected version, so a retry of a conditional append that committed returns the original).';
comment on column sor.event_keys."position" is 'Position of the event the key appended; NULL only inside the transaction that claimed the key, before its event is written.';
comment on column sor.event_keys.hash is 'Hash of the event the key appended, returned again to a retry.';
comment on column sor.event_keys.created_at is 'When the key was first used (the transaction''s time).';

alter table sor.event_keys enable row level security;
alter table sor.event_keys force row level security;
alter table sor.event_keys set (autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02);

reset role;

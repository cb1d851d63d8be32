-- V100: subscriptions with server-kept checkpoints, and wake-ups on append.
--
--   * sor.subscriptions: one row per named subscription of a tenant (optionally to the streams of
--     one category, a stream prefix), holding its checkpoint: the (tx_id, position) of the last
--     event the subscriber acknowledged. sor_api.read_subscription returns the tenant's events after
--     it in the order events_since uses, never skipping one; sor_api.ack_subscription moves it
--     forward, never back. Workers hold no privilege on the table: the sor_api functions
--     (SECURITY DEFINER, membership checked by session_user) read and move it.
--   * events_tenant_tx_position_idx: a tenant's events in the subscription order, so a tenant's
--     reader scans its own tenant's rows only.
--
-- Locks: a new table; CREATE INDEX on sor.events takes SHARE on each partition while it builds
--        (blocking appends for as long as the scan takes: seconds per million events). On a large
--        install build it first by hand, partition by partition, with CREATE INDEX CONCURRENTLY on
--        each partition, then CREATE INDEX ... ON ONLY sor.events and ALTER INDEX ... ATTACH
--        PARTITION; this migration skips it when it exists.
-- Reversal: drop table sor.subscriptions; drop index sor.events_tenant_tx_position_idx.
-- lint: reviewed create-index by pg-sor maintainers: a tenant's events in (tx_id, position) order for its subscriptions; the header says how to build it by partition first on a large install
set local lock_timeout = '5s';
set role sor_owner;

create table sor.subscriptions (
  tenant_id     text        not null,
  name          text        not null,
  stream_prefix text,
  last_tx_id    xid8        not null default '0'::xid8,
  last_position bigint      not null default 0,
  created_at    timestamptz not null default pg_catalog.clock_timestamp(),
  created_by    name        not null default session_user,
  acked_at      timestamptz,
  acked_by      name,
  constraint subscriptions_pkey primary key (tenant_id, name),
  constraint subscriptions_tenant_fkey foreign key (tenant_id) references sor.tenants (tenant_id),
  constraint subscriptions_name_format check (name ~ '^[a-z][a-z0-9_.-]{0,99}$'),
  constraint subscriptions_stream_prefix_format check (stream_prefix is null or (stream_prefix ~ '^[a-z][a-z0-9_]*(-[A-Za-z0-9_:.@-]*)?$' and pg_catalog.length(stream_prefix) <= 200)),
  constraint subscriptions_checkpoint check (last_position >= 0 and (last_position = 0) = (last_tx_id = '0'::xid8))
);
comment on table sor.subscriptions is
  'Named subscriptions of a tenant to its events (all streams, or those starting with stream_prefix), each with its server-kept checkpoint: the (tx_id, position) of the last event acknowledged. Read and moved only through sor_api.subscribe, read_subscription, ack_subscription, subscriptions and unsubscribe.';
comment on column sor.subscriptions.last_position is 'Position of the last event the subscriber acknowledged (0: none yet); with last_tx_id, the cursor of read_subscription.';
comment on column sor.subscriptions.last_tx_id is 'tx_id of the event at last_position (0 for none): events are read in (tx_id, position) order, as events_since reads them.';
comment on column sor.subscriptions.stream_prefix is 'NULL for every stream of the tenant; else the streams whose name starts with it (a category such as order- ).';

alter table sor.subscriptions enable row level security;
alter table sor.subscriptions force row level security;
alter table sor.subscriptions set (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 200,
                                   autovacuum_analyze_scale_factor = 0.02, autovacuum_vacuum_cost_delay = 0);

create index if not exists events_tenant_tx_position_idx on sor.events (tenant_id, tx_id, position);

reset role;

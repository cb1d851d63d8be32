-- V106: a tenant's readers held back only by the tenant's own transactions.
--
--   * events_tenant_position_idx: a tenant's events in position order. Subscriptions
--     (sor_api.read_subscription) and sor_api.tenant_events_since now read a tenant's events in
--     position order up to the tenant's reader horizon (sor.tenant_horizon), instead of in
--     (tx_id, position) order up to the oldest transaction in flight in the whole database.
--     events_tenant_tx_position_idx (V100) is no longer read by the kit; it stays until a release
--     that carries an approval removes it.
--   * Checkpoints of subscriptions that already exist move back to just before the first event
--     they had not yet been given in the new order, so nothing is skipped (a few events may be
--     given again: subscriptions are at least once).
--
-- Locks: CREATE INDEX on sor.events takes SHARE on each partition while it builds (blocking
--        appends for as long as the scan takes: seconds per million events). On a large install
--        build it first by hand, partition by partition, with CREATE INDEX CONCURRENTLY on each
--        partition, then CREATE INDEX ... ON ONLY sor.events and ALTER INDEX ... ATTACH PARTITION;
--        this migration skips it when it exists. ROW EXCLUSIVE on sor.subscriptions.
-- Reversal: drop index sor.events_tenant_position_idx (the checkpoints stay valid in either order).
-- lint: reviewed create-index by pg-sor maintainers: a tenant's events in position order for its readers; the header says how to build it by partition first on a large install
set local lock_timeout = '5s';
set role sor_owner;

create index if not exists events_tenant_position_idx on sor.events (tenant_id, position);

-- (tx_id, position) checkpoints to position checkpoints: back to the subscription's last event
-- before the lowest one after the old checkpoint, when that one lies below it in position order
update sor.subscriptions s
   set last_position = coalesce(b.position, 0), last_tx_id = coalesce(b.tx_id, '0'::xid8)
  from sor.subscriptions o
  cross join lateral (
    select pg_catalog.min(e.position) as first_unread from sor.events e
     where e.tenant_id = o.tenant_id
       and (e.tx_id, e.position) > (o.last_tx_id, o.last_position)
       and (o.stream_prefix is null
            or pg_catalog.left(e.stream, pg_catalog.length(o.stream_prefix)) = o.stream_prefix)) m
  left join lateral (
    select e.position, e.tx_id from sor.events e
     where e.tenant_id = o.tenant_id and e.position < m.first_unread
       and (o.stream_prefix is null
            or pg_catalog.left(e.stream, pg_catalog.length(o.stream_prefix)) = o.stream_prefix)
     order by e.position desc limit 1) b on true
 where s.tenant_id = o.tenant_id and s.name = o.name
   and m.first_unread is not null and m.first_unread < o.last_position;

comment on column sor.subscriptions.last_position is 'Position of the last event the subscriber acknowledged (0: none yet): read_subscription returns the tenant''s events after it, in position order.';
comment on column sor.subscriptions.last_tx_id is 'tx_id of the event at last_position (0 for none); kept for the record, the order is by position.';

reset role;

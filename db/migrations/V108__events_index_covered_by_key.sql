-- V108: one index fewer on every event written.
--
-- Why: events_tenant_position_idx (V106), on (tenant_id, position), repeats the leading columns
--      of the primary key events_pkey (tenant_id, position, occurred_at): every read it served (a
--      tenant's events in position order: sor_api.tenant_events_since, read_subscription,
--      ack_subscription, sor.tenant_horizon's callers) is served the same way by the primary key,
--      and every event paid for one more B-tree entry (about 1 µs and 40 to 90 bytes of WAL and
--      storage an event). It is dropped; the readers' plans read events_pkey instead
--      (EventReadPlansTest).
--      events_tenant_tx_position_idx (V100) stays: sor_api.events_since reads a member's events in
--      (tx_id, position) order, which it serves for a tenant among many.
--      The index is not in the guard's register (the register holds unique indexes only), so the
--      drop needs no approval.
-- Locks: ACCESS EXCLUSIVE on sor.events and each partition for the drop itself (no rows are read:
--      milliseconds, but it waits behind every transaction reading or writing events; lock_timeout
--      5 s, retry the migrate when it times out).
-- Reversal: create index events_tenant_position_idx on sor.events (tenant_id, position) (the
--      header of V106 says how to build it by partition on a large install).
-- lint: reviewed drop by pg-sor maintainers: a non-unique index whose columns lead the primary key, which serves every read it served
set local lock_timeout = '5s';
set role sor_owner;

drop index if exists sor.events_tenant_position_idx;

reset role;

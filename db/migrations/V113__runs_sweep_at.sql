-- V113: a sweep of lapsed runs reads the runs that may have lapsed, not every running run.
--
-- Why: start_run, resume_run and heartbeat mark the lapsed runs of the caller's tenants abandoned
--      (sor.sweep_lapsed), and the sweep found them through runs_running_idx, which holds every
--      running run of a tenant but not its lease (V081 left the lease out so that a heartbeat,
--      which moves only the lease, stays a HOT update). So each of those calls read every running
--      run of the tenant: on a PostgreSQL 17 copy (pgbench, fsync off, one client) a heartbeat ran
--      about 1,950 times a second in a tenant with one running run and 640 in one with 10,000; a
--      fleet's heartbeats cost grew with the fleet.
--      sor.runs.sweep_at is a time at or before the run's lease expiry (a CHECK holds it there
--      while the run runs), and runs_sweep_idx indexes it with the tenant for running runs: a run
--      whose lease lapsed has sweep_at in the past, so a sweep reads only the running runs whose
--      sweep_at has come. A heartbeat leaves sweep_at alone (the update stays HOT) while it is
--      more than half the new lease ahead, and moves it to the new expiry otherwise (an update
--      that writes the run's index entries: about every other heartbeat of a Worker that beats
--      every third of its lease, fewer for longer leases); start_run and resume_run set it to the
--      expiry. A row written without it (a call of the earlier release straddling the upgrade, a
--      run that was running before it) has the default -infinity: it is read by every sweep until
--      its next heartbeat moves it.
--      The constraint is added NOT VALID: it holds every row written from now on, and every row
--      written before has sweep_at -infinity, which it allows, so there is nothing to validate (a
--      validation would read every run under ACCESS EXCLUSIVE).
-- Locks: ACCESS EXCLUSIVE on sor.runs for the added column and constraint (a constant default and
--      NOT VALID: no rewrite, no rows read; milliseconds, but it waits behind every transaction
--      writing runs; lock_timeout 5 s, retry the migrate when it times out); CREATE INDEX takes SHARE on
--      sor.runs while it reads the running runs (blocking writes: seconds for a million runs). On a
--      large install build the index first by hand, outside a transaction, and this migration
--      skips it:
--        create index concurrently runs_sweep_idx on sor.runs (tenant_id, sweep_at) where status = 'running';
--      DROP INDEX takes ACCESS EXCLUSIVE briefly.
-- Reversal: create index runs_running_idx on sor.runs (tenant_id) where status = 'running'; drop
--      index sor.runs_sweep_idx; alter table sor.runs drop constraint runs_sweep_at_check, drop
--      column sweep_at (with the drop guard's approval); then the functions of the earlier release.
-- lint: reviewed create-index by pg-sor maintainers: a partial index over running runs; the header says how to build it concurrently first on a large install
-- lint: reviewed drop by pg-sor maintainers: a non-unique index whose one column leads the index that replaces it in this migration
set local lock_timeout = '5s';
set role sor_owner;

alter table sor.runs
  add column sweep_at timestamptz not null default '-infinity',
  add constraint runs_sweep_at_check check (status <> 'running' or sweep_at <= lease_expires_at) not valid;
comment on column sor.runs.sweep_at is
  'A time at or before the lease expiry of a running run (runs_sweep_at_check), indexed with the tenant for running runs (runs_sweep_idx): a sweep of lapsed runs reads the running runs whose sweep_at has come, a superset of the lapsed ones. Set to the expiry by start_run and resume_run, and by a heartbeat when it is less than half the new lease ahead (otherwise left alone, so that the heartbeat stays a HOT update); -infinity for a run written without it.';

create index if not exists runs_sweep_idx on sor.runs (tenant_id, sweep_at) where status = 'running';
drop index if exists sor.runs_running_idx;

reset role;

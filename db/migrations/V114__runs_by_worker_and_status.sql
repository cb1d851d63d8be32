-- V114: a page of a Worker's runs is read from an index from its cursor on, not from its whole history.
--
-- Why: sor_api.my_runs(run_status, after_run_id, max_runs) (0.4.0) pages through a Worker's runs
--      of one status, and sor.mark_abandoned, which my_runs calls first, reads a Worker's running
--      runs. Both found them through runs_worker_idx (worker_role, started_at), which holds every
--      run the Worker ever ran: a Worker restarting after a year of runs read the year to find its
--      few running or abandoned ones. runs_worker_status_idx (worker_role, status, started_at,
--      run_id) reads a status's runs in page order from the cursor on. A heartbeat changes none of
--      its columns (it stays a HOT update); a run's start and its end write one entry more.
--      runs_worker_idx gains run_id (runs_worker_run_idx replaces it): the runs a transaction
--      starts share their started_at, and a page of every run whose cursor fell among them read
--      all of them to find the ones after its run_id.
-- Locks: CREATE INDEX takes SHARE on sor.runs while it reads every run (blocking writes: seconds
--      for a million runs; lock_timeout 5 s bounds the wait for the lock, not the build). On a
--      large install build them first by hand, outside a transaction, and this migration skips them:
--        create index concurrently runs_worker_status_idx on sor.runs (worker_role, status, started_at, run_id);
--        create index concurrently runs_worker_run_idx on sor.runs (worker_role, started_at, run_id);
--      DROP INDEX takes ACCESS EXCLUSIVE briefly.
-- Reversal: create index runs_worker_idx on sor.runs (worker_role, started_at); drop index
--      sor.runs_worker_status_idx, sor.runs_worker_run_idx.
-- lint: reviewed create-index by pg-sor maintainers: two indexes on sor.runs; the header says how to build them concurrently first on a large install
-- lint: reviewed drop by pg-sor maintainers: a non-unique index whose columns lead the index that replaces it in this migration
set local lock_timeout = '5s';
set role sor_owner;

create index if not exists runs_worker_status_idx on sor.runs (worker_role, status, started_at, run_id);
create index if not exists runs_worker_run_idx on sor.runs (worker_role, started_at, run_id);
drop index if exists sor.runs_worker_idx;

reset role;

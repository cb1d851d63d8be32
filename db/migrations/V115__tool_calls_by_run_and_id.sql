-- V115: a page of a run's tool calls is read from an index from its cursor on.
--
-- Why: sor_api.run_tool_calls(run_id, call_status, after_tool_call_id, max_rows) (0.4.0) reads a
--      run's tool calls a page at a time, in start order and then by id: a resumable run that has
--      been going for days makes thousands of calls, and the one-argument form answers with all of
--      them. tool_calls_run_idx (tenant_id, run_id, started_at) left the id out: the calls one
--      transaction begins share their started_at, and a page whose cursor fell among them read
--      them all to find the ones after it. tool_calls_run_call_idx adds tool_call_id and replaces
--      it. A call's finish changes none of its columns (it stays a HOT update).
-- Locks: CREATE INDEX takes SHARE on sor.tool_calls while it reads every call (blocking writes:
--      seconds for a million calls; lock_timeout 5 s bounds the wait for the lock, not the build).
--      On a large install build it first by hand, outside a transaction, and this migration skips
--      it:
--        create index concurrently tool_calls_run_call_idx on sor.tool_calls (tenant_id, run_id, started_at, tool_call_id);
--      DROP INDEX takes ACCESS EXCLUSIVE briefly.
-- Reversal: create index tool_calls_run_idx on sor.tool_calls (tenant_id, run_id, started_at);
--      drop index sor.tool_calls_run_call_idx.
-- lint: reviewed create-index by pg-sor maintainers: one index on sor.tool_calls; the header says how to build it concurrently first on a large install
-- lint: reviewed drop by pg-sor maintainers: a non-unique index whose columns lead the index that replaces it in this migration
set local lock_timeout = '5s';
set role sor_owner;

create index if not exists tool_calls_run_call_idx on sor.tool_calls (tenant_id, run_id, started_at, tool_call_id);
drop index if exists sor.tool_calls_run_idx;

reset role;

-- V101: resumable runs.
--
--   * sor.runs.fencing_token: the run's lease generation. start_run gives 1; each resume (by the
--     same Worker, or a takeover by another login of the same Worker kind) raises it, so what the
--     previous holder started under an older token is known as interrupted.
--   * sor.runs.resumed_at, resumed_by: the last resume and who made it (NULL until one).
--   * sor.tool_calls.fencing_token: the run's token when the call started: a call still started
--     under an older token was in flight when the run lapsed; a retry with its key takes it over.
--   * sor.runs status cancelled: an operator ended the run (sor_api.cancel_run).
--
-- Locks: ADD COLUMN with a constant default changes only the catalog (no rewrite); the status check
--        is replaced under ACCESS EXCLUSIVE on sor.runs for a scan of its rows (the new check only
--        adds a value). lock_timeout bounds each wait.
-- Reversal: alter table sor.runs drop column fencing_token, drop column resumed_at, drop column
--           resumed_by (and the check back without cancelled, once no run is cancelled);
--           alter table sor.tool_calls drop column fencing_token.
-- lint: reviewed drop by pg-sor maintainers: the status check is replaced in the same statement by one that only adds a value
set local lock_timeout = '5s';
set role sor_owner;

alter table sor.runs
  add column fencing_token bigint not null default 1,
  add column resumed_at timestamptz,
  add column resumed_by name;
alter table sor.runs
  drop constraint runs_status_check,
  add constraint runs_status_check check (status in ('running', 'succeeded', 'failed', 'abandoned', 'cancelled'));
alter table sor.runs add constraint runs_fencing_token_check check (fencing_token >= 1);
alter table sor.tool_calls add column fencing_token bigint not null default 1;

comment on column sor.runs.fencing_token is 'The run''s lease generation: 1 at start_run, raised by each resume (resume_run, or start_run with the key of a lapsed run). Calls started under an older token were in flight when the run lapsed.';
comment on column sor.runs.resumed_at is 'When the run was last resumed (NULL: never).';
comment on column sor.runs.resumed_by is 'The Worker login that last resumed the run: the same Worker, or another login of its kind that took it over.';
comment on column sor.tool_calls.fencing_token is 'The run''s fencing token when the call started.';

reset role;

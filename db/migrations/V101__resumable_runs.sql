-- V101: resumable runs.
--
--   * sor.runs.fencing_token: the run's lease generation. start_run gives 1; each resume (by the
--     same Worker, or a takeover by another login of the same Worker kind) raises it, so what the
--     previous holder started under an older token is known as interrupted.
--   * sor.runs.resumed_at, resumed_by: the last resume and who made it (NULL until one).
--   * sor.tool_calls.fencing_token: the run's token when the call started: a call still started
--     under an older token was in flight when the run lapsed; a retry with its key takes it over.
--   An operator's cancel (sor_api.cancel_run) ends a run as failed, its error saying who cancelled
--   it and why, with a run_cancelled event: the status check is left as it is.
--
-- Locks: ADD COLUMN with a constant default changes only the catalog (no rewrite); lock_timeout
--        bounds each wait. The runs trigger keeps the token from going down.
-- Reversal: alter table sor.runs drop column fencing_token, drop column resumed_at, drop column
--           resumed_by;
--           alter table sor.tool_calls drop column fencing_token.
set local lock_timeout = '5s';
set role sor_owner;

alter table sor.runs
  add column fencing_token bigint not null default 1,
  add column resumed_at timestamptz,
  add column resumed_by name;
alter table sor.tool_calls add column fencing_token bigint not null default 1;

comment on column sor.runs.fencing_token is 'The run''s lease generation: 1 at start_run, raised by each resume (resume_run, or start_run with the key of a lapsed run). Calls started under an older token were in flight when the run lapsed.';
comment on column sor.runs.resumed_at is 'When the run was last resumed (NULL: never).';
comment on column sor.runs.resumed_by is 'The Worker login that last resumed the run: the same Worker, or another login of its kind that took it over.';
comment on column sor.tool_calls.fencing_token is 'The run''s fencing token when the call started.';

reset role;

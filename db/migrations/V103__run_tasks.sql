-- V103: the tasks of a run, by id.
--
-- Why: tasks carry no run id, so a run's report found its Worker's claims by a time window (a
--      Worker role running two runs of a tenant at once shared its claims between both), and the
--      run's timeline showed no task at all. sor.run_tasks links a run to each task enqueued in it
--      (sor_api.enqueue_task_in_run) and to each attempt claimed in it (sor_api.claim_tasks_in_run,
--      with the attempt's fencing token), so the timeline and the report name them by id; the
--      outcome of an attempt is the kit's task event that carries the same fencing token.
-- Locks: a new table; its foreign key takes SHARE ROW EXCLUSIVE on sor.runs for the catalog change
--        only (no row is read: the new table is empty).
-- Reversal: drop table sor.run_tasks (guarded: needs an approval); reports fall back to the window.
set lock_timeout = '5s';

set role sor_owner;

create table sor.run_tasks (
  tenant_id     text        not null,
  run_id        uuid        not null,
  task_id       bigint      not null,
  link          text        not null,
  fencing_token bigint      not null default 0,
  linked_at     timestamptz not null default pg_catalog.clock_timestamp(),
  constraint run_tasks_pkey primary key (tenant_id, run_id, task_id, link, fencing_token),
  constraint run_tasks_run_fkey foreign key (tenant_id, run_id) references sor.runs (tenant_id, run_id),
  constraint run_tasks_link_check check (link in ('enqueued', 'claimed')),
  constraint run_tasks_token_check check ((link = 'claimed') = (fencing_token > 0))
);
comment on table sor.run_tasks is
  'The tasks of a run by id: each task enqueued in it (link enqueued) and each attempt claimed in it (link claimed, with the attempt''s fencing token). Written only by sor_api.enqueue_task_in_run and sor_api.claim_tasks_in_run; read by run_timeline and run_report_facts.';
comment on column sor.run_tasks.link is 'enqueued: the run queued the task; claimed: the run''s Worker claimed an attempt of it in the run.';
comment on column sor.run_tasks.fencing_token is 'The claimed attempt''s fencing token (its outcome event carries the same); 0 for enqueued.';
comment on column sor.run_tasks.linked_at is 'When the task was enqueued or claimed (the database clock).';
alter table sor.run_tasks enable row level security;
alter table sor.run_tasks force row level security;

reset role;

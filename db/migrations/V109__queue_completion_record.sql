-- V109: a queue may record its completed tasks by their finished row alone.
--
-- Why: every task that ends is moved to sor.finished_tasks, a row that holds the attempt's whole
--      record (holder, fencing token, claimed_at, finished_at, attempts, result), and the statement
--      trigger on sor.finished_tasks also appends a task.completed event to the task's own stream
--      task-<id> (a new stream and head per task): the same outcome written twice, and the event
--      is about half the time of a claim and completion (measured in docs/operate/volume.md). A
--      queue of high volume whose completions need no place in the hash-chained event log can now
--      say so: completion_record 'row' (sor_api.set_completion_record, an admin's call) keeps
--      the finished row as the one record of a completion and appends no task.completed event.
--      Failures, lapsed leases, dead tasks and retries still write their events on every queue.
--      The default, 'event', is what every queue did before.
--      Each finished row records the choice made when it was written (completion_event), so
--      certify's check that every finished task has its event skips exactly the completions
--      written without one, whatever the queue says later.
-- Locks: ACCESS EXCLUSIVE on sor.queues and on sor.finished_tasks and its partitions for the
--      added columns (defaults that are constants: no rewrite, no rows read; milliseconds, but it
--      waits behind every transaction finishing a task; lock_timeout 5 s, retry the migrate when
--      it times out).
-- Reversal: alter table sor.queues drop column completion_record, drop column
--      completion_record_set_at, drop column completion_record_set_by; alter table
--      sor.finished_tasks drop column completion_event (with the drop guard's approval); then the
--      functions of the earlier release.
set local lock_timeout = '5s';
set role sor_owner;

alter table sor.queues
  add column completion_record text not null default 'event',
  add column completion_record_set_at timestamptz,
  add column completion_record_set_by name,
  add constraint queues_completion_record_check check (completion_record in ('event', 'row'));

comment on column sor.queues.completion_record is
  'How a completed task of this queue is recorded: event (its sor.finished_tasks row and a task.completed event in the hash-chained log, the default) or row (its sor.finished_tasks row only). Set by sor_api.set_completion_record.';
comment on column sor.queues.completion_record_set_at is 'When completion_record was last set by sor_api.set_completion_record (NULL: never, the default).';
comment on column sor.queues.completion_record_set_by is 'The login that last set completion_record (NULL: never).';

-- each finished row says whether its completion was also written as an event, decided in the
-- statement that moves it (certify's replayable check reads it; a later change of the queue's
-- record does not rewrite the past)
alter table sor.finished_tasks add column completion_event boolean not null default true;
comment on column sor.finished_tasks.completion_event is
  'Whether the task''s end was also written as an event (task.completed or task.dead on stream task-<id>): false for a task completed on a queue whose completion_record was row when it completed, its finished row being the one record; true otherwise (every dead task, and every row finished before 0.4.0).';

reset role;

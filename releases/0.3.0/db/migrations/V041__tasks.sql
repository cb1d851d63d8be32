-- V041: work queues and sor.tasks, claimed with fencing tokens.
--
-- Why: two Workers must never run the same task, a Worker whose lease lapsed must not write late,
--      and a crashed Worker's task must come back. Claims lock rows with FOR UPDATE SKIP LOCKED and
--      stamp every claim with a new fencing token from one sequence, so a later claim always holds
--      a larger token than any earlier one. sor.fencing_tokens also fences outbox leases.
-- Locks: creates new tables, a sequence and indexes on them only.
-- Reversal: drop table sor.tasks, sor.queues; drop sequence sor.fencing_tokens (guarded: needs an
--      approval; queued work would be lost).
set role sor_owner;

create sequence sor.fencing_tokens as bigint;
comment on sequence sor.fencing_tokens is
  'Fencing tokens of task claims and outbox leases: every claim or lease takes the next value, so a stale holder always has a smaller token.';

create table sor.queues (
  queue         text        not null,
  description   text        not null,
  max_attempts  integer     not null default 5,
  backoff_base  interval    not null default '1 second',
  backoff_max   interval    not null default '1 hour',
  created_at    timestamptz not null default pg_catalog.now(),
  created_by    name        not null default session_user,
  constraint queues_pkey primary key (queue),
  constraint queues_queue_format check (queue ~ '^[a-z][a-z0-9_.-]{1,62}$'),
  constraint queues_description_length check (pg_catalog.length(description) between 1 and 500),
  constraint queues_max_attempts_range check (max_attempts between 1 and 100),
  constraint queues_backoff_range check (backoff_base > '0'::interval and backoff_max >= backoff_base)
);
comment on table sor.queues is 'Work queues known to the kit, with their retry policy; claim_tasks refuses a queue that is not here.';
comment on column sor.queues.max_attempts is 'Default attempts of a task enqueued without its own max_attempts; then it is dead.';
comment on column sor.queues.backoff_base is 'Retry delay after the first failure; doubled for every further attempt, capped at backoff_max, jittered.';

create table sor.tasks (
  tenant_id        text        not null,
  task_id          bigint      not null generated always as identity,
  queue            text        not null,
  subject          text        not null,
  payload          jsonb       not null default '{}'::jsonb,
  priority         integer     not null default 0,
  run_after        timestamptz not null default pg_catalog.now(),
  attempts         integer     not null default 0,
  max_attempts     integer     not null,
  dedupe_key       text,
  status           text        not null default 'ready',
  claimed_by       name,
  fencing_token    bigint,
  lease            interval,
  lease_expires_at timestamptz,
  last_error       text,
  result           jsonb,
  created_at       timestamptz not null default pg_catalog.now(),
  created_by       name        not null default session_user,
  finished_at      timestamptz,
  constraint tasks_pkey primary key (tenant_id, task_id),
  constraint tasks_dedupe_key unique (tenant_id, queue, dedupe_key),
  constraint tasks_tenant_fkey foreign key (tenant_id) references sor.tenants (tenant_id),
  constraint tasks_queue_fkey foreign key (queue) references sor.queues (queue),
  constraint tasks_status_check check (status in ('ready', 'claimed', 'failed', 'completed', 'dead')),
  constraint tasks_attempts_check check (attempts >= 0 and max_attempts between 1 and 100),
  constraint tasks_claim_check check ((status = 'claimed') = (fencing_token is not null and lease_expires_at is not null and claimed_by is not null and lease is not null)),
  constraint tasks_finished_check check ((status in ('completed', 'dead')) = (finished_at is not null)),
  constraint tasks_payload_object check (pg_catalog.jsonb_typeof(payload) = 'object'),
  constraint tasks_subject_length check (pg_catalog.length(subject) between 1 and 200),
  constraint tasks_dedupe_key_length check (pg_catalog.length(dedupe_key) between 1 and 200)
) with (fillfactor = 70);

-- The claim's WHERE clause and ORDER BY: ready or retry-waiting rows of one queue, by priority,
-- then by the time they became due.
create index tasks_ready_idx on sor.tasks (queue, priority desc, run_after, task_id)
  where status in ('ready', 'failed');
-- Leases to take back: claimed rows of one queue by expiry.
create index tasks_claimed_idx on sor.tasks (queue, lease_expires_at) where status = 'claimed';
-- heartbeat_task, complete_task and fail_task address a task by its id alone.
create index tasks_task_id_idx on sor.tasks (task_id);
create index tasks_dead_idx on sor.tasks (queue, finished_at) where status = 'dead';

comment on table sor.tasks is
  'Work items claimed by Workers with FOR UPDATE SKIP LOCKED; every claim carries a new fencing token and a lease from the database clock.';
comment on column sor.tasks.subject is 'What the task is about, e.g. statement-row-42; shown in reports.';
comment on column sor.tasks.priority is 'Higher first; equal priorities are claimed in the order they became due (run_after).';
comment on column sor.tasks.run_after is 'Earliest time the task may be claimed; pushed back with jittered exponential backoff after a failure.';
comment on column sor.tasks.attempts is 'Claims so far (a taken-back lease counts); at max_attempts a failure or lapsed lease makes the task dead.';
comment on column sor.tasks.dedupe_key is 'Unique per tenant and queue: enqueue_task with a known key returns the existing task.';
comment on column sor.tasks.status is 'ready, claimed, failed (waiting to retry at run_after), completed or dead (attempts exhausted).';
comment on column sor.tasks.claimed_by is 'session_user of the Worker holding the current claim.';
comment on column sor.tasks.fencing_token is 'Token of the current claim; heartbeat, complete and fail are refused for any other.';
comment on column sor.tasks.lease is 'Length of the current lease; a heartbeat extends the lease by it.';
comment on column sor.tasks.lease_expires_at is 'When the current claim lapses (database clock); a later claim_tasks takes the task back.';
comment on column sor.tasks.result is 'What complete_task recorded.';

alter table sor.tasks enable row level security;
alter table sor.tasks force row level security;

reset role;

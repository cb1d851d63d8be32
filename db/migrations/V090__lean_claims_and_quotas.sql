-- V090: a claim that writes one row, and per-tenant quotas on queued work.
--
-- Why: a claim wrote its task.claimed event (an event row and its stream head) beside the claim's
--      UPDATE, and the completion wrote a second event: two events per attempt. From now on an
--      attempt is recorded once, at its outcome (task.completed, task.failed, task.dead or
--      task.lease_expired), and that record carries the claim's holder, fencing token and start
--      (claimed_at, new here on sor.tasks and sor.finished_tasks), so who claimed and who finished
--      each attempt stays in the event log; a claim still held is read from the live row.
--      And a tenant could queue any number of tasks or outbox rows: sor.tenant_quotas holds each
--      tenant's limits (sor.quota_defaults when it has none), and sor.tenant_usage counts its
--      queued rows (kept by the triggers the two tables already have) in a few slots per tenant
--      (a backend updates the slot of its process id), so the check reads a handful of rows of
--      that tenant only and concurrent writers of a tenant rarely wait on one another; no tenant
--      ever waits on another's row.
--      And sor_api.wakeup_channel('tasks', queue) documented a NOTIFY that nothing sent:
--      sor.task_listeners records the backends that asked for a queue's channel, so the enqueue
--      paths notify a queue only while one of them is alive.
-- Locks: ADD COLUMN without a default changes the catalog only (ACCESS EXCLUSIVE on sor.tasks and
--        sor.finished_tasks and its partitions, held to the end of the run); new tables otherwise.
--        The rows a database already holds are counted by db/policies/R__941_policies_tasks.sql,
--        after the journal's policies: a lock on the outbox taken here would deadlock with a
--        commit_step (a run, then its outbox rows) when the journal's policies take sor.runs.
-- Reversal: alter table sor.tasks drop column claimed_at; alter table sor.finished_tasks drop column
--           claimed_at; drop table sor.tenant_usage, sor.tenant_quotas, sor.quota_defaults, sor.task_listeners (guarded:
--           needs an approval).
set lock_timeout = '5s';

set role sor_owner;

alter table sor.tasks add column claimed_at timestamptz;
alter table sor.finished_tasks add column claimed_at timestamptz;
comment on column sor.tasks.claimed_at is 'When the current claim was made (the lease clock); NULL when the task is not claimed.';
comment on column sor.finished_tasks.claimed_at is 'When the claim that ended the task was made; NULL for a task finished before 0.4.0.';

create table sor.quota_defaults (
  kind        text        not null,
  max_pending bigint      not null,
  set_at      timestamptz not null default pg_catalog.clock_timestamp(),
  set_by      name        not null default session_user,
  constraint quota_defaults_pkey primary key (kind),
  constraint quota_defaults_kind_check check (kind in ('tasks', 'outbox')),
  constraint quota_defaults_max_check check (max_pending between 0 and 1000000000)
);
comment on table sor.quota_defaults is
  'The quota of a tenant without a row of its own in sor.tenant_quotas: how many tasks (live: ready, claimed or failed) and outbox rows (undelivered: pending, deferred, leased or failed) it may have queued at once. Set by sor_api.set_quota(NULL, kind, n).';
insert into sor.quota_defaults (kind, max_pending) values ('tasks', 1000000), ('outbox', 1000000);

create table sor.tenant_quotas (
  tenant_id   text        not null,
  kind        text        not null,
  max_pending bigint      not null,
  set_at      timestamptz not null default pg_catalog.clock_timestamp(),
  set_by      name        not null default session_user,
  constraint tenant_quotas_pkey primary key (tenant_id, kind),
  constraint tenant_quotas_tenant_fkey foreign key (tenant_id) references sor.tenants (tenant_id),
  constraint tenant_quotas_kind_check check (kind in ('tasks', 'outbox')),
  constraint tenant_quotas_max_check check (max_pending between 0 and 1000000000)
);
comment on table sor.tenant_quotas is
  'A tenant''s own quota of queued tasks or outbox rows, in place of sor.quota_defaults. Set by sor_api.set_quota(tenant_id, kind, n).';
alter table sor.tenant_quotas enable row level security;
alter table sor.tenant_quotas force row level security;

create table sor.tenant_usage (
  tenant_id text     not null,
  kind      text     not null,
  slot      smallint not null,
  pending   bigint   not null,
  constraint tenant_usage_pkey primary key (tenant_id, kind, slot),
  constraint tenant_usage_kind_check check (kind in ('tasks', 'outbox')),
  constraint tenant_usage_slot_check check (slot between 0 and 15)
) with (fillfactor = 50);
comment on table sor.tenant_usage is
  'How many tasks and undelivered outbox rows each tenant has queued, kept by statement triggers on sor.tasks and sor.outbox: the sum over a tenant''s slots (at most 16; a backend writes the slot of its process id, so concurrent writers of one tenant rarely wait on one row). A slot may be negative; the sum never is.';
alter table sor.tenant_usage enable row level security;
alter table sor.tenant_usage force row level security;
alter table sor.tenant_usage set (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 200,
                                  autovacuum_analyze_scale_factor = 0.02, autovacuum_vacuum_cost_delay = 0);

-- Who listens for task wake-ups: a backend that asked sor_api.wakeup_channel('tasks', queue) for an
-- existing queue, by process id. The enqueue paths notify a queue's channel only while one of its
-- listeners' backends is alive, so queueing where nobody listens sends no NOTIFY (a notifying
-- commit serialises with every other notifying commit).
create table sor.task_listeners (
  queue       text        not null,
  pid         integer     not null,
  listened_at timestamptz not null default pg_catalog.clock_timestamp(),
  constraint task_listeners_pkey primary key (queue, pid)
);
comment on table sor.task_listeners is
  'Backends that asked for the wake-up channel of a queue (sor_api.wakeup_channel(''tasks'', queue)), by process id; rows of ended backends are removed by the next registration and ignored before that. Written and read by definer functions only.';
alter table sor.task_listeners enable row level security;
alter table sor.task_listeners force row level security;

reset role;

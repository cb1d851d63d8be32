-- Task and queue policies, the task event triggers (ENABLE ALWAYS), the dedupe keys, and the grants
-- of Workers (queueing, claims) and admins (queues, dead tasks).
set role sor_owner;

select sor.ensure_policy('sor.tasks', 'tasks_owner_all', 'ALL', array['sor_owner']::name[], 'true', 'true');
select sor.ensure_policy('sor.tasks', 'tasks_tenant_select', 'SELECT', array['sor_tenant']::name[],
                         'tenant_id in (select sor_guard.current_tenants())');
select sor.ensure_policy('sor.tasks', 'tasks_auditor_select', 'SELECT', array['sor_auditor']::name[], 'true');
comment on policy tasks_owner_all on sor.tasks is 'Definer functions run as sor_owner and enforce their own checks.';
comment on policy tasks_tenant_select on sor.tasks is 'A tenant member reads only its tenants'' tasks.';
comment on policy tasks_auditor_select on sor.tasks is 'Auditors read every task.';

select sor.ensure_policy('sor.finished_tasks', 'finished_tasks_owner_all', 'ALL', array['sor_owner']::name[], 'true', 'true');
select sor.ensure_policy('sor.finished_tasks', 'finished_tasks_tenant_select', 'SELECT', array['sor_tenant']::name[],
                         'tenant_id in (select sor_guard.current_tenants())');
select sor.ensure_policy('sor.finished_tasks', 'finished_tasks_auditor_select', 'SELECT', array['sor_auditor']::name[], 'true');
comment on policy finished_tasks_owner_all on sor.finished_tasks is 'Definer functions run as sor_owner and enforce their own checks.';
comment on policy finished_tasks_tenant_select on sor.finished_tasks is 'A tenant member reads only its tenants'' finished tasks.';
comment on policy finished_tasks_auditor_select on sor.finished_tasks is 'Auditors read every finished task.';

select sor.ensure_policy('sor.dedupe_keys', 'dedupe_keys_owner_all', 'ALL', array['sor_owner']::name[], 'true', 'true');
select sor.ensure_policy('sor.dedupe_keys', 'dedupe_keys_auditor_select', 'SELECT', array['sor_auditor']::name[], 'true');
comment on policy dedupe_keys_owner_all on sor.dedupe_keys is 'Definer functions run as sor_owner and enforce their own checks.';
comment on policy dedupe_keys_auditor_select on sor.dedupe_keys is 'Auditors read every dedupe key.';

create or replace trigger tasks_dedupe
  before insert on sor.tasks
  for each row when (new.dedupe_key is not null) execute function sor.tg_tasks__dedupe();
alter table sor.tasks enable always trigger tasks_dedupe;
comment on trigger tasks_dedupe on sor.tasks is 'Claims the dedupe key in sor.dedupe_keys, or skips a row whose key is taken.';

create or replace trigger tasks_quota
  after insert on sor.tasks
  referencing new table as new_rows
  for each statement execute function sor.tg_tasks__quota();
alter table sor.tasks enable always trigger tasks_quota;
comment on trigger tasks_quota on sor.tasks is 'Once per INSERT statement: the tasks it queued count against their tenants'' quotas (SR065 past it).';

create or replace trigger tasks_events_update
  after update on sor.tasks
  referencing old table as old_rows new table as new_rows
  for each statement execute function sor.tg_tasks__events_update();
alter table sor.tasks enable always trigger tasks_events_update;
comment on trigger tasks_events_update on sor.tasks is 'Every claim that ends on the live queue (failed, or a lapsed claim taken back) writes its attempt''s event to stream task-<id>.';

-- quotas: the counters and limits are the owner's; admins set and read them through sor_api
select sor.ensure_policy('sor.tenant_usage', 'tenant_usage_owner_all', 'ALL', array['sor_owner']::name[], 'true', 'true');
select sor.ensure_policy('sor.tenant_usage', 'tenant_usage_auditor_select', 'SELECT', array['sor_auditor']::name[], 'true');
comment on policy tenant_usage_owner_all on sor.tenant_usage is 'The quota triggers and definer functions run as sor_owner.';
comment on policy tenant_usage_auditor_select on sor.tenant_usage is 'Auditors read every tenant''s counts.';
select sor.ensure_policy('sor.tenant_quotas', 'tenant_quotas_owner_all', 'ALL', array['sor_owner']::name[], 'true', 'true');
select sor.ensure_policy('sor.tenant_quotas', 'tenant_quotas_auditor_select', 'SELECT', array['sor_auditor']::name[], 'true');
comment on policy tenant_quotas_owner_all on sor.tenant_quotas is 'sor_api.set_quota runs as sor_owner.';
comment on policy tenant_quotas_auditor_select on sor.tenant_quotas is 'Auditors read every tenant''s quota.';
revoke all on sor.tenant_usage, sor.tenant_quotas, sor.quota_defaults from sor_tenant, sor_auditor;
grant select on sor.tenant_usage, sor.tenant_quotas, sor.quota_defaults to sor_auditor;
grant execute on function sor_api.set_quota(text, text, bigint) to sor_admin;
grant execute on function sor_api.quotas(text) to sor_admin;

-- the quota counts, taken from the tables whenever this file runs (first with V090's new tables,
-- then whenever it changes): writers of the tasks and the outbox wait for the end of the run, so
-- the counts are exact, and any drift (a row the owner deleted by hand) is mended. Here, after the
-- journal's policies, not in V090: holding the outbox from V090 on deadlocked with commit_step (a
-- run, then its outbox rows) when the journal's policies took sor.runs.
lock table sor.tasks, sor.outbox in share row exclusive mode;
delete from sor.tenant_usage;
insert into sor.tenant_usage (tenant_id, kind, slot, pending)
select t.tenant_id, 'tasks', 0, count(*) from sor.tasks t group by t.tenant_id;
insert into sor.tenant_usage (tenant_id, kind, slot, pending)
select o.tenant_id, 'outbox', 0, count(*) from sor.outbox o where sor.outbox_counts(o.status) group by o.tenant_id;
-- and every tenant's 16 slots of each kind, as sor_api.add_tenant makes them (sor.quota_count, from
-- 0.4.0, counts in a slot no other open transaction holds, which only a committed row can say)
select sor.make_quota_slots(array(select t.tenant_id from sor.tenants t));

create or replace trigger finished_tasks_events_insert
  after insert on sor.finished_tasks
  referencing new table as new_rows
  for each statement execute function sor.tg_finished_tasks__events_insert();
create or replace trigger finished_tasks_events_delete
  after delete on sor.finished_tasks
  referencing old table as old_rows
  for each statement execute function sor.tg_finished_tasks__events_delete();
alter table sor.finished_tasks enable always trigger finished_tasks_events_insert;
alter table sor.finished_tasks enable always trigger finished_tasks_events_delete;
comment on trigger finished_tasks_events_insert on sor.finished_tasks is 'Every task that ends writes task.completed or task.dead to stream task-<id> (no task.completed on a queue whose completion_record is row).';
comment on trigger finished_tasks_events_delete on sor.finished_tasks is 'Every dead task put back in its queue writes task.retried.';

revoke all on sor.tasks, sor.finished_tasks, sor.dedupe_keys from sor_tenant, sor_auditor;
grant select (tenant_id, task_id, queue, subject, payload, priority, run_after, attempts, max_attempts,
              dedupe_key, status, claimed_by, lease_expires_at, last_error, result, created_at, finished_at)
  on sor.tasks to sor_tenant, sor_auditor;
grant select on sor.finished_tasks to sor_tenant, sor_auditor;
grant select on sor.dedupe_keys to sor_auditor;
grant select on sor.queues to sor_auditor, sor_admin;

grant execute on function sor_api.enqueue_task(text, text, text, jsonb, text, integer, interval, integer) to sor_worker;
grant execute on function sor_api.enqueue_tasks(text, text, jsonb) to sor_worker;
grant execute on function sor_api.claim_tasks(text, integer, interval) to sor_worker;
grant execute on function sor_api.claim_tasks(text, integer, interval, text) to sor_worker;
grant execute on function sor_api.heartbeat_task(bigint, bigint) to sor_worker;
grant execute on function sor_api.complete_task(bigint, bigint, jsonb) to sor_worker;
grant execute on function sor_api.complete_tasks(jsonb) to sor_worker;
grant execute on function sor_api.fail_task(bigint, bigint, text) to sor_worker;
grant execute on function sor_api.fail_tasks(jsonb) to sor_worker;
grant execute on function sor_api.create_queue(text, text, integer, interval, interval) to sor_admin;
grant execute on function sor_api.set_completion_record(text, text) to sor_admin;
grant execute on function sor_api.dead_tasks(text, integer) to sor_admin;
grant execute on function sor_api.retry_task(bigint) to sor_admin;
-- the queue's and the outbox's metrics (R__426_queue_metrics.sql): every reader of a tenant's work
grant execute on function sor_api.queue_metrics() to sor_worker, sor_dispatcher, sor_tenant, sor_auditor;
grant execute on function sor_api.outbox_metrics() to sor_worker, sor_dispatcher, sor_tenant, sor_auditor;

-- the listeners of task wake-ups (V090): registered and read by definer functions only
select sor.ensure_policy('sor.task_listeners', 'task_listeners_owner_all', 'ALL', array['sor_owner']::name[], 'true', 'true');
comment on policy task_listeners_owner_all on sor.task_listeners is 'sor.task_listen and sor.wake_tasks run as sor_owner.';

-- the tasks of a run (R__424_run_tasks.sql): written by the definer functions, read by forensics
select sor.ensure_policy('sor.run_tasks', 'run_tasks_owner_all', 'ALL', array['sor_owner']::name[], 'true', 'true');
select sor.ensure_policy('sor.run_tasks', 'run_tasks_auditor_select', 'SELECT', array['sor_auditor']::name[], 'true');
comment on policy run_tasks_owner_all on sor.run_tasks is 'enqueue_task_in_run and claim_tasks_in_run (definer, the run checked by session_user) link tasks as sor_owner.';
comment on policy run_tasks_auditor_select on sor.run_tasks is 'Auditors read every run''s tasks.';
grant select on sor.run_tasks to sor_auditor;
grant execute on function sor_api.claim_tasks_in_run(uuid, text, integer, interval) to sor_worker;
grant execute on function sor_api.enqueue_task_in_run(uuid, text, text, jsonb, text, integer, interval, integer) to sor_worker;

select sor_guard.classify('table', 'sor.tasks', 'queue');
select sor_guard.classify('constraint', 'dedupe_keys_pkey on sor.dedupe_keys', 'dedupe');

reset role;

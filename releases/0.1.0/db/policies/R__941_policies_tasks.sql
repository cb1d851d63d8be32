-- Task and queue policies, the tasks status-change event triggers (ENABLE ALWAYS), and the grants
-- of Workers (claims) and admins (queues, dead tasks).
set role sor_owner;

select sor.ensure_policy('sor.tasks', 'tasks_owner_all', 'ALL', array['sor_owner']::name[], 'true', 'true');
select sor.ensure_policy('sor.tasks', 'tasks_tenant_select', 'SELECT', array['sor_tenant']::name[],
                         'tenant_id in (select sor.current_tenants())');
select sor.ensure_policy('sor.tasks', 'tasks_auditor_select', 'SELECT', array['sor_auditor']::name[], 'true');
comment on policy tasks_owner_all on sor.tasks is 'Definer functions run as sor_owner and enforce their own checks.';
comment on policy tasks_tenant_select on sor.tasks is 'A tenant member reads only its tenants'' tasks.';
comment on policy tasks_auditor_select on sor.tasks is 'Auditors read every task.';

create or replace trigger tasks_events_insert
  after insert on sor.tasks
  referencing new table as new_rows
  for each statement execute function sor.tg_tasks__events_insert();
create or replace trigger tasks_events_update
  after update on sor.tasks
  referencing old table as old_rows new table as new_rows
  for each statement execute function sor.tg_tasks__events_update();
alter table sor.tasks enable always trigger tasks_events_insert;
alter table sor.tasks enable always trigger tasks_events_update;
comment on trigger tasks_events_insert on sor.tasks is 'Every new task writes task.enqueued to stream task-<id>.';
comment on trigger tasks_events_update on sor.tasks is 'Every task status change (and every lease taken back) writes its event to stream task-<id>.';

revoke all on sor.tasks from sor_tenant, sor_auditor;
grant select (tenant_id, task_id, queue, subject, payload, priority, run_after, attempts, max_attempts,
              dedupe_key, status, claimed_by, lease_expires_at, last_error, result, created_at, finished_at)
  on sor.tasks to sor_tenant, sor_auditor;
grant select on sor.queues to sor_auditor, sor_admin;

grant execute on function sor_api.enqueue_task(text, text, text, jsonb, text, integer, interval, integer) to sor_worker;
grant execute on function sor_api.claim_tasks(text, integer, interval) to sor_worker;
grant execute on function sor_api.heartbeat_task(bigint, bigint) to sor_worker;
grant execute on function sor_api.complete_task(bigint, bigint, jsonb) to sor_worker;
grant execute on function sor_api.fail_task(bigint, bigint, text) to sor_worker;
grant execute on function sor_api.create_queue(text, text, integer, interval, interval) to sor_admin;
grant execute on function sor_api.dead_tasks(text, integer) to sor_admin;
grant execute on function sor_api.retry_task(bigint) to sor_admin;

reset role;

-- V112: a queue's wake-up is sent only for the tenants its listeners belong to.
--
-- Why: a backend that asked sor_api.wakeup_channel('tasks', queue) was registered for the whole
--      queue, and every transaction that queued tasks on it, of any tenant, then sent a NOTIFY.
--      A notifying commit serialises with every other notifying commit of the server, so one
--      listener of any tenant slowed every tenant's enqueues on the queue: on a PostgreSQL 17
--      copy (durable, 4 clients enqueueing one task each), 4,220 tasks a second without a
--      listener, 2,390 with one Worker's connection registered. Listeners are now recorded with
--      their login (role_name) and its tenants when it asked (tenant_ids, from the tenancy rule
--      sor_guard.member_tenants), and an enqueue notifies only while a live listener was
--      registered for a tenant whose tasks it queued: a tenant's listeners cost only that tenant's
--      enqueues. The registrations of the earlier release are dropped: the channels were renamed
--      by V110, so every listener asks again (on every reconnect, as the docs say).
-- Locks: ACCESS EXCLUSIVE on sor.task_listeners (backends' registrations only) for the column.
-- Reversal: alter table sor.task_listeners drop column role_name, drop column tenant_ids; then the
--      functions of the earlier release.
set local lock_timeout = '5s';
set role sor_owner;

delete from sor.task_listeners;
alter table sor.task_listeners
  add column role_name name not null,
  add column tenant_ids text[] not null;
comment on column sor.task_listeners.role_name is 'The login (session_user) that asked for the channel.';
comment on column sor.task_listeners.tenant_ids is
  'The tenants that login was a member of when it asked: an enqueue notifies only for these (asking again registers the tenants of now).';
comment on table sor.task_listeners is
  'Backends that asked for the wake-up channel of a queue (sor_api.wakeup_channel(''tasks'', queue)), by process id, login and the login''s tenants when it asked; an enqueue notifies only while such a backend is alive and was registered for a tenant whose tasks it queued. Rows of ended backends are removed by the next registration and ignored before that. Written and read by definer functions only.';

reset role;

-- Subscriptions and wake-ups: the wake-up trigger on sor.events (ENABLE ALWAYS), the owner's
-- policy on sor.subscriptions (only the definer functions touch it), the auditor's read, grants.
set role sor_owner;

create or replace trigger events_wakeup
  after insert on sor.events
  referencing new table as appended
  for each statement execute function sor.tg_events__wakeup();
alter table sor.events enable always trigger events_wakeup;
comment on trigger events_wakeup on sor.events is
  'Wake-ups: after each statement that appends events, a NOTIFY on the wake-up channel of each tenant that has a subscription.';

select sor.ensure_policy('sor.subscriptions', 'subscriptions_owner_all', 'ALL', array['sor_owner']::name[], 'true', 'true');
select sor.ensure_policy('sor.subscriptions', 'subscriptions_auditor_select', 'SELECT', array['sor_auditor']::name[], 'true');
comment on policy subscriptions_owner_all on sor.subscriptions is 'The subscription functions (definer, membership checked by session_user) read and move checkpoints as sor_owner.';
comment on policy subscriptions_auditor_select on sor.subscriptions is 'Auditors read every subscription and its checkpoint.';
grant select on sor.subscriptions to sor_auditor;

grant execute on function sor_api.wakeup_channel(text, text) to sor_worker, sor_tenant, sor_auditor, sor_dispatcher;
grant execute on function sor_api.subscribe(text, text, text, boolean) to sor_worker, sor_tenant, sor_auditor;
grant execute on function sor_api.read_subscription(text, text, integer) to sor_worker, sor_tenant, sor_auditor;
grant execute on function sor_api.ack_subscription(text, text, bigint) to sor_worker, sor_tenant, sor_auditor;
grant execute on function sor_api.subscriptions(text) to sor_worker, sor_tenant, sor_auditor;
grant execute on function sor_api.unsubscribe(text, text) to sor_worker, sor_tenant, sor_auditor;

reset role;

-- Subscriptions and wake-ups: the owner's policy on sor.subscriptions (only the definer functions
-- touch it), the auditor's read, grants.
set role sor_owner;

select sor.ensure_policy('sor.subscriptions', 'subscriptions_owner_all', 'ALL', array['sor_owner']::name[], 'true', 'true');
select sor.ensure_policy('sor.subscriptions', 'subscriptions_auditor_select', 'SELECT', array['sor_auditor']::name[], 'true');
comment on policy subscriptions_owner_all on sor.subscriptions is 'The subscription functions (definer, membership checked by session_user) read and move checkpoints as sor_owner.';
comment on policy subscriptions_auditor_select on sor.subscriptions is 'Auditors read every subscription and its checkpoint.';
grant select on sor.subscriptions to sor_auditor;

-- the wake-up secret: read and replaced only by the kit's definer functions (sor.wakeup_channel,
-- sor_api.rotate_wakeup_channels); no role is granted anything on it, auditors included
select sor.ensure_policy('sor.wakeup_secret', 'wakeup_secret_owner_all', 'ALL', array['sor_owner']::name[], 'true', 'true');
comment on policy wakeup_secret_owner_all on sor.wakeup_secret is 'The wake-up functions (definer) read the secret and sor_api.rotate_wakeup_channels replaces it as sor_owner.';

grant execute on function sor_api.wakeup_channel(text, text) to sor_worker, sor_tenant, sor_auditor, sor_dispatcher;
grant execute on function sor_api.rotate_wakeup_channels() to sor_admin;
grant execute on function sor_api.subscribe(text, text, text, boolean) to sor_worker, sor_tenant, sor_auditor;
grant execute on function sor_api.read_subscription(text, text, integer) to sor_worker, sor_tenant, sor_auditor;
grant execute on function sor_api.ack_subscription(text, text, bigint) to sor_worker, sor_tenant, sor_auditor;
grant execute on function sor_api.subscriptions(text) to sor_worker, sor_tenant, sor_auditor;
grant execute on function sor_api.unsubscribe(text, text) to sor_worker, sor_tenant, sor_auditor;

reset role;

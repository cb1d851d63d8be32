-- Outbox policies. Reading and writing go through sor_api functions that run as sor_owner.
set role sor_owner;

select sor.ensure_policy('sor.outbox', 'outbox_owner_all', 'ALL', array['sor_owner']::name[], 'true', 'true');
select sor.ensure_policy('sor.outbox', 'outbox_auditor_select', 'SELECT', array['sor_auditor']::name[], 'true');
comment on policy outbox_owner_all on sor.outbox is 'Definer functions run as sor_owner and enforce their own checks.';
comment on policy outbox_auditor_select on sor.outbox is 'Auditors read every outbox row.';

reset role;

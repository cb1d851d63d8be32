-- Reconciler policies and grants: the owner (definer tool functions) writes, tenant members read
-- their own tenants' rows, auditors read all. Created or altered, never dropped.
set role sor_owner;

select sor.ensure_policy('reconciler.categories', 'categories_owner_all', 'ALL', array['sor_owner']::name[], 'true', 'true');
select sor.ensure_policy('reconciler.categories', 'categories_tenant_select', 'SELECT', array['sor_tenant']::name[],
                         'tenant_id in (select sor_guard.current_tenants())');
select sor.ensure_policy('reconciler.categories', 'categories_auditor_select', 'SELECT', array['sor_auditor']::name[], 'true');
select sor.ensure_policy('reconciler.category_rules', 'category_rules_owner_all', 'ALL', array['sor_owner']::name[], 'true', 'true');
select sor.ensure_policy('reconciler.category_rules', 'category_rules_auditor_select', 'SELECT', array['sor_auditor']::name[], 'true');
select sor.ensure_policy('reconciler.pending_transactions', 'pending_transactions_owner_all', 'ALL', array['sor_owner']::name[], 'true', 'true');
select sor.ensure_policy('reconciler.pending_transactions', 'pending_transactions_tenant_select', 'SELECT', array['sor_tenant']::name[],
                         'tenant_id in (select sor_guard.current_tenants())');
select sor.ensure_policy('reconciler.pending_transactions', 'pending_transactions_auditor_select', 'SELECT', array['sor_auditor']::name[], 'true');
select sor.ensure_policy('reconciler.expenses', 'expenses_owner_all', 'ALL', array['sor_owner']::name[], 'true', 'true');
select sor.ensure_policy('reconciler.expenses', 'expenses_tenant_select', 'SELECT', array['sor_tenant']::name[],
                         'tenant_id in (select sor_guard.current_tenants())');
select sor.ensure_policy('reconciler.expenses', 'expenses_auditor_select', 'SELECT', array['sor_auditor']::name[], 'true');

comment on policy categories_owner_all on reconciler.categories is 'Definer functions run as sor_owner and enforce their own checks.';
comment on policy categories_tenant_select on reconciler.categories is 'A tenant member reads its tenants'' categories.';
comment on policy categories_auditor_select on reconciler.categories is 'Auditors read every category.';
comment on policy category_rules_owner_all on reconciler.category_rules is 'Definer functions run as sor_owner; rules are not shown to tenants.';
comment on policy category_rules_auditor_select on reconciler.category_rules is 'Auditors read every rule.';
comment on policy pending_transactions_owner_all on reconciler.pending_transactions is 'Definer functions run as sor_owner and enforce their own checks.';
comment on policy pending_transactions_tenant_select on reconciler.pending_transactions is 'A tenant member reads its tenants'' bank rows.';
comment on policy pending_transactions_auditor_select on reconciler.pending_transactions is 'Auditors read every bank row.';
comment on policy expenses_owner_all on reconciler.expenses is 'Definer functions run as sor_owner and enforce their own checks.';
comment on policy expenses_tenant_select on reconciler.expenses is 'A tenant member reads only its tenants'' expenses.';
comment on policy expenses_auditor_select on reconciler.expenses is 'Auditors read every expense.';

grant usage on schema reconciler to sor_tenant, sor_auditor;
grant select on reconciler.categories, reconciler.pending_transactions, reconciler.expenses to sor_tenant, sor_auditor;
grant select on reconciler.category_rules to sor_auditor;

reset role;

-- Setting up a Reconciler tenant: its categories and the rules that stand in for the model.
set role sor_owner;

create or replace function reconciler.setup_tenant(tenant_id text)
returns integer
language plpgsql
volatile
security definer
set search_path = pg_catalog, reconciler, sor, pg_temp
set jit = off
as $$
begin
  perform 1 from sor.tenants t where t.tenant_id = setup_tenant.tenant_id;
  if not found then
    raise exception 'unknown tenant %', coalesce(quote_literal(setup_tenant.tenant_id), 'NULL')
      using errcode = 'SR002', hint = 'Create the tenant first with sor_api.add_tenant.';
  end if;
  insert into reconciler.categories (tenant_id, category_id, label)
  select setup_tenant.tenant_id, c.id, c.label
    from (values ('travel', 'Travel'), ('meals', 'Meals'), ('software', 'Software'),
                 ('office', 'Office supplies'), ('uncategorised', 'Needs review')) c(id, label)
  on conflict on constraint categories_pkey do nothing;
  insert into reconciler.category_rules (tenant_id, rule_id, pattern, category_id)
  select setup_tenant.tenant_id, r.id, r.pattern, r.category
    from (values (10, '(airline|rail|taxi|uber|hotel)', 'travel'),
                 (20, '(restaurant|cafe|coffee|lunch)', 'meals'),
                 (30, '(github|aws|cloud|saas|licen)', 'software'),
                 (40, '(staples|paper|printer|desk)', 'office')) r(id, pattern, category)
  on conflict on constraint category_rules_pkey do nothing;
  return (select count(*)::integer from reconciler.categories c where c.tenant_id = setup_tenant.tenant_id);
end
$$;
comment on function reconciler.setup_tenant(text) is
  'Gives a tenant the standard categories and categorisation rules; idempotent. SR002 unknown tenant.';

grant execute on function reconciler.setup_tenant(text) to sor_admin;

reset role;

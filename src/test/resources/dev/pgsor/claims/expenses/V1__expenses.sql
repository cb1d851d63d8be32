-- V1 (outbox test domain): fixture.expenses, and a sor_owner SECURITY DEFINER function that writes
-- an expense and its confirmation-email intent (through sor.enqueue_outbox) in the caller's
-- transaction, the way a domain function does. Migrated by the kit as a module of the outbox suites.
-- Locks: creates a new schema and a new table only.
-- Reversal: none; it lives in test databases.
create schema fixture authorization sor_owner;
set role sor_owner;
create table fixture.expenses (
  tenant_id  text not null references sor.tenants (tenant_id),
  expense_id int not null,
  amount     numeric not null,
  primary key (tenant_id, expense_id));
alter table fixture.expenses enable row level security;
alter table fixture.expenses force row level security;
create policy expenses_owner_all on fixture.expenses for all to sor_owner using (true) with check (true);
create function fixture.record_expense(tenant_id text, expense_id int, amount numeric, fail boolean default false)
returns bigint
language plpgsql volatile security definer
set search_path = pg_catalog, sor, pg_temp
as $$
declare
  _outbox bigint;
begin
  if not exists (select 1 from sor.tenant_members m
                  where m.tenant_id = record_expense.tenant_id and m.role_name = session_user) then
    raise exception 'not a member' using errcode = '42501';
  end if;
  insert into fixture.expenses (tenant_id, expense_id, amount)
  values (record_expense.tenant_id, record_expense.expense_id, record_expense.amount)
  on conflict do nothing;
  _outbox := sor.enqueue_outbox(record_expense.tenant_id, 'email.expense-confirmation', 'expense',
                                record_expense.expense_id::text,
                                jsonb_build_object('amount', record_expense.amount), '{}'::jsonb,
                                'expense-' || record_expense.expense_id || '-confirmation');
  if record_expense.fail then
    raise exception 'failed after writing' using errcode = 'P0001';
  end if;
  return _outbox;
end
$$;
revoke execute on function fixture.record_expense(text, int, numeric, boolean) from public;
grant usage on schema fixture to sor_worker;
grant execute on function fixture.record_expense(text, int, numeric, boolean) to sor_worker;
reset role;

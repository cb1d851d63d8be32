-- V001 (reconciler): the Expense Reconciler domain: bank-statement rows waiting to be reconciled,
-- categories with their deterministic rules, and the expenses the Worker writes.
--
-- Why: the reference Worker of pg-sor. Every table is tenant-scoped (tenant_id leads every key),
--      natural keys make retried writes idempotent, RLS is forced, and the schema is registered
--      with the kit so certify() sweeps it and the drop guard protects it.
-- Locks: creates a new schema and new tables only.
-- Reversal: drop schema reconciler cascade, with a drop-guard approval naming the schema.
create schema reconciler authorization sor_owner;
comment on schema reconciler is 'The Expense Reconciler reference domain.';
select sor_api.register_domain_schema('reconciler');
revoke all on schema reconciler from public;

set role sor_owner;

create table reconciler.categories (
  tenant_id   text not null,
  category_id text not null,
  label       text not null,
  constraint categories_pkey primary key (tenant_id, category_id),
  constraint categories_tenant_fkey foreign key (tenant_id) references sor.tenants (tenant_id),
  constraint categories_id_format check (category_id ~ '^[a-z][a-z0-9_]{0,39}$')
);
comment on table reconciler.categories is 'Expense categories of a tenant.';

create table reconciler.category_rules (
  tenant_id   text    not null,
  rule_id     integer not null,
  pattern     text    not null,
  category_id text    not null,
  constraint category_rules_pkey primary key (tenant_id, rule_id),
  constraint category_rules_category_fkey foreign key (tenant_id, category_id)
    references reconciler.categories (tenant_id, category_id)
);
comment on table reconciler.category_rules is
  'Deterministic categorisation rules standing in for the model: the lowest rule_id whose pattern (case-insensitive regular expression) matches the description wins.';

create table reconciler.pending_transactions (
  tenant_id      text          not null,
  bank_txn_id    text          not null,
  account_holder text          not null,
  holder_email   text          not null,
  booked_on      date          not null,
  description    text          not null,
  amount         numeric(12,2) not null,
  currency       char(3)       not null,
  status         text          not null default 'pending',
  ingested_at    timestamptz   not null default pg_catalog.now(),
  constraint pending_transactions_pkey primary key (tenant_id, bank_txn_id),
  constraint pending_transactions_tenant_fkey foreign key (tenant_id) references sor.tenants (tenant_id),
  constraint pending_transactions_status_check check (status in ('pending', 'reconciled')),
  constraint pending_transactions_txn_format check (bank_txn_id ~ '^[A-Za-z0-9_.:-]{1,64}$'),
  constraint pending_transactions_currency_format check (currency ~ '^[A-Z]{3}$'),
  constraint pending_transactions_email_format check (holder_email ~ '^[^@\s]+@[^@\s]+$')
) with (fillfactor = 90);
create index pending_transactions_pending_idx on reconciler.pending_transactions (tenant_id, booked_on)
  where status = 'pending';
comment on table reconciler.pending_transactions is
  'Bank-statement rows waiting to be reconciled; natural key tenant + bank transaction id, so a re-ingested statement adds nothing.';

create table reconciler.expenses (
  tenant_id      text          not null,
  expense_id     bigint        not null generated always as identity,
  bank_txn_id    text          not null,
  account_holder text          not null,
  category_id    text          not null,
  amount         numeric(12,2) not null,
  currency       char(3)       not null,
  booked_on      date          not null,
  description    text          not null,
  run_id         uuid,
  tool_call_id   uuid,
  recorded_by    name          not null default session_user,
  recorded_at    timestamptz   not null default pg_catalog.now(),
  constraint expenses_pkey primary key (tenant_id, expense_id),
  constraint expenses_source_key unique (tenant_id, bank_txn_id),
  constraint expenses_source_fkey foreign key (tenant_id, bank_txn_id)
    references reconciler.pending_transactions (tenant_id, bank_txn_id),
  constraint expenses_category_fkey foreign key (tenant_id, category_id)
    references reconciler.categories (tenant_id, category_id)
);
comment on table reconciler.expenses is
  'Categorised expenses. Natural key tenant + source bank transaction: a retried Worker cannot write the same expense twice.';
comment on column reconciler.expenses.tool_call_id is 'The journaled tool call that wrote the row.';

alter table reconciler.categories enable row level security;
alter table reconciler.categories force row level security;
alter table reconciler.category_rules enable row level security;
alter table reconciler.category_rules force row level security;
alter table reconciler.pending_transactions enable row level security;
alter table reconciler.pending_transactions force row level security;
alter table reconciler.expenses enable row level security;
alter table reconciler.expenses force row level security;

reset role;

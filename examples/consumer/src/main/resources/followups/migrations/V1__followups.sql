-- V1 (followups): the follow-ups a Worker schedules with a tenant's customers.
--
-- Why: the team's own table on top of pg-sor. It is tenant-scoped (tenant_id leads the key), RLS
--      is forced, and the schema is registered with the kit, so certify() sweeps it and the drop
--      guard protects it.
-- Locks: creates a new schema and a new table only.
-- Reversal: drop schema followups cascade, with a drop-guard approval naming the schema.
create schema followups authorization sor_owner;
comment on schema followups is 'Follow-ups with customers, scheduled by Workers through the schedule_followup tool.';
select sor_api.register_domain_schema('followups');
revoke all on schema followups from public;

set role sor_owner;

create table followups.followups (
  tenant_id   text        not null references sor.tenants (tenant_id),
  followup_id bigint      not null generated always as identity,
  customer    text        not null,
  due_on      date        not null,
  note        text        not null default '',
  run_id      uuid,
  created_by  name        not null default session_user,
  created_at  timestamptz not null default pg_catalog.now(),
  constraint followups_pkey primary key (tenant_id, followup_id),
  constraint followups_customer_length check (length(customer) between 1 and 200)
);
comment on table followups.followups is
  'A follow-up with a customer of a tenant; written only by the schedule_followup tool, read by the tenant''s members.';
comment on column followups.followups.run_id is 'The Worker run whose tool call scheduled it.';

alter table followups.followups enable row level security;
alter table followups.followups force row level security;
create policy followups_owner_all on followups.followups for all to sor_owner using (true) with check (true);
create policy followups_tenant_select on followups.followups for select to sor_tenant
  using (tenant_id in (select sor_guard.current_tenants()));
create policy followups_auditor_select on followups.followups for select to sor_auditor using (true);
comment on policy followups_owner_all on followups.followups is 'The tool function runs as sor_owner and checks its own input.';
comment on policy followups_tenant_select on followups.followups is 'A tenant member reads its tenants'' follow-ups.';
comment on policy followups_auditor_select on followups.followups is 'Auditors read every follow-up.';

grant usage on schema followups to sor_tenant, sor_auditor;
grant select on followups.followups to sor_tenant, sor_auditor;

reset role;

-- V011: sor.append_only_tables, the registry of tables whose rows are never changed or removed.
--
-- Why: certify() must check every append-only table, including ones added later (the journal,
--      domain audit tables). A table counts as append-only when it is registered here or when any
--      trigger on it calls a refusing trigger function (sor.tg_<name>__refuse_change). The
--      registry keeps a table in the check even after its triggers are dropped. The registry is
--      itself append-only: un-registering a table is a refused DELETE, like any other change.
--      A later migration registers its table with
--        insert into sor.append_only_tables (table_schema, table_name) values ('sor', 'x');
-- Locks: creates a new table only.
-- Reversal: drop table sor.append_only_tables (guarded: needs an approval; certify then checks
--      only tables that still carry a refusing trigger).
set role sor_owner;
set local lock_timeout = '5s';

create table sor.append_only_tables (
  table_schema  name        not null,
  table_name    name        not null,
  registered_at timestamptz not null default pg_catalog.now(),
  registered_by name        not null default session_user,
  constraint append_only_tables_pkey primary key (table_schema, table_name)
);

comment on table sor.append_only_tables is
  'Registry of append-only tables: certify() requires BEFORE UPDATE/DELETE row and BEFORE TRUNCATE statement refusal triggers, ENABLE ALWAYS, on each. Itself append-only.';
comment on column sor.append_only_tables.table_schema is 'Schema of the registered table; kept by name so a dropped table shows up in certify() as missing.';
comment on column sor.append_only_tables.registered_by is 'session_user of the migration that registered the table.';

insert into sor.append_only_tables (table_schema, table_name)
values ('sor', 'events'), ('sor', 'append_only_tables');

reset role;

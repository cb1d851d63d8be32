-- V085: the contract a database keeps, in the database (sor_guard.contracts), so that a client can
-- ask at startup, in one call, whether the database keeps the contract the client was built for
-- (sor_api.check_contract). The release callback records the release's contract snapshot
-- (db/contract.txt, which it carries) after every migrate of the kernel that changes it.
--
-- Locks: a new table only.
-- Reversal: the table is append-only and guarded; an older release ignores it.
set local lock_timeout = '5s';
set role sor_guardian;

create table sor_guard.contracts (
  entry_id    bigint      not null generated always as identity,
  version     text        not null,
  digest      text        not null,
  contract    text        not null,
  recorded_at timestamptz not null default pg_catalog.clock_timestamp(),
  recorded_by name        not null default session_user,
  constraint contracts_pkey primary key (entry_id),
  constraint contracts_digest_format check (digest ~ '^sha256:[0-9a-f]{64}$'),
  constraint contracts_version_format check (version ~ '^[0-9]+\.[0-9]+\.[0-9]+$')
);

comment on table sor_guard.contracts is
  'Append-only record of the contract snapshots (db/contract.txt of each release) this database has kept: the latest row is the contract sor_api.check_contract compares a client''s with. Written only by the release callback through sor_guard.record_contract.';
comment on column sor_guard.contracts.contract is 'The contract snapshot''s text, as the release shipped it.';
comment on column sor_guard.contracts.digest is 'sha256: and the sha256 of the text.';

reset role;

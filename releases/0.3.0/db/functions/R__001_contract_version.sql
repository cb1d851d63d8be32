-- sor_api.contract_version(): the semantic version of the contract that consumers build against,
-- the sor_api schema (functions, views, grants) and the documented SQLSTATEs. db/contract.txt is
-- the committed snapshot of that contract; ContractTest fails when the contract changes without
-- the bump semver asks for: a major version for anything removed or altered, a minor version for
-- additions only (docs/contract.md). Change the literal here, record the version in CHANGELOG.md,
-- and regenerate the snapshot in the same commit.
set role sor_owner;

create or replace function sor_api.contract_version()
returns text
language sql
immutable
set jit = off
as $$
  select '0.3.0'::text
$$;
comment on function sor_api.contract_version() is
  'The semantic version (MAJOR.MINOR.PATCH) of the sor_api contract: a client checks the major version at startup and refuses to run against one it was not built for.';

reset role;

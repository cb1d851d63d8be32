-- The contract version, and the check of a client's contract, are for every caller of sor_api: each
-- kit role may ask at startup.
set role sor_owner;

grant execute on function sor_api.contract_version(), sor_api.check_contract(text)
  to sor_worker, sor_dispatcher, sor_tenant, sor_auditor, sor_approver, sor_admin;

reset role;

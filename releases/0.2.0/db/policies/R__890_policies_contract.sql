-- The contract version is for every caller of sor_api: each kit role may read it at startup.
set role sor_owner;

grant execute on function sor_api.contract_version()
  to sor_worker, sor_dispatcher, sor_tenant, sor_auditor, sor_approver, sor_admin;

reset role;

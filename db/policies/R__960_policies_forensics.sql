-- Forensics: grants. The readers are SECURITY DEFINER and decide visibility by session_user
-- (auditor: every tenant; anyone else: the tenants it is a member of). Internal helpers stay
-- the owner's only (PUBLIC gets nothing by default privileges).
set role sor_owner;


grant execute on function sor_api.run_report_facts(uuid) to sor_auditor, sor_tenant, sor_worker;
grant execute on function sor_api.run_report(uuid) to sor_auditor, sor_tenant, sor_worker;
grant execute on function sor_api.run_timeline(uuid) to sor_auditor, sor_tenant, sor_worker;
grant execute on function sor_api.run_timeline(uuid, text, integer) to sor_auditor, sor_tenant, sor_worker;
grant execute on function sor_api.what_happened(timestamptz, timestamptz, text) to sor_auditor, sor_tenant, sor_worker;

reset role;

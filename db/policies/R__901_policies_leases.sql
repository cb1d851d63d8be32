-- Grants of the lease machine (R__012_leases.sql): sor_api.journal_runs is security_invoker, so
-- its readers run the one lease rule (a running run whose lease lapsed reads abandoned); the rule
-- is a definer function, so they need no grant on the clock it reads (sor.lease_clock). The other
-- lease functions are called by the kit's definer functions only.
set role sor_owner;

grant execute on function sor.lease_lapsed(timestamptz) to sor_tenant, sor_auditor, sor_approver;

reset role;

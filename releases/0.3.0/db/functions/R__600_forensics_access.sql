-- Forensics: the access rule every forensic reader shares. A run is readable by a member of
-- sor_auditor, or by a role that is a member of the run's tenant (sor.can_read_tenant, by
-- session_user: the readers are SECURITY DEFINER). A run the caller may not read is reported as
-- unknown (SR090), so its existence does not leak across tenants.
set role sor_owner;

create or replace function sor.forensic_run(run_id uuid)
returns sor.runs
language plpgsql
stable
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
declare
  _r sor.runs;
begin
  if forensic_run.run_id is null then
    raise exception 'run_id must not be null'
      using errcode = 'SR091', hint = 'Pass the run id that start_run returned.';
  end if;
  select r.* into _r from sor.runs r where r.run_id = forensic_run.run_id;
  if not found or not sor_guard.can_read_tenant(_r.tenant_id) then
    raise exception 'unknown run %', forensic_run.run_id
      using errcode = 'SR090', hint = 'A caller reads the runs of tenants it is a member of; an auditor reads every run.';
  end if;
  return _r;
end
$$;
comment on function sor.forensic_run(uuid) is
  'The run the forensic readers report on, if session_user may read it (an auditor, or a member of its tenant). SR091 NULL run id, SR090 unknown run or a run of a tenant the caller may not read.';

reset role;

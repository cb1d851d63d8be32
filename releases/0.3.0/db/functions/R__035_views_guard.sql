-- sor_api.protected_objects: the register of protected objects as auditors read it: what the drop
-- guard protects, its expected state, and why its latest row was written (registered, approved,
-- recorded, tightened, rebound). security_invoker: granted to auditors and admins only.
set role sor_owner;

create or replace view sor_api.protected_objects
with (security_invoker = true, security_barrier = true) as
select r.kind, r.identity, r.present, r.spec, r.reason, r.approval_id, r.recorded_at, r.recorded_by,
       (select pg_catalog.array_agg(c.class order by c.class) from sor_guard.classes c
         where c.kind = r.kind and c.identity = r.identity) as classes
  from sor_guard.registered r;
comment on view sor_api.protected_objects is
  'Every object the drop guard has registered, with its expected state (spec), whether it is still present, the reason its latest register row was written and its declared classes. certify() compares the live catalog with it.';

reset role;

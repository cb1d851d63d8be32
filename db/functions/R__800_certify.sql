-- sor_api.certify(): one row per check of the six properties against the live catalog.
-- Each area of the kit contributes a function sor.certify__<nnn>_<area>() returning
-- (property, check_name, object, ok, detail) per object checked; certify() runs them all, in name
-- order, and collapses every check whose objects all pass into one ok row. A failing check shows
-- one row per failing object. Zero rows with ok = false is the CI gate.
set role sor_owner;

create or replace function sor.certify_raw()
returns table (property text, check_name text, object text, ok boolean, detail text)
language plpgsql
stable
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
declare
  _fn name;
begin
  for _fn in
    select p.proname
      from pg_catalog.pg_proc p
     where p.pronamespace = 'sor'::regnamespace
       and p.proname like 'certify\_\_%'
       and p.pronargs = 0
     order by p.proname
  loop
    return query execute format('select c.property, c.check_name, c.object, c.ok, c.detail from sor.%I() c', _fn);
  end loop;
end
$$;
comment on function sor.certify_raw() is
  'Runs every sor.certify__* check function in name order and returns one row per object checked.';

create or replace function sor_api.certify()
returns table (property text, "check" text, object text, ok boolean, detail text)
language sql
stable
security definer
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
  with raw as (
    select r.property, r.check_name, r.object, r.ok, r.detail,
           row_number() over () as n
      from sor.certify_raw() r
  ), summary as (
    select r.property, r.check_name, bool_and(r.ok) as all_ok, count(*) as objects, min(r.n) as first_n
      from raw r
     group by r.property, r.check_name
  ), rows as (
    select s.property, s.check_name, r.object, r.ok, r.detail, s.first_n, r.n
      from raw r join summary s on s.property = r.property and s.check_name = r.check_name
     where not s.all_ok and not r.ok
    union all
    select s.property, s.check_name,
           case when s.objects = 1 then (select r.object from raw r where r.n = s.first_n)
                else s.objects || ' objects' end,
           true,
           case when s.objects = 1 then (select r.detail from raw r where r.n = s.first_n)
                else 'all ' || s.objects || ' pass' end,
           s.first_n, s.first_n
      from summary s
     where s.all_ok
  )
  select x.property, x.check_name, x.object, x.ok, x.detail
    from rows x
   order by array_position(array['durable', 'addressable', 'governed', 'replayable', 'inspectable', 'policy-bound'],
                           x.property), x.first_n, x.n
$$;
comment on function sor_api.certify() is
  'The CI gate: one row per check of the six system-of-record properties (failing checks show one row per failing object). Zero rows with ok = false means certified.';

grant execute on function sor_api.certify() to sor_auditor, sor_admin;

reset role;

-- sor_api.certify(): one row per check of the six properties against the live catalog.
-- Each area of the kit contributes a function sor.certify__<nnn>_<area>() returning
-- (property, check_name, object, ok, detail) per object checked; certify() runs them all, in name
-- order, and collapses every check whose objects all pass into one ok row. A failing check shows
-- one row per failing object. Zero rows with ok = false is the CI gate.
set role sor_owner;

-- The schemas certify() sweeps.
create or replace function sor.kit_schemas()
returns setof name
language sql
stable
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
  select 'sor'::name
  union all select 'sor_api'::name
  union all select d.schema_name from sor.domain_schemas d
$$;
comment on function sor.kit_schemas() is
  'Schemas certify() sweeps: sor, sor_api and every registered domain schema (the guard also protects sor_guard).';

-- The code of a function body without its comments and the text of its string literals (quoted,
-- E'', and dollar-quoted), so that a check of what a function calls reads what it runs: a name in
-- a comment, or in a string it never executes as such, does not count. (A call built in dynamic SQL
-- is text, and does not count either: the checks that read this fail closed.)
create or replace function sor.code_text(src text)
returns text
language plpgsql
immutable
strict
set search_path = pg_catalog, pg_temp
set jit = off
as $$
declare
  _out text := '';
  _rest text := code_text.src;
  _line integer;
  _block integer;
  _quote integer;
  _dollar integer;
  _next integer;
  _tag text;
  _m text[];
begin
  loop
    _line := strpos(_rest, '--');
    _block := strpos(_rest, '/*');
    _quote := strpos(_rest, '''');
    _m := regexp_match(_rest, '\$([A-Za-z_][A-Za-z_0-9]*)?\$');
    _dollar := case when _m is null then 0 else strpos(_rest, '$' || coalesce(_m[1], '') || '$') end;
    _next := least(nullif(_line, 0), nullif(_block, 0), nullif(_quote, 0), nullif(_dollar, 0));
    if _next is null then
      return _out || _rest;
    end if;
    _out := _out || substr(_rest, 1, _next - 1);
    if _next = _line then
      _rest := substr(_rest, _next + 2);
      _next := strpos(_rest, E'\n');
      if _next = 0 then
        return _out;
      end if;
      _out := _out || ' ';
      _rest := substr(_rest, _next);
    elsif _next = _block then
      _rest := substr(_rest, _next + 2);
      _next := strpos(_rest, '*/');
      if _next = 0 then
        return _out;
      end if;
      _out := _out || ' ';
      _rest := substr(_rest, _next + 2);
    elsif _next = _quote then
      _rest := substr(_rest, _next + 1);
      loop
        _next := strpos(_rest, '''');
        if _next = 0 then
          return _out;
        end if;
        if substr(_rest, _next + 1, 1) = '''' then
          _rest := substr(_rest, _next + 2);
        else
          _rest := substr(_rest, _next + 1);
          exit;
        end if;
      end loop;
      _out := _out || '''''';
    else
      _tag := '$' || coalesce(_m[1], '') || '$';
      _rest := substr(_rest, _next + length(_tag));
      _next := strpos(_rest, _tag);
      if _next = 0 then
        return _out;
      end if;
      _out := _out || '''''';
      _rest := substr(_rest, _next + length(_tag));
    end if;
  end loop;
end
$$;
comment on function sor.code_text(text) is
  'A function body without comments and without the text of its string literals (quoted and dollar-quoted): what certify reads when it asks what a function calls or reads, so a name in a comment or a string does not count.';

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

-- V003: sor.ensure_policy, so repeatable policy files never DROP a policy on a protected table.
--
-- Why: the drop guard refuses DROP POLICY without an approval; a repeatable file therefore creates
--      a policy when it is missing and ALTERs it in place when it exists.
-- Locks: none (function only).
-- Reversal: drop function sor.ensure_policy(regclass, name, text, name[], text, text).
set role sor_owner;

create function sor.ensure_policy(
  tbl        regclass,
  policy     name,
  command    text,
  roles      name[],
  using_expr text default null,
  check_expr text default null
) returns void
language plpgsql
volatile
set search_path = pg_catalog, sor, pg_temp
as $$
declare
  _existing "char";
  _cmd "char";
  _roles text;
begin
  _cmd := case upper(ensure_policy.command)
            when 'ALL' then '*' when 'SELECT' then 'r' when 'INSERT' then 'a'
            when 'UPDATE' then 'w' when 'DELETE' then 'd' end;
  if _cmd is null then
    raise exception 'unknown policy command %', ensure_policy.command
      using errcode = '22023', hint = 'Use ALL, SELECT, INSERT, UPDATE or DELETE.';
  end if;
  select string_agg(quote_ident(r), ', ') into _roles from unnest(ensure_policy.roles) r;

  select p.polcmd into _existing
    from pg_catalog.pg_policy p
   where p.polrelid = ensure_policy.tbl and p.polname = ensure_policy.policy;

  if not found then
    execute format('create policy %I on %s as permissive for %s to %s%s%s',
                   ensure_policy.policy, ensure_policy.tbl, upper(ensure_policy.command), _roles,
                   coalesce(' using (' || using_expr || ')', ''),
                   coalesce(' with check (' || check_expr || ')', ''));
  elsif _existing <> _cmd then
    raise exception 'policy % on % exists for another command', ensure_policy.policy, ensure_policy.tbl
      using errcode = '22023',
            hint = 'A policy''s command cannot be altered: give the new policy a new name in a versioned migration.';
  else
    execute format('alter policy %I on %s to %s%s%s',
                   ensure_policy.policy, ensure_policy.tbl, _roles,
                   coalesce(' using (' || using_expr || ')', ''),
                   coalesce(' with check (' || check_expr || ')', ''));
  end if;
end
$$;
comment on function sor.ensure_policy(regclass, name, text, name[], text, text) is
  'Creates a policy when missing, ALTERs it when present; never drops. Used by db/policies so re-applying a repeatable file passes the drop guard.';

reset role;

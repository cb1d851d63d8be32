-- The drop guard's event trigger functions. ddl_command_start stores a snapshot of the protected
-- catalog state (row level security flags of protected tables, protected column types, the
-- append-only triggers) in a transaction-local setting; sql_drop checks what a statement dropped;
-- ddl_command_end and table_rewrite compare the catalog with the snapshot. Every destructive
-- change found must consume a matching approval (sor.drop_guard_authorize) or the statement is
-- refused with SR020. The snapshot is state between two events of one statement, never an
-- authorisation: a value set before the statement is overwritten at its start. Only code that
-- runs inside the ALTER TABLE itself after the table_rewrite check (a CHECK constraint's function
-- being validated) could overwrite it; the README lists this among the guard's limits.
set role sor_owner;

create or replace function sor.drop_guard_snapshot()
returns jsonb
language sql
stable
set search_path = pg_catalog, sor, pg_temp
as $$
  with sch as (
    select n.oid, n.nspname from pg_catalog.pg_namespace n where n.nspname in (select sor.kit_schemas())
  ), tabs as (
    select c.oid, c.relrowsecurity, c.relforcerowsecurity, c.relispartition
      from pg_catalog.pg_class c join sch s on s.oid = c.relnamespace
     where c.relkind in ('r', 'p')
  )
  select pg_catalog.jsonb_build_object(
    'schemas', (select coalesce(pg_catalog.jsonb_agg(s.nspname), '[]'::jsonb) from sch s),
    'tables', (select coalesce(pg_catalog.jsonb_object_agg(t.oid::text,
                        pg_catalog.jsonb_build_array(t.relrowsecurity, t.relforcerowsecurity,
                          (pg_catalog.pg_identify_object('pg_catalog.pg_class'::regclass, t.oid, 0)).identity)), '{}'::jsonb)
                 from tabs t),
    'columns', (select coalesce(pg_catalog.jsonb_object_agg(a.attrelid::text || '.' || a.attnum::text,
                         pg_catalog.format_type(a.atttypid, a.atttypmod) || ' ' || a.attcollation::text), '{}'::jsonb)
                  from tabs t join pg_catalog.pg_attribute a on a.attrelid = t.oid
                 where a.attnum > 0 and not a.attisdropped and not t.relispartition),
    'triggers', (select coalesce(pg_catalog.jsonb_object_agg(tg.oid::text, pg_catalog.jsonb_build_array(
                          (pg_catalog.pg_identify_object('pg_catalog.pg_trigger'::regclass, tg.oid, 0)).identity,
                          tg.tgenabled)), '{}'::jsonb)
                   from tabs t join pg_catalog.pg_trigger tg on tg.tgrelid = t.oid
                  where not tg.tgisinternal and sor.is_refuse_function(tg.tgfoid)))
$$;
comment on function sor.drop_guard_snapshot() is
  'Protected catalog state the drop guard compares against: kit schemas, RLS flags of their tables, column types, append-only triggers and whether they are ENABLE ALWAYS.';

create or replace function sor.drop_guard_authorize(command_tag text, operations text[], identities text[])
returns void
language plpgsql
volatile
set search_path = pg_catalog, sor, pg_temp
as $$
declare
  _approval bigint;
  _refused_op text;
  _refused_id text;
  _role text := current_setting('role');
begin
  for i in 1 .. coalesce(array_length(drop_guard_authorize.operations, 1), 0) loop
    update sor.ddl_approvals a
       set consumed_at = clock_timestamp(), consumed_by = session_user, consumed_statement = current_query()
     where a.approval_id = (
             select o.approval_id from sor.ddl_approvals o
              where o.operation = drop_guard_authorize.operations[i]
                and o.object_identity = drop_guard_authorize.identities[i]
                and o.consumed_at is null
                and o.expires_at > clock_timestamp()
                and o.approved_by <> session_user
                and sor.may_approve_ddl(o.approved_by)
              order by o.approved_at, o.approval_id
              limit 1
                for update)
       and a.consumed_at is null
    returning a.approval_id into _approval;
    if _approval is null then
      raise log 'pg-sor drop guard refused: % of % (command %, session_user %, role %, statement: %)',
                drop_guard_authorize.operations[i], drop_guard_authorize.identities[i], drop_guard_authorize.command_tag,
                session_user, _role, current_query();
      if _refused_op is null then
        _refused_op := drop_guard_authorize.operations[i];
        _refused_id := drop_guard_authorize.identities[i];
      end if;
    else
      insert into sor.ddl_audit (set_role, command_tag, operation, object_identity, statement, approval_id)
      values (_role, drop_guard_authorize.command_tag, drop_guard_authorize.operations[i],
              drop_guard_authorize.identities[i], current_query(), _approval);
    end if;
  end loop;
  if _refused_op is not null then
    raise exception 'drop guard: % of % needs an approval', _refused_op, _refused_id
      using errcode = 'SR020',
            hint = format('A member of sor_approver, not the role running this DDL, approves it once: select sor_api.approve_ddl(%L, %L, ticket, rehearsed_on, expires_at);',
                          _refused_op, _refused_id);
  end if;
end
$$;
comment on function sor.drop_guard_authorize(text, text[], text[]) is
  'Consumes one matching, unexpired approval by another role per destructive operation and records it in sor.ddl_audit; refuses the statement (SR020) when any operation has none, logging each refusal at LOG level.';

create or replace function sor.tg_drop_guard__start()
returns event_trigger
language plpgsql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
as $$
begin
  if tg_tag in ('ALTER TABLE', 'ALTER SCHEMA', 'CREATE TRIGGER') or tg_tag like 'DROP %' then
    perform set_config('sor.drop_guard_snapshot', sor.drop_guard_snapshot()::text, true);
  end if;
end
$$;
comment on function sor.tg_drop_guard__start() is
  'ddl_command_start: stores the protected catalog state for the checks that run when the statement ends.';

create or replace function sor.drop_guard_saved_snapshot()
returns jsonb
language sql
stable
set search_path = pg_catalog, sor, pg_temp
as $$
  select nullif(current_setting('sor.drop_guard_snapshot', true), '')::jsonb
$$;
comment on function sor.drop_guard_saved_snapshot() is
  'The snapshot stored at ddl_command_start of the running statement, or NULL.';

create or replace function sor.tg_drop_guard__sql_drop()
returns event_trigger
language plpgsql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
as $$
declare
  _snap jsonb := coalesce(sor.drop_guard_saved_snapshot(), sor.drop_guard_snapshot());
  _schemas text[] := array(select pg_catalog.jsonb_array_elements_text(_snap -> 'schemas'));
  _dropped_schemas text[];
  _ops text[] := '{}';
  _ids text[] := '{}';
  _op text;
  r record;
begin
  select coalesce(array_agg(d.address_names[1]), '{}') into _dropped_schemas
    from pg_catalog.pg_event_trigger_dropped_objects() d
   where d.object_type = 'schema' and d.address_names[1] = any (_schemas);

  for r in
    select d.* from pg_catalog.pg_event_trigger_dropped_objects() d
     where not d.is_temporary and (d.original or d.normal)
       and d.object_type in ('schema', 'table', 'table column', 'policy', 'trigger')
  loop
    _op := null;
    if r.object_type = 'schema' then
      if r.address_names[1] = any (_schemas) then
        _op := 'drop schema';
      end if;
    elsif r.address_names[1] = any (_schemas) and not (r.address_names[1] = any (_dropped_schemas)) then
      _op := case r.object_type
               when 'table' then 'drop table'
               when 'table column' then 'drop column'
               when 'policy' then 'drop policy'
               when 'trigger' then case when (_snap -> 'triggers') ? r.objid::text then 'drop trigger' end
             end;
    end if;
    if _op is not null then
      _ops := _ops || _op;
      _ids := _ids || r.object_identity;
    end if;
  end loop;
  perform sor.drop_guard_authorize(tg_tag, _ops, _ids);
end
$$;
comment on function sor.tg_drop_guard__sql_drop() is
  'sql_drop: every protected schema, table, column, policy or append-only trigger a statement dropped needs an approval (objects inside an approved schema are covered by it).';

create or replace function sor.tg_drop_guard__alter()
returns event_trigger
language plpgsql
volatile
security definer
set search_path = pg_catalog, sor, pg_temp
as $$
declare
  _snap jsonb := sor.drop_guard_saved_snapshot();
  _ops text[] := '{}';
  _ids text[] := '{}';
  _reenable text[] := '{}';
  _stmt text;
  r record;
begin
  if _snap is null then
    return;
  end if;
  -- a protected schema renamed: it leaves the protected set, as if dropped
  for r in
    select s.name from pg_catalog.jsonb_array_elements_text(_snap -> 'schemas') s(name)
     where not exists (select 1 from pg_catalog.pg_namespace n where n.nspname = s.name)
  loop
    _ops := _ops || 'drop schema'::text;
    _ids := _ids || quote_ident(r.name);
  end loop;
  -- row level security switched off or no longer forced; a table moved out of the protected schemas
  for r in
    select c.oid, (t.value ->> 0)::boolean as was_enabled, (t.value ->> 1)::boolean as was_forced,
           t.value ->> 2 as identity, c.relrowsecurity, c.relforcerowsecurity,
           c.relnamespace in (select n.oid from pg_catalog.pg_namespace n
                               where n.nspname in (select pg_catalog.jsonb_array_elements_text(_snap -> 'schemas'))) as protected
      from pg_catalog.jsonb_each(_snap -> 'tables') t
      join pg_catalog.pg_class c on c.oid = t.key::oid
  loop
    if not r.protected then
      _ops := _ops || 'drop table'::text;
      _ids := _ids || r.identity;
      continue;
    end if;
    if r.was_enabled and not r.relrowsecurity then
      _ops := _ops || 'disable row level security'::text;
      _ids := _ids || (pg_catalog.pg_identify_object('pg_catalog.pg_class'::regclass, r.oid, 0)).identity;
    end if;
    if r.was_forced and not r.relforcerowsecurity then
      _ops := _ops || 'no force row level security'::text;
      _ids := _ids || (pg_catalog.pg_identify_object('pg_catalog.pg_class'::regclass, r.oid, 0)).identity;
    end if;
  end loop;
  -- a protected column's type (or collation) changed
  for r in
    select a.attrelid, a.attnum
      from pg_catalog.jsonb_each_text(_snap -> 'columns') k
      join pg_catalog.pg_attribute a
        on a.attrelid = split_part(k.key, '.', 1)::oid and a.attnum = split_part(k.key, '.', 2)::smallint
     where not a.attisdropped
       and pg_catalog.format_type(a.atttypid, a.atttypmod) || ' ' || a.attcollation::text <> k.value
  loop
    _ops := _ops || 'alter column type'::text;
    _ids := _ids || (pg_catalog.pg_identify_object('pg_catalog.pg_class'::regclass, r.attrelid, r.attnum)).identity;
  end loop;
  -- an append-only trigger replaced by a non-refusing one, disabled, or no longer ENABLE ALWAYS
  for r in
    select tg.oid, tg.tgrelid, tg.tgname, tg.tgenabled, t.value ->> 0 as identity, t.value ->> 1 as was_enabled,
           sor.is_refuse_function(tg.tgfoid) as still_refuses
      from pg_catalog.jsonb_each(_snap -> 'triggers') t
      join pg_catalog.pg_trigger tg on tg.oid = t.key::oid
  loop
    if not r.still_refuses then
      _ops := _ops || 'drop trigger'::text;
      _ids := _ids || r.identity;
    elsif r.tgenabled <> r.was_enabled and (r.tgenabled = 'D' or r.was_enabled = 'A') then
      if tg_tag = 'CREATE TRIGGER' and r.tgenabled <> 'D' then
        -- CREATE OR REPLACE TRIGGER resets a trigger to ENABLE ORIGIN; the guard restores ALWAYS
        _reenable := _reenable || format('alter table %s enable always trigger %I', r.tgrelid::regclass, r.tgname);
      else
        _ops := _ops || 'disable trigger'::text;
        _ids := _ids || r.identity;
      end if;
    end if;
  end loop;
  perform sor.drop_guard_authorize(tg_tag, _ops, _ids);
  foreach _stmt in array _reenable loop
    execute _stmt;
  end loop;
  if cardinality(_ops) > 0 or cardinality(_reenable) > 0 then
    -- what was approved now is the state later events of this statement compare against
    perform set_config('sor.drop_guard_snapshot', sor.drop_guard_snapshot()::text, true);
  end if;
end
$$;
comment on function sor.tg_drop_guard__alter() is
  'ddl_command_end of ALTER TABLE, ALTER SCHEMA and CREATE TRIGGER, and table_rewrite (before any USING expression runs): a renamed protected schema, a table moved out of one, disabled or un-forced RLS, changed column types and silenced or replaced append-only triggers need approvals.';

reset role;

-- The drop guard's event trigger functions (schema sor_guard, owned by sor_guardian). No state is
-- kept between events: the register (sor_guard.register) is the expected state, and after every
-- DDL statement the guard compares the objects the statement touched with it.
--
--   ddl_command_end  sor_guard.tg_end          every difference the statement made to a registered
--                                              object is judged (sor_guard.judge): a destructive one
--                                              consumes a matching approval or the statement is
--                                              refused (SR020); a redefinition of a function or view
--                                              is written to sor.ddl_audit with its new sha256; the
--                                              register then holds the new state
--   sql_drop         sor_guard.tg_drop         the same for every registered object a statement drops
--   table_rewrite    sor_guard.tg_rewrite      the same, before a rewrite evaluates any USING expression
--   ddl_command_start sor_guard.tg_start       refuses a statement that names the guard's own schema or
--                                              role among the drops that could take its event triggers
--                                              along (DROP SCHEMA/FUNCTION/OWNED ..., REASSIGN OWNED)
--   watchdogs        sor_guard.tg_watch_end,   self-contained second checks: a redefined or dropped
--                    sor_guard.tg_watch_drop   guard function is refused even when the main handler
--                                              was the one replaced
--
-- A superuser can still pause the guard (ALTER EVENT TRIGGER, SET event_triggers = off); certify()
-- then sees the difference between the live catalog and the register (README: what only a superuser
-- can do). This file pauses the guard while it redefines the guard's functions.
select sor_guard.pause(true);
set role sor_guardian;

-- The root (kind:oid) an object reported by pg_event_trigger_ddl_commands belongs to.
create or replace function sor_guard.root_of(classid oid, objid oid)
returns text
language sql
stable
set search_path = pg_catalog, pg_temp
set jit = off
as $$
  select case root_of.classid
    when 'pg_class'::regclass then
      (select case when c.relkind in ('r', 'p') then 'table:' || c.oid
                   when c.relkind in ('v', 'm') then 'view:' || c.oid
                   when c.relkind in ('i', 'I') then (select 'table:' || i.indrelid from pg_index i where i.indexrelid = c.oid)
              end
         from pg_class c where c.oid = root_of.objid)
    when 'pg_proc'::regclass then 'function:' || root_of.objid
    when 'pg_namespace'::regclass then 'schema:' || root_of.objid
    when 'pg_trigger'::regclass then (select 'table:' || t.tgrelid from pg_trigger t where t.oid = root_of.objid)
    when 'pg_policy'::regclass then (select 'table:' || p.polrelid from pg_policy p where p.oid = root_of.objid)
    when 'pg_rewrite'::regclass then
      (select case when c.relkind in ('v', 'm') then 'view:' else 'table:' end || r.ev_class
         from pg_rewrite r join pg_class c on c.oid = r.ev_class where r.oid = root_of.objid)
    when 'pg_constraint'::regclass then
      (select 'table:' || k.conrelid from pg_constraint k where k.oid = root_of.objid and k.conrelid <> 0)
  end
$$;
comment on function sor_guard.root_of(oid, oid) is
  'The root object (table, view, function or schema, as kind:oid) that an object a DDL statement touched belongs to.';

-- Consumes one matching, unexpired approval by another role for each (operation, object), records
-- each in sor.ddl_audit, and refuses the statement (SR020) when any has none, after logging every
-- refusal at LOG level (the refused transaction rolls back, so the server log is its record).
create or replace function sor_guard.authorize(command_tag text, operations text[], objects text[])
returns bigint[]
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
set jit = off
as $$
declare
  _approval bigint;
  _ids bigint[] := '{}';
  _refused_op text;
  _refused_id text;
  _role text := current_setting('role');
begin
  for i in 1 .. coalesce(array_length(authorize.operations, 1), 0) loop
    _approval := null;
    update sor.ddl_approvals a
       set consumed_at = clock_timestamp(), consumed_by = session_user, consumed_statement = current_query()
     where a.approval_id = (
             select o.approval_id from sor.ddl_approvals o
              where o.operation = authorize.operations[i]
                and o.object_identity = authorize.objects[i]
                and o.consumed_at is null
                and o.expires_at > clock_timestamp()
                and o.approved_by <> session_user
                and sor_guard.may_approve(o.approved_by)
              order by o.approved_at, o.approval_id
              limit 1
                for update)
       and a.consumed_at is null
    returning a.approval_id into _approval;
    if _approval is null then
      -- one statement that reaches the same object again (ALTER TABLE rewriting each partition of a
      -- partitioned table) uses the approval it consumed the first time
      select d.approval_id into _approval
        from sor.ddl_audit d
       where d.tx_id = pg_current_xact_id_if_assigned() and d.operation = authorize.operations[i]
         and d.object_identity = authorize.objects[i] and d.statement = current_query() and d.approval_id is not null
       order by d.audit_id desc limit 1;
      if _approval is not null then
        _ids := _ids || _approval;
        continue;
      end if;
    end if;
    if _approval is null then
      -- the migrating role's open run of an approved release covers what that release changes
      _approval := sor_guard.release_allows(authorize.operations[i], authorize.objects[i]);
      if _approval is not null then
        insert into sor.ddl_audit (set_role, command_tag, operation, object_identity, statement, approval_id, outcome)
        values (_role, authorize.command_tag, authorize.operations[i], authorize.objects[i], current_query(), _approval, 'allowed');
        _ids := _ids || _approval;
        continue;
      end if;
      raise log 'pg-sor drop guard refused: % of % (command %, session_user %, role %, statement: %)',
                authorize.operations[i], authorize.objects[i], authorize.command_tag, session_user, _role, current_query();
      if _refused_op is null then
        _refused_op := authorize.operations[i];
        _refused_id := authorize.objects[i];
      end if;
    else
      insert into sor.ddl_audit (set_role, command_tag, operation, object_identity, statement, approval_id, outcome)
      values (_role, authorize.command_tag, authorize.operations[i], authorize.objects[i], current_query(), _approval, 'allowed');
    end if;
    _ids := _ids || _approval;
  end loop;
  if _refused_op is not null then
    raise exception 'drop guard: % of % needs an approval', _refused_op, _refused_id
      using errcode = 'SR020',
            hint = format('A member of sor_approver, not the role running this DDL, approves it once: select sor_api.approve_ddl(%L, %L, ticket, rehearsed_on, expires_at);',
                          _refused_op, _refused_id);
  end if;
  return _ids;
end
$$;
comment on function sor_guard.authorize(text, text[], text[]) is
  'Consumes one matching, unexpired approval by another role per (operation, object) and records it in sor.ddl_audit; refuses the statement (SR020) when any has none, logging each refusal at LOG level.';

-- What an approval names for a change to a partition: the same change to its partitioned table,
-- so one approval covers a statement that recursed to every partition (a column, a trigger, an
-- index of the parent). A partition's own detach, drop or rename names the partition itself.
create or replace function sor_guard.approval_object(operation text, object text)
returns text
language sql
stable
set search_path = pg_catalog, pg_temp
set jit = off
as $$
  select coalesce(
    (select case when approval_object.object = r.identity then r.spec ->> 'partition_of'
                 when starts_with(approval_object.object, r.identity || '.')
                   then (r.spec ->> 'partition_of') || substr(approval_object.object, length(r.identity) + 1)
                 else left(approval_object.object, length(approval_object.object) - length(r.identity)) || (r.spec ->> 'partition_of')
            end
       from sor_guard.registered r
      where r.present and r.kind = 'table' and r.spec ->> 'partition_of' is not null
        and approval_object.operation not in ('detach partition', 'attach partition', 'drop table', 'rename')
        and (approval_object.object = r.identity or starts_with(approval_object.object, r.identity || '.')
             or right(approval_object.object, length(r.identity) + 4) = ' on ' || r.identity)
      order by length(r.identity) desc
      limit 1),
    approval_object.object)
$$;
comment on function sor_guard.approval_object(text, text) is
  'The object an approval names for a change: a partition''s column, trigger, index, constraint or policy is named by its partitioned table''s, so one approval covers a change that recursed to every partition.';

-- Judges and settles what a statement changed on the given roots: approvals for destructive
-- changes, audit rows for redefinitions, and the register brought to the live state.
create or replace function sor_guard.settle(command_tag text, roots text[])
returns void
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
set jit = off
as $$
declare
  _diff jsonb;
  _d record;
  _ops text[] := '{}';
  _objs text[] := '{}';
  _approvals bigint[];
  _approval bigint;
  _renamed text[] := '{}';
begin
  if roots is null or cardinality(roots) = 0 then
    return;
  end if;
  select jsonb_agg(to_jsonb(d)) into _diff from sor_guard.diff(roots) d;
  if _diff is null then
    return;
  end if;

  for _d in
    select distinct x ->> 'operation' as operation, sor_guard.approval_object(x ->> 'operation', x ->> 'object') as object
      from jsonb_array_elements(_diff) x where x ->> 'outcome' = 'approve' order by 1, 2
  loop
    _ops := _ops || _d.operation;
    _objs := _objs || _d.object;
  end loop;
  _approvals := sor_guard.authorize(command_tag, _ops, _objs);

  for _d in
    select x ->> 'kind' as kind, x ->> 'identity' as identity, x ->> 'root_kind' as root_kind,
           (x ->> 'root_objid')::oid as root_objid, (x ->> 'objid')::oid as objid, x ->> 'operation' as operation,
           x ->> 'object' as object, x ->> 'outcome' as outcome, x -> 'live_spec' as live_spec
      from jsonb_array_elements(_diff) x
     order by 1, 2
  loop
    _approval := null;
    if _d.outcome = 'approve' then
      select _approvals[i] into _approval
        from generate_subscripts(_ops, 1) i
       where _ops[i] = _d.operation and _objs[i] = sor_guard.approval_object(_d.operation, _d.object);
    end if;
    if _d.operation = 'rename' then
      _renamed := _renamed || (_d.root_kind || ':' || _d.root_objid);
      perform sor_guard.record(_d.kind, _d.identity, _d.root_kind, _d.root_objid, _d.objid, null, 'approved', _approval);
      continue;
    end if;
    if _d.outcome = 'record' then
      insert into sor.ddl_audit (set_role, command_tag, operation, object_identity, statement, approval_id, outcome,
                                 definition_sha256)
      values (current_setting('role'), command_tag, _d.operation, _d.identity, current_query(), null, 'recorded',
              decode(_d.live_spec ->> 'definition_sha256', 'hex'));
    end if;
    perform sor_guard.record(_d.kind, _d.identity, _d.root_kind, _d.root_objid, _d.objid,
                             nullif(_d.live_spec, 'null'::jsonb),
                             case _d.outcome when 'approve' then 'approved' when 'record' then 'recorded' else 'tightened' end,
                             _approval);
  end loop;
  -- a renamed or moved root: its objects are registered again under their new names
  if cardinality(_renamed) > 0 then
    insert into sor_guard.register (kind, identity, root_kind, root_objid, objid, present, spec, reason)
    select l.kind, l.identity, l.root_kind, l.root_objid, l.objid, true, l.spec, 'approved'
      from sor_guard.live_objects(_renamed) l
     where not exists (select 1 from sor_guard.registered r where r.present and r.kind = l.kind and r.identity = l.identity);
  end if;
end
$$;
comment on function sor_guard.settle(text, text[]) is
  'Judges the differences between the live catalog and the register on the given roots: destructive ones need approvals (sor_guard.authorize, SR020 otherwise), redefinitions are recorded in sor.ddl_audit with their new sha256, and the register is brought to the live state.';

create or replace function sor_guard.tg_end()
returns event_trigger
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
set jit = off
as $$
declare
  _roots text[];
  _grant_kinds text[];
  _t record;
begin
  select array_agg(distinct x.root) filter (where x.root is not null),
         array_agg(distinct x.grant_kind) filter (where x.grant_kind is not null)
    into _roots, _grant_kinds
    from (select sor_guard.root_of(c.classid, c.objid) as root,
                 case when c.objid is null and c.command_tag in ('GRANT', 'REVOKE') then upper(c.object_type) end as grant_kind
            from pg_event_trigger_ddl_commands() c
           where not c.in_extension) x;
  -- partitions of the kit's partitioned tables: attach and detach need approvals (R__207)
  perform sor_guard.settle_partitions(tg_tag);
  if _grant_kinds is not null then
    -- GRANT and REVOKE report no object: judge every registered root of that kind
    _roots := coalesce(_roots, '{}') || array(
      select distinct r.root_kind || ':' || r.root_objid from sor_guard.registered r
       where r.present and r.kind = r.root_kind
         and r.root_kind = any (case when _grant_kinds && array['TABLE', 'SEQUENCE', 'VIEW'] then array['table', 'view'] else '{}' end
                                || case when _grant_kinds && array['FUNCTION', 'PROCEDURE', 'ROUTINE'] then array['function'] else '{}' end
                                || case when _grant_kinds && array['SCHEMA'] then array['schema'] else '{}' end));
  end if;
  if _roots is null then
    return;
  end if;
  -- ATTACH and DETACH PARTITION report the parent: judge its partitions too, registered or live
  _roots := _roots || array(
    select distinct 'table:' || r.objid from sor_guard.registered r
     where r.present and r.kind = 'table' and r.spec ->> 'partition_of' is not null
       and exists (select 1 from unnest(_roots) x(root) join pg_class c on x.root = 'table:' || c.oid
                    where c.relkind = 'p' and sor_guard.ident('pg_class'::regclass, c.oid) = r.spec ->> 'partition_of')
    union
    select 'table:' || i.inhrelid from pg_inherits i where 'table:' || i.inhparent = any (_roots));
  if tg_tag = 'CREATE TRIGGER' then
    -- CREATE OR REPLACE TRIGGER resets a trigger to ENABLE ORIGIN: restore ENABLE ALWAYS when the
    -- register expects it and nothing else changed
    for _t in
      select tg.tgrelid::regclass as tbl, tg.tgname
        from sor_guard.diff(_roots) d
        join sor_guard.registered r on r.present and r.kind = d.kind and r.identity = d.identity
        join pg_trigger tg on tg.oid = d.objid
       where d.kind = 'trigger' and d.operation = 'disable trigger'
         and r.spec ->> 'enabled' = 'A' and d.live_spec ->> 'enabled' = 'O'
         and (r.spec -> 'definition') = (d.live_spec -> 'definition')
    loop
      execute format('alter table %s enable always trigger %I', _t.tbl, _t.tgname);
    end loop;
  end if;
  perform sor_guard.settle(tg_tag, _roots);
end
$$;
comment on function sor_guard.tg_end() is
  'ddl_command_end: judges every registered object the statement touched against the register (sor_guard.settle). GRANT and REVOKE name no object, so every registered root of their kind is judged.';

create or replace function sor_guard.tg_rewrite()
returns event_trigger
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
set jit = off
as $$
begin
  perform sor_guard.settle(tg_tag, array['table:' || pg_event_trigger_table_rewrite_oid()]);
end
$$;
comment on function sor_guard.tg_rewrite() is
  'table_rewrite: judges the table about to be rewritten (a column type change) before any USING expression runs.';

create or replace function sor_guard.tg_drop()
returns event_trigger
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
set jit = off
as $$
declare
  _dropped jsonb;
  _d record;
  _ops text[] := '{}';
  _objs text[] := '{}';
  _approvals bigint[];
  _approval bigint;
begin
  -- what was dropped, with the register's entry for it: registered objects, and columns of
  -- registered tables (whose entry is the table's)
  with dropped as (
    select case d.object_type when 'table' then 'table' when 'view' then 'view' when 'materialized view' then 'view'
                              when 'function' then 'function' when 'procedure' then 'function'
                              when 'trigger' then 'trigger' when 'rule' then 'rule' when 'policy' then 'policy'
                              when 'table constraint' then 'constraint' when 'index' then 'index'
                              when 'schema' then 'schema' when 'table column' then 'column' end as kind,
           d.object_identity as identity, d.schema_name,
           case when d.object_type = 'table column' then d.address_names[3] end as column_name,
           case when d.object_type = 'table column'
                then quote_ident(d.address_names[1]) || '.' || quote_ident(d.address_names[2]) end as table_identity
      from pg_event_trigger_dropped_objects() d
     where not d.is_temporary and (d.original or d.normal)
  )
  select jsonb_agg(jsonb_build_object('kind', x.kind, 'identity', x.identity, 'schema_name', x.schema_name,
                                      'column_name', x.column_name, 'table_identity', x.table_identity,
                                      'root_kind', r.root_kind, 'root_objid', r.root_objid, 'objid', r.objid,
                                      'spec', r.spec))
    into _dropped
    from dropped x
    join sor_guard.registered r
      on r.present and r.kind = case when x.kind = 'column' then 'table' else x.kind end
     and r.identity = coalesce(x.table_identity, x.identity);
  if _dropped is null then
    return;
  end if;

  if exists (select 1 from jsonb_array_elements(_dropped) x
              where x ->> 'kind' = 'table' and x ->> 'identity' in ('sor.ddl_approvals', 'sor.ddl_audit')) then
    raise exception 'drop guard: the statement drops the guard''s approval and audit tables'
      using errcode = 'SR020',
            hint = 'No approval can allow this: the approvals would go with it. Uninstalling pg-sor is a superuser''s procedure (README: Uninstall).';
  end if;

  -- the approvals needed: one per dropped object, unless its table or its schema is dropped by the
  -- same statement (the parent's approval covers it); a function outside sor_guard is recorded instead
  for _d in
    select x ->> 'kind' as kind, x ->> 'identity' as identity, x ->> 'table_identity' as table_identity,
           j.operation, j.outcome
      from jsonb_array_elements(_dropped) x
     cross join lateral sor_guard.judge(case when x ->> 'kind' = 'column' then 'column' else x ->> 'kind' end,
                                        x ->> 'identity', x -> 'spec', null,
                                        x ->> 'kind' = 'function' and x ->> 'schema_name' = 'sor_guard') j
     where not exists (select 1 from jsonb_array_elements(_dropped) p
                        where x ->> 'kind' not in ('schema', 'table', 'view', 'function')
                          and p ->> 'kind' = x ->> 'root_kind' and p ->> 'objid' = x ->> 'root_objid')
       and not exists (select 1 from jsonb_array_elements(_dropped) p
                        where x ->> 'kind' = 'column' and p ->> 'kind' = 'table' and p ->> 'identity' = x ->> 'table_identity')
       and not exists (select 1 from jsonb_array_elements(_dropped) s
                        where x ->> 'kind' <> 'schema' and s ->> 'kind' = 'schema'
                          and s ->> 'identity' = quote_ident(x ->> 'schema_name'))
       -- a partition dropped with its partitioned table: the table's approval covers it
       and not exists (select 1 from jsonb_array_elements(_dropped) p
                        where x ->> 'kind' = 'table' and p ->> 'kind' = 'table'
                          and p ->> 'identity' = x -> 'spec' ->> 'partition_of')
       and j.outcome = 'approve'
  loop
    if not exists (select 1 from generate_subscripts(_ops, 1) i
                    where _ops[i] = _d.operation and _objs[i] = sor_guard.approval_object(_d.operation, _d.identity)) then
      _ops := _ops || _d.operation;
      _objs := _objs || sor_guard.approval_object(_d.operation, _d.identity);
    end if;
  end loop;
  _approvals := sor_guard.authorize(tg_tag, _ops, _objs);

  -- the register follows: dropped objects are retired, a dropped column leaves its table's spec, a
  -- dropped function outside sor_guard is recorded in the audit
  for _d in
    select x ->> 'kind' as kind, x ->> 'identity' as identity, x ->> 'schema_name' as schema_name,
           x ->> 'column_name' as column_name, x ->> 'table_identity' as table_identity,
           x ->> 'root_kind' as root_kind, (x ->> 'root_objid')::oid as root_objid, (x ->> 'objid')::oid as objid,
           x -> 'spec' as spec
      from jsonb_array_elements(_dropped) x
  loop
    _approval := null;
    select _approvals[i] into _approval from generate_subscripts(_ops, 1) i
     where _objs[i] = sor_guard.approval_object(_ops[i], _d.identity)
     limit 1;
    if _d.kind = 'column' then
      if not exists (select 1 from jsonb_array_elements(_dropped) p
                      where p ->> 'kind' = 'table' and p ->> 'identity' = _d.table_identity) then
        perform sor_guard.record('table', _d.table_identity, _d.root_kind, _d.root_objid, _d.objid,
                                 jsonb_set(_d.spec, '{columns}', (_d.spec -> 'columns') - _d.column_name), 'approved', _approval);
      end if;
      continue;
    end if;
    if _d.kind = 'function' and _d.schema_name <> 'sor_guard' and _approval is null then
      insert into sor.ddl_audit (set_role, command_tag, operation, object_identity, statement, approval_id, outcome)
      values (current_setting('role'), tg_tag, 'drop function', _d.identity, current_query(), null, 'recorded');
      perform sor_guard.record(_d.kind, _d.identity, _d.root_kind, _d.root_objid, _d.objid, null, 'recorded', null);
    else
      perform sor_guard.record(_d.kind, _d.identity, _d.root_kind, _d.root_objid, _d.objid, null, 'approved', _approval);
    end if;
  end loop;
end
$$;
comment on function sor_guard.tg_drop() is
  'sql_drop: every registered object a statement dropped needs an approval (objects of a dropped table or schema are covered by its approval; a dropped function outside sor_guard is recorded in the audit instead); the register retires what was dropped. Dropping the approval and audit tables is always refused.';

create or replace function sor_guard.tg_start()
returns event_trigger
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
set jit = off
as $$
begin
  -- DETACH PARTITION ... CONCURRENTLY / FINALIZE on a kit table (R__207)
  perform sor_guard.refuse_concurrent_detach(tg_tag);
  if tg_tag in ('DROP SCHEMA', 'DROP FUNCTION', 'DROP PROCEDURE', 'DROP ROUTINE', 'DROP OWNED', 'REASSIGN OWNED',
                'ALTER SCHEMA', 'DROP TABLE', 'DROP VIEW', 'DROP ROLE')
     and current_query() ~* '\msor_guard(ian)?\M' then
    raise log 'pg-sor drop guard refused: % naming the guard (session_user %, statement: %)', tg_tag, session_user, current_query();
    raise exception 'drop guard: % may not name the guard''s own schema or role', tg_tag
      using errcode = 'SR020',
            hint = 'The guard cannot be dropped while it is installed. Uninstalling pg-sor is a superuser''s procedure (README: Uninstall).';
  end if;
end
$$;
comment on function sor_guard.tg_start() is
  'ddl_command_start: refuses DROP SCHEMA / FUNCTION / PROCEDURE / ROUTINE / OWNED / TABLE / VIEW / ROLE, REASSIGN OWNED and ALTER SCHEMA statements that name sor_guard or sor_guardian, before they could take the guard''s event triggers along.';

-- The watchdogs: self-contained (no call to another guard function, which could be the one replaced).
create or replace function sor_guard.tg_watch_end()
returns event_trigger
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
set jit = off
as $$
declare
  _bad text;
begin
  if not exists (select 1 from pg_event_trigger_ddl_commands() c where c.schema_name = 'sor_guard') then
    return;
  end if;
  select string_agg(x.identity, ', ' order by x.identity) into _bad
    from (select distinct on (r.identity) r.identity, r.present, r.spec
            from sor_guard.register r
           where r.kind = 'function' and r.identity like 'sor\_guard.%'
           order by r.identity, r.entry_id desc) x
    join pg_proc p on (pg_identify_object('pg_proc'::regclass, p.oid, 0)).identity = x.identity
   where x.present and p.pronamespace = 'sor_guard'::regnamespace
     and encode(sha256(convert_to(pg_get_functiondef(p.oid), 'UTF8')), 'hex') is distinct from x.spec ->> 'definition_sha256';
  if _bad is not null then
    raise log 'pg-sor drop guard refused: redefinition of guard functions % (session_user %, statement: %)', _bad, session_user, current_query();
    raise exception 'drop guard: the guard''s own functions cannot be redefined while it runs (%)', _bad
      using errcode = 'SR020',
            hint = 'Guard functions change only with a kit upgrade, which a superuser applies with the guard paused (sor_guard.pause) in the same transaction.';
  end if;
end
$$;
comment on function sor_guard.tg_watch_end() is
  'ddl_command_end watchdog: refuses a statement that redefined a registered guard function (compared with its registered sha256). Self-contained, so replacing the main handler does not silence it.';

create or replace function sor_guard.tg_watch_drop()
returns event_trigger
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
set jit = off
as $$
declare
  _bad text;
begin
  select string_agg(d.object_identity, ', ') into _bad
    from pg_event_trigger_dropped_objects() d
   where (d.schema_name = 'sor_guard' or (d.object_type = 'schema' and d.object_identity = 'sor_guard'))
     and exists (select 1 from sor_guard.register r where r.identity = d.object_identity);
  if _bad is not null then
    raise log 'pg-sor drop guard refused: drop of guard objects % (session_user %, statement: %)', _bad, session_user, current_query();
    raise exception 'drop guard: the guard''s own objects cannot be dropped (%)', _bad
      using errcode = 'SR020',
            hint = 'The guard cannot be dropped while it is installed. Uninstalling pg-sor is a superuser''s procedure (README: Uninstall).';
  end if;
end
$$;
comment on function sor_guard.tg_watch_drop() is
  'sql_drop watchdog: refuses any statement that drops a registered object of schema sor_guard. Self-contained.';

-- The guard functions this file redefined are recorded before the guard runs again (what the
-- afterMigrate callback does at the end of the run): a later statement of the run that the guard
-- judges against every registered function (a GRANT) finds the register current.
select sor_guard.record_guard_upgrade();
reset role;
select sor_guard.pause(false);

-- A JSON Schema validator for tool arguments, in the database: the subset of keywords the kit
-- supports (type, enum, const, required, properties, additionalProperties, items, minItems,
-- maxItems, minimum, maximum, exclusiveMinimum, exclusiveMaximum, minLength, maxLength, pattern)
-- plus annotations (title, description, default, examples, $schema, $id, $comment).
-- pattern is a PostgreSQL regular expression (POSIX ARE), unanchored, as in JSON Schema.
set role sor_owner;

create or replace function sor.json_schema_problem(schema jsonb, path text default '$')
returns text
language plpgsql
immutable
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
declare
  _key text;
  _val jsonb;
  _problem text;
  _t text;
begin
  if json_schema_problem.schema is null then
    return json_schema_problem.path || ': schema is NULL';
  end if;
  if jsonb_typeof(json_schema_problem.schema) = 'boolean' then
    return null;
  end if;
  if jsonb_typeof(json_schema_problem.schema) <> 'object' then
    return json_schema_problem.path || ': a schema must be an object or a boolean';
  end if;
  for _key, _val in select e.key, e.value from jsonb_each(json_schema_problem.schema) e loop
    case _key
      when 'title', 'description', 'default', 'examples', '$schema', '$id', '$comment' then
        null;
      when 'type' then
        for _t in select x #>> '{}' from jsonb_array_elements(case when jsonb_typeof(_val) = 'array' then _val else jsonb_build_array(_val) end) x loop
          if _t is null or _t not in ('string', 'number', 'integer', 'boolean', 'object', 'array', 'null') then
            return json_schema_problem.path || ': unknown type ' || coalesce(_t, 'NULL');
          end if;
        end loop;
      when 'enum' then
        if jsonb_typeof(_val) <> 'array' then return json_schema_problem.path || ': enum must be an array'; end if;
      when 'const' then
        null;
      when 'required' then
        if jsonb_typeof(_val) <> 'array' or exists (select 1 from jsonb_array_elements(_val) x where jsonb_typeof(x) <> 'string') then
          return json_schema_problem.path || ': required must be an array of strings';
        end if;
      when 'properties' then
        if jsonb_typeof(_val) <> 'object' then return json_schema_problem.path || ': properties must be an object'; end if;
        select p into _problem from (
          select sor.json_schema_problem(e.value, json_schema_problem.path || '.properties.' || e.key) p
            from jsonb_each(_val) e) s where p is not null limit 1;
        if _problem is not null then return _problem; end if;
      when 'additionalProperties', 'items' then
        _problem := sor.json_schema_problem(_val, json_schema_problem.path || '.' || _key);
        if _problem is not null then return _problem; end if;
      when 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum' then
        if jsonb_typeof(_val) <> 'number' then return json_schema_problem.path || ': ' || _key || ' must be a number'; end if;
      when 'minLength', 'maxLength', 'minItems', 'maxItems' then
        if jsonb_typeof(_val) <> 'number' or (_val #>> '{}')::numeric < 0 or (_val #>> '{}')::numeric <> trunc((_val #>> '{}')::numeric) then
          return json_schema_problem.path || ': ' || _key || ' must be a non-negative integer';
        end if;
      when 'pattern' then
        if jsonb_typeof(_val) <> 'string' then return json_schema_problem.path || ': pattern must be a string'; end if;
        begin
          perform '' ~ (_val #>> '{}');
        exception when invalid_regular_expression then
          return json_schema_problem.path || ': pattern is not a valid regular expression';
        end;
      else
        return json_schema_problem.path || ': unsupported keyword ' || _key;
    end case;
  end loop;
  return null;
end
$$;
comment on function sor.json_schema_problem(jsonb, text) is
  'NULL when a JSON Schema uses only the keywords the kit enforces, else where and what is wrong. register_tool refuses a schema that would promise checks the kit does not make.';

create or replace function sor.json_schema_violation(schema jsonb, value jsonb, at_path text default '$')
returns table (path text, keyword text, detail text)
language plpgsql
immutable
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
declare
  _s jsonb := json_schema_violation.schema;
  _v jsonb := json_schema_violation.value;
  _p text := json_schema_violation.at_path;
  _type text := jsonb_typeof(json_schema_violation.value);
  _ok boolean;
  _t text;
  _num numeric;
  _len integer;
  _key text;
  _elem jsonb;
  _i integer;
  _sub record;
begin
  if _s is null or _s = 'true'::jsonb then
    return;
  end if;
  if _s = 'false'::jsonb then
    return query select _p, 'false'::text, 'no value is allowed here'::text;
    return;
  end if;
  if _v is null then
    return query select _p, 'type'::text, 'value is missing'::text;
    return;
  end if;

  if _s ? 'type' then
    _ok := false;
    for _t in select x #>> '{}' from jsonb_array_elements(case when jsonb_typeof(_s -> 'type') = 'array'
                                                               then _s -> 'type' else jsonb_build_array(_s -> 'type') end) x loop
      if _t = _type or (_t = 'integer' and _type = 'number' and (_v #>> '{}')::numeric = trunc((_v #>> '{}')::numeric)) then
        _ok := true;
        exit;
      end if;
    end loop;
    if not _ok then
      return query select _p, 'type'::text, format('expected %s, found %s', _s -> 'type', _type);
      return;
    end if;
  end if;

  if _s ? 'enum' and not exists (select 1 from jsonb_array_elements(_s -> 'enum') e where e = _v) then
    return query select _p, 'enum'::text, format('must be one of %s', _s -> 'enum');
    return;
  end if;
  if _s ? 'const' and _s -> 'const' <> _v then
    return query select _p, 'const'::text, format('must be %s', _s -> 'const');
    return;
  end if;

  if _type = 'number' then
    _num := (_v #>> '{}')::numeric;
    if _s ? 'minimum' and _num < (_s ->> 'minimum')::numeric then
      return query select _p, 'minimum'::text, format('%s is less than %s', _num, _s ->> 'minimum');
      return;
    end if;
    if _s ? 'maximum' and _num > (_s ->> 'maximum')::numeric then
      return query select _p, 'maximum'::text, format('%s is greater than %s', _num, _s ->> 'maximum');
      return;
    end if;
    if _s ? 'exclusiveMinimum' and _num <= (_s ->> 'exclusiveMinimum')::numeric then
      return query select _p, 'exclusiveMinimum'::text, format('%s is not greater than %s', _num, _s ->> 'exclusiveMinimum');
      return;
    end if;
    if _s ? 'exclusiveMaximum' and _num >= (_s ->> 'exclusiveMaximum')::numeric then
      return query select _p, 'exclusiveMaximum'::text, format('%s is not less than %s', _num, _s ->> 'exclusiveMaximum');
      return;
    end if;
  elsif _type = 'string' then
    _len := char_length(_v #>> '{}');
    if _s ? 'minLength' and _len < (_s ->> 'minLength')::integer then
      return query select _p, 'minLength'::text, format('%s characters, at least %s required', _len, _s ->> 'minLength');
      return;
    end if;
    if _s ? 'maxLength' and _len > (_s ->> 'maxLength')::integer then
      return query select _p, 'maxLength'::text, format('%s characters, at most %s allowed', _len, _s ->> 'maxLength');
      return;
    end if;
    if _s ? 'pattern' and not ((_v #>> '{}') ~ (_s ->> 'pattern')) then
      return query select _p, 'pattern'::text, format('does not match %s', _s ->> 'pattern');
      return;
    end if;
  elsif _type = 'array' then
    _len := jsonb_array_length(_v);
    if _s ? 'minItems' and _len < (_s ->> 'minItems')::integer then
      return query select _p, 'minItems'::text, format('%s items, at least %s required', _len, _s ->> 'minItems');
      return;
    end if;
    if _s ? 'maxItems' and _len > (_s ->> 'maxItems')::integer then
      return query select _p, 'maxItems'::text, format('%s items, at most %s allowed', _len, _s ->> 'maxItems');
      return;
    end if;
    if _s ? 'items' then
      for _i in 0 .. _len - 1 loop
        for _sub in select * from sor.json_schema_violation(_s -> 'items', _v -> _i, _p || '[' || _i || ']') limit 1 loop
          return query select _sub.path, _sub.keyword, _sub.detail;
          return;
        end loop;
      end loop;
    end if;
  elsif _type = 'object' then
    if _s ? 'required' then
      for _key in select x #>> '{}' from jsonb_array_elements(_s -> 'required') x loop
        if not _v ? _key then
          return query select sor.json_path_append(_p, _key), 'required'::text, 'is required'::text;
          return;
        end if;
      end loop;
    end if;
    for _key, _elem in select e.key, e.value from jsonb_each(_v) e order by e.key loop
      if _s -> 'properties' ? _key then
        for _sub in select * from sor.json_schema_violation(_s -> 'properties' -> _key, _elem, sor.json_path_append(_p, _key)) limit 1 loop
          return query select _sub.path, _sub.keyword, _sub.detail;
          return;
        end loop;
      elsif _s ? 'additionalProperties' then
        for _sub in select * from sor.json_schema_violation(_s -> 'additionalProperties', _elem, sor.json_path_append(_p, _key)) limit 1 loop
          return query select _sub.path,
                              case when _sub.keyword = 'false' then 'additionalProperties' else _sub.keyword end,
                              case when _sub.keyword = 'false' then 'is not an allowed property' else _sub.detail end;
          return;
        end loop;
      end if;
    end loop;
  end if;
end
$$;
comment on function sor.json_schema_violation(jsonb, jsonb, text) is
  'The first violation of a JSON Schema by a value (path such as $.items[2].name, keyword, detail), or no row when the value is valid. Supported keywords: see sor.json_schema_problem.';

create or replace function sor.json_path_append(path text, key text)
returns text
language sql
immutable
strict
set search_path = pg_catalog, sor, pg_temp
set jit = off
as $$
  select case when json_path_append.key ~ '^[A-Za-z_][A-Za-z0-9_]*$'
              then json_path_append.path || '.' || json_path_append.key
              else json_path_append.path || '[' || to_jsonb(json_path_append.key)::text || ']' end
$$;
comment on function sor.json_path_append(text, text) is
  'Extends a JSON path with an object key: $.name, or $["odd key"] when the key is not an identifier.';

reset role;

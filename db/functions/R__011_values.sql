-- Values: the one definition of every id and name format, and the one size cap, called by every
-- function that takes a caller's value (the tables' CHECK constraints carry the same patterns
-- inline: db/README.md, "Value formats").
--
--   sor.is_valid(kind, value)     tenant ids, slugs, queues, streams, event types, tool names, keys,
--                                 labels, sha256 hex, error texts: true when the value has the kind's format
--   sor.over_cap(value)           the one size cap: true when a JSON or text value has more than
--                                 1 MiB uncompressed (an inlined expression; hot paths test it first)
--   sor.check_size(value, what)   SR009 when sor.over_cap(value)
set role sor_owner;

create or replace function sor.over_cap(value jsonb)
returns boolean
language sql
immutable
parallel safe
as $$
  -- measured on the uncompressed text form: pg_column_size() of a value read back from a table
  -- is its compressed size, and a repetitive 80 MB document compresses below any cap. One
  -- expression without settings, inlined: a caller tests it and calls sor.check_size (a PL/pgSQL
  -- call with its setting saved and restored) only to raise
  select pg_catalog.octet_length(over_cap.value::text) > 1048576
$$;
comment on function sor.over_cap(jsonb) is
  'The one size cap of the kit: true when a JSON value has more than 1 MiB in its text form (UTF-8 bytes, uncompressed, whatever its stored size). One expression without settings, inlined into its callers.';

create or replace function sor.over_cap(value text)
returns boolean
language sql
immutable
parallel safe
as $$
  select pg_catalog.octet_length(over_cap.value) > 1048576
$$;
comment on function sor.over_cap(text) is
  'The one size cap of the kit for text: true when a value has more than 1 MiB (UTF-8 bytes). One expression without settings, inlined into its callers.';

create or replace function sor.is_valid(kind text, value text)
returns boolean
language sql
immutable
parallel safe
as $$
  -- one expression, no SET clause: the planner inlines it into the statement that calls it, which
  -- runs with that statement's jit = off (certify accepts such a function without its own
  -- setting). A batch checks every row with it at the cost of the expression alone, not of a
  -- function call with a setting to save and restore per row.
  select coalesce(case is_valid.kind
    when 'tenant_id'  then is_valid.value ~ '^[a-z][a-z0-9_-]{1,62}$'
    when 'slug'       then is_valid.value ~ '^[a-z][a-z0-9_.-]{0,99}$'
    when 'queue'      then is_valid.value ~ '^[a-z][a-z0-9_.-]{1,62}$'
    when 'stream'     then is_valid.value ~ '^[a-z][a-z0-9_]*(-[A-Za-z0-9_:.@-]+)?$' and pg_catalog.length(is_valid.value) <= 200
    when 'stream_prefix' then is_valid.value ~ '^[a-z][a-z0-9_]*(-[A-Za-z0-9_:.@-]*)?$' and pg_catalog.length(is_valid.value) <= 200
    when 'event_type' then is_valid.value ~ '^[A-Za-z][A-Za-z0-9_.:-]*$' and pg_catalog.length(is_valid.value) <= 100
    when 'tool_name'  then is_valid.value ~ '^[a-z][a-z0-9_]{0,63}$'
    when 'key'        then pg_catalog.length(is_valid.value) between 1 and 255 and is_valid.value !~ '[[:cntrl:]]'
    when 'label'      then pg_catalog.length(is_valid.value) between 1 and 200 and is_valid.value !~ '[[:cntrl:]]'
    when 'sha256_hex' then is_valid.value ~ '^[0-9a-f]{64}$'
    when 'error_text' then pg_catalog.length(is_valid.value) between 1 and 4000
  end, false)
$$;
comment on function sor.is_valid(text, text) is
  'The value domains of the kit, defined once: tenant_id (lowercase slug, 2-63), slug (workflow, worker kind: lowercase, 1-100), queue (2-63), stream (category-id, at most 200), stream_prefix (the start of a stream name: a category, its dash, part of an id; at most 200), event_type (at most 100), tool_name (lowercase, at most 64), key (idempotency and dedupe keys: 1-255, no control characters), label (subjects, topics, ids: 1-200, no control characters), sha256_hex, error_text (why an attempt failed: 1-4000 characters). NULL or an unknown kind is not valid. One SQL expression without settings, inlined into its callers'' statements.';

create or replace function sor.check_size(value jsonb, what text)
returns void
language plpgsql
immutable
set jit = off
as $$
begin
  if sor.over_cap(check_size.value) then
    raise exception '% is larger than 1 MiB (% bytes as text)', check_size.what, pg_catalog.octet_length(check_size.value::text)
      using errcode = 'SR009', hint = 'Store large content elsewhere and keep its sha256 and a reference instead.';
  end if;
end
$$;
comment on function sor.check_size(jsonb, text) is
  'SR009 when a JSON value is over the kit''s size cap (sor.over_cap: more than 1 MiB in its text form, uncompressed, whatever its stored size). Only jit = off is set (hot path).';

create or replace function sor.check_size(value text, what text)
returns void
language plpgsql
immutable
set jit = off
as $$
begin
  if sor.over_cap(check_size.value) then
    raise exception '% is larger than 1 MiB (% bytes)', check_size.what, pg_catalog.octet_length(check_size.value)
      using errcode = 'SR009', hint = 'Store large content elsewhere and keep its sha256 and a reference instead.';
  end if;
end
$$;
comment on function sor.check_size(text, text) is
  'SR009 when a text value is over the kit''s size cap (sor.over_cap: more than 1 MiB, UTF-8 bytes). Only jit = off is set (hot path).';

reset role;

-- The kit's records are the kit's: streams (by category), event types (by prefix) and outbox topics
-- listed in sor.reserved_names are written only by the kit's own functions and triggers. Every
-- entry point that takes a stream, an event type or a topic from a caller asks sor.refuse_reserved.
set role sor_owner;

create or replace function sor.is_reserved(kind text, name text)
returns boolean
language plpgsql
stable
set jit = off
as $$
begin
  -- plpgsql, not sql: the query plan is cached for the session instead of planned on every call
  return exists (
    select 1 from sor.reserved_names r
     where r.kind = is_reserved.kind
       and case r.kind
             when 'stream category' then pg_catalog.lower(pg_catalog.split_part(is_reserved.name, '-', 1)) = r.name
             when 'event type prefix' then pg_catalog.left(pg_catalog.lower(is_reserved.name), pg_catalog.length(r.name)) = r.name
             when 'outbox topic' then pg_catalog.lower(is_reserved.name) = r.name
           end);
end
$$;
comment on function sor.is_reserved(text, text) is
  'True when the kit reserves the name: a stream whose category (the part before the first hyphen) is reserved, an event type starting with a reserved prefix (case-insensitive), a reserved outbox topic. Only jit = off is set (hot path): callers pin search_path.';

create or replace function sor.refuse_reserved(stream text, type text, topic text)
returns void
language plpgsql
stable
set jit = off
as $$
declare
  _kind text;
  _category text := pg_catalog.lower(pg_catalog.split_part(refuse_reserved.stream, '-', 1));
  _type text := pg_catalog.lower(refuse_reserved.type);
  _topic text := pg_catalog.lower(refuse_reserved.topic);
begin
  -- one query for the three names (the same match as sor.is_reserved, written as a join
  -- condition); each name is folded once, not once per row of the list
  select r.kind into _kind
    from sor.reserved_names r
   where (r.kind = 'stream category' and r.name = _category)
      or (r.kind = 'event type prefix' and pg_catalog.starts_with(_type, r.name))
      or (r.kind = 'outbox topic' and r.name = _topic)
   order by r.kind desc
   limit 1;
  if _kind = 'stream category' then
    raise exception 'stream % is reserved for the kit', pg_catalog.quote_literal(refuse_reserved.stream)
      using errcode = 'SR017',
            hint = 'The kit alone writes the run-, task- and outbox- streams (see sor_api.reserved_names). Choose another category, e.g. expense-42.';
  elsif _kind = 'event type prefix' then
    raise exception 'event type % is reserved for the kit', pg_catalog.quote_literal(refuse_reserved.type)
      using errcode = 'SR017',
            hint = 'Event types starting with run_, block_, task. or outbox. are the kit''s own (see sor_api.reserved_names). Name yours after your domain, e.g. ExpenseRecorded.';
  elsif _kind = 'outbox topic' then
    raise exception 'outbox topic % is reserved for the kit', pg_catalog.quote_literal(refuse_reserved.topic)
      using errcode = 'SR017',
            hint = 'The kit alone queues this topic (resume is queued when a suspend block is resolved). Choose another command type.';
  end if;
end
$$;
comment on function sor.refuse_reserved(text, text, text) is
  'SR017 when a caller-supplied stream, event type or outbox topic is reserved for the kit (sor.reserved_names), checked in one query. Called by every entry point that takes one from a caller; sor_api.append_events checks a whole batch with the same condition as a join.';

create or replace view sor_api.reserved_names
with (security_invoker = true, security_barrier = true) as
select r.kind, r.name, r.reserved_at
  from sor.reserved_names r;
comment on view sor_api.reserved_names is
  'Streams (by category), event types (by prefix) and outbox topics that only the kit writes; an append, step or command using one is refused with SR017.';

reset role;

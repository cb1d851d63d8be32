-- The kit's records are the kit's: streams (by category), event types (by prefix) and outbox topics
-- listed in sor.reserved_names are written only by the kit's own functions and triggers. Every
-- entry point that takes a stream, an event type or a topic from a caller asks sor.reserved_kind
-- and refuses a reserved one with sor.refuse_reserved (SR017).
set role sor_owner;

-- The rule is one expression, sor.reserved_kind, over one list, sor.reserved_list: SQL functions of
-- one SELECT without FROM, which the planner expands into the statement or the PL/pgSQL condition
-- that calls them (the list folds to a constant), so a check costs the expression alone: no query,
-- no call per event of a batch. The list is sor.reserved_names' rows: the table is what callers
-- read (sor_api.reserved_names), the list is what the kit applies, and certify's check 'reserved
-- names are the names the kit refuses' holds them equal. A new reservation is a release: its row
-- in a versioned migration and its name here.
create or replace function sor.reserved_list(kind text)
returns text[]
language sql
immutable
parallel safe
as $$
  select case reserved_list.kind
           when 'stream category' then '{run,task,outbox}'::text[]
           when 'event type prefix' then '{run_,block_,task.,outbox.}'::text[]
           when 'outbox topic' then '{resume}'::text[]
         end
$$;
comment on function sor.reserved_list(text) is
  'The names the kit reserves, by kind (stream category, event type prefix, outbox topic), lowercase; NULL for another kind. The same names as sor.reserved_names (certify checks it). One expression without settings, inlined into its callers.';

create or replace function sor.reserved_kind(stream text, type text, topic text)
returns text
language sql
immutable
parallel safe
as $$
  select case
           when pg_catalog.lower(pg_catalog.split_part(reserved_kind.stream, '-', 1)) = any (sor.reserved_list('stream category'))
             then 'stream category'
           when pg_catalog.lower(reserved_kind.type) ^@ any (sor.reserved_list('event type prefix'))
             then 'event type prefix'
           when pg_catalog.lower(reserved_kind.topic) = any (sor.reserved_list('outbox topic'))
             then 'outbox topic'
         end
$$;
comment on function sor.reserved_kind(text, text, text) is
  'The kind of the first reserved name among a stream (its category, the part before the first hyphen), an event type (a reserved prefix) and an outbox topic, case-insensitive (sor.reserved_list): stream category, event type prefix or outbox topic; NULL when none is reserved (a NULL argument is not checked). One expression without settings, inlined into its callers.';

create or replace function sor.is_reserved(kind text, name text)
returns boolean
language sql
immutable
parallel safe
as $$
  select coalesce(sor.reserved_kind(case when is_reserved.kind = 'stream category' then is_reserved.name end,
                                    case when is_reserved.kind = 'event type prefix' then is_reserved.name end,
                                    case when is_reserved.kind = 'outbox topic' then is_reserved.name end) = is_reserved.kind, false)
$$;
comment on function sor.is_reserved(text, text) is
  'True when the kit reserves the name: a stream whose category (the part before the first hyphen) is reserved, an event type starting with a reserved prefix (case-insensitive), a reserved outbox topic. sor.reserved_kind''s expression, inlined.';

create or replace function sor.refuse_reserved(stream text, type text, topic text)
returns void
language plpgsql
immutable
set jit = off
as $$
declare
  _kind text := sor.reserved_kind(refuse_reserved.stream, refuse_reserved.type, refuse_reserved.topic);
begin
  -- hot callers test sor.reserved_kind(...) is not null themselves and call this only to raise
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
  'SR017 when a caller-supplied stream, event type or outbox topic is reserved for the kit (sor.reserved_kind, no query). Every entry point that takes one from a caller asks sor.reserved_kind first and calls this to raise; sor_api.append_events applies the same expression to each event of a batch.';

create or replace view sor_api.reserved_names
with (security_invoker = true, security_barrier = true) as
select r.kind, r.name, r.reserved_at
  from sor.reserved_names r;
comment on view sor_api.reserved_names is
  'Streams (by category), event types (by prefix) and outbox topics that only the kit writes; an append, step or command using one is refused with SR017.';

reset role;

set role sor_owner;

-- The session limits of a Worker or Dispatcher (docs/operate/sessions.md). PostgreSQL applies a
-- role's settings to the login only, not to the members of sor_worker, so the kit gives the
-- session its limits where a Worker or Dispatcher starts its work (start_run, resume_run, a claim
-- of tasks, a lease of outbox rows): a session whose idle_in_transaction_session_timeout or
-- lock_timeout is off (0, PostgreSQL's default) gets 1 minute and 10 seconds, for the rest of
-- the session. A value set anywhere (the login, the database, the session) is kept; a session
-- that sets sor.session_defaults to off keeps both off.
-- The rule of when a session gets its limits, one expression, inlined where work starts (a claim
-- looks at it before it calls sor.session_defaults, which applies it)
create or replace function sor.session_defaults_due()
returns boolean
language sql
stable
as $$
  -- one expression, no SET clause: inlined into its callers' conditions
  select coalesce(pg_catalog.current_setting('sor.session_defaults', true), '') <> 'off'
         and (pg_catalog.current_setting('idle_in_transaction_session_timeout') = '0'
              or pg_catalog.current_setting('lock_timeout') = '0')
$$;
comment on function sor.session_defaults_due() is
  'Whether the session is due its limits: sor.session_defaults is not off and idle_in_transaction_session_timeout or lock_timeout is off (0). sor.session_defaults applies them; a claim calls it only when this is true.';

create or replace function sor.session_defaults()
returns void
language plpgsql
volatile
set jit = off
as $$
begin
  if sor.session_defaults_due() then
    if pg_catalog.current_setting('idle_in_transaction_session_timeout') = '0' then
      perform pg_catalog.set_config('idle_in_transaction_session_timeout', '1min', false);
    end if;
    if pg_catalog.current_setting('lock_timeout') = '0' then
      perform pg_catalog.set_config('lock_timeout', '10s', false);
    end if;
  end if;
end
$$;
comment on function sor.session_defaults() is
  'Gives the calling session idle_in_transaction_session_timeout 1min and lock_timeout 10s where they are off (0) and sor.session_defaults is not off; called where Workers and Dispatchers start work (start_run, resume_run, sor.claim_tasks_for, lease_outbox). Only jit = off is set (hot path).';

reset role;

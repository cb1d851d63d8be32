-- What 0.2.0 added, filled as well: sealed ledger blocks (several, of at most 50 events).
set session authorization up_dispatcher;
select count(*) from sor_api.seal_ledger(50);
reset session authorization;

-- V002 (reconciler): the work queue the nightly ingest fills and the Reconciler Workers claim.
--
-- Why: every ingested bank row becomes one task on queue "reconcile" (dedupe key: the bank
--      transaction id), so Workers claim rows with SKIP LOCKED and fencing tokens.
-- Locks: inserts one row into sor.queues.
-- Reversal: none needed; an unused queue is harmless (tasks reference it).
select sor_api.create_queue('reconcile', 'Bank-statement rows waiting for the Expense Reconciler.', 5,
                            '1 second', '5 minutes');

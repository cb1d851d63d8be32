package dev.pgsor.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.testkit.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What must hold after every fault, read from the server: the event chains verify (as the
 * auditor), every task is completed exactly once (in sor.finished_tasks) or still claimable (in
 * sor.tasks), every dedupe key names one task or outbox row, every expense has exactly one email,
 * every dispatched row was delivered by the provider under its dedupe key with the message id the
 * row records, certify() is clean, and runs interrupted by the fault read abandoned with their
 * unfinished calls visible.
 */
final class Invariants {

    private Invariants() { }

    /** sor_api.verify_events_summary() as the auditor: streams, events, broken streams. */
    static long[] assertChainsIntact(SorCluster cluster) throws SQLException {
        try (Connection c = cluster.as("auditor").connect()) {
            List<Object> row = Sql.rows(c, "select streams, events, broken_streams, intact from sor_api.verify_events_summary()").get(0);
            assertThat(row.get(3)).as("verify_events_summary().intact (%s broken streams)", row.get(2)).isEqualTo(true);
            return new long[] {((Number) row.get(0)).longValue(), ((Number) row.get(1)).longValue()};
        }
    }

    /** Every task of the queue, live (sor.tasks) and finished (sor.finished_tasks), as one relation. */
    static final String ALL_TASKS = """
            (select tenant_id, task_id, queue, dedupe_key, status from sor.tasks
             union all
             select tenant_id, task_id, queue, dedupe_key, status from sor.finished_tasks)""";

    /**
     * Every task of the reconcile queue is in one place once: completed in sor.finished_tasks with
     * exactly one completion event, or claimable in sor.tasks (ready, failed, or claimed under a
     * lease that lapses) with none; none is dead. Every pending bank row has exactly one task, and
     * no dedupe key names two tasks.
     */
    static void assertTasksOnceOrClaimable(SorCluster cluster) {
        assertThat(cluster.rows("select task_id, status from sor.finished_tasks where queue = 'reconcile' and status <> 'completed'"))
                .as("tasks neither completed nor claimable (dead)").isEmpty();
        assertThat(cluster.rows("select task_id, status from sor.tasks where queue = 'reconcile' and status not in ('ready', 'failed', 'claimed')"))
                .as("live tasks that are not claimable").isEmpty();
        assertThat(cluster.rows("""
                select t.task_id, count(*) from %s t
                 where t.queue = 'reconcile'
                 group by t.task_id having count(*) > 1""".formatted(ALL_TASKS)))
                .as("tasks both live and finished, or finished twice").isEmpty();
        assertThat(cluster.rows("""
                select t.task_id, t.status, count(e.*) from %s t
                  left join sor.events e on e.tenant_id = t.tenant_id and e.stream = 'task-' || t.task_id and e.type = 'task.completed'
                 where t.queue = 'reconcile'
                 group by t.task_id, t.status
                having count(e.*) <> case when t.status = 'completed' then 1 else 0 end""".formatted(ALL_TASKS)))
                .as("tasks whose completion events do not match their status (completed once, else never)").isEmpty();
        assertThat(cluster.rows("""
                select f.task_id from sor.finished_tasks f
                 where f.queue = 'reconcile' and f.status = 'completed' and not exists (select 1 from reconciler.expenses e
                        where e.tenant_id = f.tenant_id and e.bank_txn_id = f.payload ->> 'bank_txn_id')"""))
                .as("completed tasks without their expense").isEmpty();
        assertThat(cluster.rows("""
                select p.tenant_id, p.bank_txn_id, count(t.*) from reconciler.pending_transactions p
                  left join %s t on t.tenant_id = p.tenant_id and t.queue = 'reconcile' and t.dedupe_key = p.bank_txn_id
                 group by 1, 2 having count(t.*) <> 1""".formatted(ALL_TASKS)))
                .as("bank rows without exactly one task").isEmpty();
        assertThat(cluster.rows("""
                select t.tenant_id, t.queue, t.dedupe_key, count(*) from %s t
                 where t.dedupe_key is not null
                 group by 1, 2, 3 having count(*) > 1""".formatted(ALL_TASKS)))
                .as("task dedupe keys used twice in a tenant and queue").isEmpty();
        assertThat(cluster.rows("""
                select t.task_id, t.dedupe_key from %s t
                 where t.dedupe_key is not null and not exists (select 1 from sor.dedupe_keys k where k.tenant_id = t.tenant_id
                        and k.scope = 'task:' || t.queue and k.dedupe_key = t.dedupe_key and k.target_id = t.task_id)""".formatted(ALL_TASKS)))
                .as("tasks whose dedupe key sor.dedupe_keys does not hold for them").isEmpty();
    }

    /** No outbox row was marked dispatched twice (its stream holds at most one outbox.dispatched event). */
    static void assertDispatchedOnce(SorCluster cluster) {
        assertThat(cluster.rows("""
                select o.outbox_id, count(e.*) from sor.outbox o
                  join sor.events e on e.tenant_id = o.tenant_id and e.stream = 'outbox-' || o.outbox_id and e.type = 'outbox.dispatched'
                 group by o.outbox_id having count(e.*) > 1""")).as("outbox rows dispatched twice").isEmpty();
        assertThat(cluster.rows("""
                select o.outbox_id from sor.outbox o
                 where (o.status = 'dispatched') <> exists (select 1 from sor.events e where e.tenant_id = o.tenant_id
                        and e.stream = 'outbox-' || o.outbox_id and e.type = 'outbox.dispatched')"""))
                .as("outbox rows whose dispatched event does not match their status").isEmpty();
    }

    /**
     * Each expense has exactly one confirmation email in the outbox; no dedupe key twice in a
     * tenant, and sor.dedupe_keys holds each row's key for that row.
     */
    static void assertOneEmailPerExpense(SorCluster cluster) {
        assertThat(cluster.rows("""
                select e.tenant_id, e.bank_txn_id, count(o.*) from reconciler.expenses e
                  left join sor.outbox o on o.tenant_id = e.tenant_id and o.dedupe_key = 'expense-email:' || e.bank_txn_id
                 group by 1, 2 having count(o.*) <> 1""")).as("expenses without exactly one email").isEmpty();
        assertThat(cluster.rows("select tenant_id, dedupe_key, count(*) from sor.outbox group by 1, 2 having count(*) > 1"))
                .as("outbox dedupe keys used twice in a tenant").isEmpty();
        assertThat(cluster.rows("""
                select o.outbox_id, o.dedupe_key from sor.outbox o
                 where not exists (select 1 from sor.dedupe_keys k where k.tenant_id = o.tenant_id and k.scope = 'outbox'
                                     and k.dedupe_key = o.dedupe_key and k.target_id = o.outbox_id)"""))
                .as("outbox rows whose dedupe key sor.dedupe_keys does not hold for them").isEmpty();
    }

    /**
     * Every dispatched outbox row was delivered by the provider under its dedupe key, and the row
     * records the provider's message id for that key; the provider delivered each key once and
     * delivered nothing the outbox does not hold.
     */
    static void assertProviderAgrees(SorCluster cluster, Provider provider) {
        assertThat(providerAgrees(cluster, provider)).as("deliveries of keys the outbox does not hold").isEmpty();
    }

    /**
     * As {@link #assertProviderAgrees} for the dispatched rows, and returns the keys the provider
     * delivered that the outbox does not hold: after an asynchronous failover, side effects whose
     * outbox row was lost with the old primary.
     */
    static Set<String> providerAgrees(SorCluster cluster, Provider provider) {
        Map<String, Provider.Delivery> deliveries = provider.deliveries();
        List<List<Object>> dispatched = cluster.rows("select dedupe_key, provider_ref from sor.outbox where status = 'dispatched'");
        List<String> disagreeing = new ArrayList<>();
        for (List<Object> r : dispatched) {
            Provider.Delivery d = deliveries.get((String) r.get(0));
            if (d == null || !d.messageId.equals(r.get(1))) {
                disagreeing.add(r.get(0) + " -> " + r.get(1) + " (provider: " + (d == null ? "never delivered" : d.messageId) + ")");
            }
        }
        assertThat(disagreeing).as("dispatched rows the provider did not deliver as recorded").isEmpty();
        Set<String> keys = cluster.rows("select dedupe_key from sor.outbox").stream().map(r -> (String) r.get(0))
                .collect(Collectors.toSet());
        return deliveries.keySet().stream().filter(k -> !keys.contains(k)).collect(Collectors.toSet());
    }

    /** sor_api.certify() returns no failing row (read as the auditor). */
    static void assertCertified(SorCluster cluster) throws SQLException {
        try (Connection c = cluster.as("auditor").connect()) {
            List<List<Object>> failing = Sql.rows(c, "select property, \"check\", object, detail from sor_api.certify()"
                    + " where not ok order by 1, 2, 3");
            assertThat(failing).as("failing certify() rows").isEmpty();
        }
    }

    /**
     * Runs interrupted by the fault read abandoned once their lease lapsed and the sweep ran
     * (unless their finish was sent before the server died and committed), and the model calls
     * they had begun and not finished are visible as started (a finish sent after the server died
     * cannot have committed; one sent before may have). Returns {abandoned runs, unfinished calls visible}.
     */
    static long[] assertInterruptedRunsAbandoned(SorCluster cluster, Workload workload) throws SQLException {
        try (Connection c = cluster.as("worker_1").connect()) {
            Sql.scalar(c, "select sor_api.sweep_abandoned_runs()");
        }
        long abandoned = 0;
        for (String run : workload.interruptedRuns) {
            if (!workload.ledger.wasAcked(Ledger.Kind.RUN_STARTED, run)) {
                continue;
            }
            String status = (String) cluster.scalar("select status from sor.runs where run_id = ?::uuid", run);
            if (workload.ledger.mayHaveCommitted(Ledger.Kind.RUN_FINISHED, run, workload.serverDeadAt) && "succeeded".equals(status)) {
                continue;
            }
            assertThat(status).as("run %s interrupted by the fault", run).isEqualTo("abandoned");
            abandoned++;
        }
        long visible = 0;
        for (String call : workload.unfinishedCalls) {
            if (!workload.ledger.wasAcked(Ledger.Kind.BEGIN_CALL, call) || workload.ledger.mayHaveCommitted(Ledger.Kind.FINISH_CALL, call, workload.serverDeadAt)) {
                continue;
            }
            assertThat(cluster.scalar("select status from sor.tool_calls where tool_call_id = ?::uuid", call))
                    .as("model call %s begun before the fault and never finished", call).isEqualTo("started");
            visible++;
        }
        return new long[] {abandoned, visible};
    }
}

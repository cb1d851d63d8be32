package dev.pgsor.claims;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.runtime.Database;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import dev.pgsor.testkit.Sql;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A batch reads the rows it names, not the tables it writes: completing 100 tasks reads those
 * tasks (by their ids), not every task another Worker holds; the chain trigger moves the 100 task
 * streams' heads by their keys, not by scanning every head; a batch of tasks whose dedupe keys were
 * taken reads those keys, not every key of the queue. The statistics are taken before the claims
 * and the keys pile up, as a busy database's often are: the plans that read the whole table were
 * chosen exactly then. What each call read is counted in this transaction's own table statistics
 * (pg_stat_xact_user_tables).
 */
@SorTest
class BatchPlansTest {

    static SorDatabase db;
    static Database worker;
    static Database other;

    static final int HELD = 2_000;

    @BeforeAll
    static void setUp(SorDatabase database) throws Exception {
        db = database;
        db.addTenants("acme");
        worker = db.worker("expense-reconciler", "acme");
        other = db.worker("expense-reconciler", "acme");
        db.exec("select sor_api.create_queue('plans', 'batch plans')");
        try (Connection c = other.connect()) {
            for (int b = 0; b < 3; b++) {
                Sql.run(c, "select count(*) from sor_api.enqueue_tasks('acme', 'plans', ?::jsonb)", keyed(b * 1000 + 1, 1000));
            }
            // 3,000 stream heads
            Sql.run(c, "select count(*) from sor_api.append_events('acme', (select jsonb_agg(jsonb_build_object("
                    + "'stream', 'ledger-' || i, 'type', 'Noted')) from generate_series(1, 3000) i))");
        }
        db.exec("analyze sor.tasks, sor.streams, sor.dedupe_keys");
        try (Connection c = other.connect()) {
            for (int i = 0; i < HELD / 1000; i++) {
                assertThat(Sql.rows(c, "select task_id from sor_api.claim_tasks('plans', 1000, '10 minutes')")).hasSize(1000);
            }
        }
    }

    static String keyed(int first, int n) {
        StringBuilder b = new StringBuilder("[");
        for (int i = first; i < first + n; i++) {
            b.append(i > first ? "," : "").append("{\"subject\": \"row ").append(i).append("\", \"dedupe_key\": \"key-").append(i).append("\"}");
        }
        return b.append(']').toString();
    }

    /** This transaction's reads so far, per table of sor: seq_scan, seq_tup_read, idx_tup_fetch. */
    static Map<String, List<Long>> reads(Connection c) throws Exception {
        Map<String, List<Long>> m = new TreeMap<>();
        for (List<Object> r : Sql.rows(c, "select relname::text, coalesce(seq_scan, 0), coalesce(seq_tup_read, 0), coalesce(idx_tup_fetch, 0)"
                + " from pg_stat_xact_user_tables where schemaname = 'sor' and relname in ('tasks', 'streams', 'dedupe_keys')")) {
            m.put((String) r.get(0), List.of(((Number) r.get(1)).longValue(), ((Number) r.get(2)).longValue(), ((Number) r.get(3)).longValue()));
        }
        return m;
    }

    static long delta(Map<String, List<Long>> before, Map<String, List<Long>> after, String table, int column) {
        return after.getOrDefault(table, List.of(0L, 0L, 0L)).get(column) - before.getOrDefault(table, List.of(0L, 0L, 0L)).get(column);
    }

    @Test
    void completingABatchReadsItsTasksAndTheirHeadsOnly() throws Exception {
        try (Connection c = worker.connect()) {
            c.setAutoCommit(false);
            List<List<Object>> claimed = Sql.rows(c, "select task_id, fencing_token from sor_api.claim_tasks('plans', 100, '5 minutes')");
            assertThat(claimed).hasSize(100);
            StringBuilder done = new StringBuilder("[");
            for (List<Object> t : claimed) {
                done.append(done.length() > 1 ? "," : "").append("{\"task_id\": ").append(t.get(0)).append(", \"fencing_token\": ").append(t.get(1)).append('}');
            }
            Map<String, List<Long>> before = reads(c);
            assertThat(Sql.rows(c, "select task_id from sor_api.complete_tasks(?::jsonb)", done.append(']').toString())).hasSize(100);
            Map<String, List<Long>> after = reads(c);
            c.commit();
            // the 100 tasks, each once (the other Worker's 2,000 claims are not read)
            assertThat(delta(before, after, "tasks", 0)).as("sequential scans of sor.tasks").isZero();
            assertThat(delta(before, after, "tasks", 2)).as("tasks fetched by index").isBetween(100L, 300L);
            // 100 new heads moved by their keys (3,000 other heads are not read)
            assertThat(delta(before, after, "streams", 0)).as("sequential scans of sor.streams").isZero();
            assertThat(delta(before, after, "streams", 2)).as("stream heads fetched by index").isLessThanOrEqualTo(400L);
        }
        assertThat(db.count("select count(*) from sor.finished_tasks where queue = 'plans'")).isEqualTo(100);
        assertThat(db.count("select count(*) from sor.tasks where queue = 'plans' and status = 'claimed'")).isEqualTo(HELD);
    }

    @Test
    void aClaimReadsTheTasksItTakesNotTheQueue() throws Exception {
        // a new session plans the claim afresh with the statistics of 3,000 ready tasks: the plan
        // that reads the queue (a guess of a tenth of it per claim, joined by a hash of every task)
        // was chosen exactly then; each claim is rolled back, the queue stays as the other tests
        // expect it
        for (int batch : new int[] {1, 100}) {
            try (Connection c = worker.connect()) {
                c.setAutoCommit(false);
                Map<String, List<Long>> before = reads(c);
                assertThat(Sql.rows(c, "select task_id from sor_api.claim_tasks('plans', ?, '5 minutes')", batch)).hasSize(batch);
                Map<String, List<Long>> after = reads(c);
                c.rollback();
                assertThat(delta(before, after, "tasks", 0)).as("sequential scans of sor.tasks, batch " + batch).isZero();
                assertThat(delta(before, after, "tasks", 2)).as("tasks fetched by index, batch " + batch).isBetween((long) batch, 3L * batch + 10);
            }
        }
    }

    @Test
    void aBatchOfTakenDedupeKeysReadsThoseKeysOnly() throws Exception {
        try (Connection c = worker.connect()) {
            c.setAutoCommit(false);
            Map<String, List<Long>> before = reads(c);
            List<List<Object>> answer = Sql.rows(c,
                    "select ordinal, task_id, created from sor_api.enqueue_tasks('acme', 'plans', ?::jsonb) order by ordinal", keyed(2001, 100));
            Map<String, List<Long>> after = reads(c);
            c.commit();
            assertThat(answer).hasSize(100).allSatisfy(r -> assertThat(r.get(2)).isEqualTo(false));
            assertThat(answer.get(0).get(1)).isEqualTo(db.scalar("select target_id from sor.dedupe_keys where dedupe_key = 'key-2001'"));
            // each taken key is probed (by the dedupe trigger and by the answer), not the queue's 3,000
            assertThat(delta(before, after, "dedupe_keys", 1)).as("keys read by sequential scans").isZero();
            assertThat(delta(before, after, "dedupe_keys", 2)).as("keys fetched by index").isLessThanOrEqualTo(400L);
        }
    }
    @Test
    void failingABatchIsOneStatementOverItsTasksNotACallPerTask() throws Exception {
        String me;
        try (Connection c = worker.connect()) {
            me = (String) Sql.scalar(c, "select session_user::text");
        }
        // this Worker's calls of PL/pgSQL functions are counted in its transaction's statistics
        db.exec("alter role \"" + me + "\" set track_functions = 'pl'");
        try (Connection c = worker.connect()) {
            c.setAutoCommit(false);
            List<List<Object>> claimed = Sql.rows(c, "select task_id, fencing_token from sor_api.claim_tasks('plans', 100, '5 minutes')");
            assertThat(claimed).hasSize(100);
            StringBuilder failed = new StringBuilder("[");
            for (List<Object> t : claimed) {
                failed.append(failed.length() > 1 ? "," : "").append("{\"task_id\": ").append(t.get(0))
                        .append(", \"fencing_token\": ").append(t.get(1)).append(", \"error\": \"upstream 503\"}");
            }
            Map<String, List<Long>> before = reads(c);
            assertThat(Sql.rows(c, "select status from sor_api.fail_tasks(?::jsonb)", failed.append(']').toString()))
                    .hasSize(100).allSatisfy(r -> assertThat(r.get(0)).isEqualTo("failed"));
            Map<String, List<Long>> after = reads(c);
            List<List<Object>> calls = Sql.rows(c, "select schemaname || '.' || funcname, calls from pg_stat_xact_user_functions"
                    + " where funcname in ('fail_tasks', 'fail_task', 'refuse_task_call') order by 1");
            c.commit();
            // one call of the batch function, none of the single-task one (no loop, no subtransaction per task)
            assertThat(calls).containsExactly(List.of("sor_api.fail_tasks", 1L));
            assertThat(delta(before, after, "tasks", 0)).as("sequential scans of sor.tasks").isZero();
            assertThat(delta(before, after, "tasks", 2)).as("tasks fetched by index").isBetween(100L, 400L);
        } finally {
            db.exec("alter role \"" + me + "\" reset track_functions");
        }
        assertThat(db.count("select count(*) from sor.tasks where queue = 'plans' and status = 'failed' and last_error = 'upstream 503'"))
                .isEqualTo(100);
    }
}

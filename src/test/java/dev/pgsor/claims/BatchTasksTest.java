package dev.pgsor.claims;

import static dev.pgsor.testkit.SorAssertions.assertNothingWritten;
import static dev.pgsor.testkit.SorAssertions.assertRefused;
import static dev.pgsor.testkit.SorAssertions.assertRefusedAndNothingWritten;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.runtime.Database;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.Race;
import dev.pgsor.testkit.SorTest;
import dev.pgsor.testkit.Sql;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The batch task APIs: many tasks queued, completed or failed in one call and one commit, each
 * with the guarantees of its single-task function, all or nothing, and an error that names the
 * ordinal of the task it refuses.
 */
@SorTest
class BatchTasksTest {

    static SorDatabase db;
    static Database worker;
    static Database other;
    static final AtomicInteger QUEUES = new AtomicInteger();

    @BeforeAll
    static void setUp(SorDatabase database) {
        db = database;
        db.addTenants("acme", "globex");
        worker = db.worker("expense-reconciler", "acme");
        other = db.worker("expense-reconciler", "acme");
    }

    static String newQueue() {
        String q = "bq" + QUEUES.incrementAndGet();
        db.exec("select sor_api.create_queue('" + q + "', 'batch queue', 3, '1 second', '1 minute')");
        return q;
    }

    static String claimed(Connection c, String q, int n) throws Exception {
        StringBuilder b = new StringBuilder("[");
        for (List<Object> r : Sql.rows(c, "select task_id, fencing_token from sor_api.claim_tasks(?, ?, '1 minute') order by task_id", q, n)) {
            b.append(b.length() > 1 ? "," : "").append("{\"task_id\": ").append(r.get(0)).append(", \"fencing_token\": ").append(r.get(1))
                    .append(", \"result\": {\"ok\": true}, \"error\": \"smtp 451\"}");
        }
        return b.append(']').toString();
    }

    /** Queues six tasks, claims them, and gives the batch of the six (each with the field given) in task order and reversed. */
    static List<String> sixClaimedBothWays(String q, String tasks, String field) throws Exception {
        List<String> items = new ArrayList<>();
        try (Connection c = worker.connect()) {
            Sql.run(c, "select * from sor_api.enqueue_tasks('acme', ?, ?::jsonb)", q, tasks);
            for (List<Object> r : Sql.rows(c, "select task_id, fencing_token from sor_api.claim_tasks(?, 6, '1 minute') order by task_id", q)) {
                items.add("{\"task_id\": " + r.get(0) + ", \"fencing_token\": " + r.get(1) + ", " + field + "}");
            }
        }
        assertThat(items).hasSize(6);
        List<String> reversed = new ArrayList<>(items);
        Collections.reverse(reversed);
        return List.of("[" + String.join(",", items) + "]", "[" + String.join(",", reversed) + "]");
    }

    @Test
    void aBatchIsQueuedInOneCallWithItsDedupeKeysHonouredWithinAndAcrossBatches() throws Exception {
        String q = newQueue();
        try (Connection c = worker.connect()) {
            List<List<Object>> first = Sql.rows(c, "select ordinal, created from sor_api.enqueue_tasks('acme', ?, ?::jsonb)", q,
                    "[{\"subject\": \"a\", \"dedupe_key\": \"k1\"}, {\"subject\": \"b\"}, {\"subject\": \"a again\", \"dedupe_key\": \"k1\"}]");
            assertThat(first).containsExactly(List.of(1, true), List.of(2, true), List.of(3, false));
            assertThat(Sql.rows(c, "select ordinal, created from sor_api.enqueue_tasks('acme', ?, ?::jsonb)", q,
                    "[{\"subject\": \"a later\", \"dedupe_key\": \"k1\"}]")).containsExactly(List.of(1, false));
            assertThat(db.rows("select subject from sor.tasks where queue = ? order by task_id", q))
                    .containsExactly(List.of("a"), List.of("b"));
            assertThat(Sql.scalar(c, "select task_id from sor_api.enqueue_tasks('acme', ?, '[{\"subject\": \"x\", \"dedupe_key\": \"k1\"}]')", q))
                    .isEqualTo(db.scalar("select task_id from sor.tasks where queue = ? and subject = 'a'", q));
        }
    }

    @Test
    void aBadTaskIsNamedByItsOrdinalAndNothingIsQueued() throws Exception {
        String q = newQueue();
        try (Connection c = worker.connect()) {
            assertThat(assertRefusedAndNothingWritten(db, "SR054", "a subject too long in the middle",
                    () -> Sql.run(c, "select * from sor_api.enqueue_tasks('acme', ?, ?::jsonb)", q,
                            "[{\"subject\": \"ok\"}, {\"subject\": \"" + "x".repeat(201) + "\"}, {\"subject\": \"ok too\"}]")).getMessage())
                    .contains("task 2 of the batch");
            assertThat(assertRefusedAndNothingWritten(db, "SR054", "a priority that is no number",
                    () -> Sql.run(c, "select * from sor_api.enqueue_tasks('acme', ?, ?::jsonb)", q,
                            "[{\"subject\": \"ok\"}, {\"subject\": \"ok\"}, {\"subject\": \"p\", \"priority\": \"high\"}]")).getMessage())
                    .contains("task 3 of the batch");
            assertRefusedAndNothingWritten(db, "SR054", "an empty batch", () -> Sql.run(c, "select * from sor_api.enqueue_tasks('acme', ?, '[]')", q));
            assertRefusedAndNothingWritten(db, "SR008", "another tenant",
                    () -> Sql.run(c, "select * from sor_api.enqueue_tasks('globex', ?, '[{\"subject\": \"x\"}]')", q));
            assertRefusedAndNothingWritten(db, "SR050", "an unknown queue",
                    () -> Sql.run(c, "select * from sor_api.enqueue_tasks('acme', 'no-such-queue', '[{\"subject\": \"x\"}]')"));
        }
    }

    @Test
    void completingManyIsAllOrNothingAndNamesTheTaskRefused() throws Exception {
        String q = newQueue();
        try (Connection c = worker.connect(); Connection o = other.connect()) {
            Sql.run(c, "select * from sor_api.enqueue_tasks('acme', ?, ?::jsonb)", q,
                    "[{\"subject\": \"1\"}, {\"subject\": \"2\"}, {\"subject\": \"3\"}, {\"subject\": \"4\"}]");
            String mine = claimed(c, q, 3);
            String theirs = claimed(o, q, 1);
            // the other Worker's task in second place: SR056 for it, nothing of the batch completed
            String mixed = mine.replaceFirst("\\},\\{", "}," + theirs.substring(1, theirs.length() - 1) + ",{");
            assertThat(assertRefusedAndNothingWritten(db, "SR056", "another Worker's task",
                    () -> Sql.run(c, "select * from sor_api.complete_tasks(?::jsonb)", mixed)).getMessage())
                    .contains("task 2 of the batch");
            String twice = mine.substring(0, mine.length() - 1) + "," + mine.substring(1);
            assertThat(assertRefusedAndNothingWritten(db, "SR054", "a task given twice",
                    () -> Sql.run(c, "select * from sor_api.complete_tasks(?::jsonb)", twice)).getMessage()).contains("given twice");
            assertThat(Sql.rows(c, "select count(*) from sor_api.complete_tasks(?::jsonb)", mine)).containsExactly(List.of(3L));
            assertThat(db.count("select count(*) from sor.finished_tasks where queue = ? and status = 'completed' and result = '{\"ok\": true}'", q))
                    .isEqualTo(3);
            assertThat(db.count("select count(*) from sor.events e join sor.finished_tasks f on e.stream = 'task-' || f.task_id"
                    + " where f.queue = ? and e.type = 'task.completed'", q)).isEqualTo(3);
            // the same batch again (its answer lost) counts as completed and writes nothing; with another result it is refused
            assertNothingWritten(db, () -> assertThat(Sql.rows(c, "select count(*) from sor_api.complete_tasks(?::jsonb)", mine))
                    .containsExactly(List.of(3L)));
            String otherResult = mine.replace("{\"ok\": true}", "{\"ok\": false}");
            assertThat(otherResult).isNotEqualTo(mine);
            assertRefused("SR056", "a completed task again, with another result",
                    () -> Sql.run(c, "select * from sor_api.complete_tasks(?::jsonb)", otherResult));
        }
    }

    @Test
    void failingManyRecordsEachAttemptOrNone() throws Exception {
        String q = newQueue();
        try (Connection c = worker.connect()) {
            Sql.run(c, "select * from sor_api.enqueue_tasks('acme', ?, '[{\"subject\": \"1\"}, {\"subject\": \"2\"}, {\"subject\": \"3\"}]')", q);
            String batch = claimed(c, q, 3);
            String stale = batch.replaceFirst("(\"fencing_token\": )(\\d+)(, \"result\": \\{\"ok\": true\\}, \"error\": \"smtp 451\"\\}\\]$)", "$1-1$3");
            assertThat(assertRefusedAndNothingWritten(db, "SR056", "a stale token in third place",
                    () -> Sql.run(c, "select * from sor_api.fail_tasks(?::jsonb)", stale)).getMessage()).contains("task 3 of the batch");
            assertThat(db.count("select count(*) from sor.tasks where queue = ? and status = 'claimed'", q)).isEqualTo(3);
            String failures = batch.replace(", \"result\": {\"ok\": true}", "");
            assertThat(Sql.rows(c, "select status from sor_api.fail_tasks(?::jsonb)", failures))
                    .containsExactly(List.of("failed"), List.of("failed"), List.of("failed"));
            assertThat(db.count("select count(*) from sor.tasks where queue = ? and status = 'failed' and last_error = 'smtp 451'", q)).isEqualTo(3);
        }
    }
    @Test
    void failingManyKillsThoseOutOfAttemptsRetriesTheRestAndAnsweredAgainWritesNothing() throws Exception {
        String q = newQueue();
        try (Connection c = worker.connect()) {
            Sql.run(c, "select * from sor_api.enqueue_tasks('acme', ?, ?::jsonb)", q,
                    "[{\"subject\": \"1\", \"max_attempts\": 1}, {\"subject\": \"2\"}, {\"subject\": \"3\", \"max_attempts\": 1}, {\"subject\": \"4\"}]");
            String me = (String) Sql.scalar(c, "select session_user::text");
            String batch = claimed(c, q, 4).replace(", \"result\": {\"ok\": true}", "");
            // an empty error in second place: SR054 naming it, nothing recorded
            String emptyError = batch.replaceFirst("(\\},\\{[^}]*\"error\": )\"smtp 451\"", "$1\"\"");
            assertThat(emptyError).isNotEqualTo(batch);
            assertThat(assertRefusedAndNothingWritten(db, "SR054", "an empty error in second place",
                    () -> Sql.run(c, "select * from sor_api.fail_tasks(?::jsonb)", emptyError)).getMessage()).contains("task 2 of the batch");
            List<List<Object>> answer = Sql.rows(c, "select ordinal, status, run_after is not null and run_after > now()"
                    + " from sor_api.fail_tasks(?::jsonb)", batch);
            assertThat(answer).containsExactly(List.of(1, "dead", false), List.of(2, "failed", true),
                    List.of(3, "dead", false), List.of(4, "failed", true));
            assertThat(db.rows("select subject, status, attempts, last_error, claimed_by is null and fencing_token is null"
                    + " from sor.tasks where queue = ? order by subject", q))
                    .containsExactly(List.of("2", "failed", 1, "smtp 451", true), List.of("4", "failed", 1, "smtp 451", true));
            assertThat(db.rows("select subject, status, last_error, claimed_by::text from sor.finished_tasks where queue = ? order by subject", q))
                    .containsExactly(List.of("1", "dead", "smtp 451", me), List.of("3", "dead", "smtp 451", me));
            // one event per ended attempt, with the claim's holder and token
            assertThat(db.rows("select e.type, count(*) from sor.events e where e.stream in (select 'task-' || task_id from sor.tasks where queue = ?"
                    + " union all select 'task-' || task_id from sor.finished_tasks where queue = ?)"
                    + " and e.payload ->> 'claimed_by' = ? and (e.payload -> 'fencing_token') is not null group by e.type order by e.type", q, q, me))
                    .containsExactly(List.of("task.dead", 2L), List.of("task.failed", 2L));
            // the same batch again (its answer lost): the same answer, the same due times, nothing written
            List<List<Object>> first = Sql.rows(c, "select ordinal, task_id, status, run_after from sor_api.fail_tasks(?::jsonb)", batch);
            assertNothingWritten(db, () -> assertThat(Sql.rows(c, "select ordinal, task_id, status, run_after from sor_api.fail_tasks(?::jsonb)", batch))
                    .isEqualTo(first));
            assertThat(first).extracting(r -> r.get(2)).containsExactly("dead", "failed", "dead", "failed");
            assertThat(db.rows("select run_after from sor.tasks where queue = ? order by task_id", q))
                    .containsExactly(List.of(first.get(1).get(3)), List.of(first.get(3).get(3)));
            // with another error it is another failure: refused (stale token), naming the first task
            String otherError = batch.replace("smtp 451", "smtp 452");
            assertThat(assertRefusedAndNothingWritten(db, "SR056", "the same tokens with another error",
                    () -> Sql.run(c, "select * from sor_api.fail_tasks(?::jsonb)", otherError)).getMessage()).contains("task 1 of the batch");
        }
    }
    @Test
    void twoBatchesSharingDedupeKeysInOppositeOrdersNeitherDeadlockNorQueueTwice() throws Exception {
        // two producers racing with the same keys, each in its own order: the keys are claimed in
        // the keys' order, so the second batch waits for the first and answers with its task ids
        int n = 40;
        for (int round = 0; round < 20; round++) {
            String q = newQueue();
            List<String> forward = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                forward.add("{\"subject\": \"s" + i + "\", \"dedupe_key\": \"key-" + round + "-" + i + "\"}");
            }
            List<String> backward = new ArrayList<>(forward);
            Collections.reverse(backward);
            String[] batches = {"[" + String.join(",", forward) + "]", "[" + String.join(",", backward) + "]"};
            List<Race.Outcome<List<List<Object>>>> outcomes = Race.onConnections(worker, 2, (c, thread) ->
                    Sql.rows(c, "select e.task_id, e.created, x ->> 'dedupe_key' from sor_api.enqueue_tasks('acme', ?, ?::jsonb) e"
                            + " join jsonb_array_elements(?::jsonb) with ordinality as j(x, o) on j.o = e.ordinal order by 3",
                            q, batches[thread], batches[thread]));
            for (Race.Outcome<List<List<Object>>> o : outcomes) {
                assertThat(o.ok()).as("round %d: %s", round, o.error() == null ? "" : o.sqlState() + " " + o.error().getMessage()).isTrue();
            }
            List<List<Object>> a = outcomes.get(0).get();
            List<List<Object>> b = outcomes.get(1).get();
            assertThat(a).as("round %d", round).hasSize(n);
            // the same task for each key in both answers, created by exactly one of the two
            for (int i = 0; i < n; i++) {
                assertThat(b.get(i).get(2)).isEqualTo(a.get(i).get(2));
                assertThat(b.get(i).get(0)).as("round %d, %s", round, a.get(i).get(2)).isEqualTo(a.get(i).get(0));
                assertThat(List.of(a.get(i).get(1), b.get(i).get(1))).as("round %d, %s", round, a.get(i).get(2))
                        .containsExactlyInAnyOrder(true, false);
            }
            assertThat(db.count("select count(*) from sor.tasks where queue = ?", q)).as("round %d", round).isEqualTo(n);
            assertThat(db.count("select count(*) from sor.dedupe_keys where scope = 'task:' || ?", q)).as("round %d", round).isEqualTo(n);
        }
    }
    @Test
    void twoCallsFailingTheSameTasksInOppositeOrdersNeitherDeadlockNorRecordTwice() throws Exception {
        for (int round = 0; round < 15; round++) {
            String q = newQueue();
            List<String> both = sixClaimedBothWays(q, "[{\"subject\": \"a\", \"max_attempts\": 1}, {\"subject\": \"b\"}, {\"subject\": \"c\"},"
                    + " {\"subject\": \"d\", \"max_attempts\": 1}, {\"subject\": \"e\"}, {\"subject\": \"f\"}]", "\"error\": \"timeout\"");
            String forward = both.get(0);
            String backward = both.get(1);
            List<Race.Outcome<List<List<Object>>>> outcomes = Race.onConnections(worker, 2, (c, thread) ->
                    Sql.rows(c, "select task_id, status, run_after from sor_api.fail_tasks(?::jsonb) order by task_id", thread == 0 ? forward : backward));
            // both answered (one recorded, the other was answered as a retry), the same answer, no 40P01
            assertThat(outcomes.get(0).get()).as("round %d", round).hasSize(6).isEqualTo(outcomes.get(1).get());
            assertThat(db.rows("select e.type, count(*) from sor.events e where e.type in ('task.failed', 'task.dead')"
                    + " and e.stream in (select 'task-' || (x ->> 'task_id') from jsonb_array_elements(?::jsonb) x) group by e.type order by e.type", forward))
                    .as("round %d: one event per attempt", round).containsExactly(List.of("task.dead", 2L), List.of("task.failed", 4L));
        }
    }
    @Test
    void twoCallsCompletingTheSameTasksInOppositeOrdersNeitherDeadlockNorRecordTwice() throws Exception {
        for (int round = 0; round < 15; round++) {
            String q = newQueue();
            List<String> both = sixClaimedBothWays(q, "[{\"subject\": \"1\"}, {\"subject\": \"2\"}, {\"subject\": \"3\"},"
                    + " {\"subject\": \"4\"}, {\"subject\": \"5\"}, {\"subject\": \"6\"}]", "\"result\": {\"n\": 1}");
            String forward = both.get(0);
            String backward = both.get(1);
            List<Race.Outcome<List<List<Object>>>> outcomes = Race.onConnections(worker, 2, (c, thread) ->
                    Sql.rows(c, "select task_id from sor_api.complete_tasks(?::jsonb) order by task_id", thread == 0 ? forward : backward));
            assertThat(outcomes.get(0).get()).as("round %d", round).hasSize(6).isEqualTo(outcomes.get(1).get());
            assertThat(db.count("select count(*) from sor.finished_tasks where queue = ? and status = 'completed'", q))
                    .as("round %d", round).isEqualTo(6);
            assertThat(db.count("select count(*) from sor.events e join sor.finished_tasks f on e.stream = 'task-' || f.task_id"
                    + " where f.queue = ? and e.type = 'task.completed'", q)).as("round %d: one event per task", round).isEqualTo(6);
        }
    }
    @Test
    void aWorkerRemovedFromTheTenantSettlesNoneOfABatchItClaimedBefore() throws Exception {
        Database leaving = db.worker("expense-reconciler", "acme");
        String q = newQueue();
        List<String> both;
        try (Connection c = leaving.connect()) {
            Sql.run(c, "select * from sor_api.enqueue_tasks('acme', ?, '[{\"subject\": \"1\"}, {\"subject\": \"2\"}]')", q);
            String batch = claimed(c, q, 2);
            both = List.of(batch.replace(", \"error\": \"smtp 451\"", ""), batch.replace(", \"result\": {\"ok\": true}", ""));
        }
        db.exec("select sor_api.remove_member('acme', '" + leaving.user() + "')");
        try (Connection c = leaving.connect()) {
            // the membership is checked now, for every task of the batch: none is known to the caller any more
            assertThat(assertRefusedAndNothingWritten(db, "SR055", "completing after leaving the tenant",
                    () -> Sql.run(c, "select * from sor_api.complete_tasks(?::jsonb)", both.get(0))).getMessage()).contains("task 1 of the batch");
            assertThat(assertRefusedAndNothingWritten(db, "SR055", "failing after leaving the tenant",
                    () -> Sql.run(c, "select * from sor_api.fail_tasks(?::jsonb)", both.get(1))).getMessage()).contains("task 1 of the batch");
        }
        assertThat(db.count("select count(*) from sor.tasks where queue = ? and status = 'claimed'", q)).isEqualTo(2);
    }
}

package dev.pgsor.claims;

import static dev.pgsor.claims.Claims.claim;
import static dev.pgsor.claims.Claims.complete;
import static dev.pgsor.claims.Claims.enqueue;
import static dev.pgsor.claims.Claims.fail;
import static dev.pgsor.claims.Claims.heartbeat;
import static dev.pgsor.testkit.SorAssertions.assertNothingWritten;
import static dev.pgsor.testkit.SorAssertions.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.claims.Claims.Claim;
import dev.pgsor.runtime.Database;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import dev.pgsor.testkit.Sql;
import java.sql.Connection;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Claims as the Workers make them (login roles in sor_worker): idempotent enqueue, batches never
 * larger than asked, priority then age, fencing tokens refusing late writers, backoff, dead letters
 * and the operator's retry, events for every status change, and bad input refused with nothing changed.
 */
@SorTest(reconciler = true)
class ClaimsTest {

    static SorDatabase db;
    static Database worker;
    static Database otherWorker;
    static Database globexWorker;
    static Database admin;
    static final AtomicInteger QUEUES = new AtomicInteger();

    @BeforeAll
    static void setUp(SorDatabase database) {
        db = database;
        db.addTenants("acme", "globex");
        worker = db.worker("expense-reconciler", "acme");
        otherWorker = db.worker("expense-reconciler", "acme");
        globexWorker = db.worker("expense-reconciler", "globex");
        admin = db.sorAdmin();
    }

    /** A queue of its own for each test: max 3 attempts, backoff from 1 second. */
    static String newQueue() {
        String q = "q" + QUEUES.incrementAndGet();
        db.exec("select sor_api.create_queue('" + q + "', 'test queue', 3, '1 second', '1 minute')");
        return q;
    }

    static List<String> eventTypes(long taskId) {
        return Sql.rows(db.admin(), "select type from sor.events where stream = ? order by version", "task-" + taskId)
                .stream().map(r -> (String) r.get(0)).toList();
    }

    /**
     * A Worker that lost the answer of its completion calls it again: the same completion (same
     * token, same result, by the same Worker) is accepted and writes nothing; another result, another
     * token or another Worker is still refused as stale. The same for a batch.
     */
    @Test
    void theSameCompletionAgainIsAcceptedAndWritesNothing() throws Exception {
        String q = newQueue();
        try (Connection c = worker.connect(); Connection other = otherWorker.connect()) {
            long one = enqueue(c, "acme", q, "one", null);
            long two = enqueue(c, "acme", q, "two", null);
            long three = enqueue(c, "acme", q, "three", null);
            List<Claim> claims = claim(c, q, 3, "1 minute");
            complete(c, one, claims.get(0).token());
            assertNothingWritten(db, () -> complete(c, one, claims.get(0).token()));
            assertRefused("SR056", () -> Sql.run(c, "select sor_api.complete_task(?, ?, '{\"done\": false}')", one, claims.get(0).token()));
            assertRefused("SR056", () -> complete(other, one, claims.get(0).token()));
            assertRefused("SR056", () -> complete(c, one, claims.get(0).token() + 100));
            String batch = "[{\"task_id\": " + two + ", \"fencing_token\": " + claims.get(1).token() + ", \"result\": {\"n\": 2}},"
                    + " {\"task_id\": " + three + ", \"fencing_token\": " + claims.get(2).token() + "}]";
            assertThat(Sql.rows(c, "select ordinal, task_id from sor_api.complete_tasks(?::jsonb)", batch))
                    .containsExactly(List.of(1, two), List.of(2, three));
            // the batch again: both count as completed, nothing is written
            assertNothingWritten(db, () -> assertThat(Sql.rows(c, "select ordinal, task_id from sor_api.complete_tasks(?::jsonb) order by 1", batch))
                    .containsExactly(List.of(1, two), List.of(2, three)));
            // one of them with another result: the batch is refused, naming it
            String changed = batch.replace("{\"n\": 2}", "{\"n\": 3}");
            assertRefused("SR056", () -> Sql.run(c, "select * from sor_api.complete_tasks(?::jsonb)", changed));
            assertThat(db.rows("select task_id, status from sor.finished_tasks where queue = ? order by task_id", q))
                    .containsExactly(List.of(one, "completed"), List.of(two, "completed"), List.of(three, "completed"));
            assertThat(eventTypes(one)).containsExactly("task.completed");
        }
    }

    @Test
    void enqueueIsIdempotentOnTheDedupeKeyPerTenantAndQueue() throws Exception {
        String q = newQueue();
        String q2 = newQueue();
        try (Connection c = worker.connect(); Connection g = globexWorker.connect()) {
            long first = enqueue(c, "acme", q, "row-1", "stmt-1");
            assertThat(enqueue(c, "acme", q, "row-1 again", "stmt-1")).isEqualTo(first);
            assertThat(enqueue(c, "acme", q2, "row-1", "stmt-1")).isNotEqualTo(first);
            assertThat(enqueue(g, "globex", q, "row-1", "stmt-1")).isNotEqualTo(first);
            long a = enqueue(c, "acme", q, "no key", null);
            long b = enqueue(c, "acme", q, "no key", null);
            assertThat(a).isNotEqualTo(b);
            assertThat(db.count("select count(*) from sor.tasks where queue = ? and tenant_id = 'acme' and dedupe_key = 'stmt-1'", q)).isOne();
            assertThat(db.scalar("select subject from sor.tasks where task_id = ?", first)).isEqualTo("row-1");
            // a task is queued without an event: its row records who queued it and when
            assertThat(eventTypes(first)).isEmpty();
        }
    }

    @Test
    void claimNeverReturnsMoreThanTheBatchAndTakesPriorityThenAge() throws Exception {
        String q = newQueue();
        try (Connection c = worker.connect()) {
            long low1 = enqueue(c, "acme", q, "low-1", null);
            long low2 = enqueue(c, "acme", q, "low-2", null);
            Sql.run(c, "select sor_api.enqueue_task('acme', ?, 'high', '{}'::jsonb, null, 5)", q);
            long high = (Long) db.scalar("select task_id from sor.tasks where queue = ? and subject = 'high'", q);
            long low3 = enqueue(c, "acme", q, "low-3", null);

            List<Claim> first = claim(c, q, 2, "1 minute");
            assertThat(first).extracting(Claim::taskId).containsExactlyInAnyOrder(high, low1);
            List<Claim> second = claim(c, q, 1, "1 minute");
            assertThat(second).extracting(Claim::taskId).containsExactly(low2);
            List<Claim> rest = claim(c, q, 10, "1 minute");
            assertThat(rest).extracting(Claim::taskId).containsExactly(low3);
            assertThat(claim(c, q, 10, "1 minute")).isEmpty();
            assertThat(first).allSatisfy(cl -> assertThat(cl.attempts()).isOne());
        }
    }

    @Test
    void everyClaimGetsANewLargerFencingToken() throws Exception {
        String q = newQueue();
        try (Connection c = worker.connect()) {
            long id = enqueue(c, "acme", q, "t", null);
            Claim one = claim(c, q, 1, "200 milliseconds").get(0);
            Thread.sleep(400);
            Claim two = claim(c, q, 1, "1 minute").get(0);
            assertThat(two.taskId()).isEqualTo(id);
            assertThat(two.token()).isGreaterThan(one.token());
            assertThat(two.attempts()).isEqualTo(2);
        }
    }

    @Test
    void workerWhoseTaskWasTakenBackCannotCompleteFailOrHeartbeat_SR056() throws Exception {
        String q = newQueue();
        try (Connection slow = worker.connect(); Connection fresh = otherWorker.connect()) {
            long id = enqueue(slow, "acme", q, "t", null);
            Claim old = claim(slow, q, 1, "200 milliseconds").get(0);
            Thread.sleep(400);
            Claim taken = claim(fresh, q, 5, "1 minute").get(0);
            assertThat(taken.taskId()).isEqualTo(id);
            assertNothingWritten(db, () -> {
                assertRefused("SR056", () -> complete(slow, id, old.token()));
                assertRefused("SR056", () -> fail(slow, id, old.token(), "late"));
                assertRefused("SR056", () -> heartbeat(slow, id, old.token()));
            });

            // the token, not the role, is what counts: the new holder's token in the old worker's hands
            assertRefused("SR056", () -> complete(slow, id, taken.token()));
            heartbeat(fresh, id, taken.token());
            complete(fresh, id, taken.token());
            assertRefused("SR056", () -> Sql.run(fresh, "select sor_api.complete_task(?, ?, '{\"done\": false}')", id, taken.token()));
            assertThat(db.scalar("select status from sor.finished_tasks where task_id = ?", id)).isEqualTo("completed");
            assertThat(db.count("select count(*) from sor.tasks where task_id = ?", id)).as("a finished task leaves the live queue").isZero();
            // one event per attempt, at its outcome, naming the claim it ends: holder and token
            assertThat(eventTypes(id)).containsExactly("task.lease_expired", "task.completed");
            assertThat(Sql.rows(db.admin(), "select type, actor::text, payload ->> 'claimed_by', (payload ->> 'fencing_token')::bigint,"
                    + " payload ->> 'claimed_at' is not null from sor.events where stream = ? order by version", "task-" + id))
                    .containsExactly(List.of("task.lease_expired", otherWorker.user(), worker.user(), old.token(), true),
                                     List.of("task.completed", otherWorker.user(), otherWorker.user(), taken.token(), true));
        }
    }

    @Test
    void lapsedLeaseRefusesItsOwnHolder_SR057() throws Exception {
        String q = newQueue();
        try (Connection c = worker.connect()) {
            long id = enqueue(c, "acme", q, "t", null);
            Claim cl = claim(c, q, 1, "200 milliseconds").get(0);
            heartbeat(c, id, cl.token());
            Thread.sleep(400);
            assertNothingWritten(db, () -> {
                assertRefused("SR057", () -> heartbeat(c, id, cl.token()));
                assertRefused("SR057", () -> complete(c, id, cl.token()));
                assertRefused("SR057", () -> fail(c, id, cl.token(), "late"));
            });
        }
    }

    @Test
    void failureRetriesWithJitteredBackoffThenDeadLettersAndTheOperatorRetries() throws Exception {
        String q = newQueue();
        try (Connection c = worker.connect(); Connection op = admin.connect()) {
            long id = enqueue(c, "acme", q, "t", null);
            for (int attempt = 1; attempt <= 2; attempt++) {
                Claim cl = claim(c, q, 1, "1 minute").get(0);
                assertThat(cl.attempts()).isEqualTo(attempt);
                fail(c, id, cl.token(), "smtp 451");
                // backoff: 1 s doubling per attempt, jittered between half and all of it
                double delay = ((Number) db.scalar("select extract(epoch from run_after - finished_or_now) from"
                        + " (select t.run_after, (select e.occurred_at from sor.events e where e.stream = 'task-' || t.task_id"
                        + " order by e.version desc limit 1) as finished_or_now from sor.tasks t where t.task_id = ?) x", id)).doubleValue();
                double full = Math.pow(2, attempt - 1);
                assertThat(delay).isBetween(full / 2, full);
                assertThat(db.scalar("select status from sor.tasks where task_id = ?", id)).isEqualTo("failed");
                assertThat(claim(c, q, 1, "1 minute")).as("not due before its backoff").isEmpty();
                db.exec("update sor.tasks set run_after = now() where task_id = " + id);
            }
            Claim last = claim(c, q, 1, "1 minute").get(0);
            fail(c, id, last.token(), "smtp 550");
            assertThat(Sql.rows(db.admin(), "select status, attempts, last_error from sor.finished_tasks where task_id = ?", id))
                    .containsExactly(List.of("dead", 3, "smtp 550"));
            assertThat(claim(c, q, 1, "1 minute")).isEmpty();

            assertThat(Sql.rows(op, "select task_id, attempts, last_error from sor_api.dead_tasks(?)", q))
                    .containsExactly(List.of(id, 3, "smtp 550"));
            Sql.run(op, "select sor_api.retry_task(?)", id);
            assertRefused("SR058", () -> Sql.run(op, "select sor_api.retry_task(?)", id));
            assertRefused("SR055", () -> Sql.run(op, "select sor_api.retry_task(?)", -1L));
            Claim again = claim(c, q, 1, "1 minute").get(0);
            assertThat(again.attempts()).isOne();
            complete(c, id, again.token());
            assertThat(eventTypes(id)).containsExactly("task.failed", "task.failed", "task.dead", "task.retried", "task.completed");
            assertRefused("42501", () -> Sql.run(c, "select sor_api.retry_task(?)", id));
        }
    }

    @Test
    void lapsedLeaseOnTheLastAttemptMakesTheTaskDead() throws Exception {
        String q = newQueue();
        try (Connection c = worker.connect()) {
            long id = enqueue(c, "acme", q, "t", null);
            db.exec("update sor.tasks set max_attempts = 1 where task_id = " + id);
            claim(c, q, 1, "200 milliseconds");
            Thread.sleep(400);
            assertThat(claim(c, q, 5, "1 minute")).isEmpty();
            assertThat(Sql.rows(db.admin(), "select status, last_error from sor.finished_tasks where task_id = ?", id))
                    .containsExactly(List.of("dead", "lease expired"));
            assertThat(eventTypes(id)).containsExactly("task.dead");
        }
    }

    @Test
    void workerGetsOnlyTasksOfItsTenants() throws Exception {
        String q = newQueue();
        try (Connection c = worker.connect(); Connection g = globexWorker.connect()) {
            long acme = enqueue(c, "acme", q, "a", null);
            long globex = enqueue(g, "globex", q, "g", null);
            assertRefused("SR008", () -> enqueue(c, "globex", q, "x", null));
            assertRefused("SR008", () -> enqueue(c, "nosuch", q, "x", null));
            assertThat(claim(c, q, 10, "1 minute")).extracting(Claim::taskId).containsExactly(acme);
            Claim gc = claim(g, q, 10, "1 minute").get(0);
            assertThat(gc.taskId()).isEqualTo(globex);
            assertRefused("SR055", () -> complete(c, globex, gc.token()));
            assertRefused("SR055", () -> heartbeat(c, globex, gc.token()));
        }
    }

    @Test
    void onlyWorkersMayCallTheClaimFunctions() throws Exception {
        String q = newQueue();
        Database tenant = db.tenantUser();
        Database dispatcher = db.dispatcher("acme", "globex");
        for (Database d : List.of(tenant, dispatcher)) {
            try (Connection c = d.connect()) {
                assertRefused("42501", () -> claim(c, q, 1, "1 minute"));
                assertRefused("42501", () -> enqueue(c, "acme", q, "t", null));
                assertRefused("42501", () -> complete(c, 1, 1L));
                assertRefused("42501", () -> c.createStatement().executeQuery("select * from sor.tasks"));
            }
        }
    }

    @Test
    void badInputGetsItsSqlStateAndChangesNothing() throws Exception {
        String q = newQueue();
        try (Connection c = worker.connect()) {
            long id = enqueue(c, "acme", q, "t", null);
            Claim cl = claim(c, q, 1, "1 minute").get(0);
            assertNothingWritten(db, () -> {
                assertRefused("SR050", () -> claim(c, "nosuch", 1, "1 minute"));
                assertRefused("SR050", () -> claim(c, null, 1, "1 minute"));
                assertRefused("SR050", () -> enqueue(c, "acme", "nosuch", "t", null));
                for (Integer batch : new Integer[] {0, -1, 1001, Integer.MAX_VALUE, null}) {
                    assertRefused("SR051", () -> claim(c, q, batch, "1 minute"));
                }
                for (String lease : new String[] {"-1 second", "0", "2 days", null}) {
                    assertRefused("SR052", () -> claim(c, q, 1, lease));
                }
                assertRefused("SR056", () -> complete(c, id, null));
                assertRefused("SR056", () -> heartbeat(c, id, null));
                assertRefused("SR056", () -> fail(c, id, null, "x"));
                assertRefused("SR056", () -> complete(c, id, cl.token() + 1000));
                assertRefused("SR055", () -> complete(c, -5, cl.token()));
                assertRefused("SR055", () -> Sql.run(c, "select sor_api.complete_task(null, ?)", cl.token()));
                assertRefused("SR054", () -> Sql.run(c, "select sor_api.complete_task(?, ?, '[1]'::jsonb)", id, cl.token()));
                assertRefused("SR054", () -> fail(c, id, cl.token(), null));
                assertRefused("SR054", () -> fail(c, id, cl.token(), ""));
                assertRefused("SR054", () -> enqueue(c, "acme", q, null, null));
                assertRefused("SR054", () -> enqueue(c, "acme", q, "", null));
                assertRefused("SR054", () -> enqueue(c, "acme", q, "t", "k".repeat(201)));
                assertRefused("SR054", () -> Sql.run(c, "select sor_api.enqueue_task('acme', ?, 't', '[]'::jsonb)", q));
                assertRefused("SR054", () -> Sql.run(c, "select sor_api.enqueue_task('acme', ?, 't', '{}'::jsonb, null, 0, '-1 s')", q));
                assertRefused("SR054", () -> Sql.run(c, "select sor_api.enqueue_task('acme', ?, 't', '{}'::jsonb, null, 0, null, 0)", q));
                assertRefused("SR054", () -> Sql.run(c, "select sor_api.enqueue_task('acme', ?, 't', '{}'::jsonb, null, 5000)", q));
                assertRefused("SR008", () -> Sql.run(c, "select sor_api.enqueue_task(null, ?, 't')", q));
            });

            complete(c, id, cl.token());
        }
        try (Connection op = admin.connect()) {
            assertRefused("SR059", () -> Sql.run(op, "select sor_api.create_queue('Bad Name', 'x')"));
            assertRefused("SR059", () -> Sql.run(op, "select sor_api.create_queue('okname', 'x', 0)"));
            assertRefused("SR059", () -> Sql.run(op, "select sor_api.create_queue('okname', 'x', 3, '1 hour', '1 second')"));
            assertRefused("SR059", () -> Sql.run(op, "select sor_api.create_queue('okname', null)"));
            assertThat(db.count("select count(*) from sor.queues where queue = 'okname'")).isZero();
        }
    }

    @Test
    void heartbeatExtendsTheLeaseFromTheDatabaseClockAndWritesNoEvent() throws Exception {
        String q = newQueue();
        try (Connection c = worker.connect()) {
            long id = enqueue(c, "acme", q, "t", null);
            Claim cl = claim(c, q, 1, "10 minutes").get(0);
            db.exec("update sor.tasks set lease_expires_at = now() + interval '1 second' where task_id = " + id);
            long events = db.count("select count(*) from sor.events where stream = ?", "task-" + id);
            heartbeat(c, id, cl.token());
            assertThat((Boolean) db.scalar("select lease_expires_at > now() + interval '9 minutes' from sor.tasks where task_id = ?", id)).isTrue();
            assertThat(db.count("select count(*) from sor.events where stream = ?", "task-" + id)).isEqualTo(events);
        }
    }
}

package dev.pgsor.claims;

import static dev.pgsor.claims.Claims.claim;
import static dev.pgsor.claims.Claims.complete;
import static dev.pgsor.claims.Claims.enqueue;
import static dev.pgsor.claims.Claims.fail;
import static dev.pgsor.claims.Claims.heartbeat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgsor.claims.Claims.Claim;
import dev.pgsor.db.Database;
import dev.pgsor.support.TestDatabase;
import dev.pgsor.support.TestDatabase.Sql;
import dev.pgsor.support.TestServer;
import java.sql.Connection;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Claims as the Workers make them (login roles in sor_worker): idempotent enqueue, batches never
 * larger than asked, priority then age, fencing tokens refusing late writers, backoff, dead letters
 * and the operator's retry, events for every status change, and bad input refused with nothing changed.
 */
class ClaimsTest {

    static TestDatabase db;
    static Database worker;
    static Database otherWorker;
    static Database globexWorker;
    static Database admin;
    static final AtomicInteger QUEUES = new AtomicInteger();

    @BeforeAll
    static void setUp() {
        db = TestServer.get().freshDatabase();
        db.exec("select sor_api.add_tenant('acme', 'Acme'), sor_api.add_tenant('globex', 'Globex')");
        worker = db.loginRole("wrk", "sor_worker");
        otherWorker = db.loginRole("wrk", "sor_worker");
        globexWorker = db.loginRole("gwrk", "sor_worker");
        admin = db.loginRole("adm", "sor_admin");
        db.exec("select sor_api.add_member('acme', '" + worker.user() + "'), sor_api.add_member('acme', '"
                + otherWorker.user() + "'), sor_api.add_member('globex', '" + globexWorker.user() + "')");
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    /** A queue of its own for each test: max 3 attempts, backoff from 1 second. */
    static String newQueue() {
        String q = "q" + QUEUES.incrementAndGet();
        db.exec("select sor_api.create_queue('" + q + "', 'test queue', 3, '1 second', '1 minute')");
        return q;
    }

    static void assertState(ThrowingCallable call, String sqlState) {
        assertThatThrownBy(call).extracting("SQLState").isEqualTo(sqlState);
    }

    static List<String> eventTypes(long taskId) {
        return Sql.rows(db.admin(), "select type from sor.events where stream = ? order by version", "task-" + taskId)
                .stream().map(r -> (String) r.get(0)).toList();
    }

    /** Everything claims can change: the tasks, the events, the fencing sequence. */
    static List<List<Object>> snapshot() {
        return Sql.rows(db.admin(), "select (select md5(coalesce(string_agg(t::text, ',' order by t.task_id), '')) from sor.tasks t),"
                + " (select count(*) from sor.events), (select last_value from sor.fencing_tokens)");
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
            assertThat(eventTypes(first)).containsExactly("task.enqueued");
        }
    }

    @Test
    void claimNeverReturnsMoreThanTheBatchAndTakesPriorityThenAge() throws Exception {
        String q = newQueue();
        try (Connection c = worker.connect()) {
            long low1 = enqueue(c, "acme", q, "low-1", null);
            long low2 = enqueue(c, "acme", q, "low-2", null);
            Claims.call(c, "select sor_api.enqueue_task('acme', ?, 'high', '{}'::jsonb, null, 5)", q);
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
            List<List<Object>> before = snapshot();

            assertState(() -> complete(slow, id, old.token()), "SR056");
            assertState(() -> fail(slow, id, old.token(), "late"), "SR056");
            assertState(() -> heartbeat(slow, id, old.token()), "SR056");
            assertThat(snapshot()).isEqualTo(before);

            // the token, not the role, is what counts: the new holder's token in the old worker's hands
            assertState(() -> complete(slow, id, taken.token()), "SR056");
            heartbeat(fresh, id, taken.token());
            complete(fresh, id, taken.token());
            assertState(() -> complete(fresh, id, taken.token()), "SR056");
            assertThat(db.scalar("select status from sor.tasks where task_id = ?", id)).isEqualTo("completed");
            assertThat(eventTypes(id)).containsExactly("task.enqueued", "task.claimed", "task.lease_expired",
                    "task.claimed", "task.completed");
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
            List<List<Object>> before = snapshot();
            assertState(() -> heartbeat(c, id, cl.token()), "SR057");
            assertState(() -> complete(c, id, cl.token()), "SR057");
            assertState(() -> fail(c, id, cl.token(), "late"), "SR057");
            assertThat(snapshot()).isEqualTo(before);
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
            assertThat(Sql.rows(db.admin(), "select status, attempts, last_error from sor.tasks where task_id = ?", id))
                    .containsExactly(List.of("dead", 3, "smtp 550"));
            assertThat(claim(c, q, 1, "1 minute")).isEmpty();

            assertThat(Sql.rows(op, "select task_id, attempts, last_error from sor_api.dead_tasks(?)", q))
                    .containsExactly(List.of(id, 3, "smtp 550"));
            Claims.call(op, "select sor_api.retry_task(?)", id);
            assertState(() -> Claims.call(op, "select sor_api.retry_task(?)", id), "SR058");
            assertState(() -> Claims.call(op, "select sor_api.retry_task(?)", -1L), "SR055");
            Claim again = claim(c, q, 1, "1 minute").get(0);
            assertThat(again.attempts()).isOne();
            complete(c, id, again.token());
            assertThat(eventTypes(id)).containsExactly("task.enqueued", "task.claimed", "task.failed", "task.claimed",
                    "task.failed", "task.claimed", "task.dead", "task.retried", "task.claimed", "task.completed");
            assertState(() -> Claims.call(c, "select sor_api.retry_task(?)", id), "42501");
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
            assertThat(Sql.rows(db.admin(), "select status, last_error from sor.tasks where task_id = ?", id))
                    .containsExactly(List.of("dead", "lease expired"));
            assertThat(eventTypes(id)).containsExactly("task.enqueued", "task.claimed", "task.dead");
        }
    }

    @Test
    void workerGetsOnlyTasksOfItsTenants() throws Exception {
        String q = newQueue();
        try (Connection c = worker.connect(); Connection g = globexWorker.connect()) {
            long acme = enqueue(c, "acme", q, "a", null);
            long globex = enqueue(g, "globex", q, "g", null);
            assertState(() -> enqueue(c, "globex", q, "x", null), "SR053");
            assertState(() -> enqueue(c, "nosuch", q, "x", null), "SR053");
            assertThat(claim(c, q, 10, "1 minute")).extracting(Claim::taskId).containsExactly(acme);
            Claim gc = claim(g, q, 10, "1 minute").get(0);
            assertThat(gc.taskId()).isEqualTo(globex);
            assertState(() -> complete(c, globex, gc.token()), "SR055");
            assertState(() -> heartbeat(c, globex, gc.token()), "SR055");
        }
    }

    @Test
    void onlyWorkersMayCallTheClaimFunctions() throws Exception {
        String q = newQueue();
        Database tenant = db.loginRole("ten", "sor_tenant");
        Database dispatcher = db.loginRole("dsp", "sor_dispatcher");
        for (Database d : List.of(tenant, dispatcher)) {
            try (Connection c = d.connect()) {
                assertState(() -> claim(c, q, 1, "1 minute"), "42501");
                assertState(() -> enqueue(c, "acme", q, "t", null), "42501");
                assertState(() -> complete(c, 1, 1L), "42501");
                assertState(() -> c.createStatement().executeQuery("select * from sor.tasks"), "42501");
            }
        }
    }

    @Test
    void badInputGetsItsSqlStateAndChangesNothing() throws Exception {
        String q = newQueue();
        try (Connection c = worker.connect()) {
            long id = enqueue(c, "acme", q, "t", null);
            Claim cl = claim(c, q, 1, "1 minute").get(0);
            List<List<Object>> before = snapshot();

            assertState(() -> claim(c, "nosuch", 1, "1 minute"), "SR050");
            assertState(() -> claim(c, null, 1, "1 minute"), "SR050");
            assertState(() -> enqueue(c, "acme", "nosuch", "t", null), "SR050");
            for (Integer batch : new Integer[] {0, -1, 1001, Integer.MAX_VALUE, null}) {
                assertState(() -> claim(c, q, batch, "1 minute"), "SR051");
            }
            for (String lease : new String[] {"-1 second", "0", "2 days", null}) {
                assertState(() -> claim(c, q, 1, lease), "SR052");
            }
            assertState(() -> complete(c, id, null), "SR056");
            assertState(() -> heartbeat(c, id, null), "SR056");
            assertState(() -> fail(c, id, null, "x"), "SR056");
            assertState(() -> complete(c, id, cl.token() + 1000), "SR056");
            assertState(() -> complete(c, -5, cl.token()), "SR055");
            assertState(() -> Claims.call(c, "select sor_api.complete_task(null, ?)", cl.token()), "SR055");
            assertState(() -> Claims.call(c, "select sor_api.complete_task(?, ?, '[1]'::jsonb)", id, cl.token()), "SR054");
            assertState(() -> fail(c, id, cl.token(), null), "SR054");
            assertState(() -> fail(c, id, cl.token(), ""), "SR054");
            assertState(() -> enqueue(c, "acme", q, null, null), "SR054");
            assertState(() -> enqueue(c, "acme", q, "", null), "SR054");
            assertState(() -> enqueue(c, "acme", q, "t", "k".repeat(201)), "SR054");
            assertState(() -> Claims.call(c, "select sor_api.enqueue_task('acme', ?, 't', '[]'::jsonb)", q), "SR054");
            assertState(() -> Claims.call(c, "select sor_api.enqueue_task('acme', ?, 't', '{}'::jsonb, null, 0, '-1 s')", q), "SR054");
            assertState(() -> Claims.call(c, "select sor_api.enqueue_task('acme', ?, 't', '{}'::jsonb, null, 0, null, 0)", q), "SR054");
            assertState(() -> Claims.call(c, "select sor_api.enqueue_task('acme', ?, 't', '{}'::jsonb, null, 5000)", q), "SR054");
            assertState(() -> Claims.call(c, "select sor_api.enqueue_task(null, ?, 't')", q), "SR053");
            assertThat(snapshot()).isEqualTo(before);

            complete(c, id, cl.token());
        }
        try (Connection op = admin.connect()) {
            assertState(() -> Claims.call(op, "select sor_api.create_queue('Bad Name', 'x')"), "SR059");
            assertState(() -> Claims.call(op, "select sor_api.create_queue('okname', 'x', 0)"), "SR059");
            assertState(() -> Claims.call(op, "select sor_api.create_queue('okname', 'x', 3, '1 hour', '1 second')"), "SR059");
            assertState(() -> Claims.call(op, "select sor_api.create_queue('okname', null)"), "SR059");
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

package dev.pgsor.claims;

import static dev.pgsor.testkit.SorAssertions.assertRefused;
import static dev.pgsor.testkit.SorAssertions.assertRefusedAndNothingWritten;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.runtime.Database;
import dev.pgsor.testkit.Race;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import dev.pgsor.testkit.Sql;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * What a dispatcher or Worker needs around the queue: a wake-up on the queue's channel for every
 * transaction that queued tasks on it (none for one rolled back), a claim for one tenant that never
 * takes another tenant's task (SR008 for a tenant the caller is not a member of), claimers racing
 * over lapsed leases (each taken back once, each exhausted task ended dead once), and the queue's
 * and the outbox's metrics, of the tenants the caller may read only.
 */
@SorTest
class QueueOpsTest {

    SorDatabase db;
    Database acme;
    Database both;
    Database globex;

    @BeforeEach
    void setUp(SorDatabase suite) {
        db = suite.fresh();
        db.addTenants("acme", "globex");
        acme = db.worker("expense-reconciler", "acme");
        globex = db.worker("expense-reconciler", "globex");
        both = db.worker("expense-reconciler", "acme", "globex");
        db.exec("select sor_api.create_queue('work', 'queue operations', 2)");
        db.exec("select sor_api.create_queue('other', 'another queue')");
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    static int notifications(Connection listener, int timeoutMillis) throws SQLException {
        PGNotification[] got = listener.unwrap(PGConnection.class).getNotifications(timeoutMillis);
        return got == null ? 0 : got.length;
    }

    @Test
    void aTransactionThatQueuesTasksWakesTheQueuesListenersOnce_AndARollbackNone() throws Exception {
        String channel = (String) Sql.scalar(both, "select sor_api.wakeup_channel('tasks', 'work')");
        String bothOther = (String) Sql.scalar(both, "select sor_api.wakeup_channel('tasks', 'other')");
        try (Connection listener = both.connect(); Connection otherListener = db.dispatcher("acme").connect()) {
            // a login's channel of a queue is the same on each of its connections, and its own
            assertThat(Sql.scalar(listener, "select sor_api.wakeup_channel('tasks', 'work')")).isEqualTo(channel);
            try (Statement st = listener.createStatement()) {
                st.execute("listen \"" + channel + "\"");
            }
            String otherChannel = (String) Sql.scalar(otherListener, "select sor_api.wakeup_channel('tasks', 'other')");
            assertThat(otherChannel).matches("sor_tasks_[0-9a-f]{32}").isNotEqualTo(bothOther).isNotEqualTo(channel);
            try (Statement st = otherListener.createStatement()) {
                st.execute("listen \"" + otherChannel + "\"");
            }
            try (Connection c = acme.connect(); Connection g = globex.connect()) {
                // one transaction, three tasks through both enqueue functions: one wake-up
                c.setAutoCommit(false);
                Claims.enqueue(c, "acme", "work", "one", null);
                Claims.enqueue(c, "acme", "work", "two", null);
                Sql.run(c, "select * from sor_api.enqueue_tasks('acme', 'work', '[{\"subject\": \"three\"}]'::jsonb)");
                c.commit();
                PGNotification[] got = listener.unwrap(PGConnection.class).getNotifications(1000);
                assertThat(got).isNotNull();
                assertThat(Arrays.stream(got).map(PGNotification::getName)).containsExactly(channel);
                assertThat(got[0].getParameter()).isEmpty();
                // another tenant's transaction on the same queue wakes it too
                Sql.run(g, "select * from sor_api.enqueue_tasks('globex', 'work', '[{\"subject\": \"g1\"}, {\"subject\": \"g2\"}]'::jsonb)");
                assertThat(notifications(listener, 1000)).isEqualTo(1);
                // rolled back: none
                c.setAutoCommit(false);
                Claims.enqueue(c, "acme", "work", "never", null);
                c.rollback();
                // a task deduplicated queues nothing: none
                c.setAutoCommit(true);
                Claims.enqueue(c, "acme", "work", "keyed", "k-1");
                assertThat(notifications(listener, 1000)).isEqualTo(1);
                Claims.enqueue(c, "acme", "work", "keyed", "k-1");
                assertThat(notifications(listener, 300)).isZero();
                // the other queue's listener heard nothing of these
                assertThat(notifications(otherListener, 300)).isZero();
            }
        }
        assertThat(db.count("select count(*) from sor.tasks where queue = 'work' and subject = 'never'")).isZero();
    }

    /**
     * A notifying commit serialises with every other notifying commit of the server, so a listener
     * must not make another tenant's enqueues notify: a Worker of acme listening on a queue costs
     * globex's enqueues on it nothing, and a login removed from acme that asks again stops costing acme's.
     */
    @Test
    void aTenantsListenerNeverMakesAnotherTenantsEnqueuesNotify() throws Exception {
        String channel = (String) Sql.scalar(acme, "select sor_api.wakeup_channel('tasks', 'work')");
        String globexChannel = (String) Sql.scalar(globex, "select sor_api.wakeup_channel('tasks', 'work')");
        assertThat(globexChannel).isNotEqualTo(channel);
        try (Connection listener = acme.connect(); Connection globexListener = globex.connect()) {
            // globex listens on the same queue: its enqueues notify its own channel, never acme's
            assertThat(Sql.scalar(globexListener, "select sor_api.wakeup_channel('tasks', 'work')")).isEqualTo(globexChannel);
            try (Statement st = globexListener.createStatement()) {
                st.execute("listen \"" + globexChannel + "\"");
            }
            assertThat(Sql.scalar(listener, "select sor_api.wakeup_channel('tasks', 'work')")).isEqualTo(channel);
            try (Statement st = listener.createStatement()) {
                st.execute("listen \"" + channel + "\"");
            }
            int pid = ((Number) Sql.scalar(listener, "select pg_backend_pid()")).intValue();
            assertThat(db.rows("select queue, pid, role_name::text, tenant_ids::text from sor.task_listeners where pid = ?", pid))
                    .containsExactly(List.of("work", pid, acme.user(), "{acme}"));
            for (int round = 0; round < 3; round++) {
                // globex's enqueues, one and a batch in one transaction: globex's channel once, nothing on acme's
                try (Connection g = globex.connect()) {
                    g.setAutoCommit(false);
                    Claims.enqueue(g, "globex", "work", "g-" + round, null);
                    Sql.run(g, "select * from sor_api.enqueue_tasks('globex', 'work', '[{\"subject\": \"gb\"}]'::jsonb)");
                    g.commit();
                }
                PGNotification[] heard = globexListener.unwrap(PGConnection.class).getNotifications(2000);
                assertThat(heard).as("round %d, globex's listener", round).isNotNull();
                assertThat(Arrays.stream(heard).map(PGNotification::getName)).as("round %d", round).containsExactly(globexChannel);
                assertThat(notifications(listener, 300)).as("round %d, globex's enqueues at acme's listener", round).isZero();
                // acme's: one each
                try (Connection c = acme.connect()) {
                    Claims.enqueue(c, "acme", "work", "a-" + round, null);
                }
                assertThat(notifications(listener, 2000)).as("round %d, acme", round).isEqualTo(1);
                assertThat(notifications(globexListener, 300)).as("round %d, acme's enqueue at globex's listener", round).isZero();
            }
            // a login removed from acme that asks again (as on every reconnect) is registered for
            // the tenants it has now: none, and acme's enqueues stop notifying
            db.exec("select sor_api.remove_member('acme', '" + acme.user() + "')");
            assertThat(Sql.scalar(listener, "select sor_api.wakeup_channel('tasks', 'work')")).isEqualTo(channel);
            assertThat(db.rows("select tenant_ids::text from sor.task_listeners where pid = ?", pid)).containsExactly(List.of("{}"));
            try (Connection c = both.connect()) {
                Claims.enqueue(c, "acme", "work", "after removal", null);
            }
            assertThat(notifications(listener, 300)).isZero();
        }
    }

    @Test
    void aQueueWithoutListenersSendsNone_AndAnEndedListenerIsForgotten() throws Exception {
        try (Connection c = acme.connect()) {
            Claims.enqueue(c, "acme", "work", "nobody listens", null);
        }
        assertThat(db.count("select count(*) from sor.task_listeners")).isZero();
        int pid;
        try (Connection gone = acme.connect()) {
            Sql.run(gone, "select sor_api.wakeup_channel('tasks', 'work')");
            pid = ((Number) Sql.scalar(gone, "select pg_backend_pid()")).intValue();
            assertThat(db.rows("select queue, pid, role_name::text from sor.task_listeners")).containsExactly(List.of("work", pid, acme.user()));
        }
        // an unknown queue registers nothing; a new registration removes the ended backend's row
        try (Connection c = globex.connect()) {
            Sql.run(c, "select sor_api.wakeup_channel('tasks', 'no-such-queue')");
            for (int i = 0; i < 100 && db.count("select count(*) from pg_stat_activity where pid = ?", pid) > 0; i++) {
                Thread.sleep(50);
            }
            Sql.run(c, "select sor_api.wakeup_channel('tasks', 'other')");
            int mine = ((Number) Sql.scalar(c, "select pg_backend_pid()")).intValue();
            assertThat(db.rows("select queue, pid from sor.task_listeners")).containsExactly(List.of("other", mine));
        }
        // kit roles do not read the registry
        assertRefused("42501", () -> Sql.run(acme, "select count(*) from sor.task_listeners"));
    }

    @Test
    void aClaimForOneTenantTakesOnlyThatTenantsTasks() throws Exception {
        try (Connection a = acme.connect(); Connection g = globex.connect(); Connection w = both.connect()) {
            Sql.run(g, "select * from sor_api.enqueue_tasks('globex', 'work', '[{\"subject\": \"g1\", \"priority\": 9}, {\"subject\": \"g2\", \"priority\": 9}]'::jsonb)");
            Sql.run(a, "select * from sor_api.enqueue_tasks('acme', 'work', '[{\"subject\": \"a1\"}, {\"subject\": \"a2\"}, {\"subject\": \"a3\"}]'::jsonb)");
            // globex's tasks come first by priority, yet a claim for acme takes acme's only
            List<List<Object>> claimed = Sql.rows(w,
                    "select tenant_id, subject, attempts from sor_api.claim_tasks('work', 2, interval '1 minute', 'acme') order by subject");
            assertThat(claimed).containsExactly(List.of("acme", "a1", 1), List.of("acme", "a2", 1));
            assertThat(Sql.rows(w, "select tenant_id, subject from sor_api.claim_tasks('work', 10, interval '1 minute', 'acme')"))
                    .containsExactly(List.of("acme", "a3"));
            assertThat(Sql.rows(w, "select tenant_id from sor_api.claim_tasks('work', 10, interval '1 minute', 'acme')")).isEmpty();
            assertThat(db.rows("select subject, status from sor.tasks where tenant_id = 'globex' order by subject"))
                    .containsExactly(List.of("g1", "ready"), List.of("g2", "ready"));
            // a tenant the caller is not a member of, an unknown or NULL tenant: SR008, nothing claimed
            assertRefusedAndNothingWritten(db, "SR008", "another tenant's tasks",
                    () -> Sql.run(a, "select * from sor_api.claim_tasks('work', 10, interval '1 minute', 'globex')"));
            assertRefusedAndNothingWritten(db, "SR008", "an unknown tenant",
                    () -> Sql.run(a, "select * from sor_api.claim_tasks('work', 10, interval '1 minute', 'nobody')"));
            assertRefusedAndNothingWritten(db, "SR008", "no tenant",
                    () -> Sql.run(a, "select * from sor_api.claim_tasks('work', 10, interval '1 minute', null::text)"));
            // the queue and the request are checked as by the claim of every tenant
            assertRefused("SR050", () -> Sql.run(a, "select * from sor_api.claim_tasks('nope', 1, interval '1 minute', 'acme')"));
            assertRefused("SR051", () -> Sql.run(a, "select * from sor_api.claim_tasks('work', 0, interval '1 minute', 'acme')"));
            assertRefused("SR052", () -> Sql.run(a, "select * from sor_api.claim_tasks('work', 1, interval '2 days', 'acme')"));
            // the claim of every tenant the caller serves is unchanged
            assertThat(Sql.rows(w, "select tenant_id, subject from sor_api.claim_tasks('work', 10, interval '1 minute') order by subject"))
                    .containsExactly(List.of("globex", "g1"), List.of("globex", "g2"));
        }
    }

    @Test
    void racingClaimsForOneTenantNeverTakeATaskTwiceNorAnotherTenants() throws Exception {
        for (int round = 1; round <= 10; round++) {
            String queue = "race-" + round;
            db.exec("select sor_api.create_queue('" + queue + "', 'a race')");
            StringBuilder batch = new StringBuilder("[");
            for (int i = 1; i <= 12; i++) {
                batch.append(i > 1 ? "," : "").append("{\"subject\": \"t").append(i).append("\", \"priority\": ").append(i % 3).append('}');
            }
            String tasks = batch.append(']').toString();
            Sql.run(globex, "select count(*) from sor_api.enqueue_tasks('globex', '" + queue + "', ?::jsonb)", tasks);
            Sql.run(acme, "select count(*) from sor_api.enqueue_tasks('acme', '" + queue + "', ?::jsonb)", tasks);
            List<Race.Outcome<List<List<Object>>>> outcomes = Race.onConnections(both, 4, (c, thread) ->
                    Sql.rows(c, "select task_id, tenant_id from sor_api.claim_tasks(?, 5, interval '1 minute', 'acme')", queue));
            List<Object> claimed = new ArrayList<>();
            for (Race.Outcome<List<List<Object>>> o : outcomes) {
                for (List<Object> row : o.get()) {
                    assertThat(row.get(1)).as("round %d", round).isEqualTo("acme");
                    claimed.add(row.get(0));
                }
            }
            assertThat(new HashSet<>(claimed)).as("round %d: no task claimed twice", round).hasSameSizeAs(claimed);
            assertThat(db.count("select count(*) from sor.tasks where queue = ? and tenant_id = 'acme' and status = 'claimed'", queue))
                    .isEqualTo(claimed.size());
            assertThat(db.count("select count(*) from sor.tasks where queue = ? and tenant_id = 'acme'", queue)).isEqualTo(12);
            assertThat(db.count("select count(*) from sor.tasks where queue = ? and tenant_id = 'globex' and status = 'ready'", queue))
                    .isEqualTo(12);
        }
    }

    /** A bigint[] literal of the ids. */
    static String ids(List<Long> ids) {
        return ids.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(",", "{", "}"));
    }

    @Test
    void racingClaimersTakeEachLapsedLeaseBackOnce_AndEndEachExhaustedTaskOnce() throws Exception {
        for (int round = 1; round <= 5; round++) {
            String queue = "lapse-" + round;
            db.exec("select sor_api.create_queue('" + queue + "', 'lapsed leases under a race', 3)");
            StringBuilder batch = new StringBuilder("[");
            for (int i = 1; i <= 12; i++) {
                batch.append(i > 1 ? "," : "").append("{\"subject\": \"t").append(i).append("\"}");
            }
            Sql.run(acme, "select count(*) from sor_api.enqueue_tasks('acme', '" + queue + "', ?::jsonb)", batch.append(']').toString());
            // 8 claims that lapse: 4 on their last allowed attempt (they end dead), 4 that may run again;
            // 4 tasks stay ready
            List<Long> held = new ArrayList<>();
            for (List<Object> r : Sql.rows(acme, "select task_id from sor_api.claim_tasks(?, 8, interval '150 milliseconds') order by task_id", queue)) {
                held.add(((Number) r.get(0)).longValue());
            }
            assertThat(held).hasSize(8);
            List<Long> exhausted = held.subList(0, 4);
            List<Long> again = held.subList(4, 8);
            Sql.run(db.admin(), "update sor.tasks set max_attempts = 1 where task_id = any (?::bigint[])", ids(exhausted));
            Thread.sleep(300);

            List<Race.Outcome<List<List<Object>>>> outcomes = Race.onConnections(acme, 4, (c, thread) ->
                    Sql.rows(c, "select task_id, fencing_token, attempts from sor_api.claim_tasks(?, 3, interval '1 minute')", queue));
            List<Long> claimed = new ArrayList<>();
            List<Long> tokens = new ArrayList<>();
            for (Race.Outcome<List<List<Object>>> o : outcomes) {
                for (List<Object> row : o.get()) {
                    claimed.add(((Number) row.get(0)).longValue());
                    tokens.add(((Number) row.get(1)).longValue());
                }
            }
            // what the race left (rows another claimer held a moment) one more claim takes
            for (List<Object> row : Sql.rows(acme, "select task_id, fencing_token from sor_api.claim_tasks(?, 12, interval '1 minute')", queue)) {
                claimed.add(((Number) row.get(0)).longValue());
                tokens.add(((Number) row.get(1)).longValue());
            }
            assertThat(new HashSet<>(claimed)).as("round %d: no task claimed twice", round).hasSameSizeAs(claimed).hasSize(8);
            assertThat(new HashSet<>(tokens)).as("round %d: a new token each", round).hasSize(8);
            assertThat(claimed).as("round %d", round).containsAll(again).doesNotContainAnyElementsOf(exhausted);
            // each exhausted task ended dead once, with one task.dead; each other lapse was taken back
            // once, on its second attempt, with one task.lease_expired
            assertThat(db.rows("select task_id, status, last_error from sor.finished_tasks where queue = ? order by task_id", queue))
                    .as("round %d", round)
                    .containsExactlyElementsOf(exhausted.stream().map(id -> List.<Object>of(id, "dead", "lease expired")).toList());
            assertThat(db.rows("select e.type, count(*) from sor.events e where e.stream in (select 'task-' || x from unnest(?::bigint[]) x)"
                    + " group by e.type order by 1", ids(held)))
                    .as("round %d", round).containsExactly(List.of("task.dead", 4L), List.of("task.lease_expired", 4L));
            assertThat(db.rows("select attempts, last_error, count(*) from sor.tasks where task_id = any (?::bigint[]) group by 1, 2",
                    ids(again))).as("round %d", round).containsExactly(List.of(2, "lease expired", 4L));
            assertThat(db.count("select count(*) from sor.tasks where queue = ? and status = 'claimed'", queue)).isEqualTo(8);
        }
        // the tenant's quota counts its live tasks, whatever ended dead in the races
        assertThat(db.count("select coalesce(sum(pending), 0) from sor.tenant_usage where tenant_id = 'acme' and kind = 'tasks'"))
                .isEqualTo(db.count("select count(*) from sor.tasks where tenant_id = 'acme'"));
    }

    @Test
    void queueMetricsCountEachQueueAndTenant_OfTheTenantsTheCallerMayRead() throws Exception {
        try (Connection a = acme.connect(); Connection g = globex.connect()) {
            // acme on work: 2 ready, 1 delayed, 1 claimed, 1 lapsed, 1 failed, 1 dead
            Sql.run(a, "select * from sor_api.enqueue_tasks('acme', 'work', ?::jsonb)",
                    "[{\"subject\": \"r1\"}, {\"subject\": \"r2\"}, {\"subject\": \"later\", \"delay\": \"1 hour\"},"
                    + " {\"subject\": \"c1\", \"priority\": 5}, {\"subject\": \"l1\", \"priority\": 5},"
                    + " {\"subject\": \"f1\", \"priority\": 5}, {\"subject\": \"d1\", \"priority\": 5, \"max_attempts\": 1}]");
            List<Claims.Claim> claims = Sql.rows(a, "select task_id, subject, fencing_token from sor_api.claim_tasks('work', 4, interval '1 minute')")
                    .stream().map(r -> new Claims.Claim((Long) r.get(0), "acme", (String) r.get(1), 1, (Long) r.get(2))).toList();
            assertThat(claims).extracting(Claims.Claim::subject).containsExactlyInAnyOrder("c1", "l1", "f1", "d1");
            for (Claims.Claim c : claims) {
                switch (c.subject()) {
                    case "f1" -> Claims.fail(a, c.taskId(), c.token(), "retry me");
                    case "d1" -> Claims.fail(a, c.taskId(), c.token(), "no more attempts");
                    default -> { }
                }
            }
            db.exec("update sor.tasks set lease_expires_at = lease_expires_at - interval '1 hour' where subject = 'l1'");
            db.exec("update sor.tasks set run_after = sor.lease_clock() + interval '1 hour' where subject = 'f1'");
            db.exec("update sor.tasks set run_after = run_after - interval '10 minutes' where subject = 'r1'");
            // globex on work: 1 ready; globex on other: 1 ready
            Claims.enqueue(g, "globex", "work", "g1", null);
            Claims.enqueue(g, "globex", "other", "g2", null);
        }
        String metrics = "select queue, tenant_id, ready, delayed, claimed, lapsed, failed, dead,"
                + " oldest_ready_age >= interval '10 minutes' and oldest_ready_age < interval '1 hour'"
                + " from sor_api.queue_metrics() order by queue, tenant_id";
        List<Object> acmeWork = List.of("work", "acme", 2L, 1L, 1L, 1L, 1L, 1L, true);
        List<Object> globexOther = List.of("other", "globex", 1L, 0L, 0L, 0L, 0L, 0L, false);
        List<Object> globexWork = List.of("work", "globex", 1L, 0L, 0L, 0L, 0L, 0L, false);
        assertThat(Sql.rows(acme, metrics)).containsExactly(acmeWork);
        assertThat(Sql.rows(db.dispatcher("acme"), metrics)).containsExactly(acmeWork);
        assertThat(Sql.rows(globex, metrics)).containsExactly(globexOther, globexWork);
        assertThat(Sql.rows(db.tenantUser("globex"), metrics)).containsExactly(globexOther, globexWork);
        assertThat(Sql.rows(both, metrics)).containsExactly(globexOther, acmeWork, globexWork);
        assertThat(Sql.rows(db.auditor(), metrics)).containsExactly(globexOther, acmeWork, globexWork);
        assertThat(Sql.rows(db.worker("expense-reconciler"), metrics)).isEmpty();
        // a ready task's age is how long it has been due
        assertThat(Sql.scalar(globex, "select oldest_ready_age < interval '1 hour' from sor_api.queue_metrics() where queue = 'other'"))
                .isEqualTo(true);
    }

    @Test
    void outboxMetricsCountEachTopicAndTenant_OfTheTenantsTheCallerMayRead() throws Exception {
        db.exec("insert into sor.outbox (tenant_id, topic, aggregate_type, aggregate_id, dedupe_key, status, available_at) values"
                + " ('acme', 'email', 'expense', '1', 'p1', 'pending', now() - interval '10 minutes'),"
                + " ('acme', 'email', 'expense', '2', 'p2', 'pending', now()),"
                + " ('acme', 'email', 'expense', '3', 'p3', 'pending', now() + interval '1 hour'),"
                + " ('acme', 'email', 'expense', '4', 'f1', 'failed', now() + interval '1 hour'),"
                + " ('acme', 'sms', 'expense', '6', 's1', 'pending', now()),"
                + " ('globex', 'email', 'expense', '7', 'g1', 'pending', now())");
        db.exec("insert into sor.outbox (tenant_id, topic, aggregate_type, aggregate_id, dedupe_key, status, dispatched_at)"
                + " values ('acme', 'email', 'expense', '5', 'x1', 'dispatched', now())");
        try (Connection d = db.dispatcher("acme").connect()) {
            Sql.run(d, "select * from sor_api.lease_outbox(1, interval '1 minute', array['acme'])");
        }
        String metrics = "select topic, tenant_id, pending, delayed, leased, lapsed, failed,"
                + " oldest_pending_age >= interval '9 minutes' from sor_api.outbox_metrics() order by topic, tenant_id";
        // the oldest due row (p1) was leased; p2 is the oldest pending one now
        db.exec("update sor.outbox set lease_expires_at = now() - interval '1 second', available_at = now() - interval '1 second'"
                + " where dedupe_key = 'p1'");
        db.exec("update sor.outbox set available_at = now() - interval '20 minutes' where dedupe_key = 'p2'");
        List<Object> acmeEmail = List.of("email", "acme", 1L, 1L, 0L, 1L, 1L, true);
        List<Object> acmeSms = List.of("sms", "acme", 1L, 0L, 0L, 0L, 0L, false);
        List<Object> globexEmail = List.of("email", "globex", 1L, 0L, 0L, 0L, 0L, false);
        assertThat(Sql.rows(db.dispatcher("acme"), metrics)).containsExactly(acmeEmail, acmeSms);
        assertThat(Sql.rows(db.dispatcher("globex"), metrics)).containsExactly(globexEmail);
        assertThat(Sql.rows(db.auditor(), metrics)).containsExactly(acmeEmail, globexEmail, acmeSms);
        assertThat(Sql.rows(db.dispatcher(), metrics)).isEmpty();
    }
}

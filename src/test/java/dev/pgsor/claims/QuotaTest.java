package dev.pgsor.claims;

import static dev.pgsor.testkit.SorAssertions.assertRefused;
import static dev.pgsor.testkit.SorAssertions.assertRefusedAndNothingWritten;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.runtime.Database;
import dev.pgsor.testkit.Race;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import dev.pgsor.testkit.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Per-tenant quotas of queued work, and a batch judged as a whole: a tenant at its quota of live
 * tasks (SR065) or undelivered outbox rows (SR066) is refused with nothing written, finishing work
 * makes room again, and another tenant queues on unaffected; a batch with a bad row or a row of
 * another tenant is refused whole, naming the row. A tenant at its quota never slows another: its
 * refused Workers hold only its own counter rows. Quotas are set by an admin, as sor_admin.
 */
@SorTest
class QuotaTest {

    static SorDatabase db;
    static Database acme;
    static Database globex;
    static Database initech;
    static Database dispatcher;
    static Database admin;

    @BeforeAll
    static void setUp(SorDatabase database) {
        db = database;
        db.addTenants("acme", "globex", "initech");
        acme = db.worker("expense-reconciler", "acme");
        initech = db.worker("expense-reconciler", "initech");
        globex = db.worker("expense-reconciler", "globex");
        dispatcher = db.dispatcher("acme");
        admin = db.sorAdmin();
        db.exec("select sor_api.create_queue('work', 'quota queue', 3)");
    }

    static void setQuota(String tenant, String kind, long max) throws SQLException {
        try (Connection a = admin.connect()) {
            Sql.run(a, "select sor_api.set_quota(?, ?, ?)", tenant, kind, max);
        }
    }

    static String batch(int n) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 1; i <= n; i++) {
            b.append(i > 1 ? "," : "").append("{\"subject\": \"row ").append(i).append("\"}");
        }
        return b.append(']').toString();
    }

    /**
     * A tenant's counter row is updated where its transaction last left it (a hint in the setting
     * sor.quota_hint, so that queueing many tasks in one transaction stays linear): a hint set by
     * hand (another tenant's row, a row that is not there, garbage) is never trusted.
     */
    @Test
    void aQuotaHintSetByHandNeverLetsATenantPassItsQuota() throws Exception {
        db.addTenants("umbrella");
        Database umbrella = db.worker("expense-reconciler", "umbrella");
        setQuota("umbrella", "tasks", 3);
        try (Connection g = globex.connect()) {
            Claims.enqueue(g, "globex", "work", "a globex task", null);
        }
        String globexRow = (String) db.scalar("select ctid::text from sor.tenant_usage where tenant_id = 'globex' and kind = 'tasks' limit 1");
        long globexCount = db.count("select coalesce(sum(pending), 0) from sor.tenant_usage where tenant_id = 'globex' and kind = 'tasks'");
        try (Connection c = umbrella.connect()) {
            c.setAutoCommit(false);
            String slot = Sql.scalar(c, "select (pg_backend_pid() % 16)::text").toString();
            List<String> forged = List.of("tasks|" + slot + "|" + globexRow + "|umbrella", "tasks|" + slot + "|(4000000,1)|umbrella",
                    "tasks|" + slot + "|(0,1)|umbrella", "tasks|" + slot + "|" + globexRow + "|globex");
            for (int i = 0; i < 3; i++) {
                Sql.scalar(c, "select set_config('sor.quota_hint', ?, true)", forged.get(i));
                Claims.enqueue(c, "umbrella", "work", "task " + i, null);
            }
            Sql.scalar(c, "select set_config('sor.quota_hint', ?, true)", forged.get(3));
            assertRefused("SR065", () -> Claims.enqueue(c, "umbrella", "work", "one too many", null));
            c.rollback();
        }
        assertThat(db.count("select coalesce(sum(pending), 0) from sor.tenant_usage where tenant_id = 'umbrella' and kind = 'tasks'")).isZero();
        assertThat(db.count("select coalesce(sum(pending), 0) from sor.tenant_usage where tenant_id = 'globex' and kind = 'tasks'"))
                .isEqualTo(globexCount);
        try (Connection c = umbrella.connect()) {
            for (int i = 0; i < 3; i++) {
                Claims.enqueue(c, "umbrella", "work", "committed " + i, null);
            }
            assertRefused("SR065", () -> Claims.enqueue(c, "umbrella", "work", "one too many", null));
        }
        assertThat(db.count("select sum(pending) from sor.tenant_usage where tenant_id = 'umbrella' and kind = 'tasks'")).isEqualTo(3);
    }

    /**
     * Opens connections of the role until two have backends of the same quota slot (process id
     * modulo 16: at most 17 connections), closes the others and returns the two.
     */
    static Connection[] twoOfOneSlot(Database role) throws SQLException {
        List<Connection> open = new ArrayList<>();
        Connection[] pair = null;
        java.util.Map<Integer, Connection> bySlot = new java.util.HashMap<>();
        while (pair == null) {
            Connection c = role.connect();
            open.add(c);
            int slot = ((Number) Sql.scalar(c, "select pg_backend_pid() % 16")).intValue();
            Connection first = bySlot.putIfAbsent(slot, c);
            if (first != null) {
                pair = new Connection[] {first, c};
            }
        }
        for (Connection c : open) {
            if (c != pair[0] && c != pair[1]) {
                c.close();
            }
        }
        return pair;
    }

    static void assertCountsAreTheTables(String... tenants) {
        for (String t : tenants) {
            assertThat(db.count("select coalesce(sum(pending), 0) from sor.tenant_usage where tenant_id = ? and kind = 'tasks'", t))
                    .as("%s's count of live tasks", t).isEqualTo(db.count("select count(*) from sor.tasks where tenant_id = ?", t));
        }
    }

    /**
     * Two Workers of one tenant whose backends share a quota slot: the second does not wait for the
     * first's open transaction (it counts in a slot nobody holds), and the counts stay exact.
     */
    @Test
    void writersOfOneTenantWhoseBackendsShareASlotDoNotWaitForEachOthersCommit() throws Exception {
        for (int round = 0; round < 5; round++) {
            Connection[] pair = twoOfOneSlot(acme);
            try (Connection a = pair[0]; Connection b = pair[1]) {
                a.setAutoCommit(false);
                b.setAutoCommit(false);
                Claims.enqueue(a, "acme", "work", "held open " + round, null);
                Sql.run(b, "set local lock_timeout = '2s'");
                // before: b waited for a's commit on their shared slot, and gave up with 55P03
                Claims.enqueue(b, "acme", "work", "not waiting " + round, null);
                Claims.Claim mine = Claims.claim(b, "work", 1, "1 minute").get(0);
                Claims.complete(b, mine.taskId(), mine.token());
                b.commit();
                Claims.enqueue(a, "acme", "work", "held open, again " + round, null);
                a.commit();
            }
            assertCountsAreTheTables("acme");
        }
    }

    /**
     * A Worker of two tenants, in two transactions whose backends share a slot, counting the two
     * tenants in opposite orders: neither waits, so neither deadlocks.
     */
    @Test
    void transactionsCountingTwoTenantsInOppositeOrdersDoNotDeadlockOnASharedSlot() throws Exception {
        db.addTenants("slot-one", "slot-two");
        Database both = db.worker("expense-reconciler", "slot-one", "slot-two");
        for (int round = 0; round < 5; round++) {
            Connection[] pair = twoOfOneSlot(both);
            try (Connection a = pair[0]; Connection b = pair[1]) {
                for (Connection c : pair) {
                    c.setAutoCommit(false);
                    Sql.run(c, "set local lock_timeout = '2s'");
                }
                Claims.enqueue(a, "slot-one", "work", "a first " + round, null);
                Claims.enqueue(b, "slot-two", "work", "b first " + round, null);
                int r = round;
                List<Race.Outcome<Long>> second = Race.together(2, thread -> thread == 0
                        ? Claims.enqueue(a, "slot-two", "work", "a second " + r, null)
                        : Claims.enqueue(b, "slot-one", "work", "b second " + r, null));
                for (Race.Outcome<Long> o : second) {
                    assertThat(o.ok()).as("round %d: %s", round, o.error() == null ? "" : o.sqlState() + " " + o.error().getMessage()).isTrue();
                }
                a.commit();
                b.commit();
            }
            assertCountsAreTheTables("slot-one", "slot-two");
        }
    }

    @Test
    void aTenantAtItsTaskQuotaIsRefused_SR065_AndAnotherTenantIsNot() throws Exception {
        setQuota("initech", "tasks", 5);
        try (Connection c = initech.connect(); Connection g = globex.connect()) {
            Sql.run(c, "select * from sor_api.enqueue_tasks('initech', 'work', ?::jsonb)", batch(4));
            assertRefusedAndNothingWritten(db, "SR065", "a batch that would pass the quota",
                    () -> Sql.run(c, "select * from sor_api.enqueue_tasks('initech', 'work', ?::jsonb)", batch(2)));
            Claims.enqueue(c, "initech", "work", "the fifth", null);
            assertRefusedAndNothingWritten(db, "SR065", () -> Claims.enqueue(c, "initech", "work", "the sixth", null));
            // another tenant queues on, at the default quota
            Sql.run(g, "select * from sor_api.enqueue_tasks('globex', 'work', ?::jsonb)", batch(50));
            assertThat(db.count("select count(*) from sor.tasks where tenant_id = 'globex' and subject like 'row %'")).isEqualTo(50);

            // finishing work makes room again
            Claims.Claim done = Claims.claim(c, "work", 1, "1 minute").get(0);
            Claims.complete(c, done.taskId(), done.token());
            Claims.enqueue(c, "initech", "work", "room again", null);
            assertThat(Sql.rows(admin, "select pending, max_pending from sor_api.quotas('initech') where kind = 'tasks'"))
                    .containsExactly(List.of(5L, 5L));
        }
        try (Connection a = admin.connect()) {
            assertRefused("SR067", () -> Sql.run(a, "select sor_api.set_quota('acme', 'nonsense', 5)"));
            assertRefused("SR067", () -> Sql.run(a, "select sor_api.set_quota('acme', 'tasks', -1)"));
            assertRefused("SR002", () -> Sql.run(a, "select sor_api.set_quota('nosuch', 'tasks', 5)"));
        }
        try (Connection c = acme.connect()) {
            assertRefused("42501", () -> Sql.run(c, "select sor_api.set_quota('acme', 'tasks', 1000)"));
        }
    }

    /**
     * Tasks are counted once per INSERT statement (the statement trigger tasks_quota), per tenant,
     * and only the rows the statement kept: a batch's rows whose dedupe key was taken (earlier in
     * the batch, or before) do not count; one statement of the owner with rows of two tenants
     * counts each, and is refused whole (SR065, naming the tenant) when one of them would pass its
     * quota, the other tenant's rows included.
     */
    @Test
    void tasksCountOncePerStatementAndTenantOnlyTheRowsKept() throws Exception {
        db.addTenants("hooli", "piper");
        Database hooli = db.worker("expense-reconciler", "hooli");
        setQuota("hooli", "tasks", 5);
        String keyed = "[{\"subject\": \"a\", \"dedupe_key\": \"k1\"}, {\"subject\": \"b\", \"dedupe_key\": \"dup\"},"
                + " {\"subject\": \"c\", \"dedupe_key\": \"dup\"}, {\"subject\": \"d\"}]";
        String pending = "select tenant_id, pending from sor_api.quotas() where kind = 'tasks' and tenant_id in ('hooli', 'piper') order by 1";
        try (Connection c = hooli.connect()) {
            assertThat(Sql.rows(c, "select ordinal, created from sor_api.enqueue_tasks('hooli', 'work', ?::jsonb) order by 1", keyed))
                    .containsExactly(List.of(1, true), List.of(2, true), List.of(3, false), List.of(4, true));
            assertThat(Sql.rows(admin, pending)).containsExactly(List.of("hooli", 3L), List.of("piper", 0L));
            // the same keyed rows again: nothing kept, nothing counted (the keyless row is a new task)
            assertThat(Sql.rows(c, "select ordinal, created from sor_api.enqueue_tasks('hooli', 'work', ?::jsonb) order by 1",
                    keyed.replace(", {\"subject\": \"d\"}", "")))
                    .containsExactly(List.of(1, false), List.of(2, false), List.of(3, false));
            assertThat(Sql.rows(admin, pending)).containsExactly(List.of("hooli", 3L), List.of("piper", 0L));
        }
        // the owner's own statement over two tenants counts each of them
        String insert = "insert into sor.tasks (tenant_id, queue, subject, max_attempts) values ";
        Sql.run(db.admin(), insert + "('hooli', 'work', 'o1', 3), ('piper', 'work', 'o2', 3), ('hooli', 'work', 'o3', 3), ('piper', 'work', 'o4', 3)");
        assertThat(Sql.rows(admin, pending)).containsExactly(List.of("hooli", 5L), List.of("piper", 2L));
        SQLException over = assertRefusedAndNothingWritten(db, "SR065", "one statement of two tenants, one of them past its quota",
                () -> Sql.run(db.admin(), insert + "('piper', 'work', 'o5', 3), ('hooli', 'work', 'o6', 3)"));
        assertThat(over.getMessage()).contains("tenant hooli would have 6 live tasks, over its quota of 5");
        assertThat(Sql.rows(admin, pending)).containsExactly(List.of("hooli", 5L), List.of("piper", 2L));
        assertThat(db.count("select count(*) from sor.tasks where tenant_id in ('hooli', 'piper')")).isEqualTo(7);
    }

    @Test
    void aTenantAtItsOutboxQuotaIsRefused_SR066_UntilRowsAreDelivered() throws Exception {
        setQuota("acme", "outbox", 3);
        String insert = "insert into sor.outbox (tenant_id, topic, aggregate_type, aggregate_id, dedupe_key) values (?, 'email', 'e', '1', ?)";
        db.exec("delete from sor.outbox where tenant_id = 'acme'");
        for (int i = 1; i <= 3; i++) {
            Sql.run(db.admin(), insert, "acme", "quota-" + i);
        }
        assertRefusedAndNothingWritten(db, "SR066", () -> Sql.run(db.admin(), insert, "acme", "quota-4"));
        Sql.run(db.admin(), insert, "globex", "quota-4");
        try (Connection d = dispatcher.connect()) {
            Claims.Lease l = Claims.lease(d, 1, "1 minute").get(0);
            Claims.markDispatched(d, l.outboxId(), l.token(), "ref");
        }
        Sql.run(db.admin(), insert, "acme", "quota-4");
        assertThat(db.count("select count(*) from sor.outbox where tenant_id = 'acme' and status = 'pending'")).isEqualTo(3);
    }

    @Test
    void aBatchWithABadRowOrAnotherTenantsRowIsRefusedWholeNamingTheRow() throws Exception {
        try (Connection c = acme.connect()) {
            long before = db.count("select count(*) from sor.tasks");
            SQLException bad = assertRefusedAndNothingWritten(db, "SR054", () -> Sql.run(c,
                    "select * from sor_api.enqueue_tasks('acme', 'work', ?::jsonb)",
                    "[{\"subject\": \"ok\"}, {\"subject\": \"ok\"}, {\"subject\": \"bad\", \"priority\": 5000}]"));
            assertThat(bad.getMessage()).contains("task 3 of the batch");
            SQLException foreign = assertRefusedAndNothingWritten(db, "SR054", () -> Sql.run(c,
                    "select * from sor_api.enqueue_tasks('acme', 'work', ?::jsonb)",
                    "[{\"subject\": \"ok\", \"tenant_id\": \"acme\"}, {\"subject\": \"theirs\", \"tenant_id\": \"globex\"}]"));
            assertThat(foreign.getMessage()).contains("task 2 of the batch");
            SQLException delay = assertRefusedAndNothingWritten(db, "SR054", () -> Sql.run(c,
                    "select * from sor_api.enqueue_tasks('acme', 'work', ?::jsonb)",
                    "[{\"subject\": \"ok\"}, {\"subject\": \"ok\", \"delay\": \"soon\"}]"));
            assertThat(delay.getMessage()).contains("task 2 of the batch");
            assertRefusedAndNothingWritten(db, "SR054", () -> Sql.run(c,
                    "select * from sor_api.enqueue_tasks('acme', 'work', ?::jsonb)", "[{\"subject\": \"ok\", \"delay\": \"-1 hour\"}]"));
            assertRefused("SR008", () -> Sql.run(c, "select * from sor_api.enqueue_tasks('globex', 'work', ?::jsonb)", batch(1)));
            assertThat(db.count("select count(*) from sor.tasks")).isEqualTo(before);
        }
        // a dedupe key is per tenant: the same key in another tenant names that tenant's own task
        try (Connection c = acme.connect(); Connection g = globex.connect()) {
            long mine = (Long) Sql.rows(c, "select task_id from sor_api.enqueue_tasks('acme', 'work', ?::jsonb)",
                    "[{\"subject\": \"k\", \"dedupe_key\": \"shared-key\"}]").get(0).get(0);
            List<List<Object>> theirs = Sql.rows(g, "select task_id, created from sor_api.enqueue_tasks('globex', 'work', ?::jsonb)",
                    "[{\"subject\": \"k\", \"dedupe_key\": \"shared-key\"}, {\"subject\": \"k\", \"dedupe_key\": \"shared-key\"}]");
            assertThat(theirs.get(0).get(1)).isEqualTo(true);
            assertThat(theirs.get(0).get(0)).isNotEqualTo(mine);
            assertThat(theirs.get(1)).containsExactly(theirs.get(0).get(0), false);
        }
    }

    /**
     * A tenant at its quota holds only its own counter rows: sixteen of its Workers, each refused
     * (SR065) and left in its open transaction, hold every slot of its count they wrote, while
     * another tenant's Workers, released at the same moment on backends that share those slot
     * numbers, queue all they ask for and commit. Any wait on the full tenant's locks would outlast
     * the race (those transactions end only after it), so the other tenant's lock_timeout turns a
     * wait into 55P03 and the test fails. Five rounds.
     */
    @Test
    void aTenantAtItsQuotaNeverSlowsAnother() throws Exception {
        db.addTenants("busy", "calm");
        setQuota("busy", "tasks", 32);
        Database busy = db.worker("expense-reconciler", "busy");
        Database calm = db.worker("expense-reconciler", "calm");
        try (Connection c = busy.connect()) {
            Sql.run(c, "select * from sor_api.enqueue_tasks('busy', 'work', ?::jsonb)", batch(32));
        }
        int full = 16;
        int others = 8;
        for (int round = 1; round <= 5; round++) {
            List<Connection> connections = new ArrayList<>();
            try {
                for (int i = 0; i < full; i++) {
                    Connection c = busy.connect();
                    c.setAutoCommit(false);
                    connections.add(c);
                }
                for (int i = 0; i < others; i++) {
                    Connection c = calm.connect();
                    Sql.run(c, "set lock_timeout = '5s'");
                    connections.add(c);
                }
                long calmBefore = db.count("select count(*) from sor.tasks where tenant_id = 'calm'");
                List<Race.Outcome<Object>> outcomes = Race.together(full + others, t -> {
                    Connection c = connections.get(t);
                    if (t < full) {
                        return Claims.enqueue(c, "busy", "work", "one too many", null);
                    }
                    return Sql.rows(c, "select task_id from sor_api.enqueue_tasks('calm', 'work', ?::jsonb)", batch(5)).size();
                });
                for (int t = 0; t < full; t++) {
                    assertThat(outcomes.get(t).sqlState()).as("busy Worker " + t).isEqualTo("SR065");
                }
                for (int t = full; t < full + others; t++) {
                    assertThat(outcomes.get(t).get()).as("calm Worker " + t).isEqualTo(5);
                }
                // committed while every refused transaction of the full tenant is still open
                assertThat(db.count("select count(*) from sor.tasks where tenant_id = 'calm'")).isEqualTo(calmBefore + 5L * others);
                assertThat(db.count("select count(*) from pg_stat_activity where datname = current_database()"
                        + " and state = 'idle in transaction (aborted)' and usename = ?", busy.user())).isEqualTo(full);
            } finally {
                for (Connection c : connections) {
                    c.close();
                }
            }
        }
        assertThat(Sql.rows(admin, "select tenant_id, pending, max_pending from sor_api.quotas() where kind = 'tasks'"
                + " and tenant_id in ('busy', 'calm') order by 1"))
                .containsExactly(List.of("busy", 32L, 32L), List.of("calm", 200L, 1_000_000L));
    }
}

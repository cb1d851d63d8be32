package dev.pgsor.events;

import static dev.pgsor.testkit.SorAssertions.assertNothingWritten;
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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Idempotent appends: an append carrying an idempotency key appends once; a retry with the same key
 * and content returns the original position, version and hash and writes nothing, the same key
 * with other content is refused (SR019), keys are scoped per tenant, and concurrent appends with one
 * key give one event, every caller getting its position.
 */
@SorTest
class IdempotentAppendTest {

    static SorDatabase db;
    static Database worker;
    static Database auditor;

    static final String APPEND = "select position, version, hash from sor_api.append_event(?, ?, ?, ?::jsonb, ?::jsonb, ?::integer, ?)";
    static final String BATCH = "select ordinal, position, stream, version, hash from sor_api.append_events(?, ?::jsonb)";

    @BeforeAll
    static void setUp(SorDatabase database) {
        db = database;
        db.addTenants("acme", "globex");
        worker = db.worker("expense-reconciler", "acme", "globex");
        auditor = db.auditor();
    }

    private static List<Object> append(Connection c, String tenant, String stream, String payload, Integer expected, String key)
            throws SQLException {
        return Sql.rows(c, APPEND, tenant, stream, "Noted", payload, "{}", expected, key).get(0);
    }

    private static List<Object> append(String stream, String payload, Integer expected, String key) throws SQLException {
        try (Connection c = worker.connect()) {
            return append(c, "acme", stream, payload, expected, key);
        }
    }

    private static List<List<Object>> batch(String tenant, String events) throws SQLException {
        try (Connection c = worker.connect()) {
            return Sql.rows(c, BATCH, tenant, events);
        }
    }

    /** Waits until the backend waits on a lock (the key held by another transaction); fails after 30 s. */
    private static void awaitLockWait(Object pid) throws InterruptedException {
        for (int i = 0; i < 3000; i++) {
            if (db.count("select count(*) from pg_stat_activity where pid = ? and wait_event_type = 'Lock'", pid) == 1) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("backend " + pid + " never waited on a lock");
    }

    private static long events(String stream) {
        return db.count("select count(*) from sor.events where stream = ?", stream);
    }

    @Test
    void aDuplicateAppendReturnsTheOriginalPositionAndWritesNothing() throws Exception {
        List<Object> first = append("order-1", "{\"n\": 1}", null, "order-1-placed");
        assertThat(first.get(1)).isEqualTo(1);
        assertNothingWritten(db, () -> assertThat(append("order-1", "{\"n\": 1}", null, "order-1-placed")).isEqualTo(first));
        assertThat(events("order-1")).isOne();
        assertThat(db.rows("select position, stream, version, encode(hash, 'hex') from sor.event_keys"
                + " where tenant_id = 'acme' and idempotency_key = 'order-1-placed'"))
                .containsExactly(List.of(first.get(0), "order-1", 1, first.get(2)));
        // the key's row is the event's: position, version and hash are those of sor.events
        assertThat(db.rows("select position, version, encode(hash, 'hex') from sor.events where stream = 'order-1'"))
                .containsExactly(first);
        // a new key is a new event
        assertThat(append("order-1", "{\"n\": 1}", null, "order-1-again").get(1)).isEqualTo(2);
    }

    @Test
    void aRetryOfAConditionalAppendThatCommittedReturnsTheOriginalNotSR013() throws Exception {
        List<Object> first = append("order-2", "{}", 0, "order-2-opened");
        assertNothingWritten(db, () -> assertThat(append("order-2", "{}", 0, "order-2-opened")).isEqualTo(first));
        assertRefused("SR013", "without the key the same call is a stale expected version",
                () -> append("order-2", "{}", 0, null));
        assertRefused("SR013", "a new key is checked as usual", () -> append("order-2", "{}", 0, "order-2-other"));
    }

    @Test
    void theSameKeyWithOtherContentIsRefusedAndWritesNothing_SR019() throws Exception {
        List<Object> first = append("order-3", "{\"amount\": 10}", null, "order-3-key");
        try (Connection c = worker.connect()) {
            for (List<String> other : List.of(
                    List.of("order-3", "Noted", "{\"amount\": 11}", "{}"),
                    List.of("order-4", "Noted", "{\"amount\": 10}", "{}"),
                    List.of("order-3", "Changed", "{\"amount\": 10}", "{}"),
                    List.of("order-3", "Noted", "{\"amount\": 10}", "{\"source\": \"bank\"}"))) {
                assertRefusedAndNothingWritten(db, "SR019", other.toString(), () -> Sql.rows(c, APPEND, "acme",
                        other.get(0), other.get(1), other.get(2), other.get(3), null, "order-3-key"));
            }
        }
        assertThat(events("order-3")).isOne();
        assertThat(events("order-4")).isZero();
        assertThat(append("order-3", "{\"amount\": 10}", null, "order-3-key")).isEqualTo(first);
    }

    @Test
    void aMalformedKeyIsRefusedAndANullKeyAppendsWithoutOne_SR011() throws Exception {
        try (Connection c = worker.connect()) {
            for (String bad : List.of("", "x".repeat(256), "tab\there", "line\nbreak")) {
                assertRefusedAndNothingWritten(db, "SR011", "key " + bad.length(), () -> append(c, "acme", "order-5", "{}", null, bad));
            }
            assertThat(append(c, "acme", "order-5", "{}", null, "k".repeat(255)).get(1)).isEqualTo(1);
            assertThat(append(c, "acme", "order-5", "{}", null, null).get(1)).isEqualTo(2);
            assertThat(append(c, "acme", "order-5", "{}", null, null).get(1)).isEqualTo(3);
            for (String bad : List.of("1", "\"\"", "{}", "[\"k\"]", "\"a\\u0001b\"")) {
                assertRefusedAndNothingWritten(db, "SR011", "batch key " + bad, () -> Sql.rows(c, BATCH, "acme",
                        "[{\"stream\": \"order-5\", \"type\": \"Noted\"}, {\"stream\": \"order-5\", \"type\": \"Noted\","
                                + " \"idempotency_key\": " + bad + "}]"));
            }
            // a JSON null is no key
            assertThat(Sql.rows(c, BATCH, "acme", "[{\"stream\": \"order-5\", \"type\": \"Noted\", \"idempotency_key\": null}]"))
                    .extracting(r -> r.get(3)).containsExactly(4);
        }
        assertThat(events("order-5")).isEqualTo(4);
    }

    @Test
    void aCallerOutsideTheTenantIsRefusedWhateverTheKey_SR008() throws Exception {
        append("order-6", "{}", null, "order-6-key");
        Database outsider = db.worker("expense-reconciler");
        try (Connection c = outsider.connect()) {
            assertRefusedAndNothingWritten(db, "SR008", () -> append(c, "acme", "order-6", "{}", null, "order-6-key"));
            assertRefusedAndNothingWritten(db, "SR008", () -> Sql.rows(c, BATCH, "acme",
                    "[{\"stream\": \"order-6\", \"type\": \"Noted\", \"idempotency_key\": \"order-6-key\"}]"));
        }
        assertRefused("42501", "a Worker reads no key directly", () -> Sql.rows(worker, "select * from sor.event_keys"));
        assertThat(Sql.rows(auditor, "select stream, version from sor.event_keys where idempotency_key = 'order-6-key'"))
                .containsExactly(List.of("order-6", 1));
    }

    @Test
    void aRetriedBatchReturnsTheOriginalPositionsAndWritesNothing() throws Exception {
        String events = "[{\"stream\": \"cart-1\", \"type\": \"Added\", \"payload\": {\"sku\": 1}, \"expected_version\": 0,"
                + " \"idempotency_key\": \"cart-1-a\"},"
                + " {\"stream\": \"cart-1\", \"type\": \"Added\", \"payload\": {\"sku\": 2}, \"expected_version\": 1,"
                + " \"idempotency_key\": \"cart-1-b\"},"
                + " {\"stream\": \"cart-2\", \"type\": \"Added\", \"idempotency_key\": \"cart-2-a\"}]";
        List<List<Object>> first = batch("acme", events);
        assertThat(first).extracting(r -> List.of(r.get(0), r.get(2), r.get(3)))
                .containsExactly(List.of(1, "cart-1", 1), List.of(2, "cart-1", 2), List.of(3, "cart-2", 1));
        assertNothingWritten(db, () -> assertThat(batch("acme", events)).isEqualTo(first));
        assertThat(db.rows("select position, stream, version, encode(hash, 'hex') from sor.events"
                + " where stream in ('cart-1', 'cart-2') order by position"))
                .containsExactlyElementsOf(first.stream().map(r -> r.subList(1, 5)).toList());
    }

    @Test
    void aMixedBatchWritesOnlyTheNewEventsAndAnswersEveryOrdinal() throws Exception {
        List<Object> single = append("mix-1", "{\"n\": 1}", 0, "mix-1-first");
        // ordinals 1 and 3 were appended before (3 by the single call: the two paths agree on content);
        // 2 and 4 are new, 5 has no key, 6 repeats ordinal 2's key with its content (one event)
        List<List<Object>> before = batch("acme", "[{\"stream\": \"mix-2\", \"type\": \"Noted\", \"idempotency_key\": \"mix-2-first\"}]");
        String events = "[{\"stream\": \"mix-2\", \"type\": \"Noted\", \"idempotency_key\": \"mix-2-first\", \"expected_version\": 0},"
                + " {\"stream\": \"mix-1\", \"type\": \"Noted\", \"payload\": {\"n\": 2}, \"idempotency_key\": \"mix-1-second\","
                + " \"expected_version\": 1},"
                + " {\"stream\": \"mix-1\", \"type\": \"Noted\", \"payload\": {\"n\": 1}, \"metadata\": {}, \"idempotency_key\": \"mix-1-first\","
                + " \"expected_version\": 0},"
                + " {\"stream\": \"mix-2\", \"type\": \"Noted\", \"payload\": {\"n\": 2}, \"idempotency_key\": \"mix-2-second\","
                + " \"expected_version\": 1},"
                + " {\"stream\": \"mix-1\", \"type\": \"Noted\", \"payload\": {\"n\": 3}, \"expected_version\": 2},"
                + " {\"stream\": \"mix-1\", \"type\": \"Noted\", \"payload\": {\"n\": 2}, \"idempotency_key\": \"mix-1-second\"}]";
        List<List<Object>> got = batch("acme", events);
        assertThat(got).extracting(r -> List.of(r.get(0), r.get(2), r.get(3))).containsExactly(
                List.of(1, "mix-2", 1), List.of(2, "mix-1", 2), List.of(3, "mix-1", 1),
                List.of(4, "mix-2", 2), List.of(5, "mix-1", 3), List.of(6, "mix-1", 2));
        assertThat(got.get(0).subList(1, 5)).isEqualTo(before.get(0).subList(1, 5));
        assertThat(List.of(got.get(2).get(1), got.get(2).get(3), got.get(2).get(4))).isEqualTo(single);
        assertThat(got.get(5)).isEqualTo(List.of(6, got.get(1).get(1), "mix-1", 2, got.get(1).get(4)));
        assertThat(db.rows("select stream, version, payload::text from sor.events where stream like 'mix-%' order by position"))
                .containsExactly(List.of("mix-1", 1, "{\"n\": 1}"), List.of("mix-2", 1, "{}"), List.of("mix-1", 2, "{\"n\": 2}"),
                        List.of("mix-2", 2, "{\"n\": 2}"), List.of("mix-1", 3, "{\"n\": 3}"));
        // a single retry of a key a batch used returns the batch's event
        try (Connection c = worker.connect()) {
            assertThat(Sql.rows(c, "select position, version from sor_api.append_event('acme', 'mix-2', 'Noted', '{\"n\": 2}',"
                    + " '{}', null, 'mix-2-second')")).containsExactly(List.of(got.get(3).get(1), 2));
        }
        assertThat(Sql.rows(auditor, "select * from sor_api.verify_events('acme')")).isEmpty();
    }

    @Test
    void aBatchReusingAKeyForOtherContentIsRefusedWhole_SR019() throws Exception {
        append("conf-1", "{\"n\": 1}", null, "conf-1-key");
        assertRefusedAndNothingWritten(db, "SR019", "a key used before for other content", () -> batch("acme",
                "[{\"stream\": \"conf-2\", \"type\": \"Noted\", \"idempotency_key\": \"conf-2-new\"},"
                        + " {\"stream\": \"conf-1\", \"type\": \"Noted\", \"payload\": {\"n\": 2}, \"idempotency_key\": \"conf-1-key\"}]"));
        assertRefusedAndNothingWritten(db, "SR019", "a key given twice in the batch with other content", () -> batch("acme",
                "[{\"stream\": \"conf-2\", \"type\": \"Noted\", \"idempotency_key\": \"conf-2-twice\"},"
                        + " {\"stream\": \"conf-2\", \"type\": \"Noted\", \"payload\": {\"n\": 2}, \"idempotency_key\": \"conf-2-twice\"}]"));
        assertRefusedAndNothingWritten(db, "SR013", "a stale expected version among new and retried events", () -> batch("acme",
                "[{\"stream\": \"conf-1\", \"type\": \"Noted\", \"payload\": {\"n\": 1}, \"idempotency_key\": \"conf-1-key\"},"
                        + " {\"stream\": \"conf-1\", \"type\": \"Noted\", \"expected_version\": 0, \"idempotency_key\": \"conf-1-late\"}]"));
        assertThat(events("conf-2")).isZero();
        assertThat(db.count("select count(*) from sor.event_keys where idempotency_key like 'conf-%'")).isOne();
    }

    @Test
    void theSameKeyInTwoTenantsIsTwoEvents() throws Exception {
        try (Connection c = worker.connect()) {
            List<Object> acme = append(c, "acme", "invoice-1", "{}", null, "invoice-1-sent");
            List<Object> globex = append(c, "globex", "invoice-1", "{}", null, "invoice-1-sent");
            assertThat(globex.get(0)).isNotEqualTo(acme.get(0));
            assertThat(globex.get(1)).isEqualTo(1);
            assertThat(append(c, "globex", "invoice-1", "{}", null, "invoice-1-sent")).isEqualTo(globex);
            assertThat(append(c, "acme", "invoice-1", "{}", null, "invoice-1-sent")).isEqualTo(acme);
            // within globex the key names globex's event: other content is refused there
            assertRefusedAndNothingWritten(db, "SR019", () -> Sql.rows(c, BATCH, "globex",
                    "[{\"stream\": \"invoice-2\", \"type\": \"Noted\", \"idempotency_key\": \"invoice-1-sent\"}]"));
        }
        assertThat(db.rows("select tenant_id, count(*) from sor.events where stream = 'invoice-1' group by 1 order by 1"))
                .containsExactly(List.of("acme", 1L), List.of("globex", 1L));
        assertThat(db.rows("select tenant_id, position from sor.event_keys where idempotency_key = 'invoice-1-sent' order by 1"))
                .extracting(r -> r.get(0)).containsExactly("acme", "globex");
    }

    @Test
    void appendsWithOneKeyReleasedTogetherWriteOneEventAndAllGetItsPosition() throws Exception {
        int threads = 8;
        for (int round = 0; round < 25; round++) {
            String key = "race-" + round;
            List<List<Object>> got = Race.values(Race.onConnections(worker, threads,
                    (c, i) -> append(c, "acme", "race-1", "{}", null, key)));
            assertThat(got).as("round %d", round).containsOnly(got.get(0));
            assertThat(db.count("select count(*) from sor.event_keys where idempotency_key = ?", key)).isOne();
        }
        assertThat(events("race-1")).isEqualTo(25);
        assertThat(db.rows("select min(version), max(version) from sor.events where stream = 'race-1'"))
                .containsExactly(List.of(1, 25));
    }

    @Test
    void batchesSharingKeysInAnyOrderWriteEachEventOnceWithoutDeadlock() throws Exception {
        int threads = 6;
        for (int round = 0; round < 20; round++) {
            String a = "{\"stream\": \"share-a\", \"type\": \"Noted\", \"idempotency_key\": \"share-a-" + round + "\"}";
            String b = "{\"stream\": \"share-b\", \"type\": \"Noted\", \"idempotency_key\": \"share-b-" + round + "\"}";
            int n = round;
            List<List<List<Object>>> got = Race.values(Race.onConnections(worker, threads, (c, i) -> {
                if (i % 3 == 0) {
                    return Sql.rows(c, BATCH, "acme", "[" + a + ", " + b + "]");
                } else if (i % 3 == 1) {
                    List<List<Object>> reversed = Sql.rows(c, BATCH, "acme", "[" + b + ", " + a + "]");
                    return List.of(List.of(1, reversed.get(1).get(1)), List.of(2, reversed.get(0).get(1)));
                }
                // a single append of b's key first (the paths agree on content), then the whole batch
                append(c, "acme", "share-b", "{}", null, "share-b-" + n);
                return Sql.rows(c, BATCH, "acme", "[" + a + ", " + b + "]");
            }));
            for (List<List<Object>> one : got) {
                assertThat(one.stream().map(r -> r.get(1)).toList()).as("round %d", round)
                        .isEqualTo(got.get(0).stream().map(r -> r.get(1)).toList());
            }
        }
        assertThat(db.rows("select stream, count(*), max(version) from sor.events where stream like 'share-%' group by 1 order by 1"))
                .containsExactly(List.of("share-a", 20L, 20), List.of("share-b", 20L, 20));
    }

    @Test
    void aSecondAppendWaitsForTheFirstAndAppendsIfItRolledBack() throws Exception {
        try (Connection first = worker.connect(); Connection second = worker.connect()) {
            Object secondPid = Sql.scalar(second, "select pg_backend_pid()");
            first.setAutoCommit(false);
            append(first, "acme", "wait-1", "{}", null, "wait-1-key");
            CompletableFuture<List<Object>> waiting = CompletableFuture.supplyAsync(() -> {
                try {
                    return append(second, "acme", "wait-1", "{}", null, "wait-1-key");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            awaitLockWait(secondPid);
            first.rollback();
            List<Object> got = waiting.get(30, TimeUnit.SECONDS);
            assertThat(got.get(1)).isEqualTo(1);
            first.setAutoCommit(true);
            assertThat(append(first, "acme", "wait-1", "{}", null, "wait-1-key")).isEqualTo(got);
        }
        assertThat(events("wait-1")).isOne();
    }

    @Test
    void aSecondAppendWaitsForTheFirstAndReturnsItsEventIfItCommitted() throws Exception {
        try (Connection first = worker.connect(); Connection second = worker.connect()) {
            first.setAutoCommit(false);
            List<Object> original = append(first, "acme", "wait-2", "{}", 0, "wait-2-key");
            Object secondPid = Sql.scalar(second, "select pg_backend_pid()");
            Sql.scalar(second, "select set_config('lock_timeout', '300ms', false)");
            assertRefused("55P03", "the key is held by an open transaction",
                    () -> append(second, "acme", "wait-2", "{}", 0, "wait-2-key"));
            Sql.scalar(second, "select set_config('lock_timeout', '0', false)");
            CompletableFuture<List<Object>> waiting = CompletableFuture.supplyAsync(() -> {
                try {
                    return append(second, "acme", "wait-2", "{}", 0, "wait-2-key");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            awaitLockWait(secondPid);
            first.commit();
            assertThat(waiting.get(30, TimeUnit.SECONDS)).isEqualTo(original);
        }
        assertThat(events("wait-2")).isOne();
    }
}

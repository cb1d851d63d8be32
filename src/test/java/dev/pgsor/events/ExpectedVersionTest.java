package dev.pgsor.events;

import static dev.pgsor.testkit.SorAssertions.assertNothingWritten;
import static dev.pgsor.testkit.SorAssertions.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.runtime.Database;
import dev.pgsor.testkit.Crash;
import dev.pgsor.testkit.Race;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import dev.pgsor.testkit.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Expected versions and concurrency: a stale expected version writes nothing; concurrent appends
 * to one stream stay linear and gapless; appends to different streams never wait on each other.
 */
@SorTest(reconciler = true)
class ExpectedVersionTest {

    static SorDatabase db;
    static Database acmeWorker;
    static Database auditor;
    static final String APPEND = "select version from sor_api.append_event('acme', ?, 'Noted', '{}'::jsonb, '{}'::jsonb, ?)";

    @BeforeAll
    static void setUp(SorDatabase database) {
        db = database;
        db.addTenant("acme", "Acme Corp");
        acmeWorker = db.worker("expense-reconciler", "acme");
        auditor = db.auditor();
    }

    private static int appendExpecting(Connection c, String stream, Integer expected) throws SQLException {
        return (Integer) Sql.scalar(c, APPEND, stream, expected);
    }

    @Test
    void expectedVersionZeroStartsAStreamAndTheCurrentVersionAppends() throws Exception {
        try (Connection c = acmeWorker.connect()) {
            assertThat(appendExpecting(c, "order-1", 0)).isEqualTo(1);
            assertThat(appendExpecting(c, "order-1", 1)).isEqualTo(2);
            assertThat(appendExpecting(c, "order-1", null)).isEqualTo(3);
        }
    }

    @Test
    void staleExpectedVersionIsRefusedAndWritesNothing_SR013() throws Exception {
        try (Connection c = acmeWorker.connect()) {
            appendExpecting(c, "order-2", 0);
            appendExpecting(c, "order-2", 1);
            assertNothingWritten(db, () -> {
                for (Integer stale : List.of(0, 1, 3, 99)) {
                    assertRefused("SR013", () -> appendExpecting(c, "order-2", stale));
                }
                assertRefused("SR013", () -> appendExpecting(c, "order-3", 1));
            });
        }
    }

    @Test
    void eightWritersReleasedTogetherKeepOneStreamLinearAndGapless() throws Exception {
        int threads = 8;
        int perThread = 60;
        Race.values(Race.onConnections(acmeWorker, threads, (c, i) -> {
            for (int n = 0; n < perThread; n++) {
                Events.append(c, "acme", "hot-1", "Noted", "{\"thread\": " + i + ", \"n\": " + n + "}");
            }
            return null;
        }));
        assertThat(Sql.rows(db.admin(), """
                select count(*), min(version), max(version), count(distinct version),
                       bool_and(position > prev_position)
                  from (select version, position, lag(position, 1, 0::bigint) over (order by version) as prev_position
                          from sor.events where tenant_id = 'acme' and stream = 'hot-1') s"""))
                .containsExactly(List.of((long) threads * perThread, 1, threads * perThread, (long) threads * perThread, true));
        assertThat(Sql.rows(auditor, "select * from sor_api.verify_events('acme', 'hot-1')")).isEmpty();
    }

    @Test
    void aBatchOfOneKeepsTheRulesOfABatch() throws Exception {
        // a batch of one event takes its own path (statements of one row): the same versions,
        // links and refusals as a longer batch
        String one = "select ordinal, version from sor_api.append_events('acme', jsonb_build_array(jsonb_build_object("
                + "'stream', ?::text, 'type', 'Noted', 'expected_version', ?::int)))";
        try (Connection c = acmeWorker.connect()) {
            assertThat(Sql.rows(c, one, "single-1", 0)).containsExactly(List.of(1, 1));
            assertThat(Sql.rows(c, one, "single-1", 1)).containsExactly(List.of(1, 2));
            assertNothingWritten(db, () -> {
                assertThat(assertRefused("SR013", () -> Sql.rows(c, one, "single-1", 1)).getMessage())
                        .contains("event 1 of the batch: wrong expected version 1 for stream single-1 (stream version: 2)");
                assertRefused("SR013", () -> Sql.rows(c, one, "single-2", 3));
            });
            Events.append(c, "acme", "single-1", "Noted", "{}");
            assertThat(Sql.rows(c, one, "single-1", 3)).containsExactly(List.of(1, 4));
        }
        // first appends of one event each to a new stream, released together: every one written, in order
        for (int round = 0; round < 10; round++) {
            String stream = "single-race-" + round;
            List<Race.Outcome<Object>> outcomes = Race.onConnections(acmeWorker, 4, (c, i) -> Sql.scalar(c,
                    "select version from sor_api.append_events('acme', jsonb_build_array(jsonb_build_object('stream', ?::text, 'type', 'Noted')))",
                    stream));
            assertThat(outcomes).as("round %d", round).extracting(Race.Outcome::get).containsExactlyInAnyOrder(1, 2, 3, 4);
            assertThat(Sql.rows(auditor, "select * from sor_api.verify_events('acme', ?)", stream)).isEmpty();
        }
        assertThat(Sql.rows(auditor, "select * from sor_api.verify_events('acme', 'single-1')")).isEmpty();
    }

    @Test
    void concurrentWritersWithTheSameExpectedVersionExactlyOneWinsPerRound() throws Exception {
        int threads = 8;
        for (int round = 0; round < 15; round++) {
            int expected = round;
            List<Race.Outcome<Integer>> outcomes = Race.onConnections(acmeWorker, threads,
                    (c, i) -> appendExpecting(c, "contended-1", expected));
            assertThat(outcomes).as("round %d", round).filteredOn(Race.Outcome::ok).hasSize(1);
            assertThat(outcomes).filteredOn(o -> !o.ok()).hasSize(threads - 1)
                    .allSatisfy(o -> assertThat(o.sqlState()).isEqualTo("SR013"));
        }
        assertThat(db.count("select count(*) from sor.events where stream = 'contended-1'")).isEqualTo(15);
        assertThat(Sql.rows(auditor, "select * from sor_api.verify_events('acme', 'contended-1')")).isEmpty();
    }

    @Test
    void appendToAnotherStreamDoesNotWaitForAnOpenAppend_55P03() throws Exception {
        try (Connection holder = acmeWorker.connect(); Connection other = acmeWorker.connect()) {
            Events.append(holder, "acme", "stream-b", "Noted", "{}");
            holder.setAutoCommit(false);
            Events.append(holder, "acme", "stream-a", "Noted", "{}");
            Sql.scalar(other, "select set_config('lock_timeout', '300ms', false)");
            assertThat(appendExpecting(other, "stream-b", 1)).isEqualTo(2);
            assertThat(Events.append(other, "acme", "stream-c", "Noted", "{}")).isPositive();
            assertRefused("55P03", () -> Events.append(other, "acme", "stream-a", "Noted", "{}"));
            assertRefused("55P03", () -> appendExpecting(other, "stream-a", 0));
            holder.rollback();
            assertThat(appendExpecting(other, "stream-a", 0)).isEqualTo(1);
        }
    }

    @Test
    void terminatedWriterReleasesItsStreamAndLeavesNoTrace() throws Exception {
        try (Connection crashing = acmeWorker.connect(); Connection next = acmeWorker.connect()) {
            appendExpecting(next, "crash-1", 0);
            crashing.setAutoCommit(false);
            appendExpecting(crashing, "crash-1", 1);
            Crash.terminate(db, crashing);
            assertThat(appendExpecting(next, "crash-1", 1)).isEqualTo(2);
        }
        assertThat(Sql.rows(db.admin(), "select version from sor.events where stream = 'crash-1' order by version"))
                .containsExactly(List.of(1), List.of(2));
        assertThat(Sql.rows(auditor, "select * from sor_api.verify_events('acme', 'crash-1')")).isEmpty();
    }
}

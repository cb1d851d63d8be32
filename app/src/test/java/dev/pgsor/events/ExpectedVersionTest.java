package dev.pgsor.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgsor.support.TestDatabase.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Expected versions and concurrency: a stale expected version writes nothing; concurrent appends
 * to one stream stay linear and gapless; appends to different streams never wait on each other.
 */
class ExpectedVersionTest {

    static Fixture fx;
    static final String APPEND = "select version from sor_api.append_event('acme', ?, 'Noted', '{}'::jsonb, '{}'::jsonb, ?)";

    @BeforeAll
    static void setUp() {
        fx = new Fixture();
    }

    @AfterAll
    static void tearDown() {
        fx.close();
    }

    private static int appendExpecting(Connection c, String stream, Integer expected) throws SQLException {
        return (Integer) Sql.scalar(c, APPEND, stream, expected);
    }

    @Test
    void expectedVersionZeroStartsAStreamAndTheCurrentVersionAppends() throws Exception {
        try (Connection c = fx.acmeWorker.connect()) {
            assertThat(appendExpecting(c, "order-1", 0)).isEqualTo(1);
            assertThat(appendExpecting(c, "order-1", 1)).isEqualTo(2);
            assertThat(appendExpecting(c, "order-1", null)).isEqualTo(3);
        }
    }

    @Test
    void staleExpectedVersionIsRefusedAndWritesNothing_SR013() throws Exception {
        try (Connection c = fx.acmeWorker.connect()) {
            appendExpecting(c, "order-2", 0);
            appendExpecting(c, "order-2", 1);
            long before = fx.events();
            for (Integer stale : List.of(0, 1, 3, 99)) {
                assertThatThrownBy(() -> appendExpecting(c, "order-2", stale)).extracting("SQLState").isEqualTo("SR013");
            }
            assertThatThrownBy(() -> appendExpecting(c, "order-3", 1)).extracting("SQLState").isEqualTo("SR013");
            assertThat(fx.events()).isEqualTo(before);
        }
    }

    @Test
    void eightWritersReleasedTogetherKeepOneStreamLinearAndGapless() throws Exception {
        int threads = 8;
        int perThread = 60;
        runTogether(threads, (i, c) -> {
            for (int n = 0; n < perThread; n++) {
                Fixture.append(c, "acme", "hot-1", "Noted", "{\"thread\": " + i + ", \"n\": " + n + "}");
            }
        });
        assertThat(Sql.rows(fx.db.admin(), """
                select count(*), min(version), max(version), count(distinct version),
                       bool_and(position > prev_position)
                  from (select version, position, lag(position, 1, 0::bigint) over (order by version) as prev_position
                          from sor.events where tenant_id = 'acme' and stream = 'hot-1') s"""))
                .containsExactly(List.of((long) threads * perThread, 1, threads * perThread, (long) threads * perThread, true));
        assertThat(Sql.rows(fx.auditor, "select * from sor_api.verify_events('acme', 'hot-1')")).isEmpty();
    }

    @Test
    void concurrentWritersWithTheSameExpectedVersionExactlyOneWinsPerRound() throws Exception {
        int threads = 8;
        for (int round = 0; round < 15; round++) {
            int expected = round;
            AtomicInteger won = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            runTogether(threads, (i, c) -> {
                try {
                    appendExpecting(c, "contended-1", expected);
                    won.incrementAndGet();
                } catch (SQLException e) {
                    assertThat(e.getSQLState()).isEqualTo("SR013");
                    refused.incrementAndGet();
                }
            });
            assertThat(won.get()).as("round %d", round).isEqualTo(1);
            assertThat(refused.get()).isEqualTo(threads - 1);
        }
        assertThat(fx.db.count("select count(*) from sor.events where stream = 'contended-1'")).isEqualTo(15);
        assertThat(Sql.rows(fx.auditor, "select * from sor_api.verify_events('acme', 'contended-1')")).isEmpty();
    }

    @Test
    void appendToAnotherStreamDoesNotWaitForAnOpenAppend_55P03() throws Exception {
        try (Connection holder = fx.acmeWorker.connect(); Connection other = fx.acmeWorker.connect()) {
            Fixture.append(holder, "acme", "stream-b", "Noted", "{}");
            holder.setAutoCommit(false);
            Fixture.append(holder, "acme", "stream-a", "Noted", "{}");
            Sql.scalar(other, "select set_config('lock_timeout', '300ms', false)");
            assertThat(appendExpecting(other, "stream-b", 1)).isEqualTo(2);
            assertThat(Fixture.append(other, "acme", "stream-c", "Noted", "{}")).isPositive();
            assertThatThrownBy(() -> Fixture.append(other, "acme", "stream-a", "Noted", "{}"))
                    .extracting("SQLState").isEqualTo("55P03");
            assertThatThrownBy(() -> appendExpecting(other, "stream-a", 0))
                    .extracting("SQLState").isEqualTo("55P03");
            holder.rollback();
            assertThat(appendExpecting(other, "stream-a", 0)).isEqualTo(1);
        }
    }

    @Test
    void terminatedWriterReleasesItsStreamAndLeavesNoTrace() throws Exception {
        try (Connection crashing = fx.acmeWorker.connect(); Connection next = fx.acmeWorker.connect()) {
            appendExpecting(next, "crash-1", 0);
            crashing.setAutoCommit(false);
            appendExpecting(crashing, "crash-1", 1);
            int pid = (Integer) Sql.scalar(crashing, "select pg_backend_pid()");
            fx.db.scalar("select pg_terminate_backend(?)", pid);
            assertThat(appendExpecting(next, "crash-1", 1)).isEqualTo(2);
        }
        assertThat(Sql.rows(fx.db.admin(), "select version from sor.events where stream = 'crash-1' order by version"))
                .containsExactly(List.of(1), List.of(2));
        assertThat(Sql.rows(fx.auditor, "select * from sor_api.verify_events('acme', 'crash-1')")).isEmpty();
    }

    interface Task {
        void run(int index, Connection c) throws Exception;
    }

    private static void runTogether(int threads, Task task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch ready = new CountDownLatch(threads);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Void>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    try (Connection c = fx.acmeWorker.connect()) {
                        ready.countDown();
                        go.await();
                        task.run(index, c);
                    }
                    return null;
                }));
            }
            assertThat(ready.await(30, TimeUnit.SECONDS)).isTrue();
            go.countDown();
            for (Future<Void> f : futures) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}

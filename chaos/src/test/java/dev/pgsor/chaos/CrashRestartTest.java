package dev.pgsor.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The server itself dies: the mixed workload runs against a durable server the harness owns, the
 * postmaster and all its processes are killed with SIGKILL at a random moment, the server is
 * started again on the same data directory (crash recovery), and the invariants are checked,
 * round after round ({@code -Dsor.chaos.rounds}, 3 in ./mvnw verify, 20 with -Pchaos). Then the
 * backlog drains without faults and the end state is exact: the live queue is empty and every
 * task completed once (in sor.finished_tasks), every outbox row dispatched and delivered once by
 * the provider under its dedupe key.
 */
@Tag("slow")
class CrashRestartTest {

    static final int WORKERS = 4;
    static final int ROUNDS = Integer.getInteger("sor.chaos.rounds", 3);
    static final int ROUND_SECONDS = Integer.getInteger("sor.chaos.round.seconds", 4);
    /** Task and run leases are 5 seconds: after this long, every lease held at the kill has lapsed. */
    static final long LEASE_MILLIS = 5_500;

    static OwnedServer server;
    static SorCluster cluster;

    @BeforeAll
    static void setUp() throws Exception {
        server = OwnedServer.create("crash");
        server.start();
        cluster = SorCluster.setUp(server, WORKERS);
    }

    @AfterAll
    static void tearDown() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void everyAcknowledgedCommitSurvivesKillDashNineOfTheServer() throws Exception {
        Ledger ledger = new Ledger();
        Provider provider = new Provider();
        Workload workload = new Workload(cluster, ledger, provider);
        workload.ingest(40);

        System.out.printf("%n== crash and restart: %d rounds of kill -9 of the postmaster and all its processes%n", ROUNDS);
        System.out.println(" round | load ms | acked commits | in flight | recovery ms | tasks done | dispatched | found | missing");
        int kills = 0;
        long recoveryTotal = 0;
        for (int round = 1; round <= ROUNDS; round++) {
            workload.start(Workload.Mix.all(WORKERS));
            long loadMillis = ThreadLocalRandom.current().nextLong(ROUND_SECONDS * 400L, ROUND_SECONDS * 1200L);
            Thread.sleep(loadMillis);
            long cutBefore = workload.callsCut.get();
            long killedAt = System.nanoTime();
            workload.serverDeadAt = server.kill();
            kills++;
            workload.stop();
            long t0 = System.nanoTime();
            server.start();
            long recovery = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            recoveryTotal += recovery;
            long sinceKill = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
            if (sinceKill < LEASE_MILLIS) {
                Thread.sleep(LEASE_MILLIS - sinceKill);
            }

            Map<Ledger.Kind, List<Ledger.Entry>> missing = ledger.missing(cluster.admin());
            System.out.printf(" %5d | %7d | %13d | %9d | %11d | %10d | %10d | %5d | %d%n", round, loadMillis, ledger.size(),
                    workload.callsCut.get() - cutBefore, recovery, workload.tasksCompleted.get(),
                    workload.dispatched.get(), ledger.size() - count(missing), count(missing));
            assertThat(missing).as("acknowledged commits missing after kill -9 in round %d", round).isEmpty();
            assertThat(workload.unexpected).as("unexpected errors of the workload").isEmpty();
            Invariants.assertChainsIntact(cluster);
            Invariants.assertTasksOnceOrClaimable(cluster);
            Invariants.assertOneEmailPerExpense(cluster);
            Invariants.assertDispatchedOnce(cluster);
            Invariants.assertProviderAgrees(cluster, provider);
            Invariants.assertInterruptedRunsAbandoned(cluster, workload);
            Invariants.assertCertified(cluster);
        }

        // no more faults: the backlog drains and the end state is exact
        workload.start(Workload.Mix.drain(WORKERS));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline && !(drained() && workload.unresolvedBlocks() == 0)) {
            Thread.sleep(250);
        }
        workload.stop();

        assertThat(workload.unexpected).as("unexpected errors of the workload").isEmpty();
        assertThat(ledger.missing(cluster.admin())).as("acknowledged commits missing at the end").isEmpty();
        assertThat(cluster.count("select count(*) from sor.tasks")).as("tasks still in the live queue").isZero();
        assertThat(cluster.count("select count(*) from sor.finished_tasks where status <> 'completed'")).as("tasks finished dead")
                .isZero();
        assertThat(cluster.count("select count(*) from sor.outbox where status <> 'dispatched'")).as("outbox rows not dispatched")
                .isZero();
        assertThat(cluster.count("select count(*) from sor.blocks where status = 'active'")).as("blocks never approved").isZero();
        Invariants.assertTasksOnceOrClaimable(cluster);
        Invariants.assertOneEmailPerExpense(cluster);
        Invariants.assertDispatchedOnce(cluster);
        Invariants.assertProviderAgrees(cluster, provider);
        Set<String> outboxKeys = cluster.rows("select dedupe_key from sor.outbox").stream().map(r -> (String) r.get(0))
                .collect(Collectors.toSet());
        assertThat(provider.deliveries().keySet()).as("the provider delivered every outbox row, each key once")
                .isEqualTo(outboxKeys);
        long[] chains = Invariants.assertChainsIntact(cluster);
        long[] runs = Invariants.assertInterruptedRunsAbandoned(cluster, workload);
        Invariants.assertCertified(cluster);

        long tasks = cluster.count("select count(*) from " + Invariants.ALL_TASKS + " t");
        long takenBack = cluster.count("select count(*) from sor.events where type = 'task.lease_expired'");
        System.out.println();
        System.out.printf("    kills (SIGKILL of the postmaster and its children): %d, mean crash recovery %d ms%n", kills,
                recoveryTotal / Math.max(1, kills));
        System.out.printf("    commits acknowledged: %d, found after the last restart: %d, missing: 0%n", ledger.size(),
                ledger.size());
        System.out.printf("    calls cut by a kill (in flight, outcome unknown to the client): %d%n", workload.callsCut.get());
        System.out.printf("    tasks: %d, completed exactly once: %d, leases taken back after a kill: %d, stale tokens refused: %d%n",
                tasks, cluster.count("select count(*) from sor.finished_tasks where status = 'completed'"), takenBack,
                workload.staleTokens.get());
        System.out.printf("    outbox rows: %d (released by review approvals: %d), provider requests: %d, deliveries: %d,"
                        + " repeated requests absorbed by the dedupe key: %d, duplicate deliveries: 0%n",
                outboxKeys.size(), cluster.count("select count(*) from sor.outbox where block_id is not null"),
                provider.requests(), provider.deliveries().size(), provider.repeatedRequests());
        System.out.printf("    runs interrupted by a kill: %d, read abandoned: %d; model calls cut: %d, visible as started: %d%n",
                workload.interruptedRuns.size(), runs[0], workload.unfinishedCalls.size(), runs[1]);
        System.out.printf("    event streams: %d, events: %d, broken chains: 0; reconnects: %d%n", chains[0], chains[1],
                workload.reconnects.get());
        assertThat(kills).isEqualTo(ROUNDS);
        assertThat(workload.reconnects.get()).as("Workers reconnected after kills").isPositive();
        assertThat(tasks).as("tasks ingested").isGreaterThanOrEqualTo(80);
    }

    private static boolean drained() {
        return cluster.count("select (select count(*) from sor.tasks)"
                + " + (select count(*) from sor.outbox where status <> 'dispatched')") == 0;
    }

    private static long count(Map<Ledger.Kind, List<Ledger.Entry>> missing) {
        return missing.values().stream().mapToLong(List::size).sum();
    }
}

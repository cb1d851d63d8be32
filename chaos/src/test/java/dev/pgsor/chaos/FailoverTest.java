package dev.pgsor.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.testkit.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A standby takes over. The harness builds a streaming standby of its own server (low-level
 * backup API, a physical slot, standby.signal) and, while the mixed workload runs, cuts the
 * standby off (the primary's WAL sender stopped with SIGSTOP, as in a network partition), kills the primary with
 * SIGKILL and promotes the standby; the callers reconnect to it, as through a virtual IP. With
 * synchronous replication the cut blocks commits and no acknowledged commit is missing on the new
 * primary. Then the promoted server gets an asynchronous standby and the same fault: the commits
 * acknowledged after the cut are lost, the window is measured, and the kit's invariants still
 * hold on the promoted server, through a full drain after the callers reconnect.
 */
@Tag("slow")
class FailoverTest {

    static final int WORKERS = 3;
    static final int LOAD_SECONDS = Integer.getInteger("sor.chaos.failover.seconds", 4);
    /** How long the standby is cut off before the primary dies. */
    static final long CUT_MILLIS = 1_000;

    static final java.util.List<OwnedServer> servers = new java.util.ArrayList<>();
    static SorCluster cluster;

    @BeforeAll
    static void setUp() throws Exception {
        OwnedServer primary = OwnedServer.create("failover-a");
        servers.add(primary);
        primary.start();
        cluster = SorCluster.setUp(primary, WORKERS);
    }

    @AfterAll
    static void tearDown() {
        for (OwnedServer s : servers) {
            s.close();
        }
    }

    @Test
    void synchronousFailoverLosesNoAcknowledgedCommit_asynchronousLosesAMeasuredWindowAndKeepsTheInvariants() throws Exception {
        Ledger ledger = new Ledger();
        Provider provider = new Provider();
        Workload workload = new Workload(cluster, ledger, provider);
        workload.ingest(40);

        // ---- synchronous: the cut blocks commits; nothing acknowledged can be lost
        OwnedServer a = cluster.current();
        OwnedServer b = a.createStandby("failover-b", true);
        servers.add(b);
        assertThat(cluster.scalar("select sync_state from pg_stat_replication where application_name = 'failover_b'"))
                .isEqualTo("sync");
        Failover sync = failOver(workload, a, b);
        Map<Ledger.Kind, List<Ledger.Entry>> missingSync = ledger.missing(cluster.admin());
        assertThat(missingSync).as("acknowledged commits missing after a synchronous failover").isEmpty();
        assertThat(Invariants.providerAgrees(cluster, provider)).as("deliveries of keys the outbox does not hold").isEmpty();
        checkInvariants(workload, provider);

        // ---- asynchronous: commits go on being acknowledged during the cut, and are lost with the primary
        OwnedServer c = b.createStandby("failover-c", false);
        servers.add(c);
        assertThat(cluster.scalar("select sync_state from pg_stat_replication where application_name = 'failover_c'"))
                .isEqualTo("async");
        workload.lossPossible();
        Failover async = failOver(workload, b, c);
        Map<Ledger.Kind, List<Ledger.Entry>> lost = ledger.missing(cluster.admin());
        List<Ledger.Entry> lostEntries = lost.values().stream().flatMap(List::stream).toList();
        assertThat(async.ackedDuringCut).as("commits acknowledged while the asynchronous standby was cut off").isPositive();
        assertThat(lostEntries).as("commits lost by the asynchronous failover").isNotEmpty();
        long earliest = lostEntries.stream().mapToLong(Ledger.Entry::ackedAt).min().orElseThrow();
        long latest = lostEntries.stream().mapToLong(Ledger.Entry::ackedAt).max().orElseThrow();
        // what is lost is what the standby had not received: acknowledged after the cut (less the
        // replication lag just before it), and before the kill
        assertThat(earliest).as("earliest lost ack vs the cut").isGreaterThan(async.cutAt - TimeUnit.SECONDS.toNanos(2));
        assertThat(latest).as("latest lost ack vs the kill").isLessThanOrEqualTo(async.killedAt);

        // the callers reconnected to the promoted server: the invariants hold, and a drain ends exact;
        // an approval lost with the old primary leaves its block active, and the approver resolves it again
        lost.getOrDefault(Ledger.Kind.BLOCK_RESOLVED, List.of())
                .forEach(e -> workload.approveAgain(Long.parseLong(e.a())));
        workload.start(Workload.Mix.drain(WORKERS));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        while (System.nanoTime() < deadline && !(drained() && workload.unresolvedBlocks() == 0)) {
            Thread.sleep(250);
        }
        workload.stop();
        assertThat(workload.unexpected).as("unexpected errors of the workload").isEmpty();
        checkInvariants(workload, provider);
        assertThat(cluster.count("select count(*) from sor.tasks")).as("tasks still in the live queue").isZero();
        assertThat(cluster.count("select count(*) from sor.finished_tasks where status <> 'completed'")).as("tasks finished dead")
                .isZero();
        assertThat(cluster.rows("select outbox_id, status, attempts, available_at > now(), block_id, last_error from sor.outbox"
                + " where status <> 'dispatched'")).as("outbox rows not dispatched (id, status, attempts, not due yet, block, error)")
                .isEmpty();
        Set<String> outboxKeys = cluster.rows("select dedupe_key from sor.outbox").stream().map(r -> (String) r.get(0))
                .collect(Collectors.toSet());
        assertThat(provider.deliveries().keySet()).as("the provider delivered every outbox row of the promoted server")
                .containsAll(outboxKeys);

        Set<String> orphans = Invariants.providerAgrees(cluster, provider);
        Map<Ledger.Kind, Long> lostByKind = lost.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> (long) e.getValue().size()));
        System.out.printf("%n== failover: the standby cut off (WAL sender SIGSTOPped) %d ms, the primary killed, the standby promoted%n",
                CUT_MILLIS);
        System.out.println(" replication  | acked during cut | acked commits | lost | loss window ms | WAL not received (bytes) | promote ms");
        System.out.printf(" synchronous  | %16d | %13d | %4d | %14s | %24d | %d%n", sync.ackedDuringCut, sync.ackedTotal, 0, "0",
                sync.walGap, sync.promoteMillis);
        System.out.printf(" asynchronous | %16d | %13d | %4d | %14d | %24d | %d%n", async.ackedDuringCut, async.ackedTotal,
                lostEntries.size(), TimeUnit.NANOSECONDS.toMillis(latest - earliest), async.walGap,
                async.promoteMillis);
        System.out.printf("    asynchronous loss by kind: %s%n", lostByKind);
        System.out.printf("    references the callers held to rows lost with the old primary (blocks, runs), dropped: %d%n",
                workload.forgotten.get());
        System.out.printf("    deliveries whose outbox row was lost with the old primary (sent, then forgotten): %d%n", orphans.size());
        System.out.printf("    loss window = the span of the lost acks: from %d ms after the cut to %d ms before the SIGKILL"
                        + " (replication lag at the cut: %d bytes)%n", TimeUnit.NANOSECONDS.toMillis(earliest - async.cutAt),
                TimeUnit.NANOSECONDS.toMillis(async.signalledAt - latest), async.lagAtCut);
        System.out.printf("    after reconnecting: tasks %d all completed once; outbox rows %d all dispatched; provider requests %d,"
                        + " deliveries %d, repeated requests absorbed by the dedupe key %d, duplicate deliveries 0%n",
                cluster.count("select count(*) from " + Invariants.ALL_TASKS + " t"), outboxKeys.size(), provider.requests(),
                provider.deliveries().size(), provider.repeatedRequests());
    }

    /** What one failover measured: signalledAt when SIGKILL was sent, killedAt when the primary's processes were all gone. */
    record Failover(long cutAt, long signalledAt, long killedAt, long ackedDuringCut, long ackedTotal, long walGap, long lagAtCut,
                    long promoteMillis) { }

    private Failover failOver(Workload workload, OwnedServer primary, OwnedServer standby) throws Exception {
        workload.start(Workload.Mix.all(WORKERS));
        Thread.sleep(LOAD_SECONDS * 1000L);
        // the cut: the primary's WAL sender for this standby stops (SIGSTOP), as in a network partition;
        // stopping the standby's receiver instead would not do, the socket buffers what was sent
        long sender = ((Number) Sql.scalar(primary.admin("postgres"), "select pid from pg_stat_replication where application_name = ?",
                standby.name().replace('-', '_'))).longValue();
        long lagAtCut = ((Number) Sql.scalar(primary.admin("postgres"),
                "select coalesce(max(pg_wal_lsn_diff(pg_current_wal_lsn(), flush_lsn)), 0) from pg_stat_replication")).longValue();
        int ackedBeforeCut = workload.ledger.size();
        OwnedServer.signal(sender, "STOP");
        long cutAt = System.nanoTime();
        Thread.sleep(CUT_MILLIS);
        String primaryLsn = (String) Sql.scalar(primary.admin("postgres"), "select pg_current_wal_lsn()::text");
        int ackedAtKill = workload.ledger.size();
        long signalledAt = primary.kill();
        long killedAt = System.nanoTime();
        String received = (String) Sql.scalar(standby.admin("postgres"), "select pg_last_wal_receive_lsn()::text");
        long walGap = ((Number) Sql.scalar(standby.admin("postgres"), "select greatest(pg_wal_lsn_diff(?::pg_lsn, ?::pg_lsn), 0)",
                primaryLsn, received)).longValue();
        long t0 = System.nanoTime();
        standby.promote();
        long promoteMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        cluster.failOverTo(standby);
        // the callers reconnect to the promoted server and carry on for a while
        Thread.sleep(2_000);
        workload.stop();
        assertThat(workload.unexpected).as("unexpected errors of the workload").isEmpty();
        // leases held at the kill lapse before the invariants are read
        Thread.sleep(5_500);
        return new Failover(cutAt, signalledAt, killedAt, ackedAtKill - ackedBeforeCut, workload.ledger.size(), walGap, lagAtCut, promoteMillis);
    }

    private static void checkInvariants(Workload workload, Provider provider) throws SQLException {
        Invariants.assertChainsIntact(cluster);
        Invariants.assertTasksOnceOrClaimable(cluster);
        Invariants.assertOneEmailPerExpense(cluster);
        Invariants.assertDispatchedOnce(cluster);
        Invariants.providerAgrees(cluster, provider);
        Invariants.assertCertified(cluster);
        // a run whose lease lapses while the sweep runs is the next sweep's: count those lapsed before it began
        double sweptAt;
        try (Connection c = cluster.as("worker_1").connect()) {
            sweptAt = ((Number) Sql.scalar(c, "select extract(epoch from clock_timestamp())::float8")).doubleValue();
            Sql.scalar(c, "select sor_api.sweep_abandoned_runs()");
        }
        assertThat(cluster.count(String.format(Locale.ROOT, "select count(*) from sor.runs where status = 'running'"
                + " and lease_expires_at < to_timestamp(%.6f) - interval '1 millisecond'", sweptAt)))
                .as("runs whose lease lapsed before the sweep and still read running").isZero();
    }

    private static boolean drained() {
        return cluster.count("select (select count(*) from sor.tasks)"
                + " + (select count(*) from sor.outbox where status <> 'dispatched')") == 0;
    }
}

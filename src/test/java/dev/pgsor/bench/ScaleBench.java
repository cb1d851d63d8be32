package dev.pgsor.bench;

import static dev.pgsor.bench.EventCoreBench.exec;
import static dev.pgsor.bench.EventCoreBench.longOf;
import static dev.pgsor.bench.EventCoreBench.run;

import dev.pgsor.bench.EventCoreBench.Server;
import dev.pgsor.runtime.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The kit and its peers as their tables grow: at each scale (default 10,000 and 1,000,000 rows,
 * {@code -Dbench.scales=10000,1000000,10000000}) the kit's event history and message-db's messages
 * hold that many events, and the kit's queue and pgmq's hold that many ready tasks; then, in the same
 * rounds, the rate of single appends with an expected version (1 client), and the latency of claim +
 * complete one task (p50, p99). At the end, the bytes each system stores per event and per finished
 * task (the kit: a finished task row and the event recording its outcome; pgmq: its archive row).
 * The peers load from {@code ../shared/peers} as in {@link PeerBench}; skipped without them.
 *
 * <p>Run with {@code ./mvnw -Pbench -pl src/test -am verify -Dtest=ScaleBench
 * -Dsurefire.failIfNoSpecifiedTests=false}; {@code -Dbench.fsync=off} for a server without fsync,
 * {@code -Dbench.seconds} (append seconds per round, default 2), {@code -Dbench.rounds} (default 3),
 * {@code -Dbench.cycles} (claims per round and system, default 200).
 */
@Tag("bench")
class ScaleBench {

    static final List<Long> SCALES = Arrays.stream(System.getProperty("bench.scales", "10000,1000000").split(","))
            .map(String::strip).map(Long::parseLong).toList();
    static final double SECONDS = Double.parseDouble(System.getProperty("bench.seconds", "2"));
    static final int ROUNDS = Integer.getInteger("bench.rounds", 3);
    static final int CYCLES = Integer.getInteger("bench.cycles", 200);
    static final int CHUNK = 10_000;
    static final int FINISHED = Integer.getInteger("bench.finished", 20_000);

    @Test
    void tablesThatGrow() throws Exception {
        Path peers = PeerBench.peersDirectory();
        Assumptions.assumeTrue(Files.isDirectory(peers.resolve("pgmq")) && Files.isDirectory(peers.resolve("message-db")),
                "the peers' SQL is not at " + peers + " (-Dbench.peers=DIR): skipped");
        boolean disposable = "off".equals(System.getProperty("bench.fsync", "on"));
        Server s = EventCoreBench.open(disposable);
        try {
            PeerBench.Peers p = PeerBench.loadPeers(s, peers);
            String label = s.label() + ", PostgreSQL " + PeerBench.serverVersion(s.admin());
            List<String> table = new ArrayList<>();
            table.add("");
            table.add(String.format(Locale.ROOT, "ScaleBench, %s: %d rounds, medians; appends: %.0f s per round, 1 client,"
                    + " expected version; claims: %d claim + complete cycles per round and system", label, ROUNDS, SECONDS, CYCLES));
            table.add("");
            table.add("| rows held | kit appends/s | message-db appends/s | kit ÷ message-db | kit claim p50 / p99 ms | pgmq read+delete p50 / p99 ms | kit p99 ÷ pgmq p99 |");
            table.add("|---|---|---|---|---|---|---|");
            for (long n : SCALES) {
                long t0 = System.nanoTime();
                fillKitEvents(s.admin(), n);
                fillMessageDb(p.messageDbAdmin(), n);
                fillKitTasks(s.admin(), n);
                fillPgmq(p.pgmqAdmin(), n);
                exec(s.admin(), "vacuum analyze sor.events");
                exec(s.admin(), "vacuum analyze sor.streams");
                exec(s.admin(), "vacuum analyze sor.tasks");
                exec(p.messageDbAdmin(), "vacuum analyze message_store.messages");
                exec(p.pgmqAdmin(), "vacuum analyze pgmq.q_bench");
                System.out.printf(Locale.ROOT, "== %,d rows each, filled in %.0f s%n", n, (System.nanoTime() - t0) / 1e9);

                List<Double> kitRates = new ArrayList<>();
                List<Double> mdbRates = new ArrayList<>();
                List<Double> kitLat = new ArrayList<>();
                List<Double> pgmqLat = new ArrayList<>();
                try (Connection kit = s.worker().connect(); Connection mdb = p.messageDb().connect(); Connection q = p.pgmq().connect()) {
                    appendRate(kit, true, n, -1, 0.5);
                    appendRate(mdb, false, n, -1, 0.5);
                    claimLatencies(kit, true, 20);
                    claimLatencies(q, false, 20);
                    for (int round = 0; round < ROUNDS; round++) {
                        boolean kitFirst = round % 2 == 0;
                        double a = appendRate(kitFirst ? kit : mdb, kitFirst, n, round, SECONDS);
                        double b = appendRate(kitFirst ? mdb : kit, !kitFirst, n, round, SECONDS);
                        kitRates.add(kitFirst ? a : b);
                        mdbRates.add(kitFirst ? b : a);
                        List<Double> first = claimLatencies(kitFirst ? kit : q, kitFirst, CYCLES);
                        List<Double> second = claimLatencies(kitFirst ? q : kit, !kitFirst, CYCLES);
                        kitLat.addAll(kitFirst ? first : second);
                        pgmqLat.addAll(kitFirst ? second : first);
                        System.out.printf(Locale.ROOT, "   round %d: appends kit %.0f/s, message-db %.0f/s%n", round + 1,
                                kitRates.get(round), mdbRates.get(round));
                    }
                }
                double kitRate = PeerBench.median(kitRates);
                double mdbRate = PeerBench.median(mdbRates);
                table.add(String.format(Locale.ROOT, "| %,d | %s | %s | %.2f | %.2f / %.2f | %.2f / %.2f | %.2f |", n,
                        PeerBench.rate(kitRate), PeerBench.rate(mdbRate), kitRate / mdbRate,
                        percentile(kitLat, 50), percentile(kitLat, 99), percentile(pgmqLat, 50), percentile(pgmqLat, 99),
                        percentile(kitLat, 99) / percentile(pgmqLat, 99)));
            }
            table.add("");
            table.addAll(storage(s, p));
            table.forEach(System.out::println);
        } finally {
            s.server().close();
        }
    }

    // ---------------------------------------------------------------- filling

    /** The kit's history up to n events, through its one batch path: streams of ten events, 10,000 a call. */
    static void fillKitEvents(Database admin, long n) throws SQLException {
        try (Connection c = admin.connect()) {
            long have = longOf(c, "select count(*) from sor.events");
            for (long at = have; at < n; at += CHUNK) {
                int size = (int) Math.min(CHUNK, n - at);
                run(c, "select count(*) from sor.append_event_rows(array_fill('acme'::text, array[?]),"
                        + " array(select 'history-' || ? || '.' || (i / 10) from generate_series(0, ? - 1) i),"
                        + " array_fill('Noted'::text, array[?]),"
                        + " array(select jsonb_build_object('amount', i, 'currency', 'EUR', 'note', 'bank row ' || i) from generate_series(0, ? - 1) i),"
                        + " array_fill('{}'::jsonb, array[?]))", size, at, size, size, size, size);
            }
        }
    }

    /** message-db's messages up to n, in streams of ten, written as write_message writes them (bulk, without its lock). */
    static void fillMessageDb(Database admin, long n) throws SQLException {
        try (Connection c = admin.connect()) {
            long have = longOf(c, "select count(*) from message_store.messages");
            for (long at = have; at < n; at += 200_000) {
                int size = (int) Math.min(200_000, n - at);
                run(c, "insert into message_store.messages (id, stream_name, type, position, data, metadata)"
                        + " select gen_random_uuid(), 'history-' || ? || '.' || (i / 10), 'Noted', i % 10,"
                        + " jsonb_build_object('amount', i, 'currency', 'EUR', 'note', 'bank row ' || i), null"
                        + " from generate_series(0, ? - 1) i", at, size);
            }
        }
    }

    static void fillKitTasks(Database admin, long n) throws SQLException {
        try (Connection c = admin.connect()) {
            long have = longOf(c, "select count(*) from sor.tasks where queue = 'bench' and status = 'ready'");
            // the default quota is 1,000,000 live tasks a tenant: the bench's tenant holds more
            run(c, "select sor_api.set_quota('acme', 'tasks', ?)", Math.max(1_000_000L, 2 * n));
            // 100,000 a statement, each its own transaction (the quota is counted once a statement)
            for (long at = have; at < n; at += 100_000) {
                run(c, "insert into sor.tasks (tenant_id, queue, subject, payload, max_attempts)"
                        + " select 'acme', 'bench', 'row ' || i, jsonb_build_object('row', i), 5 from generate_series(1, ?) i",
                        (int) Math.min(100_000, n - at));
            }
        }
    }

    static void fillPgmq(Database admin, long n) throws SQLException {
        try (Connection c = admin.connect()) {
            long have = longOf(c, "select count(*) from pgmq.q_bench");
            for (long at = have; at < n; at += 200_000) {
                run(c, "select count(*) from pgmq.send_batch('bench', array(select jsonb_build_object('row', i)"
                        + " from generate_series(1, ?) i))", (int) Math.min(200_000, n - at));
            }
        }
    }

    // ---------------------------------------------------------------- measuring

    /** Appends per second to new streams, with an expected version, for the given seconds. */
    static double appendRate(Connection c, boolean kit, long scale, int round, double seconds) throws SQLException {
        String prefix = "live-" + scale + "." + round + "." + UUID.randomUUID().toString().substring(0, 8) + ".";
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long done = 0;
        long start = System.nanoTime();
        try (PreparedStatement kitPs = kit ? c.prepareStatement(
                "select version from sor_api.append_event('acme', ?, 'Noted', ?::jsonb, '{}'::jsonb, ?)") : null;
             PreparedStatement mdbPs = kit ? null : c.prepareStatement(
                     "select message_store.write_message(?, ?, 'Noted', ?::jsonb, null, ?)")) {
            while (System.nanoTime() < end) {
                String stream = prefix + (done % 50);
                String payload = "{\"amount\": " + done + ", \"currency\": \"EUR\"}";
                if (kit) {
                    kitPs.setString(1, stream);
                    kitPs.setString(2, payload);
                    kitPs.setInt(3, (int) (done / 50));
                    kitPs.executeQuery().close();
                } else {
                    mdbPs.setString(1, UUID.randomUUID().toString());
                    mdbPs.setString(2, stream);
                    mdbPs.setString(3, payload);
                    mdbPs.setLong(4, done / 50 - 1);
                    mdbPs.executeQuery().close();
                }
                done++;
            }
        }
        return done / ((System.nanoTime() - start) / 1e9);
    }

    /** Milliseconds of each claim + complete of one task (two statements, each its own transaction). */
    static List<Double> claimLatencies(Connection c, boolean kit, int cycles) throws SQLException {
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < cycles; i++) {
            long t = System.nanoTime();
            if (kit) {
                PeerBench.kitClaimOne(c, "bench");
            } else {
                PeerBench.pgmqClaimOne(c, 0, i);
            }
            ms.add((System.nanoTime() - t) / 1e6);
        }
        return ms;
    }

    static double percentile(List<Double> values, int p) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
    }

    // ---------------------------------------------------------------- storage

    static long bytes(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Bytes per event and per finished task, tables with their indexes and TOAST, after a vacuum. */
    static List<String> storage(Server s, PeerBench.Peers p) throws Exception {
        String kitEventBytes = "select sum(pg_total_relation_size(i.inhrelid)) + pg_total_relation_size('sor.streams')"
                + " from pg_inherits i where i.inhparent = 'sor.events'::regclass";
        String finishedBytes = "select sum(pg_total_relation_size(i.inhrelid)) from pg_inherits i"
                + " where i.inhparent = 'sor.finished_tasks'::regclass";
        List<String> out = new ArrayList<>();
        try (Connection admin = s.admin().connect(); Connection mdbAdmin = p.messageDbAdmin().connect();
             Connection qAdmin = p.pgmqAdmin().connect(); Connection kit = s.worker().connect(); Connection q = p.pgmq().connect()) {
            fillKitTasks(s.admin(), FINISHED + 1000);
            fillPgmq(p.pgmqAdmin(), FINISHED + 1000);
            run(admin, "vacuum analyze sor.events");
            run(mdbAdmin, "vacuum analyze message_store.messages");
            long kitEvents = longOf(admin, "select count(*) from sor.events");
            long mdbMessages = longOf(mdbAdmin, "select count(*) from message_store.messages");
            double perKitEvent = (double) bytes(admin, kitEventBytes) / kitEvents;
            double perMessage = (double) bytes(mdbAdmin, "select pg_total_relation_size('message_store.messages')") / mdbMessages;

            // finish FINISHED tasks on each side: the kit keeps the finished row and an event of its outcome; pgmq archives
            long eventsBefore = longOf(admin, "select count(*) from sor.events");
            long eventBytesBefore = bytes(admin, kitEventBytes);
            long finishedBefore = longOf(admin, "select count(*) from sor.finished_tasks");
            long finishedBytesBefore = bytes(admin, finishedBytes);
            for (int i = 0; i < FINISHED; i += PeerBench.BATCH) {
                PeerBench.kitClaimBatch(kit, "bench");
            }
            run(admin, "vacuum analyze sor.events");
            run(admin, "vacuum analyze sor.finished_tasks");
            long finished = longOf(admin, "select count(*) from sor.finished_tasks") - finishedBefore;
            double perFinished = (double) (bytes(admin, finishedBytes) - finishedBytesBefore) / finished;
            double eventsPerFinished = (double) (longOf(admin, "select count(*) from sor.events") - eventsBefore) / finished;
            double eventBytesPerFinished = (double) (bytes(admin, kitEventBytes) - eventBytesBefore) / finished;

            long archivedBefore = longOf(qAdmin, "select count(*) from pgmq.a_bench");
            long archiveBytesBefore = bytes(qAdmin, "select pg_total_relation_size('pgmq.a_bench')");
            for (int i = 0; i < FINISHED; i += PeerBench.BATCH) {
                run(q, "select count(*) from pgmq.archive('bench', array(select msg_id from pgmq.read('bench', 30, ?)))", PeerBench.BATCH);
            }
            run(qAdmin, "vacuum analyze pgmq.a_bench");
            long archived = longOf(qAdmin, "select count(*) from pgmq.a_bench") - archivedBefore;
            double perArchived = (double) (bytes(qAdmin, "select pg_total_relation_size('pgmq.a_bench')") - archiveBytesBefore) / archived;

            out.add("| stored | kit | peer | kit ÷ peer |");
            out.add("|---|---|---|---|");
            out.add(String.format(Locale.ROOT, "| bytes per event (table, indexes, TOAST; the kit's stream heads included) | %.0f | message-db %.0f | %.2f |",
                    perKitEvent, perMessage, perKitEvent / perMessage));
            out.add(String.format(Locale.ROOT, "| bytes per finished task (the kit: its finished row %.0f + %.1f outcome events, %.0f) | %.0f | pgmq archive %.0f | %.2f |",
                    perFinished, eventsPerFinished, eventBytesPerFinished, perFinished + eventBytesPerFinished, perArchived,
                    (perFinished + eventBytesPerFinished) / perArchived));
        }
        return out;
    }
}

package dev.pgsor.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real CDC relay of the outbox: Debezium's embedded engine and PostgreSQL connector read
 * publication sor_outbox_cdc (pgoutput, a slot of the relay's own) and the outbox event router
 * maps the kit's columns; the provider dedupes by the dedupe key. While Workers record expenses
 * and the approver releases rows a review held back, the relay is restarted twice and the server
 * is killed with SIGKILL and restarted once. Every row that became pending is relayed, the
 * released ones included, and the provider delivers each dedupe key once.
 */
@Tag("slow")
class OutboxRelayTest {

    static final int WORKERS = 3;
    static final int ROWS = Integer.getInteger("sor.chaos.relay.rows", 40);

    static OwnedServer server;
    static SorCluster cluster;
    static OutboxRelay relay;

    @BeforeAll
    static void setUp() throws Exception {
        server = OwnedServer.create("relay");
        server.start();
        cluster = SorCluster.setUp(server, WORKERS);
        // the relay's login: REPLICATION to stream from its slot, no privilege on any table
        try (Connection c = cluster.admin().connect(); Statement st = c.createStatement()) {
            st.execute("create role relay login replication");
        }
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (relay != null) {
            relay.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void everyPendingRowIsRelayedAndTheProviderSeesEachDedupeKeyOnceAcrossRelayAndServerRestarts() throws Exception {
        Provider provider = new Provider();
        Map<String, OutboxRelay.Message> relayed = new ConcurrentHashMap<>();
        OutboxRelay.Sink sink = m -> {
            provider.send(m.dedupeKey(), m.topic());
            relayed.putIfAbsent(m.dedupeKey(), m);
        };
        Path offsets = OwnedServer.workDir().resolve("relay-offsets.dat");
        java.nio.file.Files.deleteIfExists(offsets);
        relay = startRelay(offsets, sink);
        awaitSlotActive();

        Ledger ledger = new Ledger();
        Workload workload = new Workload(cluster, ledger, provider);
        workload.ingest(ROWS / 2);
        // the relay is the delivery path: no polling dispatcher
        Workload.Mix noDispatcher = new Workload.Mix(WORKERS, false, true, true, false, true);
        workload.start(noDispatcher);
        Thread.sleep(3_000);

        // relay restart 1: a clean stop and start from the committed offset
        relay.close();
        long relayedBeforeRestart = provider.requests();
        relay = startRelay(offsets, sink);
        Thread.sleep(3_000);

        // the server dies under the relay and the Workers, and comes back
        server.kill();
        workload.stop();
        server.start();
        workload.start(noDispatcher);
        Thread.sleep(3_000);

        // relay restart 2, while Workers write
        relay.close();
        relay = startRelay(offsets, sink);
        Thread.sleep(2_000);
        workload.stop();

        // drain: no new work; every claimed task is finished and every block approved
        Workload.Mix drain = new Workload.Mix(WORKERS, false, true, true, false, false);
        workload.start(drain);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline && !(tasksDone() && workload.unresolvedBlocks() == 0
                && provider.deliveries().keySet().containsAll(expectedKeys()))) {
            Thread.sleep(250);
        }
        workload.stop();

        assertThat(workload.unexpected).as("unexpected errors of the workload").isEmpty();
        assertThat(ledger.missing(cluster.admin())).as("acknowledged commits missing after the kill").isEmpty();
        assertThat(cluster.count("select count(*) from sor.tasks")).as("tasks still in the live queue").isZero();
        assertThat(cluster.count("select count(*) from sor.finished_tasks where status <> 'completed'")).as("tasks finished dead")
                .isZero();
        assertThat(cluster.count("select count(*) from sor.blocks where status = 'active'")).as("blocks never approved").isZero();

        // every row that became pending was relayed, nothing else, each key delivered once
        Set<String> expected = expectedKeys();
        assertThat(provider.deliveries().keySet()).as("keys the provider delivered vs the outbox rows that became pending")
                .isEqualTo(expected);
        assertThat(provider.deliveries().values()).allSatisfy(d -> assertThat(d.requests.get()).isPositive());
        // the released rows (inserted deferred, made pending by resolve_block's UPDATE) are among them
        List<List<Object>> released = cluster.rows("select dedupe_key from sor.outbox where block_id is not null");
        assertThat(released).as("rows released by review approvals").isNotEmpty();
        assertThat(provider.deliveries().keySet()).containsAll(released.stream().map(r -> (String) r.get(0)).toList());
        assertThat(cluster.count("select count(*) from sor.outbox where status = 'deferred'")).isZero();
        // the router mapped the kit's columns: id = event_id, key = aggregate_id, topic by aggregate_type, headers
        Map<String, List<Object>> rows = new HashMap<>();
        for (List<Object> r : cluster.rows("select dedupe_key, event_id::text, aggregate_id, aggregate_type, topic, tenant_id,"
                + " outbox_id from sor.outbox")) {
            rows.put((String) r.get(0), r);
        }
        assertThat(relayed.values()).allSatisfy(m -> {
            List<Object> row = rows.get(m.dedupeKey());
            assertThat(m.eventId()).isEqualTo(row.get(1));
            assertThat(m.key()).isEqualTo(row.get(2));
            assertThat(m.kafkaTopic()).isEqualTo("outbox.event." + row.get(3));
            assertThat(m.topic()).isEqualTo(row.get(4));
            assertThat(m.tenantId()).isEqualTo(row.get(5));
            assertThat(m.outboxId()).isEqualTo(((Number) row.get(6)).longValue());
            assertThat(m.payload()).contains("\"to\"");
        });
        Invariants.assertChainsIntact(cluster);
        Invariants.assertCertified(cluster);

        Map<String, Long> byTopic = provider.deliveries().values().stream()
                .collect(Collectors.groupingBy(d -> d.topic, Collectors.counting()));
        System.out.printf("%n== CDC relay (Debezium embedded engine, pgoutput, outbox event router) across 2 relay restarts"
                + " and 1 kill -9 of the server%n");
        System.out.printf("    outbox rows that became pending: %d (inserted pending %d, released by a review approval %d)%n",
                expected.size(), expected.size() - released.size(), released.size());
        System.out.printf("    messages the relay handed over: %d (before the first restart: %d); relay instances: 3;"
                + " the connector's own retry rode out the server restart%n", provider.requests(), relayedBeforeRestart);
        System.out.printf("    provider deliveries: %d, by topic %s; replayed messages absorbed by the dedupe key: %d;"
                + " duplicate deliveries: 0; rows missed: 0%n", provider.deliveries().size(), byTopic, provider.repeatedRequests());
    }

    private static OutboxRelay startRelay(Path offsets, OutboxRelay.Sink sink) {
        return new OutboxRelay(OutboxRelay.config("127.0.0.1", server.port(), SorCluster.DATABASE, "relay", "", "sor_outbox_relay",
                offsets), sink).start();
    }

    private static void awaitSlotActive() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (cluster.count("select count(*) from pg_replication_slots where slot_name = 'sor_outbox_relay' and active") == 1) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the relay's slot did not become active; last engine error: " + relay.lastError());
    }

    /** The outbox rows that ever became pending: every row but those still deferred or discarded. */
    private static Set<String> expectedKeys() {
        return cluster.rows("select dedupe_key from sor.outbox where status not in ('deferred', 'discarded')").stream()
                .map(r -> (String) r.get(0)).collect(Collectors.toSet());
    }

    private static boolean tasksDone() {
        return cluster.count("select count(*) from sor.tasks") == 0;
    }
}

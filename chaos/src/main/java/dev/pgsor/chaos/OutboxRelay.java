package dev.pgsor.chaos;

import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * A CDC relay of pg-sor's outbox: Debezium's embedded engine with its PostgreSQL connector reads
 * publication {@code sor_outbox_cdc} through a logical replication slot (pgoutput), Debezium's
 * outbox event router turns each row into a message, and the relay hands it to a {@link Sink}.
 * No polling, no lease: a row is relayed when it becomes pending (inserted, or released by a
 * review approval, which the publication's row filter sends as an insert).
 *
 * <p>Guarantees: at least once from the database. An offset is committed only after the sink
 * returned for every message before it; a relay restart, a server crash or a connector error
 * replays from the last committed offset, so a message may come again. The sink makes it exactly
 * once at the provider by passing {@link Message#dedupeKey()} as the provider's idempotency key.
 * The relay restarts its engine after an error (the server restarted, the connection dropped)
 * until it is closed.
 */
public final class OutboxRelay implements AutoCloseable {

    /** One outbox row as the outbox event router emitted it. */
    public record Message(String kafkaTopic, String key, String eventId, String tenantId, String dedupeKey, String topic,
                          long outboxId, String payload) { }

    /** Where messages go; it must be idempotent by {@link Message#dedupeKey()}. A throw makes the relay replay. */
    @FunctionalInterface
    public interface Sink {
        /** Delivers one message. */
        void deliver(Message message) throws Exception;
    }

    private final Properties config;
    private final Sink sink;
    private final AtomicReference<DebeziumEngine<RecordChangeEvent<SourceRecord>>> engine = new AtomicReference<>();
    private final AtomicLong messages = new AtomicLong();
    private final AtomicLong engineStarts = new AtomicLong();
    private final AtomicReference<Throwable> lastError = new AtomicReference<>();
    private volatile boolean closed;
    private Thread runner;

    /**
     * The engine's configuration for a pg-sor database: the kit's publication (never created by
     * the connector), a slot of its own, streaming only (no snapshot: start the relay before the
     * rows it must relay, or snapshot pending rows yourself), offsets in a file, and the outbox
     * event router mapped to the kit's columns.
     */
    public static Properties config(String host, int port, String database, String user, String password, String slot,
                                    Path offsets) {
        Properties p = new Properties();
        p.setProperty("name", "sor-outbox-relay");
        p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        p.setProperty("offset.storage", "org.apache.kafka.connect.storage.FileOffsetBackingStore");
        p.setProperty("offset.storage.file.filename", offsets.toString());
        p.setProperty("offset.flush.interval.ms", "0");
        p.setProperty("database.hostname", host);
        p.setProperty("database.port", Integer.toString(port));
        p.setProperty("database.user", user);
        p.setProperty("database.password", password == null ? "" : password);
        p.setProperty("database.dbname", database);
        p.setProperty("topic.prefix", "sor");
        p.setProperty("plugin.name", "pgoutput");
        p.setProperty("publication.name", "sor_outbox_cdc");
        p.setProperty("publication.autocreate.mode", "disabled");
        p.setProperty("slot.name", slot);
        p.setProperty("table.include.list", "sor.outbox");
        p.setProperty("snapshot.mode", "no_data");
        p.setProperty("tombstones.on.delete", "false");
        p.setProperty("transforms", "outbox");
        p.setProperty("transforms.outbox.type", "io.debezium.transforms.outbox.EventRouter");
        p.setProperty("transforms.outbox.table.field.event.id", "event_id");
        p.setProperty("transforms.outbox.table.field.event.key", "aggregate_id");
        p.setProperty("transforms.outbox.table.field.event.payload", "payload");
        p.setProperty("transforms.outbox.route.by.field", "aggregate_type");
        p.setProperty("transforms.outbox.table.fields.additional.placement",
                "topic:header:eventType,tenant_id:header,dedupe_key:header,outbox_id:header");
        p.setProperty("transforms.outbox.table.op.invalid.behavior", "warn");
        return p;
    }

    public OutboxRelay(Properties config, Sink sink) {
        this.config = Objects.requireNonNull(config, "config");
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /** Starts the relay on a thread of its own; it runs (restarting its engine after errors) until closed. */
    public synchronized OutboxRelay start() {
        runner = new Thread(this::supervise, "outbox-relay");
        runner.setDaemon(true);
        runner.start();
        return this;
    }

    private void supervise() {
        while (!closed) {
            DebeziumEngine<RecordChangeEvent<SourceRecord>> e = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                    .using(config)
                    .notifying(this::handle)
                    .using((success, message, error) -> {
                        if (!success && error != null) {
                            lastError.set(error);
                        }
                    })
                    .build();
            engine.set(e);
            engineStarts.incrementAndGet();
            try {
                e.run();
            } catch (RuntimeException ex) {
                lastError.set(ex);
            } finally {
                try {
                    e.close();
                } catch (IOException | IllegalStateException ignored) {
                    // the engine is gone either way (close() of the relay may have shut it down already)
                }
            }
            if (!closed) {
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void handle(RecordChangeEvent<SourceRecord> event) {
        SourceRecord r = event.record();
        String dedupeKey = header(r, "dedupe_key");
        if (dedupeKey == null) {
            return; // not an outbox message (a heartbeat, a schema change)
        }
        String outboxId = header(r, "outbox_id");
        Message m = new Message(r.topic(), r.key() == null ? null : r.key().toString(), header(r, "id"), header(r, "tenant_id"),
                dedupeKey, header(r, "eventType"), outboxId == null ? -1 : Long.parseLong(outboxId),
                r.value() == null ? null : r.value().toString());
        try {
            sink.deliver(m);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("the sink refused outbox message " + dedupeKey, e);
        }
        messages.incrementAndGet();
    }

    private static String header(SourceRecord r, String name) {
        Header h = r.headers().lastWithName(name);
        return h == null || h.value() == null ? null : h.value().toString();
    }

    /** Messages handed to the sink (a replayed message counts again). */
    public long messages() {
        return messages.get();
    }

    /** How often the engine was started (1 + restarts after errors). */
    public long engineStarts() {
        return engineStarts.get();
    }

    /** The last error an engine stopped with, if any. */
    public Throwable lastError() {
        return lastError.get();
    }

    /** Stops the engine (its offsets are committed up to the last message the sink took) and the relay. */
    @Override
    public void close() throws IOException, InterruptedException {
        closed = true;
        DebeziumEngine<RecordChangeEvent<SourceRecord>> e = engine.get();
        if (e != null) {
            e.close();
        }
        Thread t;
        synchronized (this) {
            t = runner;
        }
        if (t != null) {
            t.join(60_000);
        }
    }
}

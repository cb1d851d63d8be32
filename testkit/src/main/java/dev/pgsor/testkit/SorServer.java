package dev.pgsor.testkit;

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
 * {@code sor.test.image} (Testcontainers), else an embedded server. Each list of modules is
 * migrated once into a template database (a longer list starts from the template of its longest
 * prefix); every test class clones its own database from it, which takes milliseconds.
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
            return new SorServer(db.withDatabaseName("postgres"), "server " + url, true);
        }
        if (!image.isBlank()) {
            return new SorServer(ContainerServer.start(image).withDatabaseName("postgres"), "container " + image, false);
        }
        EmbeddedServer server = EmbeddedServer.start(true);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        return new SorServer(server.admin("postgres"), "embedded", false);
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

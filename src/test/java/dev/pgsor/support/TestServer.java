package dev.pgsor.support;

import dev.pgsor.db.Database;
import dev.pgsor.db.EmbeddedServer;
import dev.pgsor.db.Migrator;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * One PostgreSQL server per JVM, chosen by system properties: -Dsor.test.url (an existing server,
 * with sor.test.user and sor.test.password for a superuser), -Dsor.test.image (Testcontainers),
 * else an embedded server. The kit is migrated once into a template database; every test class
 * clones its own database from it, which takes milliseconds.
 */
public final class TestServer {

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static volatile TestServer instance;

    private final Database adminPostgres;
    private final String template;
    private final String runId;
    private final String mode;

    private TestServer(Database adminPostgres, String mode) {
        this.adminPostgres = adminPostgres;
        this.mode = mode;
        this.runId = Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36 * 36), 36);
        this.template = "sor_tpl_" + runId;
    }

    public static TestServer get() {
        TestServer s = instance;
        if (s == null) {
            synchronized (TestServer.class) {
                s = instance;
                if (s == null) {
                    s = boot();
                    s.createTemplate();
                    instance = s;
                }
            }
        }
        return s;
    }

    private static TestServer boot() {
        String url = System.getProperty("sor.test.url", "");
        String image = System.getProperty("sor.test.image", "");
        if (!url.isBlank()) {
            Database db = new Database(url, System.getProperty("sor.test.user", "postgres"),
                    System.getProperty("sor.test.password", ""));
            return new TestServer(db.withDatabaseName("postgres"), "server " + url);
        }
        if (!image.isBlank()) {
            PostgreSQLContainer<?> c = new PostgreSQLContainer<>(DockerImageName.parse(image)
                    .asCompatibleSubstituteFor("postgres"))
                    .withCommand("postgres", "-c", "max_connections=200", "-c", "wal_level=logical",
                            "-c", "fsync=off", "-c", "timezone=UTC");
            c.start();
            Runtime.getRuntime().addShutdownHook(new Thread(c::stop));
            Database db = new Database(c.getJdbcUrl(), c.getUsername(), c.getPassword());
            return new TestServer(db.withDatabaseName("postgres"), "container " + image);
        }
        EmbeddedServer server = EmbeddedServer.start(true);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        return new TestServer(server.admin("postgres"), "embedded");
    }

    private void createTemplate() {
        exec(adminPostgres, "create database " + template);
        if (!mode.equals("embedded")) {
            // on a shared server the template must not outlive the run
            Runtime.getRuntime().addShutdownHook(new Thread(() -> exec(adminPostgres, "drop database if exists " + template)));
        }
        Migrator.migrateAll(adminPostgres.withDatabaseName(template));
    }

    /** A superuser connection spec to the maintenance database. */
    public Database adminPostgres() {
        return adminPostgres;
    }

    public String mode() {
        return mode;
    }

    /** A short id for this JVM's run, used to name roles uniquely on a shared server. */
    public String runId() {
        return runId;
    }

    /** A fresh database cloned from the migrated template. */
    public TestDatabase freshDatabase() {
        String name = newName("t");
        exec(adminPostgres, "create database " + name + " template " + template);
        return new TestDatabase(this, name);
    }

    /** A fresh, empty database (nothing migrated). */
    public TestDatabase emptyDatabase() {
        String name = newName("e");
        exec(adminPostgres, "create database " + name);
        return new TestDatabase(this, name);
    }

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

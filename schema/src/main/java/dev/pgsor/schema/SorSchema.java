package dev.pgsor.schema;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;
import java.util.Properties;

/**
 * Where pg-sor's migrations are on the classpath: the Flyway locations, the history schema and the
 * history table of each module this artifact carries. Apply them in order, each module with its own
 * history table in its own schema, as the admin (a superuser, or a managed service's admin with
 * CREATEROLE: see docs/operate/install.md):
 *
 * <pre>{@code
 * for (SorSchema.Module m : SorSchema.ALL) {
 *     Flyway.configure().dataSource(url, admin, password)
 *         .locations(m.locations().toArray(String[]::new))
 *         .defaultSchema(m.historySchema()).schemas(m.historySchema()).createSchemas(true)
 *         .table(m.historyTable())
 *         .load().migrate();
 * }
 * }</pre>
 *
 * The kernel keeps its history in schema {@code sor_flyway} and the reconciler in
 * {@code reconciler_flyway}, so neither cares what else the database holds: a database whose
 * {@code public} schema has an application's tables (and its own {@code flyway_schema_history})
 * takes the kit without a baseline, and each module's first run finds its own history schema
 * empty whichever module ran first. The same files are in {@code db/} and
 * {@code examples/reconciler/db/} of the repository, for the Flyway command line; script names and
 * checksums are the same either way.
 */
public final class SorSchema {

    /**
     * One Flyway project.
     *
     * @param name          a short name for reports ("kernel", "reconciler")
     * @param historySchema the schema of its Flyway history table, its own (Flyway creates it on
     *                      the first run; nothing else belongs in it)
     * @param historyTable  the Flyway history table that records its scripts
     * @param locations     Flyway locations of its versioned and repeatable scripts, in order
     */
    public record Module(String name, String historySchema, String historyTable, List<String> locations) {

        /** Checks the fields and copies the locations. */
        public Module {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(historySchema, "historySchema");
            Objects.requireNonNull(historyTable, "historyTable");
            locations = List.copyOf(locations);
            if (locations.isEmpty()) {
                throw new IllegalArgumentException("module " + name + " names no location");
            }
        }

        /**
         * A module whose history table is in schema {@code public}, beside other tables: its first
         * migration baselines at version 0 there (every script of its own still runs). Prefer a
         * history schema of the module's own.
         */
        public Module(String name, String historyTable, List<String> locations) {
            this(name, "public", historyTable, locations);
        }
    }

    /**
     * The kit's Flyway callbacks: beforeMigrate creates the kit's roles when missing and lets a
     * migrating admin that is not a superuser act as sor_owner and sor_guardian (a managed
     * service), and stops a domain module migrated before the kernel; beforeEachMigrate gives every
     * script's transaction a lock_timeout of 5s unless the session has its own (a script that would
     * stall the application's writers fails with 55P03, and the run rolls back whole); afterMigrate
     * registers new objects with the drop guard. Every module's locations include it: add it to a
     * domain module of your own, so its objects are protected, and certified, as soon as its
     * migration ends, and its scripts' lock waits are bounded.
     */
    public static final String CALLBACKS = "classpath:pgsor/kernel/callbacks";

    /** The kernel: roles, schemas sor, sor_api and sor_guard, and everything in them. Always first. */
    public static final Module KERNEL = new Module("kernel", "sor_flyway", "flyway_schema_history",
            List.of("classpath:pgsor/kernel/migrations", "classpath:pgsor/kernel/functions",
                    "classpath:pgsor/kernel/policies", CALLBACKS));

    /** The Expense Reconciler, the reference domain, applied after the kernel. */
    public static final Module RECONCILER = new Module("reconciler", "reconciler_flyway", "flyway_schema_history_reconciler",
            List.of("classpath:pgsor/reconciler/migrations", "classpath:pgsor/reconciler/functions",
                    "classpath:pgsor/reconciler/policies", CALLBACKS));

    /** Every module of this artifact, in the order to apply them. */
    public static final List<Module> ALL = List.of(KERNEL, RECONCILER);

    /**
     * The release of pg-sor this artifact is (such as {@code 0.3.0}): the build's project version,
     * which is also what {@code sor_api.contract_version()} returns after these scripts ran, the
     * CLI's {@code --version} and the newest released section of the CHANGELOG.
     */
    public static String version() {
        return readVersion();
    }

    /**
     * The classpath resource of a release's manifest ({@code pgsor/releases/0.3.0/manifest.json}):
     * the Flyway scripts of the release with their checksums and the fingerprint of every protected
     * object a fresh install leaves (releases/README.md in the repository). This artifact carries
     * the manifest of every release, its own ({@link #version()}) included.
     */
    public static String releaseManifest(String version) {
        return "pgsor/releases/" + version + "/manifest.json";
    }

    private static String readVersion() {
        try (InputStream in = SorSchema.class.getClassLoader().getResourceAsStream("pgsor/version.properties")) {
            if (in == null) {
                throw new IllegalStateException("pgsor/version.properties is missing from the classpath (built without Maven?)");
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "");
            if (!v.matches("\\d+\\.\\d+\\.\\d+([-+].*)?")) {
                throw new IllegalStateException("pgsor/version.properties names no version: '" + v + "'");
            }
            return v;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private SorSchema() { }
}

package dev.pgsor.schema;

import java.util.List;
import java.util.Objects;

/**
 * Where pg-sor's migrations are on the classpath: the Flyway locations and the history table of
 * each module this artifact carries. Apply them in order, each module with its own history table,
 * as the admin that may create roles and event triggers:
 *
 * <pre>{@code
 * for (SorSchema.Module m : SorSchema.ALL) {
 *     Flyway.configure().dataSource(url, admin, password)
 *         .locations(m.locations().toArray(String[]::new)).table(m.historyTable())
 *         .defaultSchema("public").createSchemas(false)
 *         .baselineOnMigrate(!m.equals(SorSchema.KERNEL)).baselineVersion("0")
 *         .load().migrate();
 * }
 * }</pre>
 *
 * A domain module (the reconciler, or a consumer's own) keeps its history table beside the
 * kernel's in schema {@code public}, so its first migration baselines at version 0. The same
 * files are in {@code db/} and {@code examples/reconciler/db/} of the repository, for the Flyway
 * command line; script names and checksums are the same either way.
 */
public final class SorSchema {

    /**
     * One Flyway project.
     *
     * @param name         a short name for reports ("kernel", "reconciler")
     * @param historyTable the Flyway history table that records its scripts
     * @param locations    Flyway locations of its versioned and repeatable scripts, in order
     */
    public record Module(String name, String historyTable, List<String> locations) {

        /** Checks the fields and copies the locations. */
        public Module {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(historyTable, "historyTable");
            locations = List.copyOf(locations);
            if (locations.isEmpty()) {
                throw new IllegalArgumentException("module " + name + " names no location");
            }
        }
    }

    /**
     * The kit's Flyway callbacks (afterMigrate registers new objects with the drop guard). Every
     * module's locations include it: add it to a domain module of your own, so its objects are
     * protected, and certified, as soon as its migration ends.
     */
    public static final String CALLBACKS = "classpath:pgsor/kernel/callbacks";

    /** The kernel: roles, schemas sor, sor_api and sor_guard, and everything in them. Always first. */
    public static final Module KERNEL = new Module("kernel", "flyway_schema_history",
            List.of("classpath:pgsor/kernel/migrations", "classpath:pgsor/kernel/functions",
                    "classpath:pgsor/kernel/policies", CALLBACKS));

    /** The Expense Reconciler, the reference domain, applied after the kernel. */
    public static final Module RECONCILER = new Module("reconciler", "flyway_schema_history_reconciler",
            List.of("classpath:pgsor/reconciler/migrations", "classpath:pgsor/reconciler/functions",
                    "classpath:pgsor/reconciler/policies", CALLBACKS));

    /** Every module of this artifact, in the order to apply them. */
    public static final List<Module> ALL = List.of(KERNEL, RECONCILER);

    private SorSchema() { }
}

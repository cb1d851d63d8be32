package dev.pgsor.db;

import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Applies pg-sor with Flyway: the kernel (db/migrations, db/functions, db/policies) and then each
 * example domain with its own history table. The same files the flyway.toml at the repository root
 * points the Flyway command line at; here they are read from the classpath.
 */
public final class Migrator {

    /** One Flyway project: where its scripts are and which history table records them. */
    public record Module(String name, String historyTable, List<String> locations) { }

    public static final Module KERNEL = new Module("kernel", "flyway_schema_history",
            List.of("classpath:db/migrations", "classpath:db/functions", "classpath:db/policies"));

    public static final Module RECONCILER = new Module("reconciler", "flyway_schema_history_reconciler",
            List.of("classpath:examples/reconciler/db/migrations", "classpath:examples/reconciler/db/functions",
                    "classpath:examples/reconciler/db/policies"));

    /** What one module's migration did. */
    public record Outcome(String module, int executed, String version) { }

    private Migrator() { }

    public static Flyway flyway(Database admin, Module module) {
        return Flyway.configure(Migrator.class.getClassLoader())
                .dataSource(admin.url(), admin.user(), admin.password())
                .locations(module.locations().toArray(String[]::new))
                .table(module.historyTable())
                .defaultSchema("public")
                .createSchemas(false)
                .cleanDisabled(true)
                .validateMigrationNaming(true)
                .failOnMissingLocations(false)
                .loggers("slf4j")
                // a domain module shares the kernel's schema "public" for its history table, so its
                // first run baselines at version 0 and then applies all of its own migrations
                .baselineOnMigrate(module != KERNEL)
                .baselineVersion("0")
                .load();
    }

    /** Migrates the kernel only. */
    public static List<Outcome> migrateKernel(Database admin) {
        return migrate(admin, List.of(KERNEL));
    }

    /** Migrates the kernel and the reference domain. */
    public static List<Outcome> migrateAll(Database admin) {
        return migrate(admin, List.of(KERNEL, RECONCILER));
    }

    public static List<Outcome> migrate(Database admin, List<Module> modules) {
        List<Outcome> outcomes = new ArrayList<>();
        for (Module module : modules) {
            MigrateResult result = flyway(admin, module).migrate();
            outcomes.add(new Outcome(module.name(), result.migrationsExecuted, result.targetSchemaVersion));
        }
        return outcomes;
    }
}

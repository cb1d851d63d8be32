package dev.pgsor.runtime;

import dev.pgsor.schema.SorSchema;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Applies modules with Flyway, in order, each with its own history table: the kernel
 * ({@link SorSchema#KERNEL}) first, then domain modules (the reconciler, a consumer's own). The
 * kit migrates its template databases with it, and pg-sor's CLI its {@code migrate} command. A
 * server older than PostgreSQL 15 is refused before any script runs ({@link PostgresVersion}).
 */
public final class Migrator {

    /**
     * What one module's migration did.
     *
     * @param module   the module's name
     * @param executed how many scripts ran
     * @param version  the schema version afterwards
     */
    public record Outcome(String module, int executed, String version) { }

    private Migrator() { }

    /**
     * The Flyway configuration of one module. Its history table lives in the module's own history
     * schema, which Flyway creates on the first run, so the module installs into a database whose
     * other schemas (public included) hold anything. A legacy module whose history table is in
     * {@code public} beside other tables baselines at version 0 there on its first run (every one
     * of its own scripts still runs). A run applies its pending scripts in one transaction
     * (Flyway's group): a failed run leaves nothing half-migrated, and no other module's
     * afterMigrate callback registers this module's objects with the drop guard before its
     * policies and grants exist.
     */
    public static Flyway flyway(Database admin, SorSchema.Module module) {
        boolean sharedSchema = module.historySchema().equals("public");
        return Flyway.configure(Migrator.class.getClassLoader())
                .dataSource(admin.url(), admin.user(), admin.password())
                .locations(module.locations().toArray(String[]::new))
                .defaultSchema(module.historySchema())
                .schemas(module.historySchema())
                .table(module.historyTable())
                .createSchemas(true)
                .group(true)
                .cleanDisabled(true)
                .validateMigrationNaming(true)
                .failOnMissingLocations(false)
                .loggers("slf4j")
                .baselineOnMigrate(sharedSchema)
                .baselineVersion("0")
                .load();
    }

    /**
     * Migrates the modules in order, as the admin, and reports what each did. Refuses a server older
     * than PostgreSQL 15 first ({@link PostgresVersion.UnsupportedServerException}).
     */
    public static List<Outcome> migrate(Database admin, List<SorSchema.Module> modules) {
        requireSupportedServer(admin);
        List<Outcome> outcomes = new ArrayList<>();
        for (SorSchema.Module module : modules) {
            MigrateResult result = flyway(admin, module).migrate();
            outcomes.add(new Outcome(module.name(), result.migrationsExecuted, result.targetSchemaVersion));
        }
        return outcomes;
    }

    /**
     * Throws {@link PostgresVersion.UnsupportedServerException} when the admin's server is older than
     * PostgreSQL 15, naming its version; a server it cannot reach fails with the driver's
     * {@link SQLException} as the cause, as Flyway would.
     */
    public static PostgresVersion requireSupportedServer(Database admin) {
        PostgresVersion version;
        try {
            version = PostgresVersion.of(admin);
        } catch (SQLException e) {
            throw new IllegalStateException("could not connect to " + admin.url() + ": " + e.getMessage(), e);
        }
        return version.requireSupported("the server at " + admin.url(),
                "migrate onto a server of PostgreSQL " + PostgresVersion.MINIMUM_MAJOR + " or newer (docs/operate/install.md)");
    }
}

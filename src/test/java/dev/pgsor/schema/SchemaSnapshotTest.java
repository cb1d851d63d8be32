package dev.pgsor.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pgsor.db.SchemaSnapshot;
import dev.pgsor.support.Repo;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import org.junit.jupiter.api.Test;

/** db/schema.sql must be exactly what the migrations produce. */
@SorTest(reconciler = true)
class SchemaSnapshotTest {

    static final Path SNAPSHOT = Repo.path("db", "schema.sql");

    @Test
    void committedSnapshotMatchesTheMigratedSchema(SorDatabase db) throws Exception {
        String committed = Files.readString(SNAPSHOT, StandardCharsets.UTF_8);
        try (Connection c = db.admin().connect()) {
            String live = SchemaSnapshot.render(c);
            assumeTrue(SchemaSnapshot.majorVersionOf(live) == SchemaSnapshot.majorVersionOf(committed),
                    "the snapshot is rendered on PostgreSQL " + SchemaSnapshot.majorVersionOf(committed));
            Path actual = Repo.path("target", "proofs", "schema.actual.sql");
            if (!live.equals(committed)) {
                Files.createDirectories(actual.getParent());
                Files.writeString(actual, live, StandardCharsets.UTF_8);
            }
            assertThat(live)
                    .as("db/schema.sql drifted from the migrations (the live rendering is in " + actual + ");"
                            + " regenerate it with: ./mvnw -q compile exec:java -Dexec.args=\"schema --out db/schema.sql\"")
                    .isEqualTo(committed);
        }
    }

    @Test
    void snapshotNamesItsServerMajorVersion(SorDatabase db) throws Exception {
        try (Connection c = db.admin().connect()) {
            String live = SchemaSnapshot.render(c);
            assertThat(SchemaSnapshot.majorVersionOf(live)).isBetween(15, 18);
            assertThat(live).contains("create table sor.tenants (").contains("create policy tenants_tenant_select on sor.tenants");
        }
    }
}

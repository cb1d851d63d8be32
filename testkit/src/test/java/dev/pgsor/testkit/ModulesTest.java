package dev.pgsor.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pgsor.schema.SorSchema;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** SorExtension.migrating applies further modules after the kernel, each in its own history table. */
class ModulesTest {

    @RegisterExtension
    static final SorExtension SOR = SorExtension.migrating(SorSchema.KERNEL, SorSchema.RECONCILER);

    @Test
    void theReconcilerIsMigratedAfterTheKernelWithItsOwnHistory(SorDatabase db) {
        assertEquals(SorSchema.ALL, db.modules());
        assertEquals(1L, db.count("select count(*) from pg_namespace where nspname = 'reconciler'"));
        assertEquals(List.of(List.of(true, true)), db.rows("select"
                + " exists (select 1 from sor_flyway.flyway_schema_history where success and script like 'V%'),"
                + " exists (select 1 from reconciler_flyway.flyway_schema_history_reconciler where success and script like 'V%')"));
    }

    @Test
    void aRegisteredDomainSchemaIsInTheDigest(SorDatabase db) {
        assertEquals(true, db.digest().containsKey("reconciler.expenses"));
    }
}

package dev.pgsor.install;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.db.Certification;
import dev.pgsor.schema.SorSchema;
import dev.pgsor.testkit.Database;
import dev.pgsor.testkit.Migrator;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ManagedInstallTest {

    static ManagedCluster cluster;
    static Database admin;

    @BeforeAll
    static void install() throws Exception {
        cluster = new ManagedCluster();
        admin = cluster.createDatabase("sor");
        Migrator.migrate(admin, SorSchema.ALL);
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void certifyShowsTheDegradedState() throws Exception {
        try (Connection c = admin.connect()) {
            List<Certification.Check> rows = Certification.run(c);
            rows.stream().filter(r -> !r.ok()).forEach(System.out::println);
            assertThat(rows.stream().filter(r -> !r.ok())).isEmpty();
        }
    }
}

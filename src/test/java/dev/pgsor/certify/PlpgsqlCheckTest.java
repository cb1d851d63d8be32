package dev.pgsor.certify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pgsor.install.JitCluster;
import dev.pgsor.schema.SorSchema;
import dev.pgsor.runtime.Database;
import dev.pgsor.runtime.Migrator;
import dev.pgsor.testkit.Sql;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * certify() checks the body of every PL/pgSQL function of the kit against the live tables with
 * plpgsql_check, where the database has it (Debian's postgresql-15-plpgsql-check, on Debian's
 * PostgreSQL 15; skipped without them). A protected column dropped past the guard, as an approved
 * change could, breaks sor.lease_outbox at run time; certify() names the function and the column.
 * Without the extension, one row says nothing was checked.
 */
@Tag("slow")
class PlpgsqlCheckTest {

    static final String CHECK = "kit functions compile against the tables they use (plpgsql_check)";

    static JitCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = JitCluster.start();
        assumeTrue(((Number) Sql.scalar(cluster.admin("postgres"),
                        "select count(*) from pg_available_extensions where name = 'plpgsql_check'")).longValue() == 1,
                "skipped: plpgsql_check is not installed on this server (Debian: postgresql-15-plpgsql-check; .ci/run installs it)");
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    static Database kernel(String name) throws Exception {
        Sql.run(cluster.admin("postgres"), "create database " + name);
        // the cluster compiles every statement with JIT (JitServerTest's setting); this test is about
        // plpgsql_check, so its databases run without JIT, and migrate in seconds instead of a minute
        Sql.run(cluster.admin("postgres"), "alter database " + name + " set jit = off");
        Database admin = cluster.admin(name);
        Migrator.migrate(admin, List.of(SorSchema.KERNEL));
        return admin;
    }

    static List<List<Object>> rows(Database admin) {
        return Sql.rows(admin, "select object, ok, detail from sor_api.certify() where \"check\" = ? order by object", CHECK);
    }

    @Test
    void everyKitFunctionCompilesAndADroppedColumnNamesTheFunctionThatUsesIt() throws Exception {
        Database admin = kernel("sor_checked");
        Sql.run(admin, "create extension plpgsql_check");
        List<List<Object>> clean = rows(admin);
        assertThat(clean).hasSize(1);
        assertThat(clean.get(0).get(0)).isEqualTo("plpgsql_check");
        assertThat(clean.get(0).get(1)).isEqualTo(true);
        assertThat((String) clean.get(0).get(2)).matches("[0-9]{3} PL/pgSQL functions of the kit checked: no errors");

        // what the drop guard page once showed: a column of the outbox dropped (here past the guard)
        Sql.run(admin, "begin; select sor_guard.pause(true); alter table sor.outbox drop column last_error;"
                + " select sor_guard.pause(false); commit");

        List<List<Object>> broken = rows(admin);
        assertThat(broken).isNotEmpty().allSatisfy(r -> assertThat(r.get(1)).isEqualTo(false));
        assertThat(broken).extracting(r -> (String) r.get(0)).anySatisfy(f -> assertThat(f).contains("lease_outbox("));
        assertThat(broken).extracting(r -> (String) r.get(2)).allSatisfy(d -> assertThat(d).contains("last_error"));
    }

    @Test
    void withoutTheExtensionOneRowSaysNothingWasChecked() throws Exception {
        Database admin = kernel("sor_unchecked");
        assertThat(rows(admin)).containsExactly(List.of("plpgsql_check", true,
                "plpgsql_check is not installed in this database: not checked (CREATE EXTENSION plpgsql_check to check)"));
    }
}

package dev.pgsor.install;

import dev.pgsor.support.ManagedCluster;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgsor.runtime.Database;
import dev.pgsor.runtime.Migrator;
import dev.pgsor.schema.SorSchema;
import dev.pgsor.testkit.Sql;
import java.util.List;
import org.flywaydb.core.api.FlywayException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The kit's roles already exist on the server, created by someone else (here the provider's
 * superuser, which migrated another database first), so the managed admin holds no ADMIN OPTION
 * on them. On PostgreSQL 16 and later its migration stops in beforeMigrate with the GRANT a role
 * with ADMIN OPTION must run (membership alone is not enough for a database's first migration);
 * after that grant (on 15, at once: CREATEROLE grants any role that is not a superuser's) it
 * migrates the whole kit and certify() fails the same three documented rows.
 */
class ManagedRolesGrantedByHandTest {

    static ManagedCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = new ManagedCluster();
        Sql.run(cluster.provider("postgres"), "create database first_install");
        Migrator.migrate(cluster.provider("first_install"), List.of(SorSchema.KERNEL));
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void theAdminIsToldWhichGrantItNeedsThenMigratesOnceGranted() throws Exception {
        Database admin = cluster.createDatabase("sor");
        int major = ((Number) Sql.scalar(admin, "select current_setting('server_version_num')::int / 10000")).intValue();
        if (major >= 16) {
            String hint = "GRANT sor_owner, sor_guardian TO mgd_admin WITH ADMIN OPTION, INHERIT TRUE, SET TRUE;";
            assertThatThrownBy(() -> Migrator.migrate(admin, SorSchema.ALL))
                    .isInstanceOf(FlywayException.class)
                    .hasStackTraceContaining("42501")
                    .hasStackTraceContaining("pg-sor: role mgd_admin must act as sor_owner to migrate the kit, and cannot grant it to itself")
                    .hasStackTraceContaining(hint);
            assertThat(Sql.scalar(admin, "select to_regnamespace('sor') is null")).isEqualTo(true);
            // acting as the roles is not enough for a database's first migration: V060 comments on
            // sor_guardian and grants it sor_owner, which takes ADMIN OPTION on both
            Sql.run(cluster.provider("postgres"), "grant sor_owner, sor_guardian to mgd_admin with inherit true, set true");
            assertThatThrownBy(() -> Migrator.migrate(admin, SorSchema.ALL))
                    .isInstanceOf(FlywayException.class)
                    .hasStackTraceContaining("42501")
                    .hasStackTraceContaining("pg-sor: role mgd_admin needs ADMIN OPTION on sor_owner for the first migration of this database")
                    .hasStackTraceContaining(hint);
            assertThat(Sql.scalar(admin, "select to_regnamespace('sor') is null")).isEqualTo(true);
            Sql.run(cluster.provider("postgres"), "grant sor_owner, sor_guardian to mgd_admin with admin option, inherit true, set true");
        }
        // on 15 a CREATEROLE role may grant itself any role that is not a superuser's: beforeMigrate does
        assertThat(Migrator.migrate(admin, SorSchema.ALL)).extracting(Migrator.Outcome::version).containsExactly(dev.pgsor.support.Repo.kernelVersion(), "002");
        assertThat(ManagedInstallTest.failingRows(admin)).containsExactly(
                List.of("governed", ManagedInstallTest.LARGE_OBJECTS_CHECK, "(PUBLIC)", ManagedInstallTest.LARGE_OBJECTS_DETAIL),
                List.of("governed", ManagedInstallTest.ADVISORY_CHECK, "(PUBLIC)", ManagedInstallTest.ADVISORY_DETAIL),
                List.of("governed", ManagedInstallTest.MESSAGES_CHECK, "(PUBLIC)", ManagedInstallTest.MESSAGES_DETAIL),
                List.of("governed", ManagedInstallTest.GUARDIAN_CHECK, "sor_guardian", "members: mgd_admin"),
                List.of("policy-bound", ManagedInstallTest.GUARD_CHECK, "(drop guard)", "not installed: the role that migrated could not"
                        + " create event triggers (a managed service); nothing refuses guarded DDL, certify() still sees every difference from the register"));
    }
}

package dev.pgsor.testkit;

import static dev.pgsor.testkit.SorAssertions.assertCertified;
import static dev.pgsor.testkit.SorAssertions.assertNothingWritten;
import static dev.pgsor.testkit.SorAssertions.assertRefused;
import static dev.pgsor.testkit.SorAssertions.assertRefusedAndNothingWritten;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgsor.runtime.Database;
import java.sql.SQLException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** The refusal assertions pass on what they claim and fail, saying why, on anything else. */
@SorTest
class SorAssertionsTest {

    static SorDatabase db;
    static Database worker;

    @BeforeAll
    static void setUp(SorDatabase database) {
        db = database;
        db.addTenants("acme");
        worker = db.worker("note-taker", "acme");
    }

    @Test
    void aRefusalIsMatchedByItsSqlStateAlongTheCauseChain() {
        SQLException e = assertRefused("SR008", () -> Sql.run(worker, "select sor_api.append_event('globex', 'x-1', 'Noted')"));
        assertEquals("SR008", e.getSQLState());
        assertRefused("42501", () -> db.exec("set role sor_worker; select * from sor.tenants"));
    }

    @Test
    void anotherStateSuccessOrANonSqlFailureFailTheAssertion() {
        AssertionFailedError wrong = assertThrows(AssertionFailedError.class,
                () -> assertRefused("SR002", () -> Sql.run(worker, "select sor_api.append_event('globex', 'x-1', 'Noted')")));
        assertTrue(wrong.getMessage().contains("expected SQLSTATE SR002 but was SR008"), wrong.getMessage());
        assertThrows(AssertionFailedError.class, () -> assertRefused("SR008", () -> Sql.run(worker, "select 1")));
        assertThrows(AssertionFailedError.class, () -> assertRefused("SR008", () -> {
            throw new IllegalStateException("not SQL");
        }));
    }

    @Test
    void aWriteBeforeTheRefusalIsNamed() {
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> assertRefusedAndNothingWritten(db, "SR999", () -> {
            db.addTenant("initech", "Initech");
            throw new SQLException("refused after writing", "SR999");
        }));
        assertTrue(e.getMessage().contains("sor.tenants: 1 rows"), e.getMessage());
        assertRefusedAndNothingWritten(db, "SR008", () -> Sql.run(worker, "select sor_api.append_event('globex', 'x-1', 'Noted')"));
    }

    @Test
    void watchedSchemasAndStandaloneSequencesCountAsWrites() {
        try (SorDatabase scratch = db.fresh()) {
            scratch.exec("create schema scratch; create table scratch.t (x int); create sequence scratch.s");
            scratch.watchSchemas("scratch");
            assertThrows(AssertionFailedError.class, () -> assertNothingWritten(scratch, () -> scratch.exec("insert into scratch.t values (1)")));
            assertThrows(AssertionFailedError.class, () -> assertNothingWritten(scratch, () -> scratch.scalar("select nextval('scratch.s')")));
            assertNothingWritten(scratch, () -> scratch.exec("create temp table t (x int); insert into t values (1)"));
        }
    }

    @Test
    void certifyPassesOnTheMigratedKernelAndFailsWhenARuleIsBroken() {
        assertCertified(db);
        try (SorDatabase scratch = db.fresh()) {
            scratch.pastTheGuard("grant select on sor.tenants to public");
            AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> assertCertified(scratch));
            assertTrue(e.getMessage().contains("sor.tenants"), e.getMessage());
        }
    }
}

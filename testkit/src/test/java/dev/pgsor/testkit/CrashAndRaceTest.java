package dev.pgsor.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgsor.runtime.Database;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** Crash terminates a client's backend for real; Race releases threads together and keeps their outcomes. */
@SorTest
class CrashAndRaceTest {

    static SorDatabase db;
    static Database worker;

    @BeforeAll
    static void setUp(SorDatabase database) {
        db = database;
        db.addTenants("acme");
        worker = db.worker("note-taker", "acme");
    }

    @Test
    void aBackendTerminatedMidTransactionLeavesNothing() throws Exception {
        try (Connection c = worker.connect()) {
            c.setAutoCommit(false);
            Sql.scalar(c, "select sor_api.append_event('acme', 'crash-1', 'Noted')");
            Crash.terminate(db, c);
            assertThrows(SQLException.class, c::commit);
        }
        assertEquals(0L, db.count("select count(*) from sor.events where stream = 'crash-1'"));
        assertFalse(Crash.terminate(db, 999_999));
    }

    @Test
    void aBackendTerminatedMidStatementFailsItsClient() throws Exception {
        try (Connection c = worker.connect()) {
            SQLException died = Crash.terminateMidStatement(db, c);
            assertTrue(died.getSQLState() == null || died.getSQLState().startsWith("57") || died.getSQLState().startsWith("08"),
                    died.getSQLState());
        }
    }

    @Test
    void racersRunTogetherOnTheirOwnConnectionsAndKeepTheirOutcomes() throws Exception {
        List<Race.Outcome<Integer>> outcomes = Race.onConnections(worker, 4, (c, t) -> {
            if (t == 3) {
                Sql.run(c, "select sor_api.append_event('globex', 'x-1', 'Noted')");
            }
            return Crash.backendPid(c);
        });
        assertEquals(3, new HashSet<>(Race.values(outcomes.subList(0, 3))).size());
        assertEquals("SR008", outcomes.get(3).sqlState());
        assertThrows(AssertionFailedError.class, () -> Race.values(outcomes));
        assertEquals(List.of(0, 1, 2), Race.values(Race.together(3, t -> t)));
    }
}

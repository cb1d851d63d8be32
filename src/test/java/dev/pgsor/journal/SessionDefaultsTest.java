package dev.pgsor.journal;

import static dev.pgsor.testkit.SorAssertions.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.runtime.Database;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import dev.pgsor.testkit.Sql;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Kit sessions get sensible limits where they start work: a Worker's or Dispatcher's session whose
 * idle_in_transaction_session_timeout or lock_timeout is off gets 1 minute and 10 seconds from
 * start_run, resume_run, a claim of tasks or a lease of outbox rows; a value set on the login or
 * in the session is kept; sor.session_defaults = off keeps both off.
 */
@SorTest
class SessionDefaultsTest {

    static SorDatabase db;

    @BeforeAll
    static void setUp(SorDatabase database) {
        db = database;
        db.addTenants("acme");
        db.exec("select sor_api.create_queue('sessions', 'session limits')");
    }

    static List<Object> limits(Connection c) throws Exception {
        return Sql.rows(c, "select current_setting('idle_in_transaction_session_timeout'), current_setting('lock_timeout')").get(0);
    }

    @Test
    void aWorkersSessionGetsItsLimitsWhenItStartsARunOrClaims() throws Exception {
        Database worker = db.worker("sessions", "acme");
        try (Connection c = worker.connect()) {
            assertThat(limits(c)).containsExactly("0", "0");
            Journal.startRun(c, "acme");
            assertThat(limits(c)).containsExactly("1min", "10s");
        }
        try (Connection c = worker.connect()) {
            Sql.rows(c, "select * from sor_api.claim_tasks('sessions', 1, '1 minute')");
            assertThat(limits(c)).containsExactly("1min", "10s");
            // and the limit is real: a transaction left idle past it is ended by the server
            Sql.run(c, "set idle_in_transaction_session_timeout = '300ms'");
            c.setAutoCommit(false);
            Sql.rows(c, "select * from sor_api.claim_tasks('sessions', 1, '1 minute')");
            Thread.sleep(1500);
            assertRefused("25P03", () -> Sql.scalar(c, "select 1"));
        }
    }

    @Test
    void aDispatchersSessionGetsThemWhenItLeases() throws Exception {
        Database dispatcher = db.dispatcher("acme");
        try (Connection c = dispatcher.connect()) {
            Sql.rows(c, "select * from sor_api.lease_outbox(10, '1 minute')");
            assertThat(limits(c)).containsExactly("1min", "10s");
        }
    }

    @Test
    void aValueSetOnTheLoginOrInTheSessionIsKept() throws Exception {
        Database worker = db.worker("sessions", "acme");
        db.exec("alter role " + worker.user() + " set idle_in_transaction_session_timeout = '30s'");
        try (Connection c = worker.connect()) {
            Journal.startRun(c, "acme");
            assertThat(limits(c)).containsExactly("30s", "10s");
        }
        try (Connection c = worker.connect()) {
            Sql.run(c, "set lock_timeout = '2s'");
            Journal.startRun(c, "acme");
            assertThat(limits(c)).containsExactly("30s", "2s");
        }
        try (Connection c = worker.connect()) {
            Sql.run(c, "set idle_in_transaction_session_timeout = 0");
            Sql.run(c, "set sor.session_defaults = off");
            Journal.startRun(c, "acme");
            assertThat(limits(c)).containsExactly("0", "0");
        }
    }
}

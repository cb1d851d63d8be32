package dev.pgsor.claims;

import static dev.pgsor.testkit.SorAssertions.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.runtime.Database;
import dev.pgsor.schema.SorSchema;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorExtension;
import dev.pgsor.testkit.Sql;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * NOTIFY sor_outbox: one notification per statement that makes rows available to lease, whatever
 * the number of rows, and none for a statement that makes none available. A dispatcher LISTENs on
 * its own connection; a sentinel notification sent last marks the end of what to expect.
 */
class OutboxNotifyTest {

    @RegisterExtension
    static final SorExtension SOR = SorExtension.migrating(SorSchema.KERNEL, SorSchema.RECONCILER, OutboxTest.EXPENSES);

    static SorDatabase db;
    static Database dispatcher;
    static Database worker;

    @BeforeAll
    static void setUp(SorDatabase database) {
        db = database;
        db.addTenants("acme", "globex");
        dispatcher = db.dispatcher("acme");
        worker = db.worker("expense-reconciler", "acme");
        // sor_outbox, the channel of 0.2.0's dispatchers: on for these tests (a new install starts with it off)
        db.scalar("select sor_api.set_outbox_broadcast(true)");
    }

    /** Payloads received on sor_outbox until the sentinel, which is sent after the statements. */
    static List<String> notificationsUntilSentinel(Connection listener) throws Exception {
        db.exec("select pg_notify('sor_outbox', 'sentinel')");
        List<String> got = new ArrayList<>();
        PGConnection pg = listener.unwrap(PGConnection.class);
        while (true) {
            PGNotification[] batch = pg.getNotifications(30_000);
            assertThat(batch).as("the sentinel arrives").isNotNull();
            for (PGNotification n : batch) {
                assertThat(n.getName()).isEqualTo("sor_outbox");
                if (n.getParameter().equals("sentinel")) {
                    return got;
                }
                got.add(n.getParameter());
            }
        }
    }

    @Test
    void oneNotificationPerStatementThatMakesRowsAvailable() throws Exception {
        try (Connection listener = dispatcher.connect(); Statement st = listener.createStatement()) {
            st.execute("listen sor_outbox");

            db.exec("insert into sor.outbox (tenant_id, topic, aggregate_type, aggregate_id, dedupe_key)"
                    + " select 'acme', 'email', 'expense', g::text, 'bulk-' || g from generate_series(1, 25) g");
            assertThat(notificationsUntilSentinel(listener)).containsExactly("25");

            db.exec("insert into sor.outbox (tenant_id, topic, aggregate_type, aggregate_id, dedupe_key, status, block_id)"
                    + " select 'acme', 'email', 'expense', g::text, 'held-' || g, 'deferred', 9 from generate_series(1, 4) g");
            assertThat(notificationsUntilSentinel(listener)).as("deferred rows are not available").isEmpty();

            db.exec("update sor.outbox set status = 'pending' where dedupe_key in ('held-1', 'held-2', 'held-3')");
            assertThat(notificationsUntilSentinel(listener)).containsExactly("3");

            db.exec("update sor.outbox set status = 'discarded' where dedupe_key = 'held-4'");
            assertThat(notificationsUntilSentinel(listener)).isEmpty();

            try (Connection w = worker.connect()) {
                Sql.run(w, "select fixture.record_expense('acme', 1, 10)");
                Sql.run(w, "select fixture.record_expense('acme', 2, 10)");
                Sql.run(w, "select fixture.record_expense('acme', 2, 10)");
            }
            assertThat(notificationsUntilSentinel(listener)).as("two inserting statements; the retry inserted nothing")
                    .containsExactly("1", "1");

            try (Connection d = dispatcher.connect()) {
                Claims.lease(d, 1000, "1 minute");
            }
            assertThat(notificationsUntilSentinel(listener)).as("leasing makes nothing available").isEmpty();
        }
    }

    /** Notifications (channel: payload) received until the sentinel on sor_outbox. */
    static List<String> allUntilSentinel(Connection listener) throws Exception {
        db.exec("select pg_notify('sor_outbox', 'sentinel')");
        List<String> got = new ArrayList<>();
        PGConnection pg = listener.unwrap(PGConnection.class);
        while (true) {
            PGNotification[] batch = pg.getNotifications(30_000);
            assertThat(batch).as("the sentinel arrives").isNotNull();
            for (PGNotification n : batch) {
                if (n.getName().equals("sor_outbox") && n.getParameter().equals("sentinel")) {
                    return got;
                }
                got.add(n.getName() + ": " + n.getParameter());
            }
        }
    }

    static final String INSERT = "insert into sor.outbox (tenant_id, topic, aggregate_type, aggregate_id, dedupe_key)"
            + " select ?, 'email', 'expense', g::text, ? || g from generate_series(1, ?) g";

    /**
     * Each tenant's dispatchers hear its own rows on a channel named with the database's secret,
     * which only the tenant's members are given; sor_outbox, which any login may LISTEN on, is an
     * admin's switch.
     */
    @Test
    void aTenantsChannelCarriesOnlyItsRowsAndTheBroadcastCanBeTurnedOff() throws Exception {
        String acme = (String) Sql.scalar(dispatcher, "select sor_api.wakeup_channel('outbox', 'acme')");
        assertThat(acme).matches("sor_outbox_[0-9a-f]{32}");
        Database globexDispatcher = db.dispatcher("globex");
        String globex = (String) Sql.scalar(globexDispatcher, "select sor_api.wakeup_channel('outbox', 'globex')");
        assertThat(globex).matches("sor_outbox_[0-9a-f]{32}").isNotEqualTo(acme);
        // another tenant's dispatcher or Worker is not given acme's channel
        assertRefused("SR008", () -> Sql.rows(globexDispatcher, "select sor_api.wakeup_channel('outbox', 'acme')"));
        assertRefused("SR008", () -> Sql.rows(db.worker("mailer", "globex"), "select sor_api.wakeup_channel('outbox', 'acme')"));

        try (Connection listener = dispatcher.connect(); Statement st = listener.createStatement()) {
            st.execute("listen \"" + acme + "\"");
            st.execute("listen sor_outbox");
            try (Connection c = db.admin().connect()) {
                c.setAutoCommit(false);
                Sql.run(c, INSERT, "acme", "a-", 3);
                Sql.run(c, INSERT, "globex", "g-", 5);
                c.commit();
                // one statement for both tenants: each channel its own count, sor_outbox the total
                Sql.run(c, "insert into sor.outbox (tenant_id, topic, aggregate_type, aggregate_id, dedupe_key)"
                        + " select t, 'email', 'expense', g::text, 'both-' || t || g from unnest(array['acme', 'globex']) t,"
                        + " generate_series(1, 2) g");
                c.commit();
            }
            assertThat(allUntilSentinel(listener)).containsExactly("sor_outbox: 3", acme + ": 3", "sor_outbox: 5",
                    "sor_outbox: 4", acme + ": 2");

            // only an admin turns the broadcast; off, the statements notify only the tenants' channels
            Database admin = db.sorAdmin();
            assertRefused("42501", () -> Sql.rows(dispatcher, "select sor_api.set_outbox_broadcast(false)"));
            assertRefused("42501", () -> Sql.rows(worker, "select sor_api.set_outbox_broadcast(false)"));
            assertRefused("SR060", () -> Sql.rows(admin, "select sor_api.set_outbox_broadcast(null)"));
            try {
                assertThat(Sql.scalar(admin, "select sor_api.set_outbox_broadcast(false)")).isEqualTo(true);
                assertThat(db.rows("select outbox_broadcast, outbox_broadcast_set_by::text from sor.wakeup_secret"))
                        .containsExactly(List.of(false, admin.user()));
                try (Connection c = db.admin().connect()) {
                    Sql.run(c, INSERT, "acme", "off-a-", 2);
                    Sql.run(c, INSERT, "globex", "off-g-", 2);
                }
                assertThat(allUntilSentinel(listener)).containsExactly(acme + ": 2");
            } finally {
                assertThat(Sql.scalar(admin, "select sor_api.set_outbox_broadcast(true)")).isEqualTo(false);
            }
        }
        assertThat(Arrays.asList(acme, globex)).doesNotHaveDuplicates();
    }
}

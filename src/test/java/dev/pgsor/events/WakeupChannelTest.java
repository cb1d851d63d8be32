package dev.pgsor.events;

import static dev.pgsor.support.CertifyChecks.assertFails;
import static dev.pgsor.support.CertifyChecks.failingAfter;
import static dev.pgsor.support.CertifyChecks.failingAfterGuardOff;
import static dev.pgsor.testkit.SorAssertions.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.runtime.Database;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import dev.pgsor.testkit.Sql;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Wake-up channels are named from a secret of the database: LISTEN and NOTIFY need no privilege,
 * so a channel another login could compute from a tenant's id would tell it when the tenant
 * appends and let it wake the tenant's readers for nothing. Proved as the logins that would try:
 * another tenant's Worker, another application's login, and the kit's own roles.
 */
@SorTest
class WakeupChannelTest {

    static final String CHECK = "wake-up channels cannot be named without asking the kit";

    SorDatabase db;
    Database acme;
    Database globex;

    @BeforeEach
    void setUp(SorDatabase suite) {
        db = suite.fresh();
        db.addTenants("acme", "globex");
        acme = db.worker("projector", "acme");
        globex = db.worker("projector", "globex");
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    static String md5Channel(String kind, String key) throws Exception {
        byte[] d = MessageDigest.getInstance("MD5").digest(key.getBytes(StandardCharsets.UTF_8));
        return "sor_" + kind + "_" + HexFormat.of().formatHex(d).substring(0, 20);
    }

    static List<String> heard(Connection c, int millis) throws Exception {
        PGNotification[] got = c.unwrap(PGConnection.class).getNotifications(millis);
        List<String> names = new ArrayList<>();
        if (got != null) {
            Arrays.stream(got).forEach(n -> names.add(n.getName()));
        }
        return names;
    }

    static void listen(Connection c, String channel) throws Exception {
        try (Statement st = c.createStatement()) {
            st.execute("listen \"" + channel + "\"");
        }
    }

    @Test
    void anotherTenantsLoginCannotNameTheChannelNorHearTheTenantsAppends() throws Exception {
        String channel = (String) Sql.rows(acme, "select channel from sor_api.subscribe('acme', 'books')").get(0).get(0);
        assertThat(channel).matches("sor_events_[0-9a-f]{32}");
        // not the digest of the tenant's id that anyone can compute (the name of 0.3.0 and before)
        assertThat(channel).isNotEqualTo(md5Channel("events", "acme"));
        assertThat(channel).doesNotContain(md5Channel("events", "acme").substring("sor_events_".length()));
        Database app = db.loginRole("app");
        for (Database hostile : List.of(globex, app)) {
            assertRefused("42501", () -> Sql.rows(hostile, "select secret from sor.wakeup_secret"));
            assertRefused("42501", () -> Sql.rows(hostile, "select sor.wakeup_channel('events', 'acme')"));
        }
        assertRefused("SR008", () -> Sql.rows(globex, "select sor_api.wakeup_channel('events', 'acme')"));
        assertRefused("42501", () -> Sql.rows(app, "select sor_api.wakeup_channel('events', 'acme')"));
        // the kit's other roles read no secret either: auditors, tenants' users, dispatchers, admins
        for (Database kit : List.of(db.auditor(), db.tenantUser("acme"), db.dispatcher("acme"), db.sorAdmin())) {
            assertRefused("42501", () -> Sql.rows(kit, "select secret from sor.wakeup_secret"));
        }

        try (Connection reader = acme.connect(); Connection spy = globex.connect(); Connection appSpy = app.connect()) {
            listen(reader, channel);
            // the spies listen on every name they could compute, and on their own tenant's channel
            listen(spy, md5Channel("events", "acme"));
            listen(spy, (String) Sql.scalar(globex, "select sor_api.wakeup_channel('events', 'globex')"));
            listen(appSpy, md5Channel("events", "acme"));
            for (int round = 0; round < 5; round++) {
                Events.append(acme, "acme", "order-" + round, 1);
                assertThat(heard(reader, 2000)).as("round %d", round).containsExactly(channel);
            }
            assertThat(heard(spy, 300)).isEmpty();
            assertThat(heard(appSpy, 100)).isEmpty();
        }
    }

    @Test
    void aSpoofedWakeUpCannotReachTheTenantsReaders() throws Exception {
        String channel = (String) Sql.rows(acme, "select channel from sor_api.subscribe('acme', 'books')").get(0).get(0);
        try (Connection reader = acme.connect()) {
            listen(reader, channel);
            // another tenant's Worker notifies every name it can compute
            Sql.run(globex, "select pg_notify(?, 'wake up')", md5Channel("events", "acme"));
            Sql.run(globex, "select pg_notify(?, 'wake up')", "sor_events_acme");
            assertThat(heard(reader, 300)).isEmpty();
            Events.append(acme, "acme", "order-1", 1);
            assertThat(heard(reader, 2000)).containsExactly(channel);
        }
    }

    @Test
    void aRotationRenamesEveryChannelAndOnlyAnAdminRotates() throws Exception {
        String events = (String) Sql.scalar(acme, "select sor_api.wakeup_channel('events', 'acme')");
        Sql.run(db.admin(), "select sor_api.create_queue('work', 'work', 3)");
        String tasks = (String) Sql.scalar(acme, "select sor_api.wakeup_channel('tasks', 'work')");
        assertThat(tasks).matches("sor_tasks_[0-9a-f]{32}").isNotEqualTo(md5Channel("tasks", "work"));
        // only an admin rotates; a Worker, an auditor and a tenant's user may not
        for (Database not : List.of(acme, db.auditor(), db.tenantUser("acme"))) {
            assertRefused("42501", () -> Sql.rows(not, "select sor_api.rotate_wakeup_channels()"));
        }
        Sql.rows(acme, "select sor_api.subscribe('acme', 'books')");
        try (Connection reader = acme.connect()) {
            listen(reader, events);
            assertThat(Sql.scalar(db.sorAdmin(), "select sor_api.rotate_wakeup_channels() is not null")).isEqualTo(true);
            String renamed = (String) Sql.scalar(acme, "select sor_api.wakeup_channel('events', 'acme')");
            assertThat(renamed).matches("sor_events_[0-9a-f]{32}").isNotEqualTo(events);
            assertThat(Sql.scalar(acme, "select sor_api.wakeup_channel('tasks', 'work')")).isNotEqualTo(tasks);
            assertThat(Sql.rows(acme, "select channel from sor_api.subscriptions('acme')")).containsExactly(List.of(renamed));
            // the old name hears nothing; a reader that asks again hears the next append
            Events.append(acme, "acme", "order-1", 1);
            assertThat(heard(reader, 300)).isEmpty();
            listen(reader, renamed);
            Events.append(acme, "acme", "order-2", 1);
            assertThat(heard(reader, 2000)).containsExactly(renamed);
        }
        assertThat(db.scalar("select rotated_by::text from sor.wakeup_secret")).isNotNull();
    }

    @Test
    void withoutItsSecretTheKitStillWritesAndSaysWhatIsMissing() throws Exception {
        Sql.rows(acme, "select sor_api.subscribe('acme', 'books')");
        db.exec("set role sor_owner; delete from sor.wakeup_secret; reset role");
        // appends and enqueues go on without a wake-up
        assertThat(Events.append(acme, "acme", "order-1", 2)).hasSize(2);
        assertRefused("55000", () -> Sql.rows(acme, "select sor_api.wakeup_channel('events', 'acme')"));
        assertThat(Sql.rows(acme, "select channel from sor_api.subscriptions('acme')")).containsExactly(Arrays.asList((Object) null));
        assertThat(db.rows("select detail from sor_api.certify() where not ok and \"check\" = ?", CHECK))
                .containsExactly(List.of("no secret: wake-ups have stopped (sor_api.rotate_wakeup_channels makes one)"));
        Sql.rows(db.sorAdmin(), "select sor_api.rotate_wakeup_channels()");
        assertThat((String) Sql.scalar(acme, "select sor_api.wakeup_channel('events', 'acme')")).matches("sor_events_[0-9a-f]{32}");
        assertThat(db.count("select count(*) from sor_api.certify() where not ok")).isZero();
    }

    @Test
    void aNewInstallDoesNotBroadcastTheOutboxUnderItsFixedName() throws Exception {
        // sor_outbox (0.2.0's channel, every tenant's rows under a name any login may LISTEN on) is
        // off on a new install; each tenant's channel carries its rows (OutboxNotifyTest)
        assertThat(db.rows("select outbox_broadcast, outbox_broadcast_set_by from sor.wakeup_secret"))
                .containsExactly(Arrays.asList(false, null));
    }

    @Test
    void certifyNamesASecretAnotherRoleCouldRead() throws Exception {
        assertFails(failingAfterGuardOff(db, "grant select on sor.wakeup_secret to sor_worker"), CHECK, "sor.wakeup_secret");
        assertFails(failingAfterGuardOff(db, "grant select on sor.wakeup_secret to sor_auditor"), CHECK, "sor.wakeup_secret");
        assertFails(failingAfterGuardOff(db, "set role sor_owner; create policy leak on sor.wakeup_secret for select to sor_worker using (true); reset role"),
                CHECK, "sor.wakeup_secret");
        assertFails(failingAfterGuardOff(db, "alter table sor.wakeup_secret no force row level security"), CHECK, "sor.wakeup_secret");
        assertFails(failingAfter(db, "set role sor_owner; delete from sor.wakeup_secret; reset role"), CHECK, "sor.wakeup_secret");
    }
}

package dev.pgsor.events;

import static dev.pgsor.testkit.SorAssertions.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.runtime.Database;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import dev.pgsor.testkit.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Subscriptions: a tenant's named reader whose checkpoint the server keeps. A read returns the
 * events after the checkpoint in the order events_since uses; an acknowledgement moves the
 * checkpoint forward and never back; a reader that acknowledges in the transaction that applies
 * what it read loses and repeats nothing across a crash; wake-ups reach a listener.
 */
@SorTest
class SubscriptionTest {

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

    List<Long> read(Database as, String tenant, String name, int max) {
        return Sql.rows(as, "select position from sor_api.read_subscription(?, ?, ?)", tenant, name, max).stream()
                .map(r -> ((Number) r.get(0)).longValue()).toList();
    }

    List<Object> ack(Database as, String tenant, String name, long position) {
        return Sql.rows(as, "select last_position, moved from sor_api.ack_subscription(?, ?, ?)", tenant, name, position).get(0);
    }

    @Test
    void aReadReturnsTheEventsAfterTheCheckpointAndAnAckMovesItForwardOnly() throws Exception {
        List<Long> orders = Events.append(acme, "acme", "order-1", 3);
        List<Long> invoices = Events.append(acme, "acme", "invoice-7", 2);
        Events.append(globex, "globex", "order-1", 2);
        assertThat(Sql.rows(acme, "select subscription, prefix, last_position, created from sor_api.subscribe('acme', 'books')"))
                .containsExactly(Arrays.asList("books", null, 0L, true));

        List<Long> all = new ArrayList<>(orders);
        all.addAll(invoices);
        assertThat(read(acme, "acme", "books", 100)).containsExactlyElementsOf(all);
        // without an acknowledgement the same events come again
        assertThat(read(acme, "acme", "books", 2)).containsExactly(orders.get(0), orders.get(1));

        assertThat(ack(acme, "acme", "books", orders.get(2))).containsExactly(orders.get(2), true);
        assertThat(read(acme, "acme", "books", 100)).containsExactlyElementsOf(invoices);
        // a late or retried acknowledgement never moves it back
        assertThat(ack(acme, "acme", "books", orders.get(0))).containsExactly(orders.get(2), false);
        assertThat(ack(acme, "acme", "books", orders.get(2))).containsExactly(orders.get(2), false);
        assertThat(read(acme, "acme", "books", 100)).containsExactlyElementsOf(invoices);
        assertThat(Sql.rows(acme, "select name, last_position, acked_by::text from sor_api.subscriptions('acme')"))
                .containsExactly(List.of("books", orders.get(2), acme.user()));

        // subscribing again returns it as it is
        assertThat(Sql.rows(acme, "select last_position, created from sor_api.subscribe('acme', 'books')"))
                .containsExactly(List.of(orders.get(2), false));
    }

    @Test
    void aPrefixReadsOneCategoryAndFromNowSkipsThePast() throws Exception {
        List<Long> orders = Events.append(acme, "acme", "order-1", 2);
        Events.append(acme, "acme", "invoice-7", 2);
        Sql.rows(acme, "select * from sor_api.subscribe('acme', 'orders', 'order-')");
        assertThat(read(acme, "acme", "orders", 100)).containsExactlyElementsOf(orders);
        assertRefused("SR018", () -> Sql.rows(acme, "select * from sor_api.subscribe('acme', 'orders', 'invoice-')"));
        assertRefused("SR018", () -> Sql.rows(acme, "select * from sor_api.subscribe('acme', 'orders')"));
        // an event of another category is not one of the subscription's
        long invoice = Events.append(acme, "acme", "invoice-8", 1).get(0);
        assertRefused("SR015", () -> Sql.rows(acme, "select * from sor_api.ack_subscription('acme', 'orders', ?)", invoice));

        Sql.rows(acme, "select * from sor_api.subscribe('acme', 'live', from_start => false)");
        assertThat(read(acme, "acme", "live", 100)).isEmpty();
        long next = Events.append(acme, "acme", "order-2", 1).get(0);
        assertThat(read(acme, "acme", "live", 100)).containsExactly(next);
    }

    @Test
    void aSubscriptionIsItsTenantsOnly() throws Exception {
        Events.append(acme, "acme", "order-1", 2);
        long globexEvent = Events.append(globex, "globex", "order-1", 1).get(0);
        // another tenant's subscription cannot be made, read, acknowledged, listed or removed
        Sql.rows(globex, "select * from sor_api.subscribe('globex', 'books')");
        assertRefused("SR008", () -> Sql.rows(acme, "select * from sor_api.subscribe('globex', 'spy')"));
        assertRefused("SR008", () -> Sql.rows(acme, "select * from sor_api.read_subscription('globex', 'books')"));
        assertRefused("SR008", () -> Sql.rows(acme, "select * from sor_api.ack_subscription('globex', 'books', ?)", globexEvent));
        assertRefused("SR008", () -> Sql.rows(acme, "select * from sor_api.subscriptions('globex')"));
        assertRefused("SR008", () -> Sql.rows(acme, "select sor_api.unsubscribe('globex', 'books')"));
        assertRefused("SR008", () -> Sql.rows(acme, "select sor_api.wakeup_channel('events', 'globex')"));
        assertRefused("SR008", () -> Sql.rows(acme, "select * from sor_api.subscribe('nosuch', 'books')"));
        // acme's own subscription never sees globex's events, and cannot be acknowledged past one
        Sql.rows(acme, "select * from sor_api.subscribe('acme', 'books')");
        assertThat(read(acme, "acme", "books", 100)).hasSize(2);
        assertRefused("SR015", () -> Sql.rows(acme, "select * from sor_api.ack_subscription('acme', 'books', ?)", globexEvent));
        // an auditor reads any tenant's, still only that tenant's events
        assertThat(read(db.auditor(), "globex", "books", 100)).containsExactly(globexEvent);
        // no role but the owner touches the table
        assertRefused("42501", () -> Sql.rows(acme, "select * from sor.subscriptions"));
        assertRefused("42501", () -> Sql.run(acme, "update sor.subscriptions set last_position = 0"));
    }

    @Test
    void badInputIsRefusedWithItsState() {
        assertRefused("SR011", () -> Sql.rows(acme, "select * from sor_api.subscribe('acme', 'Books')"));
        assertRefused("SR011", () -> Sql.rows(acme, "select * from sor_api.subscribe('acme', null)"));
        assertRefused("SR011", () -> Sql.rows(acme, "select * from sor_api.subscribe('acme', 'books', 'Order-')"));
        assertRefused("SR011", () -> Sql.rows(acme, "select * from sor_api.subscribe('acme', 'books', null, null)"));
        assertRefused("SR015", () -> Sql.rows(acme, "select * from sor_api.read_subscription('acme', 'nosuch')"));
        assertRefused("SR015", () -> Sql.rows(acme, "select * from sor_api.ack_subscription('acme', 'nosuch', 1)"));
        assertRefused("SR015", () -> Sql.rows(acme, "select sor_api.unsubscribe('acme', 'nosuch')"));
        Sql.rows(acme, "select * from sor_api.subscribe('acme', 'books')");
        assertRefused("SR016", () -> Sql.rows(acme, "select * from sor_api.read_subscription('acme', 'books', 0)"));
        assertRefused("SR011", () -> Sql.rows(acme, "select * from sor_api.ack_subscription('acme', 'books', 0)"));
        assertRefused("SR015", () -> Sql.rows(acme, "select * from sor_api.ack_subscription('acme', 'books', 999999)"));
        assertRefused("SR011", () -> Sql.rows(acme, "select sor_api.wakeup_channel('mail', 'acme')"));
        assertThat(Sql.scalar(acme, "select sor_api.unsubscribe('acme', 'books')")).isEqualTo(true);
        assertThat(Sql.rows(acme, "select * from sor_api.subscriptions('acme')")).isEmpty();
    }

    /** An event whose transaction is still open holds the read back; none is skipped when it commits. */
    @Test
    void anEventCommittedLateIsReadInItsPlaceNotSkipped() throws Exception {
        Sql.rows(acme, "select * from sor_api.subscribe('acme', 'books')");
        try (Connection early = acme.connect(); Connection late = acme.connect()) {
            early.setAutoCommit(false);
            long first = Events.append(early, "acme", "order-1", "Noted", "{}");
            long second = Events.append(late, "acme", "order-2", "Noted", "{}");
            assertThat(second).isGreaterThan(first);
            // the committed second event waits behind the open first one
            assertThat(read(acme, "acme", "books", 100)).isEmpty();
            early.commit();
            assertThat(read(acme, "acme", "books", 100)).containsExactly(first, second);
        }
    }

    /**
     * A projector that applies each page and acknowledges it in one transaction, killed at random
     * points (its backend terminated mid-transaction) while Workers append: after it catches up, its
     * projection holds every event of its tenant exactly once and none of another tenant's.
     */
    @Test
    void aReaderKilledMidPageLosesAndRepeatsNothing() throws Exception {
        db.exec("create table public.projection (position bigint primary key)");
        db.exec("grant insert, select on public.projection to " + acme.user());
        Sql.rows(acme, "select * from sor_api.subscribe('acme', 'projection')");
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Long> appended = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            int n = w;
            writers.add(new Thread(() -> {
                try (Connection c = acme.connect(); Connection g = globex.connect()) {
                    go.await();
                    for (int i = 0; i < 150 && !stop.get(); i++) {
                        appended.add(Events.append(c, "acme", "order-" + n + "-" + (i % 7), "Noted", "{}"));
                        Events.append(g, "globex", "order-" + n, "Noted", "{}");
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        writers.forEach(Thread::start);
        go.countDown();
        int kills = 0;
        int round = 0;
        while (writers.stream().anyMatch(Thread::isAlive) || round < 3) {
            round++;
            Connection c = acme.connect();
            int pid = ((Number) Sql.scalar(c, "select pg_backend_pid()")).intValue();
            try {
                c.setAutoCommit(false);
                List<Long> page = Sql.rows(c, "select position from sor_api.read_subscription('acme', 'projection', 7)").stream()
                        .map(r -> ((Number) r.get(0)).longValue()).toList();
                for (int i = 0; i < page.size(); i++) {
                    Sql.run(c, "insert into public.projection values (?)", page.get(i));
                    if (round % 3 == 0 && i == page.size() / 2) {
                        // the reader dies mid-page: its backend is terminated, its transaction lost
                        db.exec("select pg_terminate_backend(" + pid + ")");
                        kills++;
                        break;
                    }
                }
                if (!page.isEmpty()) {
                    Sql.rows(c, "select * from sor_api.ack_subscription('acme', 'projection', ?)", page.get(page.size() - 1));
                }
                c.commit();
            } catch (SQLException e) {
                assertThat(e.getSQLState()).as(e.toString()).isIn("57P01", "08006", "08003", "08P01");
            } finally {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // the killed connection
                }
            }
            if (round > 2000) {
                break;
            }
        }
        for (Thread t : writers) {
            t.join();
        }
        assertThat(failures).isEmpty();
        // catch up
        while (true) {
            List<Long> page = read(acme, "acme", "projection", 100);
            if (page.isEmpty()) {
                break;
            }
            try (Connection c = acme.connect()) {
                c.setAutoCommit(false);
                for (long p : page) {
                    Sql.run(c, "insert into public.projection values (?)", p);
                }
                Sql.rows(c, "select * from sor_api.ack_subscription('acme', 'projection', ?)", page.get(page.size() - 1));
                c.commit();
            }
        }
        assertThat(kills).isPositive();
        assertThat(appended).hasSize(300);
        // every event exactly once (the primary key refuses a repeat), and only acme's
        assertThat(db.rows("select position from public.projection order by position").stream().map(r -> ((Number) r.get(0)).longValue()).toList())
                .containsExactlyElementsOf(appended.stream().sorted().toList());
    }

    @Test
    void aWakeUpReachesAListenerWithinASecond() throws Exception {
        String channel = (String) Sql.rows(acme, "select channel from sor_api.subscribe('acme', 'books')").get(0).get(0);
        assertThat(Sql.scalar(acme, "select sor_api.wakeup_channel('events', 'acme')")).isEqualTo(channel);
        String globexChannel = (String) Sql.scalar(globex, "select sor_api.wakeup_channel('events', 'globex')");
        try (Connection listener = acme.connect(); Connection other = globex.connect()) {
            try (Statement st = listener.createStatement()) {
                st.execute("listen \"" + channel + "\"");
            }
            try (Statement st = other.createStatement()) {
                st.execute("listen \"" + globexChannel + "\"");
            }
            long position;
            try (Connection c = acme.connect()) {
                c.setAutoCommit(false);
                Events.append(c, "acme", "order-1", "Noted", "{}");
                position = Events.append(c, "acme", "order-2", "Noted", "{}");
                c.commit();
            }
            PGNotification[] got = listener.unwrap(PGConnection.class).getNotifications(1000);
            assertThat(got).isNotNull();
            // one wake-up per transaction that appended, whatever it appended
            assertThat(Arrays.stream(got).map(PGNotification::getName)).containsExactly(channel);
            assertThat(position).isPositive();
            // a tenant without a subscription sends none
            Events.append(globex, "globex", "order-1", 1);
            PGNotification[] none = other.unwrap(PGConnection.class).getNotifications(300);
            assertThat(none == null ? 0 : none.length).isZero();
        }
    }
}

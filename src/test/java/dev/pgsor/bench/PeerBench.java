package dev.pgsor.bench;

import static dev.pgsor.bench.EventCoreBench.batchOfEvents;
import static dev.pgsor.bench.EventCoreBench.batchOfTasks;
import static dev.pgsor.bench.EventCoreBench.exec;
import static dev.pgsor.bench.EventCoreBench.longOf;
import static dev.pgsor.bench.EventCoreBench.run;

import dev.pgsor.bench.EventCoreBench.Server;
import dev.pgsor.runtime.Database;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The kit against the peers it would replace, side by side in one run on the same server: pgmq (a
 * queue in SQL functions) and message-db (an event store in SQL functions), each loaded at run time
 * into a scratch database of its own next to the kit's, and plain SQL beside both. The peers are
 * not part of the project: their SQL is read from the directory given by {@code -Dbench.peers}
 * (default {@code ../shared/peers}, relative to the repository's root; see that directory's
 * README), and the benchmark is skipped, saying so, when it is absent.
 *
 * <p>Cases, in rows per second: append with an expected version (1 and 4 clients; the kit's
 * {@code append_event} as a Worker, {@code message_store.write_message}, a plain insert into a
 * table with {@code unique (stream, version)}); enqueue one ({@code enqueue_task}, {@code pgmq.send},
 * a plain insert); enqueue a batch of 100 ({@code enqueue_tasks}, {@code pgmq.send_batch}, one
 * insert); claim + complete one and a batch of 100 ({@code claim_tasks} + {@code complete_task(s)},
 * {@code pgmq.read} + {@code pgmq.delete}, {@code UPDATE ... SKIP LOCKED} + {@code DELETE}; two
 * commits per cycle each; the claim cases also measure the kit on a queue whose completion record
 * is {@code row}, {@code sor_api.set_completion_record}: its completions write their finished row and
 * no {@code task.completed} event, a row of its own in the table); append a batch of 100
 * ({@code append_events}, one plain insert). Every case also measures the kit's tables alone: the
 * same rows written straight into {@code sor.events}, {@code sor.tasks} and {@code sor.finished_tasks}
 * as a superuser, one statement per write, without the kit's functions, so only the tables' own
 * triggers, constraints and indexes run: for the writes, the most any function over these tables
 * could reach. Every
 * call is its own autocommit transaction. Each system of a case keeps its connections for the case,
 * is warmed up once, then the case runs its rounds back to back, each round measuring every system
 * in turn, the order rotated from round to round; the table gives medians over the rounds, the
 * kit's ratio to the peer (of the medians, and the lowest and highest of the rounds) and to plain
 * SQL. Then WAL bytes per claimed and completed task. All of it on a durable server (fsync on) and
 * on one with fsync off.
 *
 * <p>Run with {@code ./mvnw -Pbench verify -Dtest=PeerBench}; {@code -Dbench.seconds} (measured
 * seconds per figure, default 1), {@code -Dbench.warmup} (seconds, default 1), {@code
 * -Dbench.rounds} (default 5), {@code -Dbench.servers=durable,off}, {@code
 * -Dbench.cases=append1,append4,enqueue,enqueue100,claim,claim100,append100,wal} and {@code
 * -Dbench.categories=one|per-client} (message-db locks a whole category per append: by default every
 * client writes streams of one category, as an application's aggregates of one kind do).
 */
@Tag("bench")
class PeerBench {

    static final double SECONDS = Double.parseDouble(System.getProperty("bench.seconds", "1"));
    static final double WARMUP = Double.parseDouble(System.getProperty("bench.warmup", "1"));
    static final int ROUNDS = Integer.getInteger("bench.rounds", 5);
    static final List<String> SERVERS = List.of(System.getProperty("bench.servers", "durable,off").split(","));
    static final List<String> CASES = List.of(System.getProperty("bench.cases",
            "append1,append4,enqueue,enqueue100,claim,claim100,append100,wal").split(","));
    static final boolean CATEGORY_PER_CLIENT = "per-client".equals(System.getProperty("bench.categories", "one"));
    static final int WAL_TASKS = Integer.getInteger("bench.walTasks", 2000);
    static final int BATCH = 100;
    /** The kit's queue whose completed tasks are recorded by their finished row alone (completion_record row). */
    static final String ROWS_QUEUE = "bench_rows";
    static final String KIT_ROWS = "kit, completions as rows";
    /**
     * The kit's rows written straight into its tables, one statement per write, as a superuser, without
     * the kit's functions (no membership, validation, reserved names, size cap, head lock; a cheap
     * hash): the tables' own triggers (the chain, the quota's count, a finished task's event),
     * constraints and indexes only. For the writes, what no function over these tables can beat,
     * beside the peers in the same rounds.
     */
    static final String TABLES_ALONE = "its tables alone";
    static final String KIT_TABLES = "kit, " + TABLES_ALONE;
    /** One event continuing its stream's head (one writer per stream), hashed over its payload text. */
    static final String RAW_EVENT = "insert into sor.events (tenant_id, position, stream, version, type, payload, metadata, prev_hash, hash)"
            + " select 'acme', nextval('sor.events_position_seq'), ?, ?, 'Noted', x.payload, '{}', h.last_hash,"
            + " sha256(convert_to(x.payload::text, 'UTF8'))"
            + " from (select ?::jsonb as payload) x,"
            + " (select (select s.last_hash from sor.streams s where s.tenant_id = 'acme' and s.stream = ?) as last_hash) h";
    /** A batch of events of one stream in one statement, continuing its head, each hashed over its text. */
    static final String RAW_EVENTS = "with b as (select ?::jsonb as batch),"
            + " h as (select coalesce(s.version, 0) as version, s.last_hash"
            + " from b left join sor.streams s on s.tenant_id = 'acme' and s.stream = b.batch -> 0 ->> 'stream')"
            + " insert into sor.events (tenant_id, position, stream, version, type, payload, metadata, prev_hash, hash)"
            + " select 'acme', nextval('sor.events_position_seq'), t.x ->> 'stream', h.version + t.o::integer, t.x ->> 'type',"
            + " t.x -> 'payload', '{}', h.last_hash, sha256(convert_to(t.x::text, 'UTF8'))"
            + " from h, b, jsonb_array_elements(b.batch) with ordinality t(x, o) order by t.o";

    /** The plain event table with the same optimistic check as the peers': one version per stream. */
    static final String PLAIN = """
            create table bench.stream_events (position bigserial primary key, stream text not null, version integer not null,
                                              type text not null, payload jsonb not null, created_at timestamptz not null default now(),
                                              unique (stream, version));
            grant all on bench.stream_events, bench.stream_events_position_seq to public;
            """;

    /** One call of a case; returns the rows it wrote, claimed or completed. */
    interface Op {
        long run(Connection c, int thread, long n) throws Exception;
    }

    /** Runs before a system's measurement of a case, outside the clock (fills a queue, vacuums). */
    interface Prep {
        void run(double expectedRows) throws Exception;
    }

    /** A queue ran out of ready rows during a measurement: the figure is void, the bench fills more and measures again. */
    static final class DryQueue extends RuntimeException {
        DryQueue(String system) {
            super(system + " ran out of ready rows");
        }
    }

    record Sys(String name, Database as, Op op, Prep prep) { }

    record Case(String id, String label, int clients, String peer, List<Sys> systems) { }

    record Peers(Database pgmq, Database messageDb, Database pgmqAdmin, Database messageDbAdmin) { }

    static final AtomicLong MEASUREMENT = new AtomicLong();
    /** The measurement under way: names the streams the append cases write. */
    static volatile long current;

    // ---------------------------------------------------------------- the peers' directory

    /** The repository's root: the nearest directory up from the working directory with mvnw and db/. */
    static Path repositoryRoot() {
        Path dir = Paths.get("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("mvnw")) && Files.isDirectory(p.resolve("db"))) {
                return p;
            }
        }
        return dir;
    }

    static Path peersDirectory() {
        Path given = Paths.get(System.getProperty("bench.peers", "../shared/peers"));
        return (given.isAbsolute() ? given : repositoryRoot().resolve(given)).normalize();
    }

    // ---------------------------------------------------------------- loading

    static Peers loadPeers(Server s, Path peers) throws Exception {
        Database maintenance = s.server().admin("postgres");
        exec(maintenance, "create role bench_peer login password 'bench'");
        exec(maintenance, "create database bench_pgmq");
        exec(maintenance, "create database bench_message_db");

        Database pgmqAdmin = s.server().admin("bench_pgmq");
        exec(pgmqAdmin, Files.readString(peers.resolve("pgmq/pgmq.sql"), StandardCharsets.UTF_8));
        exec(pgmqAdmin, "select pgmq.create('bench'); grant usage on schema pgmq to bench_peer;"
                + " grant all on all tables in schema pgmq to bench_peer; grant all on all sequences in schema pgmq to bench_peer");

        Database messageDbAdmin = s.server().admin("bench_message_db");
        try (Connection c = messageDbAdmin.connect(); Statement st = c.createStatement()) {
            st.execute("set search_path = message_store, public");
            for (String file : Files.readAllLines(peers.resolve("message-db/load-order.txt"), StandardCharsets.UTF_8)) {
                if (!file.isBlank()) {
                    st.execute(Files.readString(peers.resolve("message-db").resolve(file.strip()), StandardCharsets.UTF_8));
                }
            }
            st.execute("grant usage on schema message_store to bench_peer; grant all on all tables in schema message_store to bench_peer;"
                    + " grant all on all sequences in schema message_store to bench_peer;"
                    + " alter role bench_peer in database bench_message_db set search_path = message_store, public");
        }
        return new Peers(pgmqAdmin.as("bench_peer", "bench"), messageDbAdmin.as("bench_peer", "bench"), pgmqAdmin, messageDbAdmin);
    }

    // ---------------------------------------------------------------- measuring

    /**
     * One system's connections for one case, open for all its rounds (so a round measures the
     * system, not its connecting and planning), each with its own call counter.
     */
    static final class Runner implements AutoCloseable {
        final Sys sys;
        final List<Connection> connections = new ArrayList<>();
        final long[] next;
        final long id = MEASUREMENT.incrementAndGet();

        Runner(Sys sys, int clients) throws SQLException {
            this.sys = sys;
            this.next = new long[clients];
            for (int t = 0; t < clients; t++) {
                connections.add(sys.as().connect());
            }
        }

        /** Rows per second over {@code seconds}, every connection calling the op in a loop. */
        double rowsPerSecond(double seconds) throws Exception {
            current = id;
            int clients = connections.size();
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            try {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Long>> futures = new ArrayList<>();
                long nanos = (long) (seconds * 1e9);
                for (int t = 0; t < clients; t++) {
                    int thread = t;
                    futures.add(pool.submit(() -> {
                        Connection c = connections.get(thread);
                        go.await();
                        long rows = 0;
                        long end = System.nanoTime() + nanos;
                        while (System.nanoTime() < end) {
                            rows += sys.op().run(c, thread, next[thread]++);
                        }
                        return rows;
                    }));
                }
                go.countDown();
                long total = 0;
                for (Future<Long> f : futures) {
                    try {
                        total += f.get((long) seconds + 120, TimeUnit.SECONDS);
                    } catch (ExecutionException e) {
                        if (e.getCause() instanceof Exception cause) {
                            throw cause;
                        }
                        throw e;
                    }
                }
                return total / seconds;
            } finally {
                pool.shutdownNow();
            }
        }

        @Override
        public void close() throws SQLException {
            for (Connection c : connections) {
                c.close();
            }
        }
    }

    static String streamOf(long measurement, int thread, long n) {
        return (CATEGORY_PER_CLIENT ? "expense" + thread : "expense") + "-" + measurement + "." + thread + "." + (n % 50);
    }

    // ---------------------------------------------------------------- the cases

    static List<Case> cases(Server s, Peers p) {
        Database kit = s.worker();
        Database plain = s.worker();
        Database tables = s.admin();
        List<Case> all = new ArrayList<>();
        for (int clients : new int[] {1, 4}) {
            // each measurement writes streams of its own, so a client knows every stream's version:
            // the n-th call of a client is the (n / 50)-th append to its stream n % 50
            all.add(new Case("append" + clients, "append with expected version, " + clients + " client" + (clients == 1 ? "" : "s"),
                    clients, "message-db", List.of(
                    new Sys("kit", kit, appendOp((c, m, t, n) ->
                            run(c, "select version from sor_api.append_event('acme', ?, 'Noted', ?::jsonb, '{}'::jsonb, ?)",
                                    streamOf(m, t, n), "{\"amount\": " + n + "}", (int) (n / 50))), null),
                    new Sys("message-db", p.messageDb(), appendOp((c, m, t, n) ->
                            run(c, "select message_store.write_message(?, ?, 'Noted', ?::jsonb, null, ?)",
                                    UUID.randomUUID().toString(), streamOf(m, t, n), "{\"amount\": " + n + "}", n / 50 - 1)), null),
                    new Sys("plain", plain, appendOp((c, m, t, n) ->
                            run(c, "insert into bench.stream_events (stream, version, type, payload) values (?, ?, 'Noted', ?::jsonb)",
                                    streamOf(m, t, n), (int) (n / 50) + 1, "{\"amount\": " + n + "}")), null),
                    new Sys(KIT_TABLES, tables, appendOp((c, m, t, n) ->
                            run(c, RAW_EVENT, streamOf(m, t, n), (int) (n / 50) + 1, "{\"amount\": " + n + "}", streamOf(m, t, n))), null))));
        }
        all.add(new Case("enqueue", "enqueue one", 1, "pgmq `send`", List.of(
                new Sys("kit", kit, (c, t, n) -> {
                    run(c, "select sor_api.enqueue_task('acme', 'bench', ?, ?::jsonb)", "row " + n, "{\"row\": " + n + "}");
                    return 1;
                }, null),
                new Sys("pgmq", p.pgmq(), (c, t, n) -> {
                    run(c, "select pgmq.send('bench', ?::jsonb)", "{\"row\": " + n + "}");
                    return 1;
                }, null),
                new Sys("plain", plain, (c, t, n) -> {
                    run(c, "insert into bench.queue (tenant_id, queue, subject, payload) values ('acme', 'bench', ?, ?::jsonb)",
                            "row " + n, "{\"row\": " + n + "}");
                    return 1;
                }, null),
                new Sys(KIT_TABLES, tables, (c, t, n) -> {
                    run(c, "insert into sor.tasks (tenant_id, queue, subject, payload, max_attempts) values ('acme', 'bench', ?, ?::jsonb, 5)",
                            "row " + n, "{\"row\": " + n + "}");
                    return 1;
                }, null))));
        all.add(new Case("enqueue100", "enqueue a batch of 100", 1, "pgmq `send_batch`", List.of(
                new Sys("kit", kit, (c, t, n) ->
                        longOf(c, "select count(*) from sor_api.enqueue_tasks('acme', 'bench', ?::jsonb)", batchOfTasks(n, BATCH)), null),
                new Sys("pgmq", p.pgmq(), (c, t, n) -> {
                    String[] messages = new String[BATCH];
                    for (int i = 0; i < BATCH; i++) {
                        messages[i] = "{\"row\": " + i + "}";
                    }
                    try (PreparedStatement ps = c.prepareStatement("select count(*) from pgmq.send_batch('bench', ?)")) {
                        ps.setArray(1, c.createArrayOf("jsonb", messages));
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            return rs.getLong(1);
                        }
                    }
                }, null),
                new Sys("plain", plain, (c, t, n) -> {
                    run(c, "insert into bench.queue (tenant_id, queue, subject, payload) select 'acme', 'bench', x ->> 'subject', x -> 'payload'"
                            + " from jsonb_array_elements(?::jsonb) x", batchOfTasks(n, BATCH));
                    return BATCH;
                }, null),
                new Sys(KIT_TABLES, tables, (c, t, n) -> {
                    run(c, "insert into sor.tasks (tenant_id, queue, subject, payload, max_attempts)"
                            + " select 'acme', 'bench', x ->> 'subject', coalesce(x -> 'payload', '{}'), 5"
                            + " from jsonb_array_elements(?::jsonb) x", batchOfTasks(n, BATCH));
                    return BATCH;
                }, null))));
        for (int size : new int[] {1, BATCH}) {
            all.add(new Case(size == 1 ? "claim" : "claim" + size, size == 1 ? "claim + complete one" : "claim + complete a batch of " + size,
                    1, "pgmq `read` + `delete`", List.of(
                    new Sys("kit", kit, kitClaim("bench", size), kitTopUp(s, "bench")),
                    new Sys("pgmq", p.pgmq(), size == 1 ? PeerBench::pgmqClaimOne : PeerBench::pgmqClaimBatch, topUp(p.pgmqAdmin(), "pgmq",
                            "select count(*) from pgmq.q_bench where vt <= clock_timestamp()",
                            "select count(*) from pgmq.send_batch('bench', array(select '{\"row\": 1}'::jsonb from generate_series(1, ?)))",
                            "vacuum analyze pgmq.q_bench")),
                    new Sys("plain", plain, size == 1 ? PeerBench::plainClaimOne : PeerBench::plainClaimBatch, topUp(s.admin(), "plain",
                            "select count(*) from bench.queue where queue = 'bench' and status = 'ready'",
                            "insert into bench.queue (tenant_id, queue, subject, payload) select 'acme', 'bench', 'row ' || i, '{\"row\": 1}'"
                                    + " from generate_series(1, ?) i",
                            "vacuum analyze bench.queue")),
                    // the same on a queue whose completions are recorded by their finished row alone
                    new Sys(KIT_ROWS, kit, kitClaim(ROWS_QUEUE, size), kitTopUp(s, ROWS_QUEUE)),
                    // and both written straight into the tables
                    new Sys(KIT_TABLES, tables, (c, t, n) -> rawClaim(c, "bench", size, true), kitTopUp(s, "bench")),
                    new Sys(KIT_ROWS + ", " + TABLES_ALONE, tables, (c, t, n) -> rawClaim(c, ROWS_QUEUE, size, false),
                            kitTopUp(s, ROWS_QUEUE)))));
        }
        all.add(new Case("append100", "append a batch of 100", 1, "plain `INSERT`", List.of(
                new Sys("kit", kit, (c, t, n) ->
                        longOf(c, "select count(*) from sor_api.append_events('acme', ?::jsonb)", batchOfEvents(t, n, BATCH)), null),
                new Sys("plain", plain, (c, t, n) -> {
                    run(c, "insert into bench.events (tenant_id, stream, type, payload) select 'acme', x ->> 'stream', x ->> 'type', x -> 'payload'"
                            + " from jsonb_array_elements(?::jsonb) x", batchOfEvents(t, n, BATCH));
                    return BATCH;
                }, null),
                new Sys(KIT_TABLES, tables, (c, t, n) -> {
                    run(c, RAW_EVENTS, batchOfEvents(t, n, BATCH));
                    return BATCH;
                }, null))));
        return all;
    }

    interface Append {
        void run(Connection c, long measurement, int thread, long n) throws Exception;
    }

    /** An append op: every measurement (warm-up included) writes streams new to it. */
    static Op appendOp(Append append) {
        return (c, thread, n) -> {
            append.run(c, current, thread, n);
            return 1;
        };
    }

    /** Tops a queue up to twice the rows a measurement is expected to take, then vacuums it. */
    static Prep topUp(Database admin, String system, String countReady, String insert, String vacuum) {
        return expectedRows -> {
            try (Connection c = admin.connect()) {
                long ready = longOf(c, countReady);
                long want = (long) (expectedRows * 2) + 1000;
                if (ready < want) {
                    int chunk = 200_000;
                    for (long left = want - ready; left > 0; left -= chunk) {
                        run(c, insert, (int) Math.min(left, chunk));
                    }
                }
                run(c, vacuum);
            }
        };
    }

    /** The kit's claim + complete of one task or a batch, on the given queue. */
    static Op kitClaim(String queue, int size) {
        return size == 1 ? (c, t, n) -> kitClaimOne(c, queue) : (c, t, n) -> kitClaimBatch(c, queue);
    }

    /** Tops the kit's queue up (tasks inserted as the owner: the benchmark's fill, not a measured path). */
    static Prep kitTopUp(Server s, String queue) {
        return topUp(s.admin(), "kit",
                "select count(*) from sor.tasks where queue = '" + queue + "' and status = 'ready'",
                "insert into sor.tasks (tenant_id, queue, subject, payload, max_attempts)"
                        + " select 'acme', '" + queue + "', 'row ' || i, '{\"row\": 1}', 5 from generate_series(1, ?) i",
                "vacuum analyze sor.tasks");
    }

    /**
     * Claim + complete straight in the tables, two commits as the kit's: the claim's UPDATE of the
     * due tasks (picked as the kit picks them, locked and skipped as they are picked), then the
     * completion's move of the claimed rows to {@code sor.finished_tasks} (their triggers record the
     * outcome event, or not on a row queue, and count the quota down).
     */
    static long rawClaim(Connection c, String queue, int size, boolean completionEvent) throws SQLException {
        Long[] ids;
        try (PreparedStatement ps = c.prepareStatement("update sor.tasks t set status = 'claimed', attempts = t.attempts + 1,"
                + " claimed_by = session_user, fencing_token = nextval('sor.fencing_tokens'), lease = '5 minutes',"
                + " lease_expires_at = now() + interval '5 minutes', claimed_at = now()"
                + " where t.tenant_id = 'acme' and t.task_id = any (array(select d.task_id from sor.tasks d"
                + " where d.queue = ? and d.status in ('ready', 'failed') and d.run_after <= now() and d.tenant_id = 'acme'"
                + " order by d.priority desc, d.run_after, d.task_id limit ? for update skip locked))"
                + " returning t.task_id")) {
            ps.setString(1, queue);
            ps.setInt(2, size);
            List<Long> got = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    got.add(rs.getLong(1));
                }
            }
            if (got.size() < size) {
                throw new DryQueue("kit (" + TABLES_ALONE + ")");
            }
            ids = got.toArray(new Long[0]);
        }
        try (PreparedStatement ps = c.prepareStatement("with d as (delete from sor.tasks t where t.tenant_id = 'acme' and t.task_id = any (?)"
                + " returning t.*) insert into sor.finished_tasks (tenant_id, task_id, queue, subject, payload, priority, attempts,"
                + " max_attempts, dedupe_key, status, claimed_by, fencing_token, last_error, result, created_at, created_by,"
                + " finished_at, claimed_at, completion_event) select d.tenant_id, d.task_id, d.queue, d.subject, d.payload,"
                + " d.priority, d.attempts, d.max_attempts, d.dedupe_key, 'completed', d.claimed_by, d.fencing_token, d.last_error,"
                + " '{}'::jsonb, d.created_at, d.created_by, now(), d.claimed_at, ? from d")) {
            ps.setArray(1, c.createArrayOf("bigint", ids));
            ps.setBoolean(2, completionEvent);
            return ps.executeUpdate();
        }
    }

    static long kitClaimOne(Connection c, String queue) throws SQLException {
        long id;
        long token;
        try (PreparedStatement ps = c.prepareStatement("select task_id, fencing_token from sor_api.claim_tasks(?, 1, '5 minutes')")) {
            ps.setString(1, queue);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new DryQueue("kit");
                }
                id = rs.getLong(1);
                token = rs.getLong(2);
            }
        }
        run(c, "select sor_api.complete_task(?, ?)", id, token);
        return 1;
    }

    static long kitClaimBatch(Connection c, String queue) throws SQLException {
        StringBuilder done = new StringBuilder("[");
        int got = 0;
        try (PreparedStatement ps = c.prepareStatement("select task_id, fencing_token from sor_api.claim_tasks(?, ?, '5 minutes')")) {
            ps.setString(1, queue);
            ps.setInt(2, BATCH);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    done.append(got++ == 0 ? "" : ",").append("{\"task_id\": ").append(rs.getLong(1))
                            .append(", \"fencing_token\": ").append(rs.getLong(2)).append('}');
                }
            }
        }
        if (got < BATCH) {
            throw new DryQueue("kit");
        }
        return longOf(c, "select count(*) from sor_api.complete_tasks(?::jsonb)", done.append(']').toString());
    }

    static long pgmqClaimOne(Connection c, int thread, long n) throws SQLException {
        long id = longOf(c, "select msg_id from pgmq.read('bench', 30, 1)");
        if (id < 0) {
            throw new DryQueue("pgmq");
        }
        run(c, "select pgmq.delete('bench', ?::bigint)", id);
        return 1;
    }

    static long pgmqClaimBatch(Connection c, int thread, long n) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("select msg_id from pgmq.read('bench', 30, ?)")) {
            ps.setInt(1, BATCH);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
        }
        if (ids.size() < BATCH) {
            throw new DryQueue("pgmq");
        }
        try (PreparedStatement ps = c.prepareStatement("select count(*) from pgmq.delete('bench', ?::bigint[])")) {
            ps.setArray(1, c.createArrayOf("bigint", ids.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static long plainClaimOne(Connection c, int thread, long n) throws SQLException {
        long id = longOf(c, "update bench.queue q set status = 'claimed', claimed_by = current_user"
                + " where q.id = (select x.id from bench.queue x where x.queue = 'bench' and x.status = 'ready'"
                + " order by x.id limit 1 for update skip locked) returning q.id");
        if (id < 0) {
            throw new DryQueue("plain");
        }
        run(c, "delete from bench.queue where id = ?", id);
        return 1;
    }

    static long plainClaimBatch(Connection c, int thread, long n) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("update bench.queue q set status = 'claimed', claimed_by = current_user"
                + " where q.id in (select x.id from bench.queue x where x.queue = 'bench' and x.status = 'ready'"
                + " order by x.id limit ? for update skip locked) returning q.id")) {
            ps.setInt(1, BATCH);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
        }
        if (ids.size() < BATCH) {
            throw new DryQueue("plain");
        }
        try (PreparedStatement ps = c.prepareStatement("delete from bench.queue where id = any (?)")) {
            ps.setArray(1, c.createArrayOf("bigint", ids.toArray()));
            return ps.executeUpdate();
        }
    }

    // ---------------------------------------------------------------- one server

    static String serverVersion(Database admin) throws SQLException {
        try (Connection c = admin.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select current_setting('server_version')")) {
            rs.next();
            return rs.getString(1);
        }
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int m = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(m) : (sorted.get(m - 1) + sorted.get(m)) / 2;
    }

    static String rate(double rowsPerSecond) {
        return String.format(Locale.ROOT, "%,.0f", rowsPerSecond);
    }

    static List<String> runServer(boolean disposable, Path peers) throws Exception {
        Server s = EventCoreBench.open(disposable);
        try {
            exec(s.admin(), PLAIN);
            exec(s.admin(), "select sor_api.create_queue('" + ROWS_QUEUE + "', 'bench queue, completions as rows', 5);"
                    + " select sor_api.set_completion_record('" + ROWS_QUEUE + "', 'row');"
                    // the enqueue cases queue more than the default quota of live tasks in a run;
                    // the quota is still counted and checked on every statement
                    + " select sor_api.set_quota('acme', 'tasks', 100000000)");
            Peers p = loadPeers(s, peers);
            String label = s.label() + ", PostgreSQL " + serverVersion(s.admin());
            List<Case> cases = cases(s, p).stream().filter(k -> CASES.contains(k.id())).toList();
            System.out.printf(Locale.ROOT, "== PeerBench, %s%n", label);
            // rows per second of each case and system, one per round
            Map<String, List<Double>> rates = new LinkedHashMap<>();
            for (Case k : cases) {
                System.out.println("  " + k.label());
                List<Runner> runners = new ArrayList<>();
                try {
                    for (Sys sys : k.systems()) {
                        runners.add(new Runner(sys, k.clients()));
                    }
                    for (Runner r : runners) {
                        measure(k, r, WARMUP, new ArrayList<>());
                    }
                    for (int round = 0; round < ROUNDS; round++) {
                        List<Runner> order = new ArrayList<>(runners);
                        Collections.rotate(order, -(round % order.size()));
                        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "    round %d:", round + 1));
                        for (Runner r : order) {
                            List<Double> mine = rates.computeIfAbsent(k.id() + "/" + r.sys.name(), x -> new ArrayList<>());
                            double rate = measure(k, r, SECONDS, mine);
                            mine.add(rate);
                            line.append(String.format(Locale.ROOT, "  %s %s", r.sys.name(), rate(rate)));
                        }
                        System.out.println(line);
                    }
                    if (k.id().startsWith("enqueue") || k.id().startsWith("claim")) {
                        System.out.println("    live queue rows after the case: " + backlog(s, p));
                    }
                } finally {
                    for (Runner r : runners) {
                        r.close();
                    }
                }
            }
            List<String> table = new ArrayList<>();
            table.add("");
            table.add(String.format(Locale.ROOT, "PeerBench, %s: %d round%s of %.1f s per figure (after %.1f s of warm-up),"
                    + " medians, rows per second", label, ROUNDS, ROUNDS == 1 ? "" : "s", SECONDS, WARMUP));
            table.add("");
            table.add("| operation | kit | peer | plain SQL | kit ÷ peer | kit ÷ peer, by round | kit ÷ plain |");
            table.add("|---|---|---|---|---|---|---|");
            for (Case k : cases) {
                List<Double> kit = rates.get(k.id() + "/kit");
                List<Double> plain = rates.get(k.id() + "/plain");
                String peerName = k.systems().stream().map(Sys::name).filter(x -> !x.startsWith("kit") && !x.equals("plain"))
                        .findFirst().orElse("plain");
                List<Double> peer = rates.get(k.id() + "/" + peerName);
                table.add(row(k.label(), kit, k.peer(), peer, plain));
                // a variant of the kit in the same rounds (a queue whose completions are rows only)
                for (Sys variant : k.systems()) {
                    if (variant.name().startsWith("kit, ")) {
                        table.add(row(k.label() + " (" + variant.name().substring(5) + ")", rates.get(k.id() + "/" + variant.name()),
                                k.peer(), peer, plain));
                    }
                }
            }
            if (CASES.contains("wal")) {
                table.add("");
                table.addAll(walPerTask(s, p));
            }
            table.forEach(System.out::println);
            return table;
        } finally {
            s.server().close();
        }
    }

    /** One row of the table: the kit's (or a variant's) median, the peer's, plain SQL's, and the ratios. */
    static String row(String label, List<Double> kit, String peerLabel, List<Double> peer, List<Double> plain) {
        List<Double> byRound = new ArrayList<>();
        for (int i = 0; i < kit.size(); i++) {
            byRound.add(kit.get(i) / peer.get(i));
        }
        return String.format(Locale.ROOT, "| %s | %s | %s %s | %s | %.2f | %.2f–%.2f | %.2f |", label, rate(median(kit)),
                peerLabel, rate(median(peer)), rate(median(plain)), median(kit) / median(peer), Collections.min(byRound),
                Collections.max(byRound), median(kit) / median(plain));
    }

    /** Rows in each system's live queue (a kit task is live until it ends; pgmq and plain rows until deleted). */
    static String backlog(Server s, Peers p) throws SQLException {
        try (Connection kit = s.admin().connect(); Connection pgmq = p.pgmqAdmin().connect()) {
            return String.format(Locale.ROOT, "kit %,d, pgmq %,d, plain %,d", longOf(kit, "select count(*) from sor.tasks"),
                    longOf(pgmq, "select count(*) from pgmq.q_bench"), longOf(kit, "select count(*) from bench.queue"));
        }
    }

    /** One measurement after the system's preparation; measured again with more rows when a queue ran dry. */
    static double measure(Case k, Runner r, double seconds, List<Double> earlier) throws Exception {
        double guess = earlier.isEmpty() ? (k.id().equals("claim") ? 3_000 : 20_000) : Collections.max(earlier);
        for (int attempt = 0; ; attempt++) {
            if (r.sys.prep() != null) {
                r.sys.prep().run(guess * seconds);
            }
            try {
                return r.rowsPerSecond(seconds);
            } catch (DryQueue e) {
                if (attempt == 3) {
                    throw e;
                }
                guess *= 4;
            }
        }
    }

    // ---------------------------------------------------------------- WAL

    /** WAL bytes per task claimed and completed (one at a time and in batches of 100), kit, pgmq and plain SQL. */
    static List<String> walPerTask(Server s, Peers p) throws Exception {
        List<String> out = new ArrayList<>();
        out.add(String.format(Locale.ROOT, "WAL bytes per task claimed and completed (%,d tasks each, after a checkpoint; full_page_writes %s):",
                WAL_TASKS, s.label().startsWith("fsync off") ? "off" : "on"));
        out.add("");
        out.add("| claim + complete | kit | kit, completions as rows | pgmq | plain SQL | kit ÷ pgmq | kit, rows ÷ pgmq |");
        out.add("|---|---|---|---|---|---|---|");
        for (Case k : cases(s, p)) {
            if (!k.id().startsWith("claim")) {
                continue;
            }
            int size = k.id().equals("claim") ? 1 : BATCH;
            double kitBytes = walPerRow(s.admin(), k.systems().get(0));
            double pgmqBytes = walPerRow(s.admin(), k.systems().get(1));
            double plainBytes = walPerRow(s.admin(), k.systems().get(2));
            double rowsBytes = walPerRow(s.admin(), k.systems().get(3));
            out.add(String.format(Locale.ROOT, "| %s | %,.0f | %,.0f | %,.0f | %,.0f | %.1f | %.1f |", size == 1 ? "one at a time" : "in batches of " + size,
                    kitBytes, rowsBytes, pgmqBytes, plainBytes, kitBytes / pgmqBytes, rowsBytes / pgmqBytes));
        }
        return out;
    }

    static double walPerRow(Database admin, Sys sys) throws Exception {
        sys.prep().run(WAL_TASKS);
        try (Connection a = admin.connect()) {
            run(a, "checkpoint");
            long rows = 0;
            long lsn0 = longOf(a, "select pg_current_wal_lsn() - '0/0'::pg_lsn");
            try (Connection c = sys.as().connect()) {
                for (long n = 0; rows < WAL_TASKS; n++) {
                    rows += sys.op().run(c, 0, n);
                }
            }
            long lsn1 = longOf(a, "select pg_current_wal_lsn() - '0/0'::pg_lsn");
            return (lsn1 - lsn0) / (double) rows;
        }
    }

    // ---------------------------------------------------------------- the test

    @Test
    void kitAgainstPgmqAndMessageDb() throws Exception {
        Path peers = peersDirectory();
        boolean present = Files.isRegularFile(peers.resolve("pgmq/pgmq.sql")) && Files.isRegularFile(peers.resolve("message-db/load-order.txt"));
        if (!present) {
            System.out.println("PeerBench skipped: no peers at " + peers + " (pgmq/pgmq.sql and message-db/load-order.txt);"
                    + " give their directory with -Dbench.peers=<dir>");
        }
        Assumptions.assumeTrue(present, "no peers at " + peers + ": give their directory with -Dbench.peers=<dir>");
        System.out.printf(Locale.ROOT, "PeerBench %s: %d cores, load average %.2f at start%n", LocalDate.now(),
                Runtime.getRuntime().availableProcessors(), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        List<String> all = new ArrayList<>();
        for (boolean disposable : new boolean[] {false, true}) {
            if (SERVERS.contains(disposable ? "off" : "durable")) {
                all.addAll(runServer(disposable, peers));
            }
        }
        System.out.printf(Locale.ROOT, "%n== PeerBench, all figures (load average %.2f at the end)%n",
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        all.forEach(System.out::println);
    }
}

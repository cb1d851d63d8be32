package dev.pgsor.install;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.db.Certification;
import dev.pgsor.db.SchemaSnapshot;
import dev.pgsor.support.Repo;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The upgrade matrix, the way extension projects test theirs: each earlier release is installed
 * from its own scripts (releases/VERSION, as shipped) with the real Flyway command line, filled
 * with data through its own API, then upgraded to this release with the README's two commands
 * from the repository root, with no hand step. The upgraded database must hold every row it held,
 * keep working where it stopped (an in-flight run's retried tool call, a claimed task, a leased
 * outbox row, an old stream), pass verify_events, verify_ledger and certify, and its catalog must
 * equal a fresh install's (the schema snapshot differs in nothing).
 */
@Tag("slow")
@SorTest
class UpgradeMatrixTest {

    static SorDatabase suite;
    static FlywayCli cli;
    static String freshSnapshot;

    @BeforeAll
    static void setUp(SorDatabase database) throws Exception {
        suite = database;
        cli = FlywayCli.fromBuild();
        try (SorDatabase fresh = suite.empty()) {
            migrateThisRelease(fresh);
            freshSnapshot = snapshot(fresh);
        }
    }

    @ParameterizedTest(name = "from {0}")
    @ValueSource(strings = {"0.1.0", "0.2.0", "0.3.0"})
    void anEarlierReleaseHoldingDataUpgradesToThisOneWithTheFlywayCommandLine(String release, @org.junit.jupiter.api.io.TempDir Path work)
            throws Exception {
        try (SorDatabase db = suite.empty()) {
            installRelease(release, db, work);
            runScript(db, resource("/upgrade/seed.sql"));
            if (!release.equals("0.1.0")) {
                runScript(db, resource("/upgrade/seed-0.2.0.sql"));
            }
            Map<String, List<List<Object>>> before = rows(db);
            assertThat(before.get("events")).hasSizeGreaterThan(400);
            assertThat(before.get("tasks")).extracting(r -> r.get(1)).contains("ready", "claimed", "failed", "completed", "dead");
            Object digest = release.equals("0.1.0") ? null : db.scalar("select sor_api.ledger_digest()::text");

            long consumed = db.count("select count(*) from sor.ddl_approvals where consumed_at is not null");
            long recorded = db.count("select count(*) from pg_class where oid = to_regclass('sor_guard.releases')") == 0 ? 0
                    : db.count("select count(*) from sor_api.releases");
            String thisRelease = dev.pgsor.schema.SorSchema.version();
            boolean recordsReleases = recorded > 0;
            if (recordsReleases) {
                // a database that records its release is upgraded only with the release approved: the
                // first migrate stops before any script, its hint the approver's one call
                FlywayCli.Result refused = cli.run(Repo.root(), db.admin(), "migrate");
                assertThat(refused.exitCode()).as(refused.toString()).isNotZero();
                assertThat(refused.output()).contains("SR026").contains("select sor_api.approve_release('" + thisRelease + "', '"
                        + digestOfThisRelease() + "'");
                assertThat(rows(db)).isEqualTo(before);
                dev.pgsor.testkit.Sql.scalar(db.approver(), "select sor_api.approve_release(?, ?, ticket => 'CHG-1', rehearsed_on => 'staging restore')",
                        thisRelease, digestOfThisRelease());
                before.put("approvals", rows(db).get("approvals"));
            }

            long started = System.nanoTime();
            migrateThisRelease(db);
            long millis = (System.nanoTime() - started) / 1_000_000;
            System.out.printf("upgrade %s -> this release: %d ms, %d tables compared%n", release, millis, before.size());

            // every row survives, as it was (tool-call keys move to their Worker kind's scope)
            Map<String, List<List<Object>>> after = rows(db);
            assertThat(after.keySet()).isEqualTo(before.keySet());
            for (String table : before.keySet()) {
                assertThat(after.get(table)).as(table).isEqualTo(before.get(table));
            }
            assertThat(db.count("select count(*) from sor.idempotency_keys where scope = 'tool_call'")).isZero();
            assertThat(db.count("select count(*) from pg_namespace where nspname = 'sor_upgrade'")).isZero();

            if (!recordsReleases) {
                // no approval was needed, and the database now knows the release it holds
                assertThat(db.count("select count(*) from sor.ddl_approvals where consumed_at is not null")).isEqualTo(consumed);
                // (the kernel's run began on a release that could not record one; the example's run was
                // opened, with its scripts checked against the manifest, then recorded)
                assertThat(db.rows("select module, event, version, digest from sor_api.releases order by entry_id"))
                        .containsExactly(List.of("kernel", "installed", thisRelease, digestOfThisRelease()),
                                List.of("reconciler", "opened", thisRelease, digestOfThisRelease()),
                                List.of("reconciler", "installed", thisRelease, digestOfThisRelease()));
            } else {
                // the one approval was consumed, once, by the kernel's run and the example's
                assertThat(db.count("select count(*) from sor.ddl_approvals where consumed_at is not null")).isEqualTo(consumed + 1);
                assertThat(db.rows("select module, event, version, from_version, approval_id is not null from sor_api.releases"
                        + " order by entry_id offset " + recorded))
                        .containsExactly(List.of("kernel", "opened", thisRelease, release, true),
                                List.of("kernel", "upgraded", thisRelease, release, true),
                                List.of("reconciler", "opened", thisRelease, release, true),
                                List.of("reconciler", "upgraded", thisRelease, release, true));
            }

            // the catalog is a fresh install's
            assertThat(snapshot(db)).isEqualTo(freshSnapshot);

            // its dispatchers may listen on sor_outbox (0.2.0's channel): the broadcast stays on
            assertThat(db.scalar("select outbox_broadcast from sor.wakeup_secret")).isEqualTo(true);

            // it keeps working where it stopped
            keepsWorking(db);

            // and it checks out
            assertThat(db.rows("select intact, broken_streams::bigint from sor_api.verify_events_summary()")).containsExactly(List.of(true, 0L));
            runScript(db, "set session authorization up_dispatcher; select count(*) from sor_api.seal_ledger(50); reset session authorization;");
            assertThat(db.count("select count(*) from sor.ledger_blocks")).isPositive();
            assertThat(problemsAs(db, "up_auditor", "select block_id, problem, detail from sor_api.verify_ledger("
                    + (digest == null ? "null" : "'" + digest + "'::jsonb") + ")")).isEmpty();
            try (Connection c = db.admin().connect()) {
                List<Certification.Check> failing = Certification.run(c).stream().filter(r -> !r.ok()).toList();
                assertThat(failing).isEmpty();
                // and against the release's manifest, the reference kept outside the database
                dev.pgsor.db.ReleaseManifest manifest = dev.pgsor.db.ReleaseManifest.parse(Files.readString(
                        Repo.path("releases", dev.pgsor.schema.SorSchema.version(), "manifest.json")));
                assertThat(dev.pgsor.db.ReleaseCheck.run(c, manifest).stream().filter(r -> !r.ok()).toList()).isEmpty();
            }
        }
    }

    /**
     * A pg_dump of an upgraded database restores into a new database that certifies clean too. Needs
     * a pg_dump of the server's major version or newer (the embedded binaries have none; CI runs
     * this class on PostgreSQL 15 as well, beside Debian's postgresql-client-15).
     */
    @org.junit.jupiter.api.Test
    void aDumpOfAnUpgradedDatabaseRestoresIntoOneThatCertifiesClean(@org.junit.jupiter.api.io.TempDir Path work) throws Exception {
        try (SorDatabase db = suite.empty()) {
            int major = ((Number) db.scalar("select current_setting('server_version_num')::int / 10000")).intValue();
            Path bin = pgDumpFor(major);
            org.junit.jupiter.api.Assumptions.assumeTrue(bin != null,
                    "no pg_dump of PostgreSQL " + major + " or newer on this machine (/usr/lib/postgresql/N/bin or PATH)");
            installRelease("0.1.0", db, work);
            runScript(db, resource("/upgrade/seed.sql"));
            migrateThisRelease(db);
            Map<String, List<List<Object>>> upgraded = rows(db);
            Path dump = work.resolve("upgraded.dump");
            try (SorDatabase restored = suite.empty()) {
                exec(work, bin.resolve("pg_dump"), db, List.of("-Fc", "-f", dump.toString()));
                exec(work, bin.resolve("pg_restore"), restored, List.of("--exit-on-error", dump.toString()));
                assertThat(rows(restored)).isEqualTo(upgraded);
                assertThat(restored.rows("select intact, broken_streams::bigint from sor_api.verify_events_summary()")).containsExactly(List.of(true, 0L));
                try (Connection c = restored.admin().connect()) {
                    assertThat(Certification.run(c).stream().filter(r -> !r.ok()).toList()).isEmpty();
                }
            }
        }
    }

    static Path pgDumpFor(int major) throws IOException, InterruptedException {
        List<Path> dirs = new ArrayList<>();
        for (int m = major; m <= major + 3; m++) {
            dirs.add(Path.of("/usr/lib/postgresql", Integer.toString(m), "bin"));
        }
        for (String p : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!p.isBlank()) {
                dirs.add(Path.of(p));
            }
        }
        for (Path dir : dirs) {
            Path exe = dir.resolve("pg_dump");
            if (Files.isExecutable(exe) && Files.isExecutable(dir.resolve("pg_restore"))) {
                Process p = new ProcessBuilder(exe.toString(), "--version").redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                p.waitFor();
                Matcher m = Pattern.compile("\\) (\\d+)").matcher(out);
                if (m.find() && Integer.parseInt(m.group(1)) >= major) {
                    return dir;
                }
            }
        }
        return null;
    }

    /** Runs a client program against the database of {@code db} (host, port and name from its JDBC URL). */
    static void exec(Path work, Path program, SorDatabase db, List<String> args) throws IOException, InterruptedException {
        Matcher url = Pattern.compile("jdbc:postgresql://([^:/]+):(\\d+)/([^?]+)").matcher(db.admin().url());
        assertThat(url.find()).as(db.admin().url()).isTrue();
        List<String> command = new ArrayList<>(List.of(program.toString(), "-h", url.group(1), "-p", url.group(2),
                "-U", db.admin().user(), "-d", url.group(3)));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true);
        pb.environment().put("PGPASSWORD", db.admin().password() == null ? "" : db.admin().password());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", command) + "\n" + out).isZero();
    }

    static String digestOfThisRelease() throws IOException {
        return dev.pgsor.db.ReleaseManifest.parse(Files.readString(
                Repo.path("releases", dev.pgsor.schema.SorSchema.version(), "manifest.json"))).digest();
    }

    /** The README's two commands, from the repository root, on the files as they are. */
    static void migrateThisRelease(SorDatabase db) {
        FlywayCli.Result kernel = cli.run(Repo.root(), db.admin(), "migrate");
        assertThat(kernel.exitCode()).as(kernel.toString()).isZero();
        FlywayCli.Result example = cli.run(Repo.root(), db.admin(), "-configFiles=examples/reconciler/flyway.toml", "migrate");
        assertThat(example.exitCode()).as(example.toString()).isZero();
    }

    /** An earlier release from its own scripts ({@link Releases#install}). */
    static void installRelease(String release, SorDatabase db, Path work) throws IOException {
        Releases.install(cli, release, db, work);
    }

    /** Rows of every table that holds data, in a form both releases' shapes give alike. */
    static Map<String, List<List<Object>>> rows(SorDatabase db) {
        boolean finished = db.count("select count(*) from pg_class where oid = to_regclass('sor.finished_tasks')") > 0;
        Map<String, List<List<Object>>> rows = new LinkedHashMap<>();
        rows.put("events", db.rows("select tenant_id, position, stream, version, type, payload::text, actor::text,"
                + " occurred_at::text, encode(prev_hash, 'hex'), encode(hash, 'hex') from sor.events order by position"));
        rows.put("tasks", db.rows("select task_id::text, status, tenant_id, queue, subject, attempts, fencing_token::text, dedupe_key from ("
                + "select task_id, status, tenant_id, queue, subject, attempts, fencing_token, dedupe_key from sor.tasks"
                + (finished ? " union all select task_id, status, tenant_id, queue, subject, attempts, fencing_token, dedupe_key"
                        + " from sor.finished_tasks" : "") + ") t order by task_id"));
        rows.put("outbox", db.rows("select outbox_id::text, status, tenant_id, topic, dedupe_key, lease_token::text, provider_ref,"
                + " payload::text from sor.outbox order by outbox_id"));
        rows.put("runs", db.rows("select run_id::text, tenant_id, status, version, state::text from sor.runs order by run_id"));
        rows.put("turns", db.rows("select run_id::text, count(*) from sor.turns group by 1 order by 1"));
        rows.put("tool_calls", db.rows("select tool_call_id::text, run_id::text, tool_name, status, result::text"
                + " from sor.tool_calls order by tool_call_id"));
        rows.put("steps", db.rows("select run_id::text, step_id from sor.steps order by 1, 2"));
        rows.put("blocks", db.rows("select block_id::text, run_id::text, kind, status from sor.blocks order by block_id"));
        rows.put("idempotency_keys", db.rows("select tenant_id, idempotency_key, fingerprint::text from sor.idempotency_keys order by 1, 2"));
        rows.put("approvals", db.rows("select count(*) from sor.ddl_approvals"));
        rows.put("tenants", db.rows("select tenant_id from sor.tenants order by 1"));
        rows.put("members", db.rows("select tenant_id, role_name::text from sor.tenant_members order by 1, 2"));
        rows.put("expenses", db.rows("select tenant_id, bank_txn_id from reconciler.expenses order by 1, 2"));
        rows.put("pending", db.rows("select tenant_id, bank_txn_id from reconciler.pending_transactions order by 1, 2"));
        return rows;
    }

    /** What was in flight before the upgrade goes on after it, with the tokens and keys it had. */
    static void keepsWorking(SorDatabase db) {
        long toolCalls = db.count("select count(*) from sor.tool_calls");
        // the run left running retries its tool call with the same key: answered from the journal
        Object recorded = db.scalar("select c.result::text from sor.tool_calls c where c.idempotency_key = 'acme-list-4'");
        Object runId = db.scalar("select run_id::text from sor.runs where tenant_id = 'acme' and idempotency_key = 'acme-night-4'");
        runScript(db, "set session authorization up_worker;"
                + " select count(*) from sor_api.call_tool('" + runId + "'::uuid, 'list_pending', '{}'::jsonb, 'acme-list-4');"
                + " reset session authorization;");
        assertThat(db.count("select count(*) from sor.tool_calls")).isEqualTo(toolCalls);
        assertThat(recorded).isNotNull();
        // a task claimed before the upgrade completes with its token; a leased outbox row is dispatched with its lease
        long claimed = db.count("select count(*) from sor.tasks where status = 'claimed'");
        assertThat(claimed).isPositive();
        List<Object> task = db.rows("select task_id, fencing_token from sor.tasks where status = 'claimed' order by task_id limit 1").get(0);
        runScript(db, "set session authorization up_worker;"
                + " select sor_api.complete_task(" + task.get(0) + ", " + task.get(1) + ", '{\"after\": \"upgrade\"}'::jsonb);"
                + " reset session authorization;");
        assertThat(db.count("select count(*) from sor.tasks where status = 'claimed'")).isEqualTo(claimed - 1);
        assertThat(db.count("select count(*) from sor.finished_tasks where task_id = " + task.get(0) + " and status = 'completed'")).isOne();
        List<Object> leased = db.rows("select outbox_id, lease_token from sor.outbox where status = 'leased' order by outbox_id limit 1").get(0);
        runScript(db, "set session authorization up_dispatcher;"
                + " select sor_api.mark_dispatched(" + leased.get(0) + ", " + leased.get(1) + ", 'after-upgrade');"
                + " reset session authorization;");
        assertThat(db.count("select count(*) from sor.outbox where provider_ref = 'after-upgrade' and status = 'dispatched'")).isOne();
        // an old stream takes its next version, chained to its last hash
        runScript(db, "set session authorization up_worker;"
                + " select sor_api.append_event('acme', 'order-1', 'order.noted', '{\"n\": 6}'::jsonb, '{}'::jsonb, 5);"
                + " reset session authorization;");
        assertThat(db.rows("select version from sor.streams where tenant_id = 'acme' and stream = 'order-1'")).containsExactly(List.of(6));
    }

    /** The rows of a query run as a login role (session_user, as the kit's rules read it), as text. */
    static List<String> problemsAs(SorDatabase db, String role, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = db.admin().connect(); Statement st = c.createStatement()) {
            st.execute("set session authorization " + role);
            try (java.sql.ResultSet rs = st.executeQuery(sql)) {
                while (rs.next()) {
                    StringBuilder row = new StringBuilder();
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        row.append(i > 1 ? " | " : "").append(rs.getString(i));
                    }
                    out.add(row.toString());
                }
            }
        }
        return out;
    }

    static String snapshot(SorDatabase db) throws SQLException {
        try (Connection c = db.admin().connect()) {
            return SchemaSnapshot.render(c);
        }
    }

    static String resource(String name) {
        return Releases.resource(name);
    }

    /** Runs a script statement by statement on one connection as the admin ({@link Releases#runScript}). */
    static void runScript(SorDatabase db, String script) {
        Releases.runScript(db, script);
    }
}

package dev.pgsor.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pgsor.db.ReleaseManifest;
import dev.pgsor.db.Releases;
import dev.pgsor.schema.SorSchema;
import dev.pgsor.support.Repo;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * releases/VERSION/manifest.json is exactly what pg-sor release makes of a fresh install: this
 * build's release from the migrated template, and every earlier release from the scripts it
 * shipped (releases/0.1.0, releases/0.2.0), installed into an empty database with the settings of
 * its own flyway.toml files. A manifest is compared on the server major version it names.
 */
@SorTest(reconciler = true)
class ReleaseManifestTest {

    static Path committed(String version) {
        return Repo.path("releases", version, "manifest.json");
    }

    /** Every earlier release kept with its scripts under releases/. */
    static List<String> earlierReleases() throws Exception {
        try (Stream<Path> dirs = Files.list(Repo.path("releases"))) {
            return dirs.filter(d -> Files.isDirectory(d.resolve("db").resolve("migrations")))
                    .map(d -> d.getFileName().toString()).sorted().toList();
        }
    }

    /** Every release with a committed manifest. */
    static List<String> allReleases() throws Exception {
        try (Stream<Path> dirs = Files.list(Repo.path("releases"))) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("manifest.json")))
                    .map(d -> d.getFileName().toString()).sorted().toList();
        }
    }

    private static void assertFresh(String version, ReleaseManifest live) throws Exception {
        Path file = committed(version);
        assertThat(file).as("releases/" + version + "/manifest.json is committed; generate it with: " + Releases.regenerate(version))
                .isRegularFile();
        String committed = Files.readString(file, StandardCharsets.UTF_8);
        ReleaseManifest recorded = ReleaseManifest.parse(committed);
        assumeTrue(recorded.postgresMajor() == live.postgresMajor(),
                "releases/" + version + "/manifest.json is rendered on PostgreSQL " + recorded.postgresMajor());
        String rendered = live.render();
        Path actual = Repo.path("target", "proofs", "manifest-" + version + ".actual.json");
        if (!rendered.equals(committed)) {
            Files.createDirectories(actual.getParent());
            Files.writeString(actual, rendered, StandardCharsets.UTF_8);
        }
        assertThat(rendered)
                .as("releases/" + version + "/manifest.json is stale (the fresh install's manifest is in " + actual
                        + "); regenerate it from the repository root with: " + Releases.regenerate(version)
                        + " (or every manifest with: " + Releases.REGENERATE + ")")
                .isEqualTo(committed);
    }

    @Test
    void theManifestOfThisReleaseIsTheFreshInstallsOne(SorDatabase db) throws Exception {
        ReleaseManifest live = Releases.current(db.admin());
        assertThat(live.version()).isEqualTo(SorSchema.version());
        assertThat(live.scripts()).extracting(ReleaseManifest.Script::script)
                .contains("V001__roles_schemas_baseline.sql", "R__001_contract_version.sql", "afterMigrate__pgsor_register.sql",
                        "V002__reconciler_queue.sql");
        assertThat(live.objects()).containsKeys("function sor_guard.authorize(text,text[],text[])",
                "policy events_tenant_select on sor.events", "table sor.events_p{YYYYMM}", "table sor.events_default",
                "event trigger sor_guard_1_start", "table reconciler.expenses");
        assertFresh(SorSchema.version(), live);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("earlierReleases")
    void theManifestOfAnEarlierReleaseIsAFreshInstallOfItsScripts(String version, SorDatabase db) throws Exception {
        try (SorDatabase empty = db.empty()) {
            ReleaseManifest live = Releases.old(Repo.path("releases", version), empty.admin());
            assertThat(live.version()).isEqualTo(version);
            assertFresh(version, live);
        }
    }

    /** The earlier releases upgraded while Workers run (0.1.0's upgrade takes every table first: docs/operate/upgrade.md). */
    static List<String> upgradedWhileWorkersRun() throws Exception {
        return earlierReleases().stream().filter(v -> !v.equals("0.1.0")).toList();
    }

    /**
     * A call of an earlier release that straddles the upgrade's commit plans its next statement
     * against the new catalog: every function of that release must still answer a call with its
     * argument types (the same function, one that gained defaulted arguments, or a tombstone that
     * answers a retryable 40001), never "function does not exist" (42883), which no Worker retries.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("upgradedWhileWorkersRun")
    void everyFunctionOfAReleaseUpgradedWhileWorkersRunStillAnswersItsCalls(String version, SorDatabase db) throws Exception {
        ReleaseManifest old = ReleaseManifest.parse(Files.readString(committed(version), StandardCharsets.UTF_8));
        List<String> functions = old.objects().keySet().stream().filter(k -> k.startsWith("function ")).map(k -> k.substring(9)).toList();
        assertThat(functions).as("functions of " + version).hasSizeGreaterThan(100)
                .contains("sor.finish_task(sor.tasks,text,jsonb,text,timestamp with time zone)", "sor.lock_stream(text,text,boolean)");
        List<String> unanswered = new ArrayList<>();
        for (String signature : functions) {
            int open = signature.indexOf('(');
            String[] name = signature.substring(0, open).split("\\.", 2);
            String args = signature.substring(open + 1, signature.length() - 1);
            List<String> types = args.isEmpty() ? List.of() : List.of(args.split(","));
            String literal = types.stream().map(t -> '"' + t.replace("\\", "\\\\").replace("\"", "\\\"") + '"').collect(java.util.stream.Collectors.joining(",", "{", "}"));
            long found = db.count("with a as (select pg_catalog.array_agg(pg_catalog.to_regtype(u.t)::oid order by u.o) as types,"
                    + " pg_catalog.count(*) filter (where pg_catalog.to_regtype(u.t) is null) as unknown"
                    + " from pg_catalog.unnest(?::text[]) with ordinality u(t, o))"
                    + " select count(*) from a, pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace"
                    + " where a.unknown = 0 and n.nspname = ? and p.proname = ? and p.pronargs >= ?"
                    + " and p.pronargs - ? <= p.pronargdefaults"
                    + " and pg_catalog.array_to_string((p.proargtypes::oid[])[0:? - 1], ',') = coalesce(pg_catalog.array_to_string(a.types, ','), '')",
                    literal, name[0], name[1], types.size(), types.size(), types.size());
            if (found != 1) {
                unanswered.add(signature + " (" + found + " candidates)");
            }
        }
        assertThat(unanswered).as("functions of " + version + " that a call straddling the upgrade would not find").isEmpty();
    }

    /** The tombstone of 0.3.0's stream lock: an old append still running as the upgrade commits gets 40001 and retries. */
    @Test
    void aRetiredFunctionOfAnEarlierReleaseAnswersARetryableState(SorDatabase db) throws Exception {
        java.sql.SQLException e = dev.pgsor.testkit.SorAssertions.assertRefused("40001",
                () -> db.scalar("select sor.lock_stream('acme', 'expense-1', true)"));
        assertThat(e.getMessage()).contains("pg-sor was upgraded while this call ran").contains("'expense-1'");
        assertThat(db.count("select count(*) from sor.streams where stream = 'expense-1'")).isZero();
    }

    @Test
    void thereIsAManifestForThisReleaseAndEveryEarlierOne() throws Exception {
        assertThat(allReleases()).contains(SorSchema.version()).containsAll(earlierReleases());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allReleases")
    void theDigestLineIsTheSha256OfEveryLineBeforeIt(String version) throws Exception {
        String text = Files.readString(committed(version), StandardCharsets.UTF_8);
        String body = text.substring(0, text.lastIndexOf('\n', text.length() - 2) + 1);
        String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8)));
        assertThat(text.substring(body.length())).isEqualTo("{\"digest\":\"sha256:" + hex + "\"}\n");
        ReleaseManifest manifest = ReleaseManifest.parse(text);
        assertThat(manifest.version()).isEqualTo(version);
        assertThat(manifest.digest()).isEqualTo("sha256:" + hex);
        assertThat(manifest.render()).isEqualTo(text);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allReleases")
    void theSchemaArtifactCarriesTheManifest(String version) throws Exception {
        assertThat(Releases.bundled(version)).as(SorSchema.releaseManifest(version))
                .isEqualTo(Files.readString(committed(version), StandardCharsets.UTF_8));
    }

    @Test
    void anEditedManifestIsRefusedByItsDigest() throws Exception {
        String text = Files.readString(committed(SorSchema.version()), StandardCharsets.UTF_8);
        String widened = text.replace("\"using\":\"(tenant_id IN ( SELECT sor_guard.current_tenants() AS current_tenants))\"",
                "\"using\":\"true\"");
        assertThat(widened).isNotEqualTo(text);
        assertThatThrownBy(() -> ReleaseManifest.parse(widened)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("the manifest's content does not match its digest line: it says "
                        + ReleaseManifest.parse(text).digest() + ", its content hashes to sha256:");
        assertThatThrownBy(() -> ReleaseManifest.parse(text.substring(0, text.lastIndexOf("{\"digest\""))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("its last line is not {\"digest\":\"sha256:...\"}");
    }
}

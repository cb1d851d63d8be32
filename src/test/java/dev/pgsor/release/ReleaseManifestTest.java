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

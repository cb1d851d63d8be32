package dev.pgsor.release;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.cli.CliRunner;
import dev.pgsor.db.ReleaseManifest;
import dev.pgsor.schema.SorSchema;
import dev.pgsor.support.Repo;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * One version everywhere: the Maven project of every module (examples/consumer included), the
 * schema artifact's version resource (which the CLI's --version, the MCP server's serverInfo and
 * the jar manifests' Implementation-Version come from), sor_api.contract_version() on a fresh
 * install, the newest released section of the CHANGELOG and the release manifest.
 */
@SorTest
class ReleaseVersionTest {

    /** The root pom.xml and the pom.xml of every module it lists. */
    static List<String> poms() throws Exception {
        String root = Files.readString(Repo.path("pom.xml"), StandardCharsets.UTF_8).replaceAll("(?s)<!--.*?-->", "");
        List<String> poms = new java.util.ArrayList<>(List.of("pom.xml"));
        Matcher module = Pattern.compile("<module>([^<]+)</module>").matcher(root);
        while (module.find()) {
            poms.add(module.group(1).strip() + "/pom.xml");
        }
        assertThat(poms).as("the root pom lists the modules").contains("schema/pom.xml", "app/pom.xml", "examples/consumer/pom.xml");
        return poms;
    }

    /** The version each pom.xml names for its project (the root's own, a module's parent's). */
    static Map<String, String> pomVersions() throws Exception {
        Map<String, String> versions = new LinkedHashMap<>();
        Pattern root = Pattern.compile("<artifactId>pg-sor-parent</artifactId>\\s*<version>([^<]+)</version>");
        for (String pom : poms()) {
            String xml = Files.readString(Repo.path(pom), StandardCharsets.UTF_8).replaceAll("(?s)<!--.*?-->", "");
            Matcher m = root.matcher(xml);
            assertThat(m.find()).as(pom + " names the version of pg-sor-parent").isTrue();
            versions.put(pom, m.group(1));
        }
        return versions;
    }

    /** The newest released section of the CHANGELOG, with [Unreleased] above it. */
    static String changelogVersion() throws Exception {
        List<String> sections = Files.readAllLines(Repo.path("CHANGELOG.md"), StandardCharsets.UTF_8).stream()
                .filter(l -> l.startsWith("## ")).toList();
        assertThat(sections.get(0)).as("the CHANGELOG's first section").isEqualTo("## [Unreleased]");
        Matcher m = Pattern.compile("## \\[(\\d+\\.\\d+\\.\\d+)\\] - \\d{4}-\\d{2}-\\d{2}").matcher(sections.get(1));
        assertThat(m.matches()).as("the CHANGELOG's second section names a release and its date: " + sections.get(1)).isTrue();
        return m.group(1);
    }

    @Test
    void everyPlaceNamesTheSameRelease(SorDatabase db) throws Exception {
        Map<String, String> versions = new LinkedHashMap<>();
        pomVersions().forEach((pom, v) -> versions.put(pom, v));
        versions.put("SorSchema.version() (pgsor/version.properties)", SorSchema.version());
        versions.put("sor_api.contract_version() on a fresh install", (String) db.scalar("select sor_api.contract_version()"));
        versions.put("CHANGELOG.md's newest release", changelogVersion());
        CliRunner.Run cli = CliRunner.run("--version");
        assertThat(cli.status()).isZero();
        assertThat(cli.out()).startsWith("pg-sor ").endsWith("\n");
        versions.put("pg-sor --version", cli.out().substring("pg-sor ".length()).strip());
        String pom = versions.get("pom.xml");
        Path manifest = Repo.path("releases", pom, "manifest.json");
        assertThat(manifest).as("the release manifest of " + pom).isRegularFile();
        versions.put("releases/" + pom + "/manifest.json", ReleaseManifest.parse(Files.readString(manifest, StandardCharsets.UTF_8)).version());
        // the schema artifact's jar manifest, when the tests run on the packaged jar (./mvnw verify)
        // (read from the jar itself: the package dev.pgsor.schema also has test classes here, without a manifest)
        Path schemaJar = Path.of(SorSchema.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (schemaJar.getFileName().toString().endsWith(".jar")) {
            try (JarFile jar = new JarFile(schemaJar.toFile())) {
                versions.put("Implementation-Version of " + schemaJar.getFileName(),
                        jar.getManifest().getMainAttributes().getValue("Implementation-Version"));
            }
        }
        assertThat(versions).as("every place names release " + pom + ": " + versions).allSatisfy((where, v) ->
                assertThat(v).as(where).isEqualTo(pom));
        assertThat(pom).as("a release is not a snapshot").matches("\\d+\\.\\d+\\.\\d+");
    }
}

package dev.pgsor.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.contract.Contract;
import dev.pgsor.support.Repo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/domains.md, and the two example modules, use nothing of sor and sor_guard outside the domain
 * author's surface as db/contract.txt records it (its "surface" section: the objects, and the types
 * their functions return). ContractTest keeps that file equal to the live contract.
 */
class DomainSurfaceDocTest {

    /** A qualified kit name: sor.x or sor_guard.x, not part of a longer name (sor_api.x, a.sor.x). */
    private static final Pattern KIT_NAME = Pattern.compile("(?<![A-Za-z0-9_$.\"])(sor|sor_guard)\\.([a-z_][a-z0-9_$]*)");
    private static final Pattern HEADER = Pattern.compile("surface (?:function|table) ([a-z_]+\\.[a-z_0-9$]+)\\b.*");
    private static final Pattern RETURNS = Pattern.compile("returns: (?:SETOF )?([a-z_]+\\.[a-z_0-9$]+)");

    /** The names the surface section of db/contract.txt allows. */
    static Set<String> surfaceNames() throws Exception {
        Contract contract = Contract.parse(Files.readString(Repo.path("db", "contract.txt"), StandardCharsets.UTF_8));
        Set<String> names = new TreeSet<>();
        contract.blocks().forEach((header, lines) -> {
            Matcher h = HEADER.matcher(header);
            if (!h.matches()) {
                return;
            }
            names.add(h.group(1));
            for (String line : lines) {
                Matcher r = RETURNS.matcher(line);
                if (r.matches()) {
                    names.add(r.group(1));
                }
            }
        });
        return names;
    }

    /** Every qualified sor. and sor_guard. name in the text. */
    static Set<String> kitNames(String text) {
        Set<String> out = new TreeSet<>();
        Matcher m = KIT_NAME.matcher(text);
        while (m.find()) {
            out.add(m.group(1) + "." + m.group(2));
        }
        return out;
    }

    @Test
    void theContractRecordsTheSurfaceAModuleIsWrittenAgainst() throws Exception {
        assertThat(surfaceNames()).contains("sor.append_event", "sor.events", "sor.enqueue_outbox", "sor.enqueue_task",
                "sor.register_tool", "sor.ensure_policy", "sor_guard.current_tenants", "sor_guard.tg_events__refuse_change",
                "sor.tenants", "sor.append_only_tables");
    }

    @Test
    void theScanFindsKitNamesAndOnlyThem() {
        assertThat(kitNames("insert into sor.tasks values (1); select sor_api.certify(), x.sor.y, sor_guard.pause(true) -- `sor.queues`"))
                .containsExactly("sor.queues", "sor.tasks", "sor_guard.pause");
    }

    @Test
    void docsDomainsUsesNothingOutsideTheSurface() throws Exception {
        Set<String> used = kitNames(RunnableDocs.read("docs/domains.md"));
        assertThat(used).as("the kit names docs/domains.md uses").hasSizeGreaterThanOrEqualTo(8);
        assertThat(used).as("kit names in docs/domains.md outside the surface of db/contract.txt").isSubsetOf(surfaceNames());
    }

    @Test
    void theExampleModulesUseNothingOutsideTheSurface() throws Exception {
        List<Path> scripts = new ArrayList<>();
        for (Path dir : List.of(Repo.path("examples", "reconciler", "db"), Repo.path("examples", "consumer", "src", "main", "resources"))) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.filter(f -> f.toString().endsWith(".sql")).sorted().forEach(scripts::add);
            }
        }
        assertThat(scripts).hasSizeGreaterThanOrEqualTo(8);
        Set<String> allowed = surfaceNames();
        for (Path script : scripts) {
            String code = Files.readString(script, StandardCharsets.UTF_8).replaceAll("(?m)--.*$", "");
            assertThat(kitNames(code)).as("kit names in " + Repo.root().relativize(script) + " outside the surface").isSubsetOf(allowed);
        }
    }
}

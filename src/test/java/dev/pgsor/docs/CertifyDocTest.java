package dev.pgsor.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.db.Certification;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import java.sql.Connection;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/certify.md lists every check certify() prints, by property and by the exact name it prints,
 * and nothing else: the table is the one place the checks are described.
 */
@SorTest(reconciler = true)
class CertifyDocTest {

    private static final Pattern ROW = Pattern.compile(
            "(?m)^\\|\\s*(durable|addressable|governed|replayable|inspectable|policy-bound)\\s*\\|\\s*([^|]+?)\\s*\\|");

    @Test
    void docsCertifyListsExactlyTheChecksCertifyPrints(SorDatabase db) throws Exception {
        Set<String> printed = new TreeSet<>();
        try (Connection c = db.admin().connect()) {
            Certification.run(c).forEach(r -> printed.add(r.property() + " | " + r.check()));
        }
        Set<String> documented = new TreeSet<>();
        Matcher m = ROW.matcher(RunnableDocs.read("docs/certify.md"));
        while (m.find()) {
            documented.add(m.group(1) + " | " + m.group(2));
        }
        assertThat(documented).as("checks in docs/certify.md").containsExactlyElementsOf(printed);
    }
}

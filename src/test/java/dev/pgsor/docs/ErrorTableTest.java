package dev.pgsor.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.contract.ErrorTable;
import dev.pgsor.support.Repo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/errors.md and the SQL agree: every SQLSTATE of class SR that a file under db/ or
 * examples/reconciler/db/ raises has a row in the table, every row is raised somewhere, and no
 * retired code is raised again.
 */
class ErrorTableTest {

    private static final Pattern RAISED = Pattern.compile("errcode\\s*=\\s*'(SR[0-9A-Z]{3})'");
    private static final Pattern RETIRED = Pattern.compile("(?m)^Retired:(.*)$");
    private static final Pattern CODE = Pattern.compile("(SR[0-9A-Z]{3}) \\(");

    /** Code to the first file that raises it. */
    private static TreeMap<String, String> raised() {
        TreeMap<String, String> out = new TreeMap<>();
        for (String dir : new String[] {"db", "examples/reconciler/db"}) {
            try (Stream<Path> files = Files.walk(Repo.path(dir))) {
                files.filter(p -> p.toString().endsWith(".sql")).sorted().forEach(p -> {
                    Matcher m = RAISED.matcher(read(p));
                    while (m.find()) {
                        out.putIfAbsent(m.group(1), Repo.root().relativize(p).toString());
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    private static Set<String> documented() {
        return ErrorTable.documentedCodes(RunnableDocs.read("docs/errors.md"));
    }

    private static Set<String> retired() {
        Set<String> out = new TreeSet<>();
        Matcher line = RETIRED.matcher(RunnableDocs.read("docs/errors.md"));
        while (line.find()) {
            Matcher m = CODE.matcher(line.group(1));
            while (m.find()) {
                out.add(m.group(1));
            }
        }
        return out;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void everyRaisedSqlstateHasARowInDocsErrors() {
        TreeMap<String, String> missing = raised();
        missing.keySet().removeAll(documented());
        assertThat(missing).as("SQLSTATEs raised in the SQL (code=file) without a row in docs/errors.md").isEmpty();
    }

    @Test
    void everyRowOfDocsErrorsIsRaisedSomewhere() {
        Set<String> extra = new TreeSet<>(documented());
        extra.removeAll(raised().keySet());
        assertThat(extra).as("rows of docs/errors.md that no file under db/ or examples/reconciler/db/ raises").isEmpty();
        assertThat(documented()).as("rows of docs/errors.md").hasSizeGreaterThan(50);
    }

    @Test
    void retiredSqlstatesAreNotRaisedAndHaveNoRow() {
        Set<String> retired = retired();
        assertThat(retired).as("the Retired: line of docs/errors.md").isNotEmpty();
        assertThat(retired).doesNotContainAnyElementsOf(raised().keySet()).doesNotContainAnyElementsOf(documented());
    }
}

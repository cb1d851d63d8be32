package dev.pgsor.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.support.Repo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README stays a front door: small, and linking every page under docs/; every relative link
 * in the README and docs/ reaches a file of the repository, and every anchor a heading of its page.
 */
class DocLinksTest {

    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

    /**
     * Pages other changes are writing at the same time (install and managed services, the CLI, the
     * MCP server). Links to them are allowed before they land; once a page exists it is checked
     * like every other.
     */
    private static final Set<String> WRITTEN_ALONGSIDE = Set.of("docs/operate/install.md", "docs/operate/cli.md", "docs/mcp.md");

    /** Relative link targets of a page (file, or file#anchor), without external links. */
    private static List<String> targets(String page) {
        List<String> out = new ArrayList<>();
        Matcher m = LINK.matcher(RunnableDocs.read(page));
        while (m.find()) {
            String target = m.group(1);
            if (!target.matches("^[a-z]+:.*")) {
                out.add(target);
            }
        }
        return out;
    }

    private static List<String> links(String page) {
        List<String> out = new ArrayList<>();
        for (String target : targets(page)) {
            int hash = target.indexOf('#');
            if (hash != 0) {
                out.add(hash < 0 ? target : target.substring(0, hash));
            }
        }
        return out;
    }

    /** The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces as hyphens. */
    private static Set<String> anchors(String file) {
        Set<String> out = new HashSet<>();
        boolean fence = false;
        for (String line : RunnableDocs.read(file).split("\n")) {
            if (line.startsWith("```")) {
                fence = !fence;
            } else if (!fence && line.startsWith("#")) {
                String title = line.replaceFirst("^#+\\s*", "").toLowerCase(Locale.ROOT);
                out.add(title.replaceAll("[^a-z0-9 _-]", "").replace(' ', '-'));
            }
        }
        return out;
    }

    private static String resolve(String page, String target) {
        Path base = Repo.path(page).getParent();
        return Repo.root().relativize(base.resolve(target).normalize()).toString().replace('\\', '/');
    }

    @Test
    void everyRelativeLinkReachesAFile() {
        List<String> broken = new ArrayList<>();
        for (String page : RunnableDocs.pages()) {
            for (String target : links(page)) {
                String file = resolve(page, target);
                if (!Files.exists(Repo.path(file)) && !WRITTEN_ALONGSIDE.contains(file)) {
                    broken.add(page + " -> " + target);
                }
            }
        }
        assertThat(broken).as("links to files that do not exist").isEmpty();
    }

    @Test
    void everyAnchorNamesAHeadingOfItsPage() {
        List<String> broken = new ArrayList<>();
        for (String page : RunnableDocs.pages()) {
            for (String target : targets(page)) {
                int hash = target.indexOf('#');
                if (hash < 0) {
                    continue;
                }
                String file = hash == 0 ? page : resolve(page, target.substring(0, hash));
                if (Files.exists(Repo.path(file)) && file.endsWith(".md") && !anchors(file).contains(target.substring(hash + 1))) {
                    broken.add(page + " -> " + target);
                }
            }
        }
        assertThat(broken).as("links to headings that do not exist").isEmpty();
    }

    @Test
    void readmeLinksEveryDocsPage() {
        List<String> linked = links("README.md").stream().map(t -> resolve("README.md", t)).toList();
        List<String> pages = new ArrayList<>(RunnableDocs.pages().stream().filter(p -> p.startsWith("docs/")).toList());
        pages.addAll(WRITTEN_ALONGSIDE);
        assertThat(linked).as("pages the README links").containsAll(pages);
    }

    @Test
    void readmeStaysUnder20000Bytes() throws IOException {
        assertThat(Files.size(Repo.path("README.md"))).isLessThan(20_000L);
    }
}

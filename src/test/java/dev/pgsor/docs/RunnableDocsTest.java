package dev.pgsor.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.pgsor.docs.RunnableDocs.Block;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every SQL block the README and docs/ mark runnable runs, page by page and in page order, as the
 * role its marker names, in a fresh migrated database (see {@link RunnableDocs} for the marker).
 * The last tests prove the check can fail.
 */
@SorTest(reconciler = true)
class RunnableDocsTest {

    @TestFactory
    Stream<DynamicTest> everyRunnableBlockRunsAsItsRoleInPageOrder(SorDatabase db) {
        return RunnableDocs.pages().stream()
                .map(page -> new Page(page, RunnableDocs.blocks(page, RunnableDocs.read(page))))
                .filter(p -> !p.blocks().isEmpty())
                .map(p -> dynamicTest(p.file() + " (" + p.blocks().size() + " blocks)", () -> {
                    try (SorDatabase fresh = db.fresh()) {
                        RunnableDocs.run(fresh, p.blocks());
                    }
                }));
    }

    @Test
    void readmeAndEveryApiPageHaveRunnableExamples() {
        List<String> pages = RunnableDocs.pages().stream()
                .filter(p -> p.equals("README.md") || p.startsWith("docs/api/"))
                .toList();
        assertThat(pages).contains("README.md").anyMatch(p -> p.startsWith("docs/api/"));
        assertThat(pages).allSatisfy(p ->
                assertThat(RunnableDocs.blocks(p, RunnableDocs.read(p))).as(p + " has runnable blocks").isNotEmpty());
    }

    @Test
    void aFailingBlockFailsItsPageNamingTheLine(SorDatabase db) {
        List<Block> blocks = RunnableDocs.blocks("broken.md", """
                # A page with a mistake

                <!-- run as: admin -->
                ```sql
                select sor_api.add_tenant('acme', 'Acme Corp');
                create role docs_broken_worker login;
                grant sor_worker to docs_broken_worker;
                select sor_api.register_worker('docs_broken_worker', 'expense-reconciler');
                select sor_api.add_member('acme', 'docs_broken_worker');
                ```

                <!-- run as: docs_broken_worker -->
                ```sql
                select * from sor_api.append_event('acme', 'expense-42', 'ExpenseCategorised', '{}', '{}', 3);
                ```
                """);
        try (SorDatabase fresh = db.fresh()) {
            assertThatThrownBy(() -> RunnableDocs.run(fresh, blocks))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("broken.md:14 (as docs_broken_worker)")
                    .hasMessageContaining("SR013");
        }
        assertThat(db.scalar("select count(*) from pg_roles where rolname = 'docs_broken_worker'")).isEqualTo(0L);
    }

    @Test
    void aBlockExpectedToBeRefusedFailsItsPageWhenItSucceeds(SorDatabase db) {
        List<Block> blocks = RunnableDocs.blocks("lenient.md", """
                <!-- run as: admin, expect SR002 -->
                ```sql
                select sor_api.add_tenant('acme', 'Acme Corp');
                ```
                """);
        try (SorDatabase fresh = db.fresh()) {
            assertThatThrownBy(() -> RunnableDocs.run(fresh, blocks))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("lenient.md:3")
                    .hasMessageContaining("expected SQLSTATE SR002");
        }
    }

    @Test
    void aBlockMustRunAsARoleThePageCreatedAndUseOnlyThePsqlSubset(SorDatabase db) {
        try (SorDatabase fresh = db.fresh()) {
            assertThatThrownBy(() -> RunnableDocs.run(fresh, RunnableDocs.blocks("stranger.md", """
                    <!-- run as: nobody_made_me -->
                    ```sql
                    select 1;
                    ```
                    """))).isInstanceOf(AssertionError.class).hasMessageContaining("stranger.md:3");
            assertThatThrownBy(() -> RunnableDocs.run(fresh, RunnableDocs.blocks("meta.md", """
                    <!-- run as: admin -->
                    ```sql
                    \\c - alice
                    ```
                    """))).isInstanceOf(AssertionError.class).hasMessageContaining("meta.md:3");
            assertThatThrownBy(() -> RunnableDocs.run(fresh, RunnableDocs.blocks("unset.md", """
                    <!-- run as: admin -->
                    ```sql
                    select sor_api.run_report(:'run_id');
                    ```
                    """))).isInstanceOf(AssertionError.class).hasMessageContaining("unset.md:3");
        }
    }

    @Test
    void markersAreExactAndStandRightBeforeASqlFence() {
        assertThatThrownBy(() -> RunnableDocs.blocks("typo.md", "<!-- run as admin -->\n```sql\nselect 1;\n```\n"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("typo.md:1");
        assertThatThrownBy(() -> RunnableDocs.blocks("gap.md", "<!-- run as: admin -->\n\n```sql\nselect 1;\n```\n"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("gap.md:1");
        assertThat(RunnableDocs.blocks("ok.md", "```sql\nselect 'unmarked';\n```\n<!-- run as: admin -->\n```sql\nselect 1;\n```\n"))
                .singleElement().satisfies(b -> {
                    assertThat(b.line()).isEqualTo(6);
                    assertThat(b.role()).isEqualTo("admin");
                    assertThat(b.sql()).isEqualTo("select 1;\n");
                });
    }

    private record Page(String file, List<Block> blocks) { }
}

package dev.pgsor.testkit;

import dev.pgsor.schema.SorSchema;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 extension behind {@link SorTest}: resolves {@link SorDatabase} parameters with the
 * test class's own database, created on first use and closed after the class (nested classes
 * share their enclosing class's database).
 *
 * <p>The server is chosen once per JVM by system properties: {@code -Dsor.test.url=jdbc:...}
 * with {@code sor.test.user} and {@code sor.test.password} (an existing server; the user must be a
 * superuser, it creates databases and login roles), {@code -Dsor.test.image=postgres:17}
 * (Testcontainers, which the build then adds as a test dependency), else an embedded server.
 *
 * <p>To migrate your own modules after the kernel, register it on a static field:
 * <pre>{@code
 * @RegisterExtension
 * static final SorExtension SOR = SorExtension.migrating(SorSchema.KERNEL, MySchema.MODULE);
 * }</pre>
 */
public final class SorExtension implements ParameterResolver, AfterAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SorExtension.class);
    private static final String KEY = "database";

    private final List<SorSchema.Module> modules;

    /** The extension as {@link SorTest} registers it: the kernel, and the reconciler if the annotation asks. */
    public SorExtension() {
        this.modules = null;
    }

    private SorExtension(List<SorSchema.Module> modules) {
        this.modules = modules;
    }

    /**
     * An extension whose databases have these modules migrated, in order; the first must be
     * {@link SorSchema#KERNEL}. Each distinct list is migrated once per JVM.
     */
    public static SorExtension migrating(SorSchema.Module... modules) {
        List<SorSchema.Module> list = List.of(modules);
        if (list.isEmpty() || !list.get(0).equals(SorSchema.KERNEL)) {
            throw new IllegalArgumentException("the kernel is migrated first: " + list);
        }
        return new SorExtension(list);
    }

    /** Resolves parameters of type {@link SorDatabase}. */
    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == SorDatabase.class;
    }

    /** The test class's database, created (cloned from its template) on first use. */
    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return database(context);
    }

    /** Drops the class's database and its login roles. */
    @Override
    public void afterAll(ExtensionContext context) {
        SorDatabase db = context.getStore(NAMESPACE).remove(KEY, SorDatabase.class);
        if (db != null) {
            db.close();
        }
    }

    private SorDatabase database(ExtensionContext context) {
        ExtensionContext classContext = context;
        while (classContext.getTestMethod().isPresent()) {
            classContext = classContext.getParent().orElseThrow();
        }
        List<SorSchema.Module> wanted = modules != null ? modules : modulesOf(classContext);
        return classContext.getStore(NAMESPACE).getOrComputeIfAbsent(KEY,
                k -> SorServer.get().freshDatabase(wanted), SorDatabase.class);
    }

    private static List<SorSchema.Module> modulesOf(ExtensionContext context) {
        boolean reconciler = context.getTestClass()
                .flatMap(c -> AnnotationSupport.findAnnotation(c, SorTest.class))
                .map(SorTest::reconciler).orElse(false);
        return reconciler ? SorSchema.ALL : List.of(SorSchema.KERNEL);
    }
}

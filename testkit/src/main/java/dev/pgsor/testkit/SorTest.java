package dev.pgsor.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test class on a migrated pg-sor database: {@link SorExtension} injects a {@link SorDatabase}
 * (one per class, cloned from a template migrated once per JVM) into constructors, lifecycle and
 * test methods, and drops it with its login roles after the class. To migrate modules of your
 * own after the kernel, register {@link SorExtension#migrating} instead.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(SorExtension.class)
public @interface SorTest {

    /** Also migrate the Expense Reconciler reference domain after the kernel. */
    boolean reconciler() default false;
}

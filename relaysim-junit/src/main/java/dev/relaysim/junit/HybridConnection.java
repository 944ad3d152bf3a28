package dev.relaysim.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A hybrid connection of a {@link RelaysimTest} gateway. */
@Target({})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface HybridConnection {

    /** Its name (entity path), such as {@code orders} or {@code orders/eu}. */
    String value();

    /** Its namespace, one of {@link RelaysimTest#namespaces()}; empty: the default (first) namespace. */
    String namespace() default "";

    /** Whether senders need a token (as in Azure; {@code false} lets senders in without one). */
    boolean requiresClientAuthorization() default true;
}

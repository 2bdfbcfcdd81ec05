package org.herald.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The documentation of one configuration key; {@code docs/configuration.md} is generated from these. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Doc {
    String value();

    /** Extra environment variable names that set this key (besides the generated {@code HERALD_<PATH>}). */
    String[] aliases() default {};

    /** A secret: never printed in logs or in {@code herald config show}. */
    boolean secret() default false;
}

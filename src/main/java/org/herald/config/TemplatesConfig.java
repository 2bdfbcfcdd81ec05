package org.herald.config;

import java.util.Objects;

public record TemplatesConfig(
        @Doc("Directory of the templates: `<dir>/<name>/<lang>/subject|text|html.(mustache|xsl)`. Unset: "
                + "`<data_dir>/templates`.")
        String dir,
        @Doc("Language used when a notification's `lang` has no version of the template.")
        String defaultLang) {

    public static final String DEFAULT_LANG = "en";

    public TemplatesConfig {
        defaultLang = Objects.requireNonNullElse(defaultLang, DEFAULT_LANG);
    }
}

package org.herald.config;

import java.util.Map;
import java.util.Objects;

public record TemplatesConfig(
        @Doc("Directory of the templates: `<dir>/<name>/<lang>/subject|text|html.(mustache|xsl|tpl)` (`tpl`: XSLT when "
                + "the file is a stylesheet, else Mustache). Unset: `<data_dir>/templates`.")
        String dir,
        @Doc("Language used when a notification's `lang` has no version of the template.")
        String defaultLang,
        @Doc("Macros replaced in every rendered template, after the engine: `%NAME%` becomes the value of `NAME` "
                + "(names in capitals, digits and _; a `%WORD%` that is not a macro stays as it is). As an environment "
                + "variable, a JSON object.")
        Map<String, String> macros) {

    public static final String DEFAULT_LANG = "en";

    public TemplatesConfig {
        defaultLang = Objects.requireNonNullElse(defaultLang, DEFAULT_LANG);
        macros = macros == null ? Map.of() : Map.copyOf(macros);
    }
}

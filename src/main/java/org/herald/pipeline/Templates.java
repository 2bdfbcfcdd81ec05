package org.herald.pipeline;

/**
 * Renders a named template into a title and text. The template engine (XSLT, Mustache, per-language files) plugs in
 * here; until one is configured every template name is unknown.
 */
public interface Templates {
    /** The title (null: keep the request's), the text, and its HTML form (null: the template has none). */
    record Rendered(String title, String text, String html) {}

    /**
     * @throws org.herald.core.InvalidRequestException {@code unknown_template} (field {@code template}) when there is
     *         no such template, {@code template_error} when it fails to render
     */
    Rendered render(NotificationRequest request);

    static Templates none() {
        return request -> {
            throw new org.herald.core.InvalidRequestException("unknown_template", "template",
                    "no template named '" + request.template() + "' (no templates are configured)");
        };
    }
}

package org.herald.template;

import org.herald.core.InvalidRequestException;

/** A template that cannot be compiled or rendered; the message names the template, the file and the line. */
public final class TemplateException extends InvalidRequestException {
    public TemplateException(String message) {
        super("template_error", "template", message);
    }
}

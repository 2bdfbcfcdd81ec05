package org.herald.pipeline;

import java.util.List;
import org.herald.core.InvalidRequestException;
import org.herald.core.Notification;

/**
 * A notification's content for one recipient. A notification that names a template but no language was rendered in
 * the default language when it was accepted; a recipient with a language of their own gets it rendered again in that
 * language (falling back as templates do). The template sees the notification's type, title and data.
 */
public final class RecipientContent {
    private final Templates templates;
    private final String defaultLang;

    public RecipientContent(Templates templates, String defaultLang) {
        this.templates = templates;
        this.defaultLang = defaultLang;
    }

    /**
     * @throws InvalidRequestException when the recipient's version of the template fails to render (a missing
     *         variable, a broken file, the template removed since): the message names the template, file and line
     */
    public Templates.Rendered of(Notification n, String recipientLang) {
        if (n.template() == null || n.lang() != null || recipientLang == null || recipientLang.equals(defaultLang)) {
            return new Templates.Rendered(n.title(), n.text(), n.html());
        }
        NotificationRequest req = new NotificationRequest(List.of(), n.type(), n.title(), null, n.data(), n.template(),
                recipientLang, null, n.priority(), null, null, n.provider(), null);
        Templates.Rendered r = templates.render(req);
        return new Templates.Rendered(r.title() != null ? r.title() : n.title(), r.text(), r.html());
    }
}

package org.herald.telephony.ami;

import org.asteriskjava.manager.action.AbstractManagerAction;
import org.asteriskjava.manager.action.EventGeneratingAction;
import org.asteriskjava.manager.event.ResponseEvent;

/**
 * {@code Action: ExtensionStateList}: every hint's state as ExtensionStatus events, then ExtensionStateListComplete.
 * asterisk-java does not ship it.
 */
public final class ExtensionStateListAction extends AbstractManagerAction implements EventGeneratingAction {
    private static final long serialVersionUID = 1L;

    @Override
    public String getAction() {
        return "ExtensionStateList";
    }

    @Override
    public Class<? extends ResponseEvent> getActionCompleteEventClass() {
        return ExtensionStateListCompleteEvent.class;
    }
}
